/* buf.c - growable byte buffer with a maximum size. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "error.h"

void hl_buf_init(struct hl_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

static int reserve(struct hl_buf *b, size_t n)
{
	size_t want, cap;
	unsigned char *p;

	if (n > b->max || b->len > b->max - n)
		return -HL_ETOOBIG;
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int hl_buf_append(struct hl_buf *b, const void *p, size_t n)
{
	int r = reserve(b, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int hl_buf_puts(struct hl_buf *b, const char *s)
{
	return hl_buf_append(b, s, strlen(s));
}

int hl_buf_printf(struct hl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	r = reserve(b, (size_t)n);
	if (r < 0)
		return r;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int hl_buf_b64(struct hl_buf *b, const void *p, size_t n)
{
	size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	int r = reserve(b, need);

	if (r < 0)
		return r;
	sodium_bin2base64((char *)b->data + b->len, need, p, n,
			  sodium_base64_VARIANT_ORIGINAL);
	b->len += need - 1;
	return 0;
}

unsigned char *hl_buf_steal(struct hl_buf *b, size_t *len)
{
	unsigned char *p = b->data;

	if (len)
		*len = b->len;
	hl_buf_init(b, b->max);
	return p;
}

void hl_buf_free(struct hl_buf *b)
{
	if (!b)
		return;
	free(b->data);
	hl_buf_init(b, b->max);
}

/* fuzz_httphead.c - libFuzzer target for hl_http_head_intact.
 *
 * The input, split at its LF bytes, gives a method, a target, a version
 * and field names and values (NUL, CR, blanks and colons dropped from
 * them).  The target lays them out as libmicrohttpd 0.9.75 leaves a
 * parsed head (a 0 over each separator, two over each CR LF), which must
 * be intact; then, as if the client had sent a NUL byte inside one of
 * the strings (the place chosen by the input's first two bytes), it
 * zeroes that byte, and the head must no longer be intact.  Arbitrary
 * bytes with pointers the input chooses must never be read out of
 * bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httphead.h"

#define FIELDS_MAX 16
#define BLOCK_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct built {
	char block[BLOCK_MAX];
	size_t n;
	const char *key[FIELDS_MAX], *value[FIELDS_MAX];
	size_t nfields;
	const char *url, *version;
	size_t marks[2 * FIELDS_MAX + 3][2];	/* each string: start, length */
	size_t nmarks;
};

/* Appends the next token of data (up to LF), without the bytes a
 * parsed string cannot hold; false when nothing is left or no room. */
static bool token(struct built *b, const uint8_t **p, const uint8_t *end, const char *fallback)
{
	size_t start = b->n;

	while (*p < end && **p != '\n') {
		uint8_t c = *(*p)++;

		if (c != 0 && c != '\r' && c != ' ' && c != '\t' && c != ':' && c != '?' &&
		    b->n < BLOCK_MAX - 8)
			b->block[b->n++] = (char)c;
	}
	if (*p < end)
		(*p)++;
	if (b->n == start) {
		size_t k = strlen(fallback);

		if (b->n + k >= BLOCK_MAX - 8)
			return false;
		memcpy(b->block + b->n, fallback, k);
		b->n += k;
	}
	b->marks[b->nmarks][0] = start;
	b->marks[b->nmarks++][1] = b->n - start;
	return true;
}

static void zeros(struct built *b, size_t k)
{
	while (k--)
		b->block[b->n++] = 0;
}

static bool build(struct built *b, const uint8_t *p, const uint8_t *end)
{
	memset(b, 0, sizeof(*b));
	if (!token(b, &p, end, "GET"))
		return false;
	zeros(b, 1);
	b->url = b->block + b->n;
	if (!token(b, &p, end, "/"))
		return false;
	zeros(b, 1);
	b->version = b->block + b->n;
	if (!token(b, &p, end, "HTTP/1.1"))
		return false;
	zeros(b, 2);
	while (p < end && b->nfields < FIELDS_MAX && b->n < BLOCK_MAX - 64) {
		b->key[b->nfields] = b->block + b->n;
		if (!token(b, &p, end, "X"))
			return false;
		zeros(b, 1);
		b->block[b->n++] = ' ';
		b->value[b->nfields++] = b->block + b->n;
		if (!token(b, &p, end, "v"))
			return false;
		zeros(b, 2);
	}
	zeros(b, 2);
	return true;
}

static struct hl_http_head head_of(const struct built *b)
{
	return (struct hl_http_head){
		.block = b->block, .n = b->n, .url = b->url, .version = b->version,
		.key = b->key, .value = b->value, .nfields = b->nfields,
	};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct built b;
	struct hl_http_head h;
	size_t pick, m, at;

	if (size < 2 || !build(&b, data + 2, data + size))
		return 0;
	h = head_of(&b);
	if (!hl_http_head_intact(&h))
		abort();
	pick = (size_t)data[0] << 8 | data[1];
	m = pick % b.nmarks;
	at = b.marks[m][0] + pick / b.nmarks % b.marks[m][1];
	b.block[at] = 0;
	if (hl_http_head_intact(&h))
		abort();
	/* Pointers anywhere in (or out of) the block: only no overread. */
	h.url = b.block + (pick % b.n);
	h.version = b.block + (pick * 7 % b.n);
	if (b.nfields)
		b.key[0] = b.block + (pick * 13 % b.n);
	(void)hl_http_head_intact(&h);
	return 0;
}

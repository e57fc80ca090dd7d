/* evstream.c - server-sent events, read field by field. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "error.h"
#include "evstream.h"
#include "text.h"

void hl_evstream_init(struct hl_evstream *s, size_t max,
		      void (*on_event)(void *ctx, const struct hl_evstream_event *ev),
		      void *ctx)
{
	memset(s, 0, sizeof(*s));
	hl_buf_init(&s->line, max);
	hl_buf_init(&s->data, max);
	s->on_event = on_event;
	s->ctx = ctx;
}

void hl_evstream_free(struct hl_evstream *s)
{
	hl_buf_free(&s->line);
	hl_buf_free(&s->data);
}

/* A blank line: the event gathered so far, if it has data. */
static void dispatch(struct hl_evstream *s)
{
	struct hl_evstream_event ev = {s->type[0] ? s->type : "message", s->id, "", 0};

	if (s->data.len) {
		s->data.len--;			/* the LF after the last data line */
		s->data.data[s->data.len] = 0;
		ev.data = (const char *)s->data.data;
		ev.len = s->data.len;
		s->on_event(s->ctx, &ev);
	}
	s->data.len = 0;
	s->type[0] = 0;
}

static void set_field(char out[HL_EVSTREAM_FIELD_MAX + 1], const char *v, size_t n)
{
	/* An id with a NUL is ignored, as the standard says; a longer
	 * value than we keep is none we gave. */
	if (n > HL_EVSTREAM_FIELD_MAX || memchr(v, 0, n))
		return;
	memcpy(out, v, n);
	out[n] = 0;
}

/* One whole line, without its end. */
static int line(struct hl_evstream *s, const char *p, size_t n)
{
	const char *colon = memchr(p, ':', n);
	size_t k = colon ? (size_t)(colon - p) : n;
	const char *v = colon ? colon + 1 : p + n;
	size_t vn = n - (size_t)(v - p);
	uint64_t ms;

	if (n == 0) {
		dispatch(s);
		return 0;
	}
	if (k == 0)
		return 0;			/* a comment */
	if (vn && *v == ' ') {
		v++;
		vn--;
	}
	if (k == 4 && memcmp(p, "data", 4) == 0) {
		int r = hl_buf_append(&s->data, v, vn);

		return r ? r : hl_buf_append(&s->data, "\n", 1);
	}
	if (k == 5 && memcmp(p, "event", 5) == 0)
		set_field(s->type, v, vn);
	else if (k == 2 && memcmp(p, "id", 2) == 0)
		set_field(s->id, v, vn);
	else if (k == 5 && memcmp(p, "retry", 5) == 0 &&
		 hl_parse_u64(v, vn, UINT32_MAX, &ms) == 0)
		s->retry_ms = ms;
	return 0;
}

/* The length of the run at p before a CR or LF. */
static size_t run(const unsigned char *p, size_t n)
{
	size_t k = 0;

	while (k < n && p[k] != '\r' && p[k] != '\n')
		k++;
	return k;
}

int hl_evstream_feed(struct hl_evstream *s, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i = 0;
	int r = 0;

	while (i < n && r == 0) {
		size_t k;

		if (s->cr) {
			s->cr = 0;
			if (b[i] == '\n') {	/* CR LF ends one line */
				i++;
				continue;
			}
		}
		k = run(b + i, n - i);
		r = hl_buf_append(&s->line, b + i, k);
		i += k;
		if (r < 0 || i == n)
			break;
		s->cr = b[i] == '\r';
		i++;
		r = line(s, s->line.len ? (const char *)s->line.data : "", s->line.len);
		s->line.len = 0;
	}
	return r;
}

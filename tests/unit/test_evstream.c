/* test_evstream.c - reading server-sent events: line ends, fields,
 * pieces of any size, caps. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "evstream.h"

struct seen {
	char log[2048];
	size_t n;
	int events;
};

static void on_event(void *ctx, const struct hl_evstream_event *ev)
{
	struct seen *s = ctx;

	assert_int_equal(strlen(ev->data), ev->len);
	s->n += (size_t)snprintf(s->log + s->n, sizeof(s->log) - s->n, "[%s|%s|%s]", ev->type,
				 ev->id, ev->data);
	s->events++;
}

static const char stream[] =
	"retry: 3000\n: hotline events\n\n"
	"id: 17\nevent: message\ndata: {\"a\":1}\n\n"
	": heartbeat\n\n"
	"id: 18\r\nevent: receipt\r\ndata: one\r\ndata:two\r\n\r\n"
	"id: 19\revent: ack\rdata: x\r\r"
	"data: untyped\n\n";

static const char want[] =
	"[message|17|{\"a\":1}][receipt|18|one\ntwo][ack|19|x][message|19|untyped]";

static void test_whole(void **state)
{
	struct hl_evstream es;
	struct seen s = {{0}, 0, 0};

	(void)state;
	hl_evstream_init(&es, 4096, on_event, &s);
	assert_int_equal(hl_evstream_feed(&es, stream, sizeof(stream) - 1), 0);
	assert_string_equal(s.log, want);
	assert_int_equal(es.retry_ms, 3000);
	hl_evstream_free(&es);
}

/* Every split in two, and byte by byte: the same events, since a CR at
 * the end of one piece and an LF at the start of the next are one
 * line end. */
static void test_pieces(void **state)
{
	(void)state;
	for (size_t cut = 0; cut <= sizeof(stream) - 1; cut++) {
		struct hl_evstream es;
		struct seen s = {{0}, 0, 0};

		hl_evstream_init(&es, 4096, on_event, &s);
		assert_int_equal(hl_evstream_feed(&es, stream, cut), 0);
		assert_int_equal(hl_evstream_feed(&es, stream + cut, sizeof(stream) - 1 - cut), 0);
		assert_string_equal(s.log, want);
		hl_evstream_free(&es);
	}
	{
		struct hl_evstream es;
		struct seen s = {{0}, 0, 0};

		hl_evstream_init(&es, 4096, on_event, &s);
		for (size_t i = 0; i < sizeof(stream) - 1; i++)
			assert_int_equal(hl_evstream_feed(&es, stream + i, 1), 0);
		assert_string_equal(s.log, want);
		hl_evstream_free(&es);
	}
}

static void test_caps_and_oddities(void **state)
{
	static const char odd[] = "data\n\nid: a\0b\ndata: x\n\nevent: "
		"0123456789012345678901234567890123456789012345678901234567890123456789\n"
		"data: y\n\n";
	char big[200];
	struct hl_evstream es;
	struct seen s = {{0}, 0, 0};

	(void)state;
	hl_evstream_init(&es, 4096, on_event, &s);
	/* "data" alone is an empty data line; an id with a NUL and a type
	 * longer than kept are ignored; no event without data. */
	assert_int_equal(hl_evstream_feed(&es, odd, sizeof(odd) - 1), 0);
	assert_string_equal(s.log, "[message||][message||x][message||y]");
	hl_evstream_free(&es);
	memset(big, 'a', sizeof(big));
	hl_evstream_init(&es, 100, on_event, &s);
	assert_int_equal(hl_evstream_feed(&es, big, sizeof(big)), -HL_ETOOBIG);
	hl_evstream_free(&es);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_caps_and_oddities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

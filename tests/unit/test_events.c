/* test_events.c - the event hub: ids, resuming, the ring, closing.
 *
 * What GET /v1/events promises rests here: a reader that resumes after
 * an id the hub holds gets each later event once and in order; one the
 * hub cannot serve (overtaken by the ring, an id of an earlier run, an
 * id from the future) gets one "missed" event; closing the hub ends a
 * reader that waits, at once.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "events.h"

static void publish_n(struct hl_events *h, int n)
{
	for (int i = 0; i < n; i++)
		hl_events_publish(h, "sent", json_pack("{s:i}", "n", i));
}

/* How many frames out holds, and the id of the last. */
static int frames(const struct hl_buf *out, uint64_t *last)
{
	const char *p = out->data ? (const char *)out->data : "";
	int n = 0;

	while ((p = strstr(p, "id: "))) {
		*last = strtoull(p + 4, NULL, 10);
		p += 4;
		n++;
	}
	return n;
}

static void test_frames_in_order(void **state)
{
	struct hl_events *h;
	struct hl_buf out;
	uint64_t start, after, last = 0;

	(void)state;
	assert_int_equal(hl_events_new(&h), 0);
	hl_buf_init(&out, 1 << 20);
	start = after = hl_events_last(h);
	hl_events_publish(h, "message", json_pack("{s:s}", "link", "ru-cert"));
	hl_events_publish(h, "receipt", json_pack("{s:s, s:i}", "link", "ru-cert", "size", 3));
	assert_int_equal(hl_events_read(h, &after, 0, &out), 2);
	assert_int_equal(after, start + 2);
	assert_non_null(strstr((char *)out.data, "event: message\ndata: {\"link\":\"ru-cert\","
					       "\"time\":"));
	assert_non_null(strstr((char *)out.data, "\nevent: receipt\n"));
	assert_int_equal(frames(&out, &last), 2);
	assert_int_equal(last, start + 2);
	/* Nothing more: the wait ends empty. */
	out.len = 0;
	assert_int_equal(hl_events_read(h, &after, 20, &out), 0);
	assert_int_equal(out.len, 0);
	hl_buf_free(&out);
	hl_events_free(h);
}

static void test_resume_exactly_once(void **state)
{
	struct hl_events *h;
	struct hl_buf out;
	uint64_t start, after, last = 0;

	(void)state;
	assert_int_equal(hl_events_new(&h), 0);
	hl_buf_init(&out, 1 << 20);
	start = hl_events_last(h);
	publish_n(h, 10);
	after = start + 4;
	assert_int_equal(hl_events_read(h, &after, 0, &out), 6);
	assert_int_equal(frames(&out, &last), 6);
	assert_int_equal(last, start + 10);
	assert_null(strstr((char *)out.data, "missed"));
	hl_buf_free(&out);
	hl_events_free(h);
}

static void test_overtaken_is_missed(void **state)
{
	struct hl_events *h;
	struct hl_buf out;
	uint64_t start, after, last = 0;
	int n, total = 0;

	(void)state;
	assert_int_equal(hl_events_new(&h), 0);
	hl_buf_init(&out, 1 << 22);
	start = after = hl_events_last(h);
	publish_n(h, HL_EVENTS_RING + 5);
	/* The first five are gone: one "missed", resuming at the last. */
	assert_int_equal(hl_events_read(h, &after, 0, &out), 1);
	assert_non_null(strstr((char *)out.data, "event: missed\n"));
	assert_int_equal(after, start + HL_EVENTS_RING + 5);
	assert_int_equal(frames(&out, &last), 1);
	assert_int_equal(last, after);
	/* The oldest held is served, all of the ring, in pieces. */
	after = start + 5;
	out.len = 0;
	while ((n = hl_events_read(h, &after, 0, &out)) > 0)
		total += n;
	assert_int_equal(total, HL_EVENTS_RING);
	assert_null(strstr((char *)out.data, "missed"));
	hl_buf_free(&out);
	hl_events_free(h);
}

static void test_other_runs_ids(void **state)
{
	struct hl_events *h, *next;
	struct timespec nap = {0, 2000000};
	struct hl_buf out;
	uint64_t after;

	(void)state;
	assert_int_equal(hl_events_new(&h), 0);
	hl_buf_init(&out, 1 << 20);
	publish_n(h, 3);
	/* A later run starts above every id of this one. */
	nanosleep(&nap, NULL);
	assert_int_equal(hl_events_new(&next), 0);
	assert_true(hl_events_last(next) > hl_events_last(h));
	after = hl_events_last(h);
	assert_int_equal(hl_events_read(next, &after, 0, &out), 1);
	assert_non_null(strstr((char *)out.data, "event: missed\n"));
	/* An id from the future, and 0, are no ids of this run either. */
	after = hl_events_last(next) + 100;
	assert_int_equal(hl_events_read(next, &after, 0, &out), 1);
	after = 0;
	assert_int_equal(hl_events_read(next, &after, 0, &out), 1);
	assert_int_equal(after, hl_events_last(next));
	hl_buf_free(&out);
	hl_events_free(h);
	hl_events_free(next);
}

struct waiter {
	struct hl_events *h;
	int result;
};

static void *wait_long(void *arg)
{
	struct waiter *w = arg;
	struct hl_buf out;
	uint64_t after = hl_events_last(w->h);

	hl_buf_init(&out, 4096);
	w->result = hl_events_read(w->h, &after, 60000, &out);
	hl_buf_free(&out);
	return NULL;
}

static void test_close_ends_waiters(void **state)
{
	struct waiter w = {NULL, 0};
	struct timespec t0, t1, nap = {0, 50000000};
	pthread_t t;

	(void)state;
	assert_int_equal(hl_events_new(&w.h), 0);
	assert_int_equal(pthread_create(&t, NULL, wait_long, &w), 0);
	nanosleep(&nap, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hl_events_close(w.h);
	pthread_join(t, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(w.result, -ESHUTDOWN);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	hl_events_free(w.h);
}

static void test_publish_wakes_waiter(void **state)
{
	struct waiter w = {NULL, 0};
	struct timespec nap = {0, 50000000};
	pthread_t t;

	(void)state;
	assert_int_equal(hl_events_new(&w.h), 0);
	assert_int_equal(pthread_create(&t, NULL, wait_long, &w), 0);
	nanosleep(&nap, NULL);
	publish_n(w.h, 1);
	pthread_join(t, NULL);
	assert_int_equal(w.result, 1);
	hl_events_free(w.h);
}

static void test_installed(void **state)
{
	struct hl_events *h;
	struct hl_buf out;
	uint64_t after;

	(void)state;
	/* Nothing installed: dropped, and freed (the leak check says so). */
	hl_event("sent", json_pack("{s:i}", "n", 1));
	hl_event_receipt("ru-cert", 4);
	assert_int_equal(hl_events_new(&h), 0);
	hl_events_install(h);
	after = hl_events_last(h);
	hl_event_receipt("ru-cert", 4);
	hl_event_message("ru-cert", true, 7, "ack", "flash", 1795341240, NULL);
	hl_event_message("ru-cert", false, 9, "notify", "flash", 1795341240, "ru-cert#2");
	hl_event("sent", NULL);
	hl_buf_init(&out, 1 << 20);
	assert_int_equal(hl_events_read(h, &after, 0, &out), 3);
	assert_non_null(strstr((char *)out.data, "event: receipt\ndata: {\"link\":\"ru-cert\","
					       "\"size\":4,"));
	assert_non_null(strstr((char *)out.data, "event: ack\n"));
	assert_non_null(strstr((char *)out.data, "\"message\":\"ru-cert/out/7\""));
	assert_non_null(strstr((char *)out.data, "event: message\n"));
	assert_non_null(strstr((char *)out.data, "\"message\":\"ru-cert/9\""));
	assert_non_null(strstr((char *)out.data, "\"case\":\"ru-cert#2\""));
	hl_events_install(NULL);
	hl_buf_free(&out);
	hl_events_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_in_order),
		cmocka_unit_test(test_resume_exactly_once),
		cmocka_unit_test(test_overtaken_is_missed),
		cmocka_unit_test(test_other_runs_ids),
		cmocka_unit_test(test_close_ends_waiters),
		cmocka_unit_test(test_publish_wakes_waiter),
		cmocka_unit_test(test_installed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_desk_writer.c - the writer's batch: many envelopes, one wait.
 *
 * A group message is one envelope per member (DESIGN.md decision 12):
 * hl_writer_send_many appends them all in one group commit (or
 * consecutive ones past HL_WRITER_GROUP_MAX), each with its own result,
 * so one member's refused link fails no other. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "testlib.h"
#include "storelib.h"
#include "error.h"
#include "transcript.h"
#include "writer.h"

#define NPEERS 24

struct fixture {
	char dir[TS_PATH_MAX], db[TS_PATH_MAX];
	struct hl_party *me, *peers[NPEERS + 1];
	struct hl_writer *w;
};

/* A hub with NPEERS confirmed links and one link not confirmed. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct hl_store *st;
	char err[256] = "";

	assert_non_null(f);
	ts_dir_new(f->dir);
	ts_path(f->dir, "hotline.db", f->db);
	f->me = ts_party_new("hub", 1);
	st = ts_open(f->db);
	for (int i = 0; i <= NPEERS; i++) {
		char name[16];
		struct hl_link l;

		snprintf(name, sizeof(name), i < NPEERS ? "m%02d" : "unconfirmed", i);
		f->peers[i] = ts_party_new(name, (unsigned char)(2 + i));
		ts_link(st, f->me, f->peers[i], NULL, i < NPEERS, 1700000000, &l);
		hl_link_free(&l);
	}
	hl_store_close(st);
	if (hl_writer_start(f->me, f->db, NULL, &f->w, err, sizeof(err)) != 0)
		fail_msg("hl_writer_start: %s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hl_writer_stop(f->w);
	for (int i = 0; i <= NPEERS; i++)
		hl_party_free(f->peers[i]);
	hl_party_free(f->me);
	ts_dir_remove(f->dir);
	free(f);
	return 0;
}

/* Every confirmed member's envelope is stored with its own seq; the
 * link not confirmed fails alone; a link named twice gets two seqs. */
static void test_send_many_results(void **state)
{
	struct fixture *f = *state;
	const char *links[NPEERS + 3];
	struct hl_send msgs[NPEERS + 3];
	uint64_t seqs[NPEERS + 3];
	int results[NPEERS + 3];
	size_t n = 0;

	for (int i = 0; i <= NPEERS; i++)
		links[n++] = f->peers[i]->card.name;
	links[n++] = "m00";
	links[n++] = "nobody";
	for (size_t i = 0; i < n; i++)
		msgs[i] = (struct hl_send){.precedence = HL_FLASH, .kind = "check",
					   .plain = "{}", .plain_len = 2, .now = 1700000100};
	assert_int_equal(hl_writer_send_many(f->w, links, msgs, n, seqs, results), 0);
	for (int i = 0; i < NPEERS; i++) {
		assert_int_equal(results[i], 0);
		assert_int_equal(seqs[i], 1);
	}
	assert_int_equal(results[NPEERS], -HL_EUNCONFIRMED);
	assert_int_equal(seqs[NPEERS], 0);
	assert_int_equal(results[NPEERS + 1], 0);
	assert_int_equal(seqs[NPEERS + 1], 2);
	assert_int_equal(results[NPEERS + 2], -HL_ENOLINK);
	assert_int_equal(ts_sql_int(f->db, "SELECT count(*) FROM envelope"), NPEERS + 1);
	/* hl_writer_send is the same with one. */
	assert_int_equal(hl_writer_send(f->w, "m01", &msgs[0], &seqs[0]), 0);
	assert_int_equal(seqs[0], 2);
	assert_int_equal(hl_writer_send(f->w, "unconfirmed", &msgs[0], &seqs[0]),
			 -HL_EUNCONFIRMED);
}

struct then_seen {
	size_t n, failed;
	uint64_t last_seq;
	int give;		/* what then returns */
};

/* Counts what then was fed; inside the transaction, so the envelopes
 * it was fed are visible to the writer's handle and not yet to others. */
static int then_count(void *ctx, struct hl_store *st, const uint64_t *seqs, const int *results,
		      size_t n)
{
	struct then_seen *t = ctx;

	(void)st;
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		t->failed += results[i] < 0;
		if (results[i] == 0)
			t->last_seq = seqs[i];
	}
	return t->give;
}

/* then runs once, in the same transaction as the envelopes, with their
 * seqs and results; when it fails, no envelope of the call is stored
 * (a group's record and its envelopes commit together or not at all);
 * past HL_WRITER_GROUP_MAX a call with then is refused. */
static void test_send_then(void **state)
{
	struct fixture *f = *state;
	const char *links[3] = {"m00", "m01", "unconfirmed"};
	struct hl_send msgs[3];
	uint64_t seqs[3];
	int results[3];
	struct then_seen ok = {0}, bad = {.give = -EIO};

	for (size_t i = 0; i < 3; i++)
		msgs[i] = (struct hl_send){.precedence = HL_FLASH, .kind = "check",
					   .plain = "{}", .plain_len = 2, .now = 1700000100};
	assert_int_equal(hl_writer_send_then(f->w, links, msgs, 3, seqs, results, then_count, &ok), 1);
	assert_int_equal(ok.n, 3);
	assert_int_equal(ok.failed, 1);
	assert_int_equal(ok.last_seq, 1);
	assert_int_equal(results[2], -HL_EUNCONFIRMED);
	assert_int_equal(ts_sql_int(f->db, "SELECT count(*) FROM envelope"), 2);

	assert_int_equal(hl_writer_send_then(f->w, links, msgs, 2, seqs, results, then_count, &bad), 0);
	assert_int_equal(bad.n, 2);
	assert_true(results[0] < 0 && results[1] < 0);
	assert_int_equal(ts_sql_int(f->db, "SELECT count(*) FROM envelope"), 2);
	/* The next message of m00 takes the seq the failed call did not. */
	assert_int_equal(hl_writer_send(f->w, "m00", &msgs[0], &seqs[0]), 0);
	assert_int_equal(seqs[0], 2);

	assert_int_equal(hl_writer_send_then(f->w, links, msgs, HL_WRITER_GROUP_MAX + 1, seqs,
					     results, then_count, &ok), -E2BIG);
}

static double since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* More than one group's worth: consecutive commits, every one stored,
 * each link's seqs in order without a gap.  Prints how long one batch
 * takes beside as many single sends (one commit and fsync each). */
static void test_send_many_past_group_max(void **state)
{
	struct fixture *f = *state;
	size_t n = HL_WRITER_GROUP_MAX + 200;
	const char **links = calloc(n, sizeof(*links));
	struct hl_send *msgs = calloc(n, sizeof(*msgs));
	uint64_t *seqs = calloc(n, sizeof(*seqs)), last[NPEERS] = {0}, seq;
	int *results = calloc(n, sizeof(*results));
	struct timespec t0;
	double batch, single;

	assert_non_null(links);
	assert_non_null(msgs);
	assert_non_null(seqs);
	assert_non_null(results);
	for (size_t i = 0; i < n; i++) {
		links[i] = f->peers[i % NPEERS]->card.name;
		msgs[i] = (struct hl_send){.precedence = HL_ROUTINE, .kind = "check",
					   .plain = "{}", .plain_len = 2, .now = 1700000100};
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(hl_writer_send_many(f->w, links, msgs, n, seqs, results), 0);
	batch = since(&t0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(results[i], 0);
		assert_int_equal(seqs[i], last[i % NPEERS] + 1);
		last[i % NPEERS] = seqs[i];
	}
	assert_int_equal(ts_sql_int(f->db, "SELECT count(*) FROM envelope"), (int64_t)n);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < NPEERS; i++)
		assert_int_equal(hl_writer_send(f->w, links[i], &msgs[i], &seq), 0);
	single = since(&t0);
	print_message("# %zu envelopes in one batch: %.3f s; %d single sends: %.3f s\n",
		      n, batch, NPEERS, single);
	free(links);
	free(msgs);
	free(seqs);
	free(results);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_send_many_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_many_past_group_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_then, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("writer", tests, NULL, NULL);
}

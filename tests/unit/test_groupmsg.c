/* test_groupmsg.c - group messages in the store (groupmsg.h) on a real
 * file: the owner's record of which envelope went to which member, all
 * or none; a member's record of the group ids its peer sent, a reuse
 * with other content marked and taken once; migration 20 run again.
 *
 * ru-cert (A) owns the group; us-cert (B) and jp-cert (C) are members.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "error.h"
#include "groupmsg.h"
#include "groups.h"
#include "party.h"
#include "store.h"

#include "testlib.h"
#include "storelib.h"

#define NOW (TL_CREATED + 3600)
#define GID1 "0123456789abcdef0123456789abcdef"
#define GID2 "fedcba9876543210fedcba9876543210"

static struct hl_party *A, *B, *C;

struct fx {
	char dir[TS_PATH_MAX];
	char path[TS_PATH_MAX];
	struct hl_store *st;
	struct hl_link lb, lc;
	struct hl_group g;
};

static int group_setup(void **state)
{
	(void)state;
	A = ts_party_new("ru-cert", 1);
	B = ts_party_new("us-cert", 2);
	C = ts_party_new("jp-cert", 3);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	hl_party_free(A);
	hl_party_free(B);
	hl_party_free(C);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	ts_dir_new(f->dir);
	ts_path(f->dir, HL_STORE_FILE, f->path);
	f->st = ts_open(f->path);
	ts_link(f->st, A, B, NULL, true, NOW, &f->lb);
	ts_link(f->st, A, C, NULL, true, NOW, &f->lc);
	assert_int_equal(hl_store_group_create(f->st, "osce", false, NOW, "ana"), 0);
	assert_int_equal(hl_store_group_get(f->st, "osce", &f->g), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	hl_link_free(&f->lb);
	hl_link_free(&f->lc);
	hl_store_close(f->st);
	ts_dir_remove(f->dir);
	free(f);
	return 0;
}

struct seen {
	struct hl_group_envelope ge[4];
	size_t n;
};

static int collect(void *ctx, const struct hl_group_envelope *ge)
{
	struct seen *s = ctx;

	assert_true(s->n < 4);
	s->ge[s->n++] = *ge;
	return 0;
}

static struct hl_group_envelope row(const struct fx *f, const struct hl_link *l,
				    const char *gid, uint64_t seq, int64_t held)
{
	struct hl_group_envelope ge = {.group = f->g.id, .link = l->id, .seq = seq,
				       .held = held, .time = NOW + 60, .kind = "notify",
				       .precedence = HL_FLASH, .case_no = 7, .op = "ana"};

	memcpy(ge.gid, gid, sizeof(ge.gid));
	return ge;
}

/* The owner's record: listed by link name, held rows with no seq; a
 * (link, seq) recorded twice refuses the whole batch. */
static void test_envelopes(void **state)
{
	struct fx *f = *state;
	struct hl_group_envelope ge[2] = {row(f, &f->lb, GID1, 3, 0), row(f, &f->lc, GID1, 0, 5)};
	struct seen s = {0};

	assert_int_equal(hl_store_group_envelopes_put(f->st, ge, 2), 0);
	assert_int_equal(hl_store_group_envelopes(f->st, GID1, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ge[0].link_name, "jp-cert");
	assert_int_equal(s.ge[0].seq, 0);
	assert_int_equal(s.ge[0].held, 5);
	assert_string_equal(s.ge[1].link_name, "us-cert");
	assert_int_equal(s.ge[1].seq, 3);
	assert_int_equal(s.ge[1].held, 0);
	assert_int_equal(s.ge[1].precedence, HL_FLASH);
	assert_int_equal(s.ge[1].case_no, 7);
	assert_string_equal(s.ge[1].kind, "notify");
	assert_string_equal(s.ge[1].op, "ana");
	assert_string_equal(s.ge[1].gid, GID1);
	/* us-cert's seq 3 again, beside a new row: neither is kept. */
	ge[0] = row(f, &f->lc, GID2, 9, 0);
	ge[1] = row(f, &f->lb, GID2, 3, 0);
	assert_int_equal(hl_store_group_envelopes_put(f->st, ge, 2), -HL_EDUPLICATE);
	s.n = 0;
	assert_int_equal(hl_store_group_envelopes(f->st, GID2, collect, &s), 0);
	assert_int_equal(s.n, 0);
}

/* A member's record: the same id with the same content is no reuse;
 * with other content both are marked, and the daemon is told once. */
static void test_seen(void **state)
{
	struct fx *f = *state;
	unsigned char h1[32] = {1}, h2[32] = {2};
	char gid[HL_GROUP_ID_HEX + 1];
	bool reused = true;
	uint64_t n = 9;

	assert_int_equal(hl_store_begin(f->st), 0);
	assert_int_equal(hl_store_group_seen(f->st, f->lb.id, 1, GID1, h1, &reused), 0);
	assert_false(reused);
	assert_int_equal(hl_store_group_seen(f->st, f->lb.id, 1, GID1, h2, &reused), 0);
	assert_false(reused);	/* the same envelope again: nothing changes */
	assert_int_equal(hl_store_group_seen(f->st, f->lb.id, 2, GID2, h2, &reused), 0);
	assert_int_equal(hl_store_group_seen(f->st, f->lc.id, 1, GID1, h2, &reused), 0);
	assert_false(reused);	/* another link: another owner's message */
	assert_int_equal(hl_store_commit(f->st), 0);
	assert_int_equal(hl_store_group_reused(f->st, f->lb.id, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(hl_store_group_reused_take(f->st, f->lb.id, &n, gid), 0);
	assert_int_equal(n, 0);
	assert_string_equal(gid, "");
	assert_int_equal(hl_store_begin(f->st), 0);
	assert_int_equal(hl_store_group_seen(f->st, f->lb.id, 3, GID1, h2, &reused), 0);
	assert_true(reused);
	assert_int_equal(hl_store_commit(f->st), 0);
	assert_int_equal(hl_store_group_reused(f->st, f->lb.id, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(hl_store_group_reused_at(f->st, f->lb.id, 1, &reused), 0);
	assert_true(reused);
	assert_int_equal(hl_store_group_reused_at(f->st, f->lb.id, 2, &reused), 0);
	assert_false(reused);
	assert_int_equal(hl_store_group_reused_at(f->st, f->lc.id, 1, &reused), 0);
	assert_false(reused);
	assert_int_equal(hl_store_group_reused_take(f->st, f->lb.id, &n, gid), 0);
	assert_int_equal(n, 2);
	assert_string_equal(gid, GID1);
	assert_int_equal(hl_store_group_reused_take(f->st, f->lb.id, &n, gid), 0);
	assert_int_equal(n, 0);
}

/* Set back to 19 (as t0083 does), migration 20 runs again and keeps
 * what was recorded. */
static void test_migration_again(void **state)
{
	struct fx *f = *state;
	struct hl_group_envelope ge = row(f, &f->lb, GID1, 1, 0);
	struct seen s = {0};

	assert_int_equal(hl_store_group_envelopes_put(f->st, &ge, 1), 0);
	hl_store_close(f->st);
	ts_sql(f->path, "PRAGMA user_version = 19");
	f->st = ts_open(f->path);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA user_version"), HL_STORE_SCHEMA);
	assert_int_equal(hl_store_group_envelopes(f->st, GID1, collect, &s), 0);
	assert_int_equal(s.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_envelopes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_again, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("groupmsg", tests, group_setup, group_teardown);
}

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

#include "grouplib.h"

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

/* Whether a case of ours is a group case, by its number: only a group
 * notify makes it one (an update of the group's case does not). */
static void test_group_case(void **state)
{
	struct fx *f = *state;
	struct hl_group_envelope ge = row(f, &f->lb, GID1, 3, 0), up = row(f, &f->lb, GID2, 4, 0);
	bool yes = true;

	assert_int_equal(hl_store_group_case(f->st, 7, &yes), 0);
	assert_false(yes);
	snprintf(up.kind, sizeof(up.kind), "update");
	up.case_no = 8;
	assert_int_equal(hl_store_group_envelopes_put(f->st, &up, 1), 0);
	assert_int_equal(hl_store_group_case(f->st, 8, &yes), 0);
	assert_false(yes);
	assert_int_equal(hl_store_group_envelopes_put(f->st, &ge, 1), 0);
	assert_int_equal(hl_store_group_case(f->st, 7, &yes), 0);
	assert_true(yes);
	assert_int_equal(hl_store_group_case(f->st, 6, &yes), 0);
	assert_false(yes);
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

	TS_SQLITE_ONLY();

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
		cmocka_unit_test_setup_teardown(test_group_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_again, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("groupmsg", tests, group_setup, group_teardown);
}

/* test_groups.c - groups of links at their owner (groups.h) on a real
 * file: names, members now and their history, membership at a time
 * across a removal and a re-add, and migration 19 on an older store.
 *
 * ru-cert (A) owns the groups; us-cert (B) and jp-cert (C) are its
 * linked peers.
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
#include "groups.h"
#include "party.h"
#include "store.h"

#define HL_XSTR(x) #x
#define HL_STR(x) HL_XSTR(x)
#include "testlib.h"
#include "storelib.h"

#include "grouplib.h"

/* What a walk saw, as "name:members;" or "name:added-removed;". */
struct walk {
	char s[512];
	size_t len;
	int stop_after;		/* stop the walk with 7 after this many */
	int n;
};

static int see_group(void *ctx, const struct hl_group *g)
{
	struct walk *w = ctx;

	w->len += (size_t)snprintf(w->s + w->len, sizeof(w->s) - w->len, "%s:%u%s;",
				   g->name, g->members, g->open ? ":open" : "");
	return ++w->n == w->stop_after ? 7 : 0;
}

static int see_member(void *ctx, const struct hl_group_member *m)
{
	struct walk *w = ctx;

	w->len += (size_t)snprintf(w->s + w->len, sizeof(w->s) - w->len, "%s:%lld-%lld;",
				   m->name, (long long)(m->added - NOW),
				   (long long)(m->removed ? m->removed - NOW : -1));
	return ++w->n == w->stop_after ? 7 : 0;
}

static void test_create_get(void **state)
{
	struct fx *f = *state;
	struct hl_group g;
	struct walk w = {0};

	assert_int_equal(hl_store_group_create(f->st, "osce", false, NOW, "ana"), 0);
	assert_int_equal(hl_store_group_create(f->st, "g7", true, NOW + 1, "bob"), 0);
	assert_int_equal(hl_store_group_create(f->st, "osce", true, NOW + 2, "bob"), -EEXIST);
	assert_int_equal(hl_store_group_create(f->st, "Osce", false, NOW, "ana"), -HL_ENAME);
	assert_int_equal(hl_store_group_create(f->st, "", false, NOW, "ana"), -HL_ENAME);
	assert_int_equal(hl_store_group_create(f->st, "-osce", false, NOW, "ana"), -HL_ENAME);

	assert_int_equal(hl_store_group_get(f->st, "osce", &g), 0);
	assert_string_equal(g.name, "osce");
	assert_false(g.open);
	assert_int_equal(g.created, NOW);
	assert_string_equal(g.created_by, "ana");
	assert_int_equal(g.members, 0);
	assert_true(g.id > 0);
	assert_int_equal(hl_store_group_get(f->st, "g7", &g), 0);
	assert_true(g.open);
	assert_string_equal(g.created_by, "bob");
	assert_int_equal(hl_store_group_get(f->st, "un", &g), -ENOENT);

	assert_int_equal(hl_store_group_each(f->st, see_group, &w), 0);
	assert_string_equal(w.s, "g7:0:open;osce:0;");
	/* A callback's nonzero return stops the walk and is returned. */
	w = (struct walk){.stop_after = 1};
	assert_int_equal(hl_store_group_each(f->st, see_group, &w), 7);
	assert_string_equal(w.s, "g7:0:open;");
}

static void test_add_remove_history(void **state)
{
	struct fx *f = *state;
	struct hl_group g;
	struct walk w = {0};
	int64_t id;

	assert_int_equal(hl_store_group_create(f->st, "osce", false, NOW, "ana"), 0);
	assert_int_equal(hl_store_group_get(f->st, "osce", &g), 0);
	id = g.id;
	assert_int_equal(hl_store_group_add(f->st, id, f->lb.id, NOW + 10), 0);
	assert_int_equal(hl_store_group_add(f->st, id, f->lc.id, NOW + 20), 0);
	assert_int_equal(hl_store_group_add(f->st, id, f->lb.id, NOW + 30), -EEXIST);
	assert_int_equal(hl_store_group_get(f->st, "osce", &g), 0);
	assert_int_equal(g.members, 2);
	/* Members now, in link-name order. */
	assert_int_equal(hl_store_group_members(f->st, id, false, see_member, &w), 0);
	assert_string_equal(w.s, "jp-cert:20--1;us-cert:10--1;");

	assert_int_equal(hl_store_group_remove(f->st, id, f->lb.id, NOW + 40), 0);
	assert_int_equal(hl_store_group_remove(f->st, id, f->lb.id, NOW + 41), -ENOENT);
	w = (struct walk){0};
	assert_int_equal(hl_store_group_members(f->st, id, false, see_member, &w), 0);
	assert_string_equal(w.s, "jp-cert:20--1;");
	assert_int_equal(hl_store_group_get(f->st, "osce", &g), 0);
	assert_int_equal(g.members, 1);

	/* Added again: a new row, the old one kept. */
	assert_int_equal(hl_store_group_add(f->st, id, f->lb.id, NOW + 50), 0);
	w = (struct walk){0};
	assert_int_equal(hl_store_group_members(f->st, id, true, see_member, &w), 0);
	assert_string_equal(w.s, "jp-cert:20--1;us-cert:10-40;us-cert:50--1;");
	w = (struct walk){.stop_after = 2};
	assert_int_equal(hl_store_group_members(f->st, id, true, see_member, &w), 7);
	assert_string_equal(w.s, "jp-cert:20--1;us-cert:10-40;");

	/* A removal never goes before its addition; a removal of a link
	 * never added, or from another group, changes nothing. */
	assert_int_equal(hl_store_group_remove(f->st, id, f->lb.id, NOW + 49), -HL_ESTORE);
	assert_int_equal(hl_store_group_create(f->st, "g7", false, NOW, "ana"), 0);
	assert_int_equal(hl_store_group_get(f->st, "g7", &g), 0);
	assert_int_equal(hl_store_group_remove(f->st, g.id, f->lb.id, NOW + 60), -ENOENT);
	assert_int_equal(hl_store_group_get(f->st, "osce", &g), 0);
	assert_int_equal(g.members, 2);
}

static bool at(struct fx *f, int64_t id, int64_t link, int64_t t)
{
	bool m = true;

	assert_int_equal(hl_store_group_member_at(f->st, id, link, NOW + t, &m), 0);
	return m;
}

static void test_member_at(void **state)
{
	struct fx *f = *state;
	struct hl_group g;

	assert_int_equal(hl_store_group_create(f->st, "osce", false, NOW, "ana"), 0);
	assert_int_equal(hl_store_group_get(f->st, "osce", &g), 0);
	assert_int_equal(hl_store_group_add(f->st, g.id, f->lb.id, NOW + 10), 0);
	assert_int_equal(hl_store_group_remove(f->st, g.id, f->lb.id, NOW + 20), 0);
	assert_int_equal(hl_store_group_add(f->st, g.id, f->lb.id, NOW + 30), 0);
	assert_false(at(f, g.id, f->lb.id, 9));
	assert_true(at(f, g.id, f->lb.id, 10));
	assert_true(at(f, g.id, f->lb.id, 19));
	/* Removed at 20: nothing of 20 or later reaches it ... */
	assert_false(at(f, g.id, f->lb.id, 20));
	assert_false(at(f, g.id, f->lb.id, 29));
	/* ... until it is added again. */
	assert_true(at(f, g.id, f->lb.id, 30));
	assert_true(at(f, g.id, f->lb.id, 1000000));
	assert_false(at(f, g.id, f->lc.id, 15));
	/* Added and removed in the same second: never a member. */
	assert_int_equal(hl_store_group_add(f->st, g.id, f->lc.id, NOW + 40), 0);
	assert_int_equal(hl_store_group_remove(f->st, g.id, f->lc.id, NOW + 40), 0);
	assert_false(at(f, g.id, f->lc.id, 40));
}

/* Several adds in one transaction: a refused one undoes them all. */
static void test_add_all_or_none(void **state)
{
	struct fx *f = *state;
	struct hl_group g;

	assert_int_equal(hl_store_group_create(f->st, "osce", false, NOW, "ana"), 0);
	assert_int_equal(hl_store_group_get(f->st, "osce", &g), 0);
	assert_int_equal(hl_store_group_add(f->st, g.id, f->lb.id, NOW + 10), 0);
	assert_int_equal(hl_store_begin(f->st), 0);
	assert_int_equal(hl_store_group_add(f->st, g.id, f->lc.id, NOW + 20), 0);
	assert_int_equal(hl_store_group_add(f->st, g.id, f->lb.id, NOW + 20), -EEXIST);
	hl_store_rollback(f->st);
	assert_int_equal(hl_store_group_get(f->st, "osce", &g), 0);
	assert_int_equal(g.members, 1);
	/* A link or group that does not exist is a store error. */
	assert_int_equal(hl_store_group_add(f->st, g.id, 999, NOW + 30), -HL_ESTORE);
	assert_int_equal(hl_store_group_add(f->st, 999, f->lc.id, NOW + 30), -HL_ESTORE);
}

static void test_migration(void **state)
{
	struct fx *f = *state;
	struct hl_group g;

	TS_SQLITE_ONLY();

	/* A store of schema 18 has no group tables: migration 19 adds them. */
	hl_store_close(f->st);
	ts_sql(f->path, "DROP TABLE group_member; DROP TABLE link_group;"
	       " PRAGMA user_version = 18");
	f->st = ts_open(f->path);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA user_version"), HL_STORE_SCHEMA);
	assert_true(HL_STORE_SCHEMA >= 19);
	assert_int_equal(hl_store_group_create(f->st, "osce", false, NOW, "ana"), 0);
	assert_int_equal(hl_store_group_get(f->st, "osce", &g), 0);
	assert_int_equal(hl_store_group_add(f->st, g.id, f->lb.id, NOW + 10), 0);

	/* Set back to 18 (as t0083 does to older versions), the migration
	 * runs again and keeps the groups. */
	hl_store_close(f->st);
	ts_sql(f->path, "PRAGMA user_version = 18");
	f->st = ts_open(f->path);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA user_version"), HL_STORE_SCHEMA);
	assert_int_equal(hl_store_group_get(f->st, "osce", &g), 0);
	assert_int_equal(g.members, 1);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, links_setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_create_get),
		T(test_add_remove_history),
		T(test_member_at),
		T(test_add_all_or_none),
		T(test_migration),
	};
#undef T

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("groups", tests, group_setup, group_teardown);
}

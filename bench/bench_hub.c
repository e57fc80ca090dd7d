/* bench_hub.c - a hub and N member parties, each a real hotlined on
 * loopback: how long a FLASH communication check to every member takes
 * to be receipted by all of them, and what the daemons hold in memory,
 * beside the single-link FLASH latency measured in the same run.
 *
 *   bench_hub [--members N] [--clients C] [--limit S] [HOTLINED]
 *
 * HOTLINED defaults to the hotlined in the parent of this program's
 * folder.  In a temporary folder the program makes the hub and N (193)
 * members, links and confirms each member with the hub both ways
 * through the library (as 'hotline link add' and 'link confirm' would),
 * starts N+1 hotlined on free loopback ports, one process each, waits
 * for all their "ready:" lines, and measures:
 *
 *   floor       the FLASH latency of one link: 20 checks from the hub to
 *               the first member, one at a time after 5 of warm-up, each
 *               from POST /v1/check/run until the hub's store holds its
 *               receipt (the median).
 *   fan-out     a FLASH check to all N: with a group send in the hub's
 *               API (POST /v1/check/run, then /v1/send, with "group"),
 *               one request; else one POST /v1/check/run per member, C
 *               (16) client threads with one kept-alive connection each
 *               (the output says which).  The time from the first
 *               request until the hub's store holds every receipt.
 *   memory      the hub's RSS and each member's (min, median, max), and
 *               the part of each that is its own (RssAnon: most of a
 *               member's RSS is shared library pages).
 *   black hole  10% of the members frozen (SIGSTOP): the same fan-out,
 *               and the time until every other member's receipt is at
 *               the hub (S (600) s at most).
 *
 * Targets (issue 13): all receipted within 2 s, the hub under 50 MB;
 * printed as met or not, as measured.  Exit status: 0 measured (targets
 * met or not), 1 could not measure, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "error.h"
#include "party.h"
#include "store.h"

#define BENCH_NAME "bench_hub"
#include "bench.h"
#include "daemons.h"

#define MAX_MEMBERS 2000
#define MAX_CLIENTS 256
#define FLOOR_WARMUP 5
#define FLOOR_RUNS 20
#define POLL_US 500		/* how often the hub's store is read */
#define TARGET_S 2.0		/* the issue's: all receipted within 2 s */
#define TARGET_RSS_MB 50.0	/* and the hub under 50 MB */
#define GROUP "bench-all"

struct opts {
	unsigned members, clients, limit;
	char hotlined[PATH_MAX];
};

struct member {
	struct daemon d;
	char name[16];
	int64_t link;		/* the hub's link to it */
	uint64_t seq;		/* the hub's last check to it */
	bool frozen;
};

struct run {
	char dir[PATH_MAX];
	struct daemon hub;
	struct member *m;
	unsigned n;
	struct hl_store *st;	/* the bench's own read-only handle */
	bool group;		/* the hub's API sends to a group */
};

/* ---- making them ---- */

#define MAKERS 8		/* threads making the members */

struct maker {
	struct run *rn;
	const struct hl_party *hub;
	struct hl_party **p;	/* each member's, opened public */
	unsigned k;
	int r;
};

static int open_public(const struct daemon *d, struct hl_party **p)
{
	char why[PATH_MAX + 64] = "";
	int r = hl_party_open(d->home, HL_PARTY_PUBLIC, p, why, sizeof(why));

	if (r < 0)
		fprintf(stderr, "bench_hub: %s: %s\n", why, hl_strerror(r));
	return r;
}

/* Members k, k + MAKERS, ...: made, and the hub's card added and
 * confirmed in each one's store. */
static void *make_members(void *arg)
{
	struct maker *mk = arg;

	for (unsigned i = mk->k; mk->r == 0 && i < mk->rn->n; i += MAKERS) {
		struct member *m = &mk->rn->m[i];

		mk->r = make_party(mk->rn->dir, &m->d);
		if (mk->r == 0)
			mk->r = open_public(&m->d, &mk->p[i]);
		if (mk->r == 0)
			mk->r = link_one(mk->p[i], mk->hub);
	}
	return NULL;
}

/* The hub and the members, made and linked both ways: the members in
 * MAKERS threads, then every member's card into the hub's store. */
static int make_all(struct run *rn)
{
	int *port = calloc(rn->n + 1, sizeof(*port));
	struct hl_party **p = calloc(rn->n, sizeof(*p)), *hub = NULL;
	struct maker mk[MAKERS];
	pthread_t t[MAKERS];
	struct hl_store *st = NULL;
	char db[PATH_MAX], err[256] = "";
	unsigned started = 0;
	int r = port && p ? free_ports(port, rn->n + 1) : -ENOMEM;

	rn->hub.name = "hub";
	rn->hub.port = r == 0 ? port[0] : 0;
	for (unsigned i = 0; r == 0 && i < rn->n; i++) {
		snprintf(rn->m[i].name, sizeof(rn->m[i].name), "m%03u", i + 1);
		rn->m[i].d.name = rn->m[i].name;
		rn->m[i].d.port = port[i + 1];
	}
	if (r == 0)
		r = make_party(rn->dir, &rn->hub);
	if (r == 0)
		r = open_public(&rn->hub, &hub);
	for (; r == 0 && started < MAKERS; started++) {
		mk[started] = (struct maker){.rn = rn, .hub = hub, .p = p, .k = started};
		if (pthread_create(&t[started], NULL, make_members, &mk[started]) != 0)
			r = -EAGAIN;
	}
	for (unsigned i = 0; i < started; i++) {
		pthread_join(t[i], NULL);
		if (mk[i].r < 0)
			r = mk[i].r;
	}
	if (r == 0)
		r = hl_party_path(rn->hub.home, HL_STORE_FILE, db, sizeof(db));
	if (r == 0 && (r = hl_store_open(db, &st, err, sizeof(err))) < 0)
		fprintf(stderr, "bench_hub: %s: %s %s\n", db, hl_strerror(r), err);
	for (unsigned i = 0; r == 0 && i < rn->n; i++)
		r = link_in(st, hub, p[i]);
	hl_store_close(st);
	for (unsigned i = 0; p && i < rn->n; i++)
		hl_party_free(p[i]);
	hl_party_free(hub);
	free(p);
	free(port);
	return r;
}

static int start_all(struct run *rn, const struct opts *o)
{
	int64_t t0 = now_ns();
	int r = launch_daemon(o->hotlined, &rn->hub);

	for (unsigned i = 0; r == 0 && i < rn->n; i++)
		r = launch_daemon(o->hotlined, &rn->m[i].d);
	if (r == 0)
		r = wait_ready(&rn->hub, t0, 60000 + 200.0 * rn->n);
	for (unsigned i = 0; r == 0 && i < rn->n; i++)
		r = wait_ready(&rn->m[i].d, t0, 60000 + 200.0 * rn->n);
	return r;
}

static int stop_all(struct run *rn)
{
	int r = 0;

	for (unsigned i = 0; i < rn->n; i++)
		if (rn->m[i].d.pid > 0) {
			kill(rn->m[i].d.pid, SIGCONT);
			kill(rn->m[i].d.pid, SIGTERM);
		}
	if (rn->hub.pid > 0)
		kill(rn->hub.pid, SIGTERM);
	for (unsigned i = 0; i < rn->n; i++)
		if (rn->m[i].d.pid > 0 && stop_daemon(&rn->m[i].d) != 0)
			r = -EIO;
	if (stop_daemon(&rn->hub) != 0)
		r = -EIO;
	if (r < 0)
		fprintf(stderr, "bench_hub: a hotlined did not exit 0 on SIGTERM\n");
	return r;
}

/* The bench's store handle on the hub's database, and each member's
 * link id in it. */
static int watch_hub(struct run *rn)
{
	char db[PATH_MAX], err[256] = "";
	int r = hl_party_path(rn->hub.home, HL_STORE_FILE, db, sizeof(db));

	if (r == 0)
		r = hl_store_open(db, &rn->st, err, sizeof(err));
	for (unsigned i = 0; r == 0 && i < rn->n; i++) {
		struct hl_link l;

		r = hl_store_link_get(rn->st, rn->m[i].name, &l);
		if (r == 0) {
			rn->m[i].link = l.id;
			hl_link_free(&l);
		}
	}
	if (r < 0)
		fprintf(stderr, "bench_hub: %s: %s %s\n", db, hl_strerror(r), err);
	return r;
}

static bool receipted(struct run *rn, const struct member *m)
{
	uint64_t n = 0;

	hl_store_cosigned_size(rn->st, m->link, HL_OURS, &n);
	return m->seq > 0 && n >= m->seq;
}

/* ---- the checks ---- */

static int check_one(struct api *a, struct member *m)
{
	char json[128];
	int n = snprintf(json, sizeof(json), "{\"link\":\"%s\",\"precedence\":\"flash\"}",
			 m->name);
	json_int_t v = 0;
	json_t *j;
	int r = api_post(a, "/v1/check/run", json, (size_t)n);

	if (r == 0 && a->status != 200)
		r = -EPROTO;
	j = r == 0 ? json_loadb(a->reply, a->len, 0, NULL) : NULL;
	if (j && json_unpack(j, "{s:I}", "seq", &v) < 0)
		v = 0;
	json_decref(j);
	if (r == 0 && v <= 0)
		r = -EPROTO;
	if (r < 0)
		fprintf(stderr, "bench_hub: check to %s: %ld %s\n", m->name, a->status, a->reply);
	else
		m->seq = (uint64_t)v;
	return r;
}

/* Waits until every member not frozen has receipted its check; the
 * seconds it took from t0, or -1 after limit_s. */
static double wait_all(struct run *rn, int64_t t0, double limit_s, unsigned *done)
{
	unsigned next = 0;

	while (next < rn->n) {
		if (rn->m[next].frozen || receipted(rn, &rn->m[next])) {
			next++;
			continue;
		}
		if (ms_since(t0) > limit_s * 1e3)
			break;
		sleep_us(POLL_US);
	}
	*done = 0;
	for (unsigned i = 0; i < rn->n; i++)
		*done += !rn->m[i].frozen && receipted(rn, &rn->m[i]);
	return next == rn->n ? ms_since(t0) / 1e3 : -1;
}

/* The single link's FLASH latency: the median of FLOOR_RUNS, in s. */
static int measure_floor(struct run *rn, double *floor_s)
{
	double t[FLOOR_RUNS];
	struct member *m = &rn->m[0];
	struct api a;
	int r = api_open(&a, rn->hub.sock);

	for (int i = 0; r == 0 && i < FLOOR_WARMUP + FLOOR_RUNS; i++) {
		int64_t t0 = now_ns();

		r = check_one(&a, m);
		while (r == 0 && !receipted(rn, m)) {
			if (ms_since(t0) > 30000) {
				fprintf(stderr, "bench_hub: floor: no receipt from %s in 30 s\n",
					m->name);
				r = -ETIMEDOUT;
			}
			sleep_us(100);
		}
		if (i >= FLOOR_WARMUP)
			t[i - FLOOR_WARMUP] = ms_since(t0) / 1e3;
	}
	api_close(&a);
	if (r == 0)
		*floor_s = median(t, FLOOR_RUNS);
	return r;
}

struct fan {
	struct run *rn;
	unsigned k, clients;
	int r;
};

static void *fan_client(void *arg)
{
	struct fan *f = arg;
	struct api a;

	f->r = api_open(&a, f->rn->hub.sock);
	for (unsigned i = f->k; f->r == 0 && i < f->rn->n; i += f->clients)
		f->r = check_one(&a, &f->rn->m[i]);
	api_close(&a);
	return NULL;
}

/* The group of every member at the hub (POST /v1/group/create, then
 * /v1/group/add); -ENOENT when the hub's API has no groups. */
static int group_make(struct run *rn)
{
	size_t cap = 64 + (size_t)rn->n * 8, n;
	char *json = malloc(cap);
	struct api a;
	int r = json ? api_open(&a, rn->hub.sock) : -ENOMEM;

	if (r < 0)
		goto out;
	n = (size_t)snprintf(json, cap, "{\"name\":\"%s\"}", GROUP);
	r = api_post(&a, "/v1/group/create", json, n);
	if (r == 0 && a.status != 200)
		r = -ENOENT;
	n = (size_t)snprintf(json, cap, "{\"name\":\"%s\",\"links\":[", GROUP);
	for (unsigned i = 0; i < rn->n; i++)
		n += (size_t)snprintf(json + n, cap - n, "%s\"%s\"", i ? "," : "", rn->m[i].name);
	n += (size_t)snprintf(json + n, cap - n, "]}");
	if (r == 0)
		r = api_post(&a, "/v1/group/add", json, n);
	if (r == 0 && a.status != 200) {
		fprintf(stderr, "bench_hub: group add: %ld %.300s\n", a.status, a.reply);
		r = -EPROTO;
	}
	api_close(&a);
out:
	free(json);
	return r;
}

/* One FLASH check to the group: POST /v1/check/run with "group", else
 * /v1/send with "group" and kind check; each member's seq from the
 * answer's "members": [{"link", "seq"}]. */
static int group_check(struct run *rn)
{
	char json[256];
	struct api a;
	int r = api_open(&a, rn->hub.sock), n;
	json_t *j = NULL, *ms;

	n = snprintf(json, sizeof(json), "{\"group\":\"%s\",\"precedence\":\"flash\"}", GROUP);
	if (r == 0)
		r = api_post(&a, "/v1/check/run", json, (size_t)n);
	if (r == 0 && a.status != 200) {
		n = snprintf(json, sizeof(json), "{\"group\":\"%s\",\"kind\":\"check\","
			     "\"precedence\":\"flash\",\"text\":\"bench_hub\"}", GROUP);
		r = api_post(&a, "/v1/send", json, (size_t)n);
	}
	if (r == 0 && a.status != 200)
		r = a.status == 400 || a.status == 404 ? -ENOENT : -EPROTO;
	j = r == 0 ? json_loadb(a.reply, a.len, 0, NULL) : NULL;
	ms = json_object_get(j, "members");
	for (unsigned i = 0; r == 0 && i < rn->n; i++) {
		json_t *e;
		size_t k;

		json_array_foreach(ms, k, e) {
			const char *l = json_string_value(json_object_get(e, "link"));

			if (l && strcmp(l, rn->m[i].name) == 0)
				rn->m[i].seq = (uint64_t)json_integer_value(json_object_get(e, "seq"));
		}
		if (rn->m[i].seq == 0)
			r = -EPROTO;
	}
	if (r < 0 && r != -ENOENT)
		fprintf(stderr, "bench_hub: group check: %ld %.300s\n", a.status, a.reply);
	json_decref(j);
	api_close(&a);
	return r;
}

/* A FLASH check to every member; *sent_s the time until all requests
 * were answered. */
static int fan_out(struct run *rn, const struct opts *o, double *sent_s)
{
	pthread_t t[MAX_CLIENTS];
	struct fan f[MAX_CLIENTS];
	unsigned c = o->clients < rn->n ? o->clients : rn->n, started = 0;
	int64_t t0 = now_ns();
	int r = 0;

	for (unsigned i = 0; i < rn->n; i++)
		rn->m[i].seq = 0;
	if (rn->group) {
		r = group_check(rn);
		*sent_s = ms_since(t0) / 1e3;
		if (r != -ENOENT)
			return r;
		/* Groups, but no group send: one check per member. */
		printf("sends: the hub's API has groups but no group send: one POST "
		       "/v1/check/run per member instead\n");
		rn->group = false;
		t0 = now_ns();
	}
	for (; started < c; started++) {
		f[started] = (struct fan){.rn = rn, .k = started, .clients = c};
		if (pthread_create(&t[started], NULL, fan_client, &f[started]) != 0)
			break;
	}
	for (unsigned i = 0; i < started; i++) {
		pthread_join(t[i], NULL);
		if (f[i].r < 0)
			r = f[i].r;
	}
	if (started < c)
		r = -EAGAIN;
	*sent_s = ms_since(t0) / 1e3;
	return r;
}

/* ---- memory ---- */

/* A field of /proc/PID/status (VmRSS, RssAnon), in MB. */
static double status_mb(pid_t pid, const char *field)
{
	char path[64], line[256];
	double kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0 && line[strlen(field)] == ':')
			kb = strtod(line + strlen(field) + 1, NULL);
	if (f)
		fclose(f);
	return kb / 1024;
}

/* Min, median and max of the members' field, into v[3]; how many. */
static unsigned members_mb(struct run *rn, const char *field, double *v, double out[3])
{
	unsigned k = 0;

	for (unsigned i = 0; i < rn->n; i++)
		if (!rn->m[i].frozen)
			v[k++] = status_mb(rn->m[i].d.pid, field);
	if (k) {
		qsort(v, k, sizeof(*v), cmp_double);
		out[0] = v[0];
		out[1] = pct(v, k, 0.5);
		out[2] = v[k - 1];
	}
	return k;
}

static void report_rss(struct run *rn, const char *when)
{
	double *v = calloc(rn->n, sizeof(*v)), hub = status_mb(rn->hub.pid, "VmRSS");
	double rss[3] = {0}, anon[3] = {0};
	unsigned k = v ? members_mb(rn, "VmRSS", v, rss) : 0;

	if (k && members_mb(rn, "RssAnon", v, anon) == k)
		printf("RSS %s: hub %.1f MB (%.1f MB its own, not shared); each member min "
		       "%.1f, median %.1f, max %.1f MB, of which its own (not shared) min "
		       "%.1f, median %.1f, max %.1f MB (%u members)\n", when, hub,
		       status_mb(rn->hub.pid, "RssAnon"), rss[0], rss[1], rss[2], anon[0],
		       anon[1], anon[2], k);
	printf("target: hub RSS < %.0f MB: %s (%.1f MB)\n", TARGET_RSS_MB,
	       hub < TARGET_RSS_MB ? "met" : "NOT met", hub);
	free(v);
}

/* ---- main ---- */

static void report_fan(const char *what, double all_s, double sent_s, unsigned done,
		       unsigned want, double floor_s, const struct opts *o)
{
	if (all_s < 0) {
		printf("%s: NOT all receipted in %u s: %u of %u (requests answered in %.3f s)\n",
		       what, o->limit, done, want, sent_s);
		printf("target: all receipted < %.0f s: NOT met (> %u s)\n", TARGET_S, o->limit);
		return;
	}
	printf("%s: all %u receipted %.3f s after the first request = %.1f x floor "
	       "(%.2f ms); the requests answered in %.3f s\n", what, want, all_s,
	       all_s / floor_s, floor_s * 1e3, sent_s);
	printf("target: all receipted < %.0f s: %s (%.3f s)\n", TARGET_S,
	       all_s < TARGET_S ? "met" : "NOT met", all_s);
}

static int phase(struct run *rn, const struct opts *o, const char *what, double floor_s)
{
	unsigned want = 0, done = 0;
	int64_t t0 = now_ns();
	double sent_s = 0, all_s;
	int r = fan_out(rn, o, &sent_s);

	for (unsigned i = 0; i < rn->n; i++)
		want += !rn->m[i].frozen;
	if (r < 0)
		return r;
	all_s = wait_all(rn, t0, o->limit, &done);
	report_fan(what, all_s, sent_s, done, want, floor_s, o);
	return 0;
}

static int freeze(struct run *rn)
{
	unsigned k = 0;

	/* Every tenth member, spread over the names (the courier's order). */
	for (unsigned i = 5; i < rn->n; i += 10) {
		if (kill(rn->m[i].d.pid, SIGSTOP) < 0)
			return -errno;
		rn->m[i].frozen = true;
		k++;
	}
	printf("black hole: %u of %u members frozen (SIGSTOP: connections accepted by the "
	       "kernel, never answered)\n", k, rn->n);
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"members", required_argument, NULL, 'n'},
		{"clients", required_argument, NULL, 'c'},
		{"limit", required_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};

	*o = (struct opts){.members = 193, .clients = 16, .limit = 600};
	for (;;) {
		int c = getopt_long(argc, argv, "", lo, NULL), r = 0;

		if (c == -1)
			break;
		if (c == 'n')
			r = number(optarg, MAX_MEMBERS, &o->members);
		else if (c == 'c')
			r = number(optarg, MAX_CLIENTS, &o->clients);
		else if (c == 'l')
			r = number(optarg, 3600, &o->limit);
		else
			r = -1;
		if (r < 0)
			goto usage;
	}
	if (argc - optind > 1)
		goto usage;
	if (optind < argc && snprintf(o->hotlined, sizeof(o->hotlined), "%s",
				      argv[optind]) < (int)sizeof(o->hotlined))
		return 0;
	if (optind == argc && default_hotlined(o->hotlined, sizeof(o->hotlined)) == 0)
		return 0;
usage:
	fputs("usage: bench_hub [--members N] [--clients C] [--limit S] [HOTLINED]\n", stderr);
	return -1;
}

static int setup(struct run *rn, const struct opts *o)
{
	const char *tmp = getenv("TMPDIR");
	int64_t t0 = now_ns();
	double made;
	int r;

	snprintf(rn->dir, sizeof(rn->dir), "%s/bench-hub.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(rn->dir)) {
		fprintf(stderr, "bench_hub: %s: %s\n", rn->dir, strerror(errno));
		rn->dir[0] = 0;
		return -EIO;
	}
	printf("hub: a hub and %u members, %u hotlined (%s) on 127.0.0.1, one process "
	       "each, %ld CPUs, in %s\n", rn->n, rn->n + 1, o->hotlined,
	       sysconf(_SC_NPROCESSORS_ONLN), rn->dir);
	fflush(stdout);
	r = make_all(rn);
	made = ms_since(t0) / 1e3;
	t0 = now_ns();
	if (r == 0)
		r = start_all(rn, o);
	if (r == 0)
		r = watch_hub(rn);
	if (r == 0)
		printf("setup: %u parties made and linked both ways in %.1f s; their daemons "
		       "ready in %.1f s\n", rn->n + 1, made, ms_since(t0) / 1e3);
	return r;
}

static int measure(struct run *rn, const struct opts *o)
{
	double floor_s = 0;
	int r = measure_floor(rn, &floor_s);

	if (r < 0)
		return r;
	printf("floor: single-link FLASH check %.2f ms (hub -> %s, median of %d after %d "
	       "of warm-up: POST /v1/check/run until the receipt is in the hub's store)\n",
	       floor_s * 1e3, rn->m[0].name, FLOOR_RUNS, FLOOR_WARMUP);
	rn->group = group_make(rn) == 0;
	if (rn->group)
		printf("sends: one group check (the hub's API sends to a group)\n");
	else
		printf("sends: one POST /v1/check/run per member, %u client threads with a "
		       "kept-alive API connection each (no group send in this hotlined)\n",
		       o->clients < rn->n ? o->clients : rn->n);
	fflush(stdout);
	r = phase(rn, o, "all members", floor_s);
	if (r == 0)
		report_rss(rn, "after the fan-out");
	fflush(stdout);
	if (r == 0)
		r = freeze(rn);
	if (r == 0)
		r = phase(rn, o, "the others, 10% frozen", floor_s);
	if (r == 0)
		report_rss(rn, "after the black hole");
	return r;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct run *rn = calloc(1, sizeof(*rn));
	int r;

	if (parse(argc, argv, &o) < 0)
		return 2;
	if (access(o.hotlined, X_OK) < 0) {
		fprintf(stderr, "bench_hub: %s: %s (build it: make O=BUILD BUILD/hotlined)\n",
			o.hotlined, strerror(errno));
		return 1;
	}
	if (!rn || sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;
	prctl(PR_SET_TIMERSLACK, 1UL);
	signal(SIGPIPE, SIG_IGN);
	rn->n = o.members;
	rn->m = calloc(rn->n, sizeof(*rn->m));
	r = rn->m ? setup(rn, &o) : -ENOMEM;
	if (r == 0)
		r = measure(rn, &o);
	hl_store_close(rn->st);
	if (stop_all(rn) < 0)
		r = -EIO;
	if (rn->dir[0] && remove_tree(rn->dir) < 0)
		fprintf(stderr, "bench_hub: cannot remove %s\n", rn->dir);
	free(rn->m);
	free(rn);
	curl_global_cleanup();
	return r < 0 ? 1 : 0;
}

/* bench_memory.c - the resident memory of real hotlined processes: idle,
 * under full load, and over a simulated day of scheduled checks, each
 * printed beside its target.
 *
 *   bench_memory [--seconds S] [--clients C] [--speed X] [--every M] [HOTLINED]
 *
 * HOTLINED defaults to the hotlined in the parent of this program's
 * folder ($(O)/hotlined for $(O)/bench/bench_memory).  In a temporary
 * folder the program makes four parties, links and confirms them in
 * two pairs, and measures, from /proc/PID/status, VmRSS (what is
 * resident, shared library pages included) and RssAnon (the part that
 * is the process's own: heap, stacks, caches):
 *
 *   idle   a freshly started pair with one confirmed link, 5 s after
 *          both are ready.
 *   load   C (64) clients post 1 KiB messages (ROUTINE, each receipted
 *          by the peer, as bench_delivery's throughput) for S seconds:
 *          $HOTLINE_BENCH_MEMORY_SECONDS, or 600 (the 10
 *          minutes).  Both daemons are sampled once a second; the
 *          figure after the warm-up (S / 10, from 30 s, or half a
 *          shorter run, to 60 s: the page caches filling up to their
 *          bounds) is compared with the last one and with the largest.
 *   day    the second pair, its wall clock moved by the bench through
 *          25 h at X (720) times real time (libfaketime, one timestamp
 *          file both daemons read, their monotonic clocks real), the
 *          checker sending a scheduled check every M (15) minutes: the
 *          figure after the first hour against the one 24 h later.
 *
 * HOTLINE_BENCH_MEMORY_TRACE=1 prints each second's look at the load on
 * standard error; KEEP=1 keeps the folder (the daemons' logs).
 *
 * Exit status: 0 measured (targets met or not), 1 could not measure,
 * 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "text.h"

#define BENCH_NAME "bench_memory"
#include "bench.h"
#include "daemons.h"
#include "flow.h"

#define TARGET_IDLE_MB 20.0	/* the issue's: idle RSS <= 20 MB */
#define TARGET_DRIFT 0.10	/* and flat within 10 % */
#define MAX_CLIENTS 256
#define MAX_SECONDS 86400
#define SETTLE_S 5		/* after ready, before the idle figure */
#define WARMUP_MIN_S 30
#define WARMUP_MAX_S 60
#define DAY_S (24 * 3600)
#define CLOCK_STEP_US 100000	/* the fake clock moves this often */
/* The thread-safe build: the plain one rereads the timestamp file into
 * static buffers without a lock, and a thread of hotlined then reads a
 * wrong time now and then (tests/test-lib.sh, FAKETIME_LIB). */
#define FAKETIME_LIB "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"

struct opts {
	unsigned seconds, clients, speed, every_min;
	char hotlined[PATH_MAX];
};

/* ---- /proc ---- */

/* A field of /proc/PID/status ("VmRSS", "RssAnon", "Threads") as the
 * number it holds (kB for the sizes); 0 when absent. */
static double status_of(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t n = strlen(field);
	double v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			v = strtod(line + n + 1, NULL);
	if (f)
		fclose(f);
	return v;
}

/* One look at a daemon's memory, in MB. */
struct mem {
	double rss, anon;
	unsigned threads;
};

static struct mem mem_of(const struct daemon *s)
{
	return (struct mem){
		.rss = status_of(s->pid, "VmRSS") / 1024,
		.anon = status_of(s->pid, "RssAnon") / 1024,
		.threads = (unsigned)status_of(s->pid, "Threads"),
	};
}

/* A series of looks: the one after the warm-up, the last, the max. */
struct series {
	struct mem first, last, max;
	bool started;
};

static void series_add(struct series *v, struct mem m, bool counted)
{
	if (!counted)
		return;
	if (!v->started)
		v->first = m;
	v->started = true;
	v->last = m;
	if (m.rss > v->max.rss)
		v->max.rss = m.rss;
	if (m.anon > v->max.anon)
		v->max.anon = m.anon;
	if (m.threads > v->max.threads)
		v->max.threads = m.threads;
}

static double drift(double from, double to)
{
	return from > 0 ? (to - from) / from : 0;
}

static void print_series(const char *phase, const char *name, const char *first,
			 const char *last, const struct series *v)
{
	printf("%s: %s RSS %s %.1f MB, %s %.1f MB (%+.1f %%), max %.1f MB; own (RssAnon) "
	       "%.1f -> %.1f MB (%+.1f %%), max %.1f MB; threads %u -> %u\n", phase, name,
	       first, v->first.rss, last, v->last.rss,
	       100 * drift(v->first.rss, v->last.rss), v->max.rss, v->first.anon,
	       v->last.anon, 100 * drift(v->first.anon, v->last.anon), v->max.anon,
	       v->first.threads, v->last.threads);
}

/* The target line for a pair's series: the worse of the two drifts,
 * up or down (a daemon that died reads as -100 %). */
static void print_flat(const char *what, const struct series v[2], const char *names[2])
{
	double d0 = drift(v[0].first.rss, v[0].last.rss);
	double d1 = drift(v[1].first.rss, v[1].last.rss);
	double a0 = d0 < 0 ? -d0 : d0, a1 = d1 < 0 ? -d1 : d1;
	double worst = a0 > a1 ? a0 : a1;

	printf("target: RSS flat %s (last within %.0f %% of the first): %s (%s %+.1f %%, "
	       "%s %+.1f %%)\n", what, 100 * TARGET_DRIFT,
	       worst <= TARGET_DRIFT ? "met" : "NOT met", names[0], 100 * d0, names[1],
	       100 * d1);
}

/* ---- the parties ---- */

/* Appends line to s's hotline.conf. */
static int conf_add(const struct daemon *s, const char *line)
{
	char path[PATH_MAX];
	FILE *f;
	int r = hl_party_path(s->home, "hotline.conf", path, sizeof(path));

	if (r < 0)
		return r;
	f = fopen(path, "a");
	if (!f)
		return -errno;
	r = fprintf(f, "%s\n", line) < 0 ? -EIO : 0;
	if (fclose(f) != 0)
		r = -EIO;
	return r;
}

/* Stops both; fails unless both exited 0. */
static int stop_pair(struct daemon *s[2])
{
	int r0 = stop_checked(s[0]), r1 = stop_checked(s[1]);

	return r0 < 0 ? r0 : r1;
}

/* ---- idle ---- */

static void report_idle(struct daemon *s[2])
{
	struct mem m[2] = {mem_of(s[0]), mem_of(s[1])};
	double worst = m[0].rss > m[1].rss ? m[0].rss : m[1].rss;

	for (int i = 0; i < 2; i++)
		printf("idle: %s RSS %.1f MB, its own (RssAnon) %.1f MB, %u threads (%d s "
		       "after ready, one confirmed link)\n", s[i]->name, m[i].rss, m[i].anon,
		       m[i].threads, SETTLE_S);
	printf("target: idle RSS <= %.0f MB: %s (%.1f MB)\n", TARGET_IDLE_MB,
	       worst <= TARGET_IDLE_MB ? "met" : "NOT met", worst);
	fflush(stdout);
}

/* ---- load ---- */

/* Samples both daemons once a second until the flow's deadline. */
static void sample_load(struct daemon *s[2], int64_t t0, unsigned seconds,
			unsigned warmup, struct series v[2])
{
	bool trace = getenv("HOTLINE_BENCH_MEMORY_TRACE") != NULL;

	for (unsigned k = 1; k <= seconds; k++) {
		int64_t until = t0 + (int64_t)k * 1000000000;

		while (now_ns() < until)
			sleep_us((long)((until - now_ns()) / 1000) + 1);
		for (int i = 0; i < 2; i++) {
			struct mem m = mem_of(s[i]);

			series_add(&v[i], m, k >= warmup);
			if (trace)
				fprintf(stderr, "%u s: %s RSS %.1f MB, own %.1f MB, %u threads\n",
					k, s[i]->name, m.rss, m.anon, m.threads);
		}
	}
}

/* S / 10, but 30 s at least (half a short run): the handles' page
 * caches take that long to fill up to their bounds; 60 s at most. */
static unsigned warmup_of(unsigned seconds)
{
	unsigned w = seconds / 10, least = seconds / 2 < WARMUP_MIN_S ? seconds / 2 :
		WARMUP_MIN_S;

	if (w < least)
		w = least;
	return w > WARMUP_MAX_S ? WARMUP_MAX_S : (w ? w : 1);
}

static int run_load(struct daemon *s[2], const struct opts *o)
{
	struct flow *f = flow_new(s[0]->sock, s[1]->name);
	struct series v[2] = {0};
	const char *names[2] = {s[0]->name, s[1]->name};
	unsigned started = 0, warmup = warmup_of(o->seconds);
	pthread_t t[MAX_CLIENTS];
	struct watch w = {0};
	int r = f ? watch_open(&w, s[0], s[1]->name) : -ENOMEM;
	uint64_t cos0 = r == 0 ? cosigned(&w) : 0;
	int64_t t0 = now_ns();
	char first[32];

	if (r < 0)
		goto out;
	f->deadline = t0 + (int64_t)o->seconds * 1000000000;
	for (; started < o->clients; started++)
		if (pthread_create(&t[started], NULL, client, f) != 0)
			break;
	sample_load(s, t0, o->seconds, warmup, v);
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	if (started < o->clients || atomic_load(&f->accepted) == 0) {
		fprintf(stderr, BENCH_NAME ": load: %u of %u clients, %llu accepted\n", started,
			o->clients, (unsigned long long)atomic_load(&f->accepted));
		r = -EIO;
		goto out;
	}
	r = wait_cosigned(&w, atomic_load(&f->max_seq), 300000, 10000);
	printf("load: %u clients, 1 KiB ROUTINE messages for %u s: %llu accepted, %llu "
	       "receipted (%.0f accepted a second), %llu errors%s\n", o->clients, o->seconds,
	       (unsigned long long)atomic_load(&f->accepted),
	       (unsigned long long)(cosigned(&w) - cos0),
	       (double)atomic_load(&f->accepted) / o->seconds,
	       (unsigned long long)atomic_load(&f->errors),
	       r < 0 ? "; not all receipted 300 s after" : "");
	snprintf(first, sizeof(first), "after %u s", warmup);
	for (int i = 0; i < 2; i++)
		print_series("load", s[i]->name, first, "last", &v[i]);
	print_flat("under load", v, names);
	if (o->seconds < 600)
		printf("note: a %u s load, not the issue's 10 minutes "
		       "(HOTLINE_BENCH_MEMORY_SECONDS=600 for those)\n", o->seconds);
	for (int i = 0; i < 2; i++) {
		struct mem m = mem_of(s[i]);

		printf("load: %s once receipted, RSS %.1f MB, own %.1f MB\n", s[i]->name,
		       m.rss, m.anon);
	}
out:
	fflush(stdout);
	hl_store_close(w.st);
	flow_free(f);
	return r;
}

/* ---- a simulated day ---- */

/* The fake wall clock both daemons read: epoch seconds in a file,
 * written whole and renamed into place. */
static int clock_write(const char *path, int64_t t)
{
	char tmp[PATH_MAX + 8];
	FILE *f;
	int r;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	r = fprintf(f, "%lld\n", (long long)t) < 0 ? -EIO : 0;
	if (fclose(f) != 0)
		r = -EIO;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	return r;
}

/* Starts s with its wall clock read from clockfile (libfaketime). */
static int start_faked(const char *hotlined, struct daemon *s, const char *clockfile)
{
	int r;

	setenv("LD_PRELOAD", FAKETIME_LIB, 1);
	setenv("FAKETIME_TIMESTAMP_FILE", clockfile, 1);
	setenv("FAKETIME_FMT", "%s", 1);
	setenv("FAKETIME_NO_CACHE", "1", 1);
	setenv("FAKETIME_DONT_FAKE_MONOTONIC", "1", 1);
	r = launch_daemon(hotlined, s);
	unsetenv("LD_PRELOAD");
	unsetenv("FAKETIME_TIMESTAMP_FILE");
	unsetenv("FAKETIME_FMT");
	unsetenv("FAKETIME_NO_CACHE");
	unsetenv("FAKETIME_DONT_FAKE_MONOTONIC");
	return r < 0 ? r : wait_ready(s, now_ns(), 30000);
}

/* How many lines of s's log hold what. */
static unsigned log_count(const struct daemon *s, const char *what)
{
	char line[1024];
	unsigned n = 0;
	FILE *f = fopen(s->log, "r");

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	if (f)
		fclose(f);
	return n;
}

/* Moves the fake clock from t0 through 25 h at o->speed, sampling both
 * daemons at each fake hour from the first on. */
static int run_clock(struct daemon *s[2], const char *clockfile, int64_t t0,
		     const struct opts *o, struct series v[2])
{
	int64_t r0 = now_ns(), fake = t0;
	int hour = 0, r = 0;

	while (r == 0 && fake < t0 + DAY_S + 3600) {
		sleep_us(CLOCK_STEP_US);
		fake = t0 + (int64_t)((double)(now_ns() - r0) / 1e9 * o->speed);
		r = clock_write(clockfile, fake);
		while ((fake - t0) / 3600 > hour) {
			hour++;
			for (int i = 0; i < 2; i++)
				series_add(&v[i], mem_of(s[i]), true);
		}
		for (int i = 0; r == 0 && i < 2; i++)
			if (kill(s[i]->pid, 0) < 0)
				r = -ESRCH;
	}
	return r;
}

static int run_day(struct daemon *s[2], const char *dir, const struct opts *o)
{
	char clockfile[PATH_MAX + 16], line[128];
	const char *names[2] = {s[0]->name, s[1]->name};
	struct series v[2] = {0};
	int64_t t0 = (int64_t)time(NULL);
	struct watch w = {0};
	int r;

	snprintf(clockfile, sizeof(clockfile), "%s/day.clock", dir);
	snprintf(line, sizeof(line), "link.%s.check.every = %um", s[1]->name, o->every_min);
	r = conf_add(s[0], line);
	if (r == 0)
		r = clock_write(clockfile, t0);
	for (int i = 0; r == 0 && i < 2; i++)
		r = start_faked(o->hotlined, s[i], clockfile);
	if (r == 0)
		r = watch_open(&w, s[0], s[1]->name);
	if (r == 0)
		r = run_clock(s, clockfile, t0, o, v);
	sleep_us(2000000);	/* the last check's receipt */
	if (r == 0) {
		printf("day: 25 h of %s's and %s's clocks in %.0f s (x %u), a check every "
		       "%u min: %u sent, %llu receipted\n", s[0]->name, s[1]->name,
		       (DAY_S + 3600.0) / o->speed, o->speed, o->every_min,
		       log_count(s[0], "check sent to"), (unsigned long long)cosigned(&w));
		for (int i = 0; i < 2; i++)
			print_series("day", s[i]->name, "after 1 h", "after 25 h", &v[i]);
		print_flat("over a day of checks", v, names);
	} else {
		fprintf(stderr, BENCH_NAME ": day: %s\n", hl_strerror(r));
	}
	fflush(stdout);
	hl_store_close(w.st);
	return r;
}

/* ---- main ---- */

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"seconds", required_argument, NULL, 's'},
		{"clients", required_argument, NULL, 'c'},
		{"speed", required_argument, NULL, 'x'},
		{"every", required_argument, NULL, 'e'},
		{NULL, 0, NULL, 0},
	};
	const char *env = getenv("HOTLINE_BENCH_MEMORY_SECONDS");

	*o = (struct opts){.seconds = 600, .clients = 64, .speed = 720, .every_min = 15};
	if (env && *env && number(env, MAX_SECONDS, &o->seconds) < 0)
		goto usage;
	for (;;) {
		int c = getopt_long(argc, argv, "", lo, NULL), r = 0;

		if (c == -1)
			break;
		if (c == 's')
			r = number(optarg, MAX_SECONDS, &o->seconds);
		else if (c == 'c')
			r = number(optarg, MAX_CLIENTS, &o->clients);
		else if (c == 'x')
			r = number(optarg, 86400, &o->speed);
		else if (c == 'e')
			r = number(optarg, 1440, &o->every_min);
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
	fputs("usage: bench_memory [--seconds S] [--clients C] [--speed X] [--every MIN] "
	      "[HOTLINED]\n", stderr);
	return -1;
}

struct run {
	char dir[1024];
	struct daemon d[4];	/* the load's pair, the day's pair */
};

static int setup(struct run *rn, const struct opts *o)
{
	static const char *names[4] = {"bench-a", "bench-b", "bench-c", "bench-d"};
	const char *tmp = getenv("TMPDIR");
	int ports[4], r;

	snprintf(rn->dir, sizeof(rn->dir), "%s/bench-memory.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(rn->dir)) {
		fprintf(stderr, BENCH_NAME ": %s: %s\n", rn->dir, strerror(errno));
		rn->dir[0] = 0;
		return -EIO;
	}
	printf("memory: hotlined %s, %ld CPUs, in %s\n", o->hotlined,
	       sysconf(_SC_NPROCESSORS_ONLN), rn->dir);
	fflush(stdout);
	r = free_ports(ports, 4);
	for (int i = 0; r == 0 && i < 4; i++) {
		rn->d[i].name = names[i];
		rn->d[i].port = ports[i];
		r = make_party(rn->dir, &rn->d[i]);
	}
	if (r == 0)
		r = link_both(&rn->d[0], &rn->d[1]);
	if (r == 0)
		r = link_both(&rn->d[2], &rn->d[3]);
	return r;
}

static int measure(struct run *rn, const struct opts *o)
{
	struct daemon *ab[2] = {&rn->d[0], &rn->d[1]}, *cd[2] = {&rn->d[2], &rn->d[3]};
	int r = start_daemon(o->hotlined, ab[0]);

	if (r == 0)
		r = start_daemon(o->hotlined, ab[1]);
	if (r == 0) {
		sleep_us(SETTLE_S * 1000000L);
		report_idle(ab);
		r = run_load(ab, o);
	}
	if (stop_pair(ab) < 0 && r == 0)
		r = -EIO;
	if (r == 0)
		r = run_day(cd, rn->dir, o);
	if (stop_pair(cd) < 0 && r == 0)
		r = -EIO;
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
		fprintf(stderr, BENCH_NAME ": %s: %s (build it: make O=BUILD BUILD/hotlined)\n",
			o.hotlined, strerror(errno));
		return 1;
	}
	if (access(FAKETIME_LIB, R_OK) < 0) {
		fprintf(stderr, BENCH_NAME ": %s: %s (install libfaketime)\n", FAKETIME_LIB,
			strerror(errno));
		return 1;
	}
	if (!rn || sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	r = setup(rn, &o);
	if (r == 0)
		r = measure(rn, &o);
	if (rn->dir[0] && !getenv("KEEP") && remove_tree(rn->dir) < 0)
		fprintf(stderr, BENCH_NAME ": cannot remove %s\n", rn->dir);
	free(rn);
	curl_global_cleanup();
	return r < 0 ? 1 : 0;
}

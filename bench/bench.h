/* bench.h - what the benchmarks share: the clock, the table of medians,
 * the fsync floor, the temporary folder and two linked parties.
 *
 * Each benchmark is one program of one file: it defines BENCH_NAME (its
 * name, for messages) and includes this.  Everything here is static and
 * marked unused, so a benchmark that calls only some of it still builds
 * with -Werror, and none of it is in libhotline.
 */
#ifndef HL_BENCH_H
#define HL_BENCH_H

#ifndef BENCH_NAME
#error "define BENCH_NAME (the program's name) before including bench.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "party.h"
#include "store.h"

#define BENCH_SHARED static __attribute__((unused))

/* The folder the benchmark works in (make_dir), on the disk measured. */
BENCH_SHARED char bench_dir[1024];

BENCH_SHARED double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

BENCH_SHARED int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	double median, p99, mean;
};

/* Sorts v (seconds) and summarises it. */
BENCH_SHARED struct stats summarise(double *v, size_t n)
{
	struct stats s = {0};

	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		s.mean += v[i] / (double)n;
	s.median = v[n / 2];
	s.p99 = v[n * 99 / 100];
	return s;
}

BENCH_SHARED void die(const char *what, int err)
{
	fprintf(stderr, BENCH_NAME ": %s: %s\n", what, hl_strerror(err));
	exit(1);
}

/* Formats seconds for the table: ns, us or ms with three digits. */
BENCH_SHARED const char *dur(double s, char *buf, size_t n)
{
	if (s < 1e-6)
		snprintf(buf, n, "%.0f ns", s * 1e9);
	else if (s < 1e-3)
		snprintf(buf, n, "%.1f us", s * 1e6);
	else
		snprintf(buf, n, "%.2f ms", s * 1e3);
	return buf;
}

BENCH_SHARED void row(const char *what, const struct stats *s, double per_s, const char *vs)
{
	char a[32], b[32];

	printf("%-44s %10s %10s %12.0f/s  %s\n", what, dur(s->median, a, sizeof(a)),
	       dur(s->p99, b, sizeof(b)), per_s, vs);
}

/* ---- the fsync floor ---- */

/* write(4 KiB) + fdatasync on a file in bench_dir, up to max samples.
 * A benchmark samples it before, among and after what it measures: a
 * shared disk's latency drifts, and a ratio is only fair against the
 * same moments. */
struct fsync_probe {
	int fd;
	size_t n, max;
	double *t;
};

BENCH_SHARED void fsync_open(struct fsync_probe *f, size_t max)
{
	char path[2048];

	snprintf(path, sizeof(path), "%s/fsync.dat", bench_dir);
	f->n = 0;
	f->max = max;
	f->t = calloc(max, sizeof(*f->t));
	if (!f->t)
		die("fsync_open", -ENOMEM);
	f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (f->fd < 0)
		die(path, -errno);
}

BENCH_SHARED void fsync_sample(struct fsync_probe *f, int runs)
{
	static const char block[4096];

	for (int i = 0; i < runs; i++) {
		double t0 = now_s();

		if (f->n == f->max)
			die("fsync_sample", -ENOBUFS);
		if (write(f->fd, block, sizeof(block)) != (ssize_t)sizeof(block) ||
		    fdatasync(f->fd) < 0)
			die("write+fdatasync", -errno);
		f->t[f->n++] = now_s() - t0;
	}
}

/* Closes the probe and summarises its f->n samples (f->n stays). */
BENCH_SHARED struct stats fsync_close(struct fsync_probe *f)
{
	struct stats s;

	close(f->fd);
	s = summarise(f->t, f->n);
	free(f->t);
	f->t = NULL;
	return s;
}

/* ---- the temporary folder ---- */

BENCH_SHARED int remove_one(const char *path, const struct stat *sb, int flag,
			    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes path and everything in it; 0, or -1 with errno. */
BENCH_SHARED int remove_tree(const char *path)
{
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh folder prefix.XXXXXX in base (or $TMPDIR, or /tmp) into
 * bench_dir. */
BENCH_SHARED void make_dir(const char *base, const char *prefix)
{
	if (!base)
		base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(bench_dir, sizeof(bench_dir), "%s/%s.XXXXXX", base, prefix);
	if (!mkdtemp(bench_dir))
		die(bench_dir, -errno);
}

/* ---- two parties, their stores and links ---- */

struct side {
	struct hl_party *p;
	struct hl_store *st;
	struct hl_link l;
};

/* A new party called name, made at time now in bench_dir, with its
 * secrets open.  The caller frees it (hl_party_free). */
BENCH_SHARED struct hl_party *party(const char *name, int64_t now)
{
	struct hl_config conf;
	struct hl_party *p = NULL;
	char home[4096], why[4200] = "";
	int r;

	hl_config_defaults(&conf);
	snprintf(conf.name, sizeof(conf.name), "%s", name);
	snprintf(home, sizeof(home), "%s/%s", bench_dir, name);
	r = hl_party_create(home, &conf, now, why, sizeof(why));
	if (r == 0)
		r = hl_party_open(home, HL_PARTY_SECRETS, &p, why, sizeof(why));
	if (r < 0)
		die(why, r);
	return p;
}

/* Opens db (a file in bench_dir) as s's store. */
BENCH_SHARED void store_open(struct side *s, const char *db)
{
	char path[4096], err[256] = "";
	int r;

	snprintf(path, sizeof(path), "%s/%s", bench_dir, db);
	r = hl_store_open(path, &s->st, err, sizeof(err));
	if (r < 0)
		die(err, r);
}

/* Opens db (a file in bench_dir) for me with a link to peer, added and
 * confirmed at time now. */
BENCH_SHARED void side_open(struct side *s, struct hl_party *me,
			    const struct hl_party *peer, const char *db, int64_t now)
{
	unsigned char id[HL_LINK_ID_LEN];
	int r;

	s->p = me;
	store_open(s, db);
	hl_link_id(me->card.sign_pk, peer->card.sign_pk, id);
	r = hl_store_link_add(s->st, peer->card.name, id, peer->card_text.data,
			      peer->card_text.len, "", now);
	if (r == 0)
		r = hl_store_link_get(s->st, peer->card.name, &s->l);
	if (r == 0)
		r = hl_store_link_confirm(s->st, s->l.id, now);
	hl_link_free(&s->l);
	if (r == 0)
		r = hl_store_link_get(s->st, peer->card.name, &s->l);
	if (r < 0)
		die("link", r);
}

BENCH_SHARED void side_close(struct side *s)
{
	hl_link_free(&s->l);
	hl_store_close(s->st);
	s->st = NULL;
}

#endif

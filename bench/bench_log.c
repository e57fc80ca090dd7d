/* bench_log - the transcript's costs, each beside the floor it sits on.
 *
 *   bench_log [DIR]
 *
 * In a fresh folder made in DIR, else $TMPDIR, else /tmp (put it on the
 * disk the store will live on), and removed afterwards, it measures in
 * one run:
 *
 *   - the floors: write(4 KiB) + fdatasync on a file in DIR, and one
 *     Ed25519 signature of an envelope-sized message;
 *   - appends through hl_transcript_send, one durable transaction each,
 *     as a rate and as a multiple of one fsync;
 *   - proofs (hl_transcript_proof) of random entries of a log of 10000
 *     envelopes, as a multiple of one signature;
 *   - the witness (hl_transcript_witness) over one push of 1024
 *     envelopes, in envelopes per second.
 *
 * Prints a table; exit status 0, or 1 with a message on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "batch.h"
#include "checkpoint.h"
#include "error.h"
#include "party.h"
#include "proof.h"
#include "store.h"
#include "transcript.h"

#define FSYNC_BEFORE 150
#define FSYNC_AFTER 150
#define FSYNC_EVERY 10
#define SIGN_RUNS 3000
#define APPENDS 2000
#define PROOF_LOG 10000
#define PROOF_RUNS 2000
#define WITNESS_RUNS 5
#define NOW ((int64_t)1795000000)

static char dir[1024];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	double median, p99, mean;
};

/* Sorts v (seconds) and summarises it. */
static struct stats summarise(double *v, size_t n)
{
	struct stats s = {0};

	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		s.mean += v[i] / (double)n;
	s.median = v[n / 2];
	s.p99 = v[n * 99 / 100];
	return s;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench_log: %s: %s\n", what, hl_strerror(err));
	exit(1);
}

/* Formats seconds for the table: ns, us or ms with three digits. */
static const char *dur(double s, char *buf, size_t n)
{
	if (s < 1e-6)
		snprintf(buf, n, "%.0f ns", s * 1e9);
	else if (s < 1e-3)
		snprintf(buf, n, "%.1f us", s * 1e6);
	else
		snprintf(buf, n, "%.2f ms", s * 1e3);
	return buf;
}

static void row(const char *what, const struct stats *s, double per_s, const char *vs)
{
	char a[32], b[32];

	printf("%-44s %10s %10s %12.0f/s  %s\n", what, dur(s->median, a, sizeof(a)),
	       dur(s->p99, b, sizeof(b)), per_s, vs);
}

/* ---- the floors ---- */

/* The fsync floor is sampled before, between and after the appends
 * (one sample every FSYNC_EVERY appends): a shared disk's latency
 * drifts, and the ratio is only fair against the same moments. */
struct fsync_probe {
	int fd;
	size_t n;
	double t[FSYNC_BEFORE + APPENDS / FSYNC_EVERY + FSYNC_AFTER];
};

static void fsync_open(struct fsync_probe *f)
{
	char path[2048];

	snprintf(path, sizeof(path), "%s/fsync.dat", dir);
	f->n = 0;
	f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (f->fd < 0)
		die(path, -errno);
}

static void fsync_sample(struct fsync_probe *f, int runs)
{
	static const char block[4096];

	for (int i = 0; i < runs; i++) {
		double t0 = now_s();

		if (write(f->fd, block, sizeof(block)) != (ssize_t)sizeof(block) ||
		    fdatasync(f->fd) < 0)
			die("write+fdatasync", -errno);
		f->t[f->n++] = now_s() - t0;
	}
}

static struct stats bench_sign(void)
{
	static double t[SIGN_RUNS];
	unsigned char pk[32], sk[64], msg[1024], sig[64];

	crypto_sign_keypair(pk, sk);
	randombytes_buf(msg, sizeof(msg));
	for (int i = 0; i < SIGN_RUNS; i++) {
		double t0 = now_s();

		crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
		t[i] = now_s() - t0;
		msg[0] = sig[0];
	}
	sodium_memzero(sk, sizeof(sk));
	return summarise(t, SIGN_RUNS);
}

/* ---- two parties, their stores and links ---- */

struct side {
	struct hl_party *p;
	struct hl_store *st;
	struct hl_link l;
};

static struct hl_party *party(const char *name)
{
	struct hl_config conf;
	struct hl_party *p = NULL;
	char home[4096], why[4200] = "";
	int r;

	hl_config_defaults(&conf);
	snprintf(conf.name, sizeof(conf.name), "%s", name);
	snprintf(home, sizeof(home), "%s/%s", dir, name);
	r = hl_party_create(home, &conf, NOW, why, sizeof(why));
	if (r == 0)
		r = hl_party_open(home, HL_PARTY_SECRETS, &p, why, sizeof(why));
	if (r < 0)
		die(why, r);
	return p;
}

/* Opens db (a file in DIR) for me with a confirmed link to peer. */
static void side_open(struct side *s, struct hl_party *me, const struct hl_party *peer,
		      const char *db)
{
	unsigned char id[HL_LINK_ID_LEN];
	char path[4096], err[256] = "";
	int r;

	s->p = me;
	snprintf(path, sizeof(path), "%s/%s", dir, db);
	r = hl_store_open(path, &s->st, err, sizeof(err));
	if (r < 0)
		die(err, r);
	hl_link_id(me->card.sign_pk, peer->card.sign_pk, id);
	r = hl_store_link_add(s->st, peer->card.name, id, peer->card_text.data,
			      peer->card_text.len, "", NOW);
	if (r == 0)
		r = hl_store_link_get(s->st, peer->card.name, &s->l);
	if (r == 0)
		r = hl_store_link_confirm(s->st, s->l.id, NOW);
	hl_link_free(&s->l);
	if (r == 0)
		r = hl_store_link_get(s->st, peer->card.name, &s->l);
	if (r < 0)
		die("link", r);
}

static void side_close(struct side *s)
{
	hl_link_free(&s->l);
	hl_store_close(s->st);
	s->st = NULL;
}

static const char text[] =
	"Notification: ransomware infrastructure at 198.51.100.7 (C2), "
	"TLP:AMBER, please preserve logs and confirm receipt.";

/* ---- appends ---- */

static struct stats bench_append(struct side *a, struct fsync_probe *f, double *rate)
{
	static double t[APPENDS];
	struct hl_send msg = {
		.precedence = HL_ROUTINE, .kind = "notify", .plain = text,
		.plain_len = sizeof(text) - 1, .now = NOW,
	};
	double total = 0;

	for (int i = 0; i < APPENDS; i++) {
		double t0 = now_s();
		uint64_t seq;
		int r = hl_transcript_send(a->st, a->p, &a->l, &msg, &seq);

		if (r < 0)
			die("hl_transcript_send", r);
		t[i] = now_s() - t0;
		total += t[i];
		if (i % FSYNC_EVERY == FSYNC_EVERY - 1)
			fsync_sample(f, 1);
	}
	*rate = APPENDS / total;	/* the appends' own time, not the probes' */
	return summarise(t, APPENDS);
}

/* ---- a log of PROOF_LOG envelopes, built in one transaction ---- */

static void log_put(struct side *a, uint64_t seq, const struct hl_buf *env)
{
	struct hl_store_log log = {a->st, a->l.id, HL_OURS};
	struct hl_merkle_src src = hl_store_merkle(&log);
	struct hl_merkle_node nodes[HL_MERKLE_LEVELS];
	size_t count = 0;
	hl_hash leaf;
	int r;

	hl_merkle_leaf(env->data, env->len, leaf);
	r = hl_merkle_append(&src, seq - 1, leaf, nodes, &count);
	for (size_t i = 0; r == 0 && i < count; i++)
		r = hl_store_node_put(a->st, a->l.id, HL_OURS, &nodes[i]);
	if (r == 0)
		r = hl_store_envelope_put(a->st, a->l.id, HL_OURS, seq, env->data, env->len,
					  leaf, NOW);
	if (r < 0)
		die("store", r);
}

/* A checkpoint of the whole log, signed by a and cosigned by b. */
static void log_cosign(struct side *a, const struct hl_party *b)
{
	struct hl_store_log log = {a->st, a->l.id, HL_OURS};
	struct hl_merkle_src src = hl_store_merkle(&log);
	char origin[HL_ORIGIN_MAX + 1];
	struct hl_checkpoint cp;
	struct hl_buf note, line;
	hl_hash root;
	int r;

	hl_buf_init(&note, HL_CHECKPOINT_MAX);
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	hl_log_origin(a->l.link_id, a->p->card.name, origin);
	r = hl_merkle_root(&src, PROOF_LOG, root);
	if (r == 0)
		r = hl_checkpoint_sign(origin, PROOF_LOG, root, a->p->sign_sk, &note);
	if (r == 0)
		r = hl_checkpoint_parse(note.data, note.len, &cp);
	if (r == 0)
		r = hl_cosig_sign(&cp, b->card.name, b->sign_sk, (uint64_t)NOW, &line);
	if (r == 0)
		r = hl_store_checkpoint_put(a->st, a->l.id, HL_OURS, PROOF_LOG, note.data,
					    note.len);
	if (r == 0)
		r = hl_store_cosig_set(a->st, a->l.id, HL_OURS, PROOF_LOG,
				       (const char *)line.data, line.len, NOW);
	if (r < 0)
		die("checkpoint", r);
	hl_buf_free(&note);
	hl_buf_free(&line);
}

static void build_log(struct side *a, const struct hl_party *b)
{
	struct hl_buf env;
	int r = hl_store_begin(a->st);

	hl_buf_init(&env, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	for (uint64_t seq = 1; r == 0 && seq <= PROOF_LOG; seq++) {
		const struct hl_seal_params p = {
			.from = &a->p->card, .sign_sk = a->p->sign_sk, .to = &b->card,
			.seq = seq, .time = NOW, .precedence = HL_ROUTINE, .kind = "notify",
		};

		env.len = 0;
		r = hl_envelope_seal(&p, (const unsigned char *)text, sizeof(text) - 1, &env);
		if (r == 0)
			log_put(a, seq, &env);
	}
	if (r < 0)
		die("seal", r);
	log_cosign(a, b);
	r = hl_store_commit(a->st);
	if (r < 0)
		die("commit", r);
	hl_buf_free(&env);
}

static struct stats bench_proof(struct side *a, bool disclose)
{
	static double t[PROOF_RUNS];
	struct hl_buf out;

	hl_buf_init(&out, HL_PROOF_MAX);
	for (int i = 0; i < PROOF_RUNS; i++) {
		uint64_t seq = 1 + randombytes_uniform(PROOF_LOG);
		double t0 = now_s();
		int r;

		out.len = 0;
		r = hl_transcript_proof(a->st, a->p, &a->l, HL_OURS, seq, disclose, &out);
		if (r < 0)
			die("hl_transcript_proof", r);
		t[i] = now_s() - t0;
	}
	hl_buf_free(&out);
	return summarise(t, PROOF_RUNS);
}

/* ---- the witness over one full push ---- */

static struct stats bench_witness(struct side *a, struct hl_party *b, uint64_t *count)
{
	static double t[WITNESS_RUNS];
	struct hl_buf push, line;
	int r;

	hl_buf_init(&push, HL_BATCH_MAX);
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	r = hl_transcript_push(a->st, a->p, &a->l, &push, count);
	if (r < 0)
		die("hl_transcript_push", r);
	/* Each run witnesses the same push into a fresh store. */
	for (int i = 0; i < WITNESS_RUNS; i++) {
		struct hl_witness_result res;
		struct side s = {0};
		char db[64];
		double t0;

		snprintf(db, sizeof(db), "witness%d.db", i);
		side_open(&s, b, a->p, db);
		line.len = 0;
		t0 = now_s();
		r = hl_transcript_witness(s.st, b, &s.l, push.data, push.len, NOW, &line, &res);
		t[i] = now_s() - t0;
		if (r < 0 || res.added != *count)
			die("hl_transcript_witness", r < 0 ? r : -HL_ECONSISTENCY);
		side_close(&s);
	}
	hl_buf_free(&push);
	hl_buf_free(&line);
	return summarise(t, WITNESS_RUNS);
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A fresh folder in base (or $TMPDIR, or /tmp) into dir. */
static void make_dir(const char *base)
{
	if (!base)
		base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(dir, sizeof(dir), "%s/bench-log.XXXXXX", base);
	if (!mkdtemp(dir))
		die(dir, -errno);
}

struct results {
	struct stats fsync, sign, append, proof, disclosed, witness;
	double rate;
	uint64_t pushed;
	size_t fsyncs;
};

static void report(const struct results *r)
{
	char x[160], y[32];

	printf("%-44s %10s %10s %14s  %s\n", "measure", "median", "p99", "rate",
	       "against its floor");
	snprintf(x, sizeof(x), "%zu samples, before, among and after the appends",
		 r->fsyncs);
	row("floor: write 4 KiB + fdatasync", &r->fsync, 1 / r->fsync.median, x);
	row("floor: Ed25519 sign, 1 KiB", &r->sign, 1 / r->sign.median, "");
	snprintf(x, sizeof(x), "%.2f x fsync floor (mean %s)",
		 r->append.mean / r->fsync.median, dur(r->append.mean, y, sizeof(y)));
	row("append: hl_transcript_send, 1 commit each", &r->append, r->rate, x);
	snprintf(x, sizeof(x), "%.1f x one Ed25519 signature",
		 r->proof.median / r->sign.median);
	row("proof: hl_transcript_proof, log of 10000", &r->proof, 1 / r->proof.median, x);
	snprintf(x, sizeof(x), "%.1f x one Ed25519 signature",
		 r->disclosed.median / r->sign.median);
	row("proof with disclosed key", &r->disclosed, 1 / r->disclosed.median, x);
	snprintf(x, sizeof(x), "envelopes/s; %llu in one push, one commit",
		 (unsigned long long)r->pushed);
	row("witness: hl_transcript_witness, one push", &r->witness,
	    (double)r->pushed / r->witness.median, x);
	printf("\nappends: %.0f/s = %.2f x fsync floor (1 fsync = %s)\n", r->rate,
	       (1 / r->rate) / r->fsync.median, dur(r->fsync.median, y, sizeof(y)));
	printf("proof: %s = %.1f x one Ed25519 signature (%s)\n",
	       dur(r->proof.median, x, sizeof(x)), r->proof.median / r->sign.median,
	       dur(r->sign.median, y, sizeof(y)));
	printf("witness: %.0f envelopes/s\n", (double)r->pushed / r->witness.median);
}

int main(int argc, char **argv)
{
	static struct fsync_probe probe;
	struct side a = {0}, proofs = {0};
	struct hl_party *ru, *us;
	struct results r = {0};

	if (argc > 2) {
		fputs("usage: bench_log [DIR]\n", stderr);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	make_dir(argc == 2 ? argv[1] : NULL);
	printf("in %s\n", dir);
	fsync_open(&probe);
	fsync_sample(&probe, FSYNC_BEFORE);
	r.sign = bench_sign();
	ru = party("ru-cert");
	us = party("us-cert");
	side_open(&a, ru, us, "append.db");
	r.append = bench_append(&a, &probe, &r.rate);
	fsync_sample(&probe, FSYNC_AFTER);
	close(probe.fd);
	r.fsyncs = probe.n;
	r.fsync = summarise(probe.t, probe.n);
	r.witness = bench_witness(&a, us, &r.pushed);
	side_open(&proofs, ru, us, "proof.db");
	build_log(&proofs, us);
	r.proof = bench_proof(&proofs, false);
	r.disclosed = bench_proof(&proofs, true);
	report(&r);
	side_close(&a);
	side_close(&proofs);
	hl_party_free(ru);
	hl_party_free(us);
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

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
#include <string.h>

#include <sodium.h>

#include "batch.h"
#include "checkpoint.h"
#include "proof.h"
#include "transcript.h"

#define BENCH_NAME "bench_log"
#include "bench.h"

#define FSYNC_BEFORE 150
#define FSYNC_AFTER 150
#define FSYNC_EVERY 10
/* The fsync floor is sampled before, between and after the appends
 * (one sample every FSYNC_EVERY appends). */
#define FSYNC_SAMPLES (FSYNC_BEFORE + APPENDS / FSYNC_EVERY + FSYNC_AFTER)
#define SIGN_RUNS 3000
#define APPENDS 2000
#define PROOF_LOG 10000
#define PROOF_RUNS 2000
#define WITNESS_RUNS 5
#define NOW ((int64_t)1795000000)

/* ---- the Ed25519 floor ---- */

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
		side_open(&s, b, a->p, db, NOW);
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
	struct fsync_probe probe;
	struct side a = {0}, proofs = {0};
	struct hl_party *ru, *us;
	struct results r = {0};

	if (argc > 2) {
		fputs("usage: bench_log [DIR]\n", stderr);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	make_dir(argc == 2 ? argv[1] : NULL, "bench-log");
	printf("in %s\n", bench_dir);
	fsync_open(&probe, FSYNC_SAMPLES);
	fsync_sample(&probe, FSYNC_BEFORE);
	r.sign = bench_sign();
	ru = party("ru-cert", NOW);
	us = party("us-cert", NOW);
	side_open(&a, ru, us, "append.db", NOW);
	r.append = bench_append(&a, &probe, &r.rate);
	fsync_sample(&probe, FSYNC_AFTER);
	r.fsyncs = probe.n;
	r.fsync = fsync_close(&probe);
	r.witness = bench_witness(&a, us, &r.pushed);
	side_open(&proofs, ru, us, "proof.db", NOW);
	build_log(&proofs, us);
	r.proof = bench_proof(&proofs, false);
	r.disclosed = bench_proof(&proofs, true);
	report(&r);
	side_close(&a);
	side_close(&proofs);
	hl_party_free(ru);
	hl_party_free(us);
	remove_tree(bench_dir);
	return 0;
}

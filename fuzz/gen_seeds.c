/* gen_seeds.c - writes the valid inputs that seed each fuzz target.
 *
 *   gen_seeds DIR [TARGET...]	writes DIR/<target>/<name> for note, card,
 *				envelope, text, checkpoint, batch, proof and
 *				auditlog
 *				(or only the targets named)
 *
 * Signed by the fixture parties, so the fuzz targets can verify and open
 * them.  Envelopes differ on every run (fresh content keys and nonces),
 * and so do the checkpoints, pushes and proofs over a log of them; the
 * other seeds are the same bytes each time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auditlog.h"
#include "batch.h"
#include "checkpoint.h"
#include "envelope.h"
#include "error.h"
#include "fixture.h"
#include "merkle.h"
#include "proof.h"

#define LOG_N 3
#define LOG_LEVELS 2
#define RECEIPT_TIME 1795341840	/* 2026-11-22T10:04:00Z */

static const char *dir;
static struct fixture_party sender, recipient;

/* The sender's log on its link to the recipient: LOG_N envelopes and
 * the complete nodes of their Merkle tree. */
static struct hl_buf log_env[LOG_N];
static hl_hash log_nodes[LOG_LEVELS][LOG_N];
static uint64_t log_size;
static char log_origin[HL_ORIGIN_MAX + 1];

static int write_seed(const char *target, const char *name,
		      const void *p, size_t n)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return -1;
	}
	ok = fwrite(p, 1, n, f) == n;
	ok = fclose(f) == 0 && ok;
	if (!ok)
		perror(path);
	return ok ? 0 : -1;
}

static int write_buf(const char *target, const char *name, struct hl_buf *b, int r)
{
	if (r == 0)
		r = write_seed(target, name, b->data, b->len);
	else
		fprintf(stderr, "gen_seeds: %s/%s: %s\n", target, name, hl_strerror(r));
	hl_buf_free(b);
	return r;
}

static int notes(void)
{
	static const char text[] = "hotline.checkpoint/v1\nru-cert\n42\n"
				   "vmFxHkA0cQm5hJZ3Ef9ZJ1A3o0vPz5hXXkSVs9ExXAs=\n";
	struct hl_buf b;
	int r;

	hl_buf_init(&b, HL_NOTE_MAX);
	r = hl_note_sign_text(&b, (const unsigned char *)text, strlen(text),
			      sender.card.name, sender.sign_sk);
	if (write_buf("note", "signed", &b, r) < 0)
		return -1;
	r = hl_note_sign_text(&b, (const unsigned char *)text, strlen(text),
			      sender.card.name, sender.sign_sk);
	if (r == 0)
		r = hl_note_sign(&b, (const unsigned char *)text, strlen(text),
				 recipient.card.name, recipient.sign_sk);
	return write_buf("note", "cosigned", &b, r);
}

/* ru-cert's next card (the fixture's rotated key), endorsed by the
 * sender's key: the fuzzer can then reach the endorsement check. */
static int rotated_card(void)
{
	struct fixture_party next;
	struct hl_buf self, b;
	int r;

	fixture_rotated(&next);
	hl_buf_init(&self, HL_CARD_MAX);
	hl_buf_init(&b, HL_CARD_MAX);
	r = hl_card_encode(&next.card, next.sign_sk, &self);
	if (r == 0)
		r = hl_card_endorse(self.data, self.len, sender.sign_sk, &b);
	hl_buf_free(&self);
	return write_buf("card", "ru-cert-2", &b, r);
}

static int cards(void)
{
	struct hl_buf b;
	int r;

	hl_buf_init(&b, HL_CARD_MAX);
	r = hl_card_encode(&sender.card, sender.sign_sk, &b);
	if (write_buf("card", "ru-cert", &b, r) < 0)
		return -1;
	r = hl_card_encode(&recipient.card, recipient.sign_sk, &b);
	if (write_buf("card", "us-cert", &b, r) < 0)
		return -1;
	return rotated_card();
}

static int envelope(const char *name, const struct hl_seal_params *p,
		    const char *plain)
{
	struct hl_buf b;
	int r;

	hl_buf_init(&b, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	r = hl_envelope_seal(p, (const unsigned char *)plain, strlen(plain), &b);
	return write_buf("envelope", name, &b, r);
}

static int envelopes(void)
{
	struct hl_seal_params p = {
		.from = &sender.card,
		.sign_sk = sender.sign_sk,
		.to = &recipient.card,
		.seq = 1,
		.time = sender.card.created + 60,
		.precedence = HL_FLASH,
		.kind = "notify",
	};

	if (envelope("notify", &p, "Exercise: line to us-cert up, please ack.\n") < 0)
		return -1;
	p.seq = INT64_MAX;
	p.precedence = HL_ROUTINE;
	p.kind = "ack";
	return envelope("empty", &p, "");
}

static int texts(void)
{
	static const char *const seeds[][2] = {
		{"time", "2026-11-22T09:54:00Z"},
		{"leap", "2024-02-29T23:59:59Z"},
		{"u64", "18446744073709551615"},
		{"b64", "vmFxHkA0cQm5hJZ3Ef9ZJ1A3o0vPz5hXXkSVs9ExXAs="},
		{"utf8", "\xe2\x80\x94 \xc3\xa9\xe2\x82\xac\xf0\x9f\x93\x9f\xef\xbf\xbd\n"},
		{"name", "ru-cert.example"},
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		if (write_seed("text", seeds[i][0], seeds[i][1], strlen(seeds[i][1])) < 0)
			return -1;
	return 0;
}

static int log_node(void *ctx, unsigned level, uint64_t index, hl_hash out)
{
	(void)ctx;
	if (level >= LOG_LEVELS || ((index + 1) << level) > log_size)
		return -HL_ENUMBER;
	memcpy(out, log_nodes[level][index], HL_HASH_LEN);
	return 0;
}

static const struct hl_merkle_src log_src = {log_node, NULL};

static int log_append(const struct hl_buf *e)
{
	struct hl_merkle_node out[HL_MERKLE_LEVELS];
	size_t count = 0;
	hl_hash leaf;
	int r;

	hl_merkle_leaf(e->data, e->len, leaf);
	r = hl_merkle_append(&log_src, log_size, leaf, out, &count);
	for (size_t i = 0; r == 0 && i < count; i++)
		memcpy(log_nodes[out[i].level][out[i].index], out[i].hash, HL_HASH_LEN);
	if (r == 0)
		log_size++;
	return r;
}

static int seal_log(void)
{
	struct hl_seal_params p = {
		.from = &sender.card,
		.sign_sk = sender.sign_sk,
		.to = &recipient.card,
		.time = sender.card.created + 120,
		.precedence = HL_PRIORITY,
		.kind = "notify",
	};
	unsigned char link[HL_LINK_ID_LEN];
	int r = 0;

	hl_link_id(sender.card.sign_pk, recipient.card.sign_pk, link);
	hl_log_origin(link, sender.card.name, log_origin);
	for (int i = 0; r == 0 && i < LOG_N; i++) {
		p.seq = (uint64_t)i + 1;
		hl_buf_init(&log_env[i], HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
		r = hl_envelope_seal(&p, (const unsigned char *)"Status: green.\n", 15,
				     &log_env[i]);
		if (r == 0)
			r = log_append(&log_env[i]);
	}
	if (r < 0)
		fprintf(stderr, "gen_seeds: log: %s\n", hl_strerror(r));
	return r;
}

static void free_log(void)
{
	for (int i = 0; i < LOG_N; i++)
		hl_buf_free(&log_env[i]);
}

/* Appends the recipient's cosignature to the checkpoint in b. */
static int cosign(struct hl_buf *b)
{
	struct hl_checkpoint cp;
	struct hl_buf line;
	int r = hl_checkpoint_parse(b->data, b->len, &cp);

	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	if (r == 0)
		r = hl_cosig_sign(&cp, recipient.card.name, recipient.sign_sk,
				  RECEIPT_TIME, &line);
	if (r == 0)
		r = hl_buf_append(b, line.data, line.len);
	hl_buf_free(&line);
	return r;
}

/* The sender's checkpoint of its log at size, in b (initialised here). */
static int checkpoint(uint64_t size, bool cosigned, struct hl_buf *b)
{
	hl_hash root;
	int r = hl_merkle_root(&log_src, size, root);

	hl_buf_init(b, HL_CHECKPOINT_MAX);
	if (r == 0)
		r = hl_checkpoint_sign(log_origin, size, root, sender.sign_sk, b);
	if (r == 0 && cosigned)
		r = cosign(b);
	return r;
}

static int checkpoints(void)
{
	struct hl_buf b;
	int r;

	r = checkpoint(LOG_N, false, &b);
	if (write_buf("checkpoint", "signed", &b, r) < 0)
		return -1;
	r = checkpoint(LOG_N, true, &b);
	if (write_buf("checkpoint", "cosigned", &b, r) < 0)
		return -1;
	r = checkpoint(0, true, &b);
	return write_buf("checkpoint", "empty", &b, r);
}

/* The push of envelopes old+1..LOG_N with the proof from old. */
static int push(uint64_t old, struct hl_buf *out)
{
	hl_hash proof[HL_MERKLE_PROOF_MAX];
	size_t np = 0;
	struct hl_buf cp;
	int r = checkpoint(LOG_N, false, &cp);

	if (r == 0 && old > 0 && old < LOG_N)
		r = hl_merkle_consistency(&log_src, old, LOG_N, proof, &np);
	hl_buf_init(out, HL_BATCH_MAX);
	if (r == 0)
		r = hl_batch_begin(out);
	for (uint64_t i = old; r == 0 && i < LOG_N; i++)
		r = hl_batch_add(out, log_env[i].data, log_env[i].len);
	if (r == 0)
		r = hl_batch_end(out, old, proof, np, cp.data, cp.len);
	hl_buf_free(&cp);
	return r;
}

static int batches(void)
{
	struct hl_buf b, cp;
	int r;

	r = push(0, &b);
	if (write_buf("batch", "all", &b, r) < 0)
		return -1;
	r = push(1, &b);
	if (write_buf("batch", "rest", &b, r) < 0)
		return -1;
	r = checkpoint(0, false, &cp);
	hl_buf_init(&b, HL_BATCH_MAX);
	if (r == 0)
		r = hl_batch_begin(&b);
	if (r == 0)
		r = hl_batch_end(&b, 0, NULL, 0, cp.data, cp.len);
	hl_buf_free(&cp);
	return write_buf("batch", "empty", &b, r);
}

/* The proof of envelope index, disclosing its key if asked. */
static int proof(uint64_t index, bool disclose, struct hl_buf *out)
{
	hl_hash path[HL_MERKLE_PROOF_MAX];
	unsigned char key[HL_KEY_LEN];
	const struct hl_buf *e = &log_env[index];
	struct hl_envelope env;
	struct hl_buf cp;
	size_t np = 0;
	int r = checkpoint(LOG_N, true, &cp);

	if (r == 0)
		r = hl_merkle_inclusion(&log_src, index, LOG_N, path, &np);
	if (r == 0 && disclose)
		r = hl_envelope_parse(e->data, e->len, &env);
	if (r == 0 && disclose)
		r = hl_envelope_unwrap(&env, recipient.card.name, recipient.card.box_pk,
				       recipient.box_sk, key);
	hl_buf_init(out, HL_PROOF_MAX);
	if (r == 0)
		r = hl_proof_encode(out, e->data, e->len, disclose ? key : NULL, index,
				    path, np, cp.data, cp.len);
	sodium_memzero(key, sizeof(key));
	hl_buf_free(&cp);
	return r;
}

static int proofs(void)
{
	struct hl_buf b;
	int r;

	r = proof(0, true, &b);
	if (write_buf("proof", "first-key", &b, r) < 0)
		return -1;
	r = proof(LOG_N - 1, false, &b);
	return write_buf("proof", "last", &b, r);
}

/* An audit trail of two entries by the sender: the proof of each, and
 * the first entry alone. */
static int auditlogs(void)
{
	struct hl_audit_entry e = {.time = RECEIPT_TIME, .status = 200};
	struct hl_buf ent[2], b;
	char origin[HL_ORIGIN_MAX + 1];
	hl_hash leaf[2], root;
	json_t *d = json_pack("{s:s, s:s}", "to", FIXTURE_RECIPIENT, "text", "x\xc3\xa9");
	int r = d ? 0 : -1;

	memcpy(e.op, "alice", 6);
	memcpy(e.role, "duty", 5);
	memcpy(e.door, "unix", 5);
	memcpy(e.action, "/v1/send", 9);
	for (int i = 0; i < 2; i++) {
		hl_buf_init(&ent[i], HL_AUDIT_ENTRY_MAX);
		e.seq = (uint64_t)i + 1;
		e.status = i ? 403 : 200;
		if (r == 0)
			r = hl_audit_entry_encode(&e, d, &ent[i]);
		hl_merkle_leaf(ent[i].data, ent[i].len, leaf[i]);
	}
	json_decref(d);
	hl_merkle_interior(leaf[0], leaf[1], root);
	hl_audit_origin(FIXTURE_SENDER, origin);
	hl_buf_init(&b, HL_AUDIT_PROOF_MAX);
	if (r == 0)
		r = write_seed("auditlog", "entry", ent[0].data, ent[0].len);
	for (int i = 0; r == 0 && i < 2; i++) {
		struct hl_buf cp;

		hl_buf_init(&cp, HL_CHECKPOINT_MAX);
		b.len = 0;
		r = hl_audit_checkpoint_sign(origin, 2, root, sender.sign_sk, &cp);
		if (r == 0)
			r = hl_audit_proof_encode(&b, ent[i].data, ent[i].len, (uint64_t)i,
						  (const hl_hash *)&leaf[1 - i], 1, cp.data, cp.len);
		if (r == 0)
			r = write_seed("auditlog", i ? "proof-2" : "proof-1", b.data, b.len);
		hl_buf_free(&cp);
	}
	hl_buf_free(&b);
	hl_buf_free(&ent[0]);
	hl_buf_free(&ent[1]);
	return r < 0 ? -1 : 0;
}

static const struct {
	const char *target;
	int (*gen)(void);
} gens[] = {
	{"note", notes},
	{"card", cards},
	{"envelope", envelopes},
	{"text", texts},
	{"checkpoint", checkpoints},
	{"batch", batches},
	{"proof", proofs},
	{"auditlog", auditlogs},
};

/* True if target is among the names (or no names were given). */
static bool wanted(const char *target, int n, char **names)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], target) == 0)
			return true;
	return n == 0;
}

int main(int argc, char **argv)
{
	int r = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: gen_seeds DIR [TARGET...]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	dir = argv[1];
	fixture_sender(&sender);
	fixture_recipient(&recipient);
	if (seal_log() < 0)
		return 1;
	for (size_t i = 0; r == 0 && i < sizeof(gens) / sizeof(gens[0]); i++)
		if (wanted(gens[i].target, argc - 2, argv + 2))
			r = gens[i].gen();
	free_log();
	return r < 0 ? 1 : 0;
}

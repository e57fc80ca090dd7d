/* transcript.h - a party's two logs on each link, over the store.
 *
 * What the party sends is sealed with the next sequence number and
 * appended to its own log in one durable transaction.  A push carries
 * the envelopes the peer has not yet cosigned with a checkpoint; the
 * peer witnesses it: it cosigns only after it has checked every
 * envelope, the checkpoint's signature and its consistency with what it
 * cosigned before, and has committed all of it to disk.  The cosigned
 * checkpoint comes back as the receipt for every envelope up to its size.
 *
 * This layer is the same for every store engine and every transport:
 * the CLI moves batches as files today, hotlined over HTTPS later.
 */
#ifndef HL_TRANSCRIPT_H
#define HL_TRANSCRIPT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "envelope.h"
#include "party.h"
#include "store.h"

/* A push stops adding envelopes past this many bytes (but carries one
 * at least), to stay under the peer server's body cap. */
#define HL_PUSH_SOFT_MAX (8 * 1024 * 1024)

struct hl_send {
	enum hl_precedence precedence;
	const char *kind;
	const void *plain;
	size_t plain_len;
	int64_t now;
	/* Optional: the body already sealed (hl_envelope_seal_body) to this
	 * party and the link's peer; plain is then not used. */
	const struct hl_sealed_body *sealed;
	/* A notify's case number (its content's "number"), or 0: recorded
	 * in the same transaction; the job fails with -EAGAIN when the
	 * number was taken meanwhile (compose again with the next one). */
	uint64_t case_no;
};

/* Seals and appends one envelope to our log on link l; *seq gets its
 * sequence number.  The link must be confirmed. */
int hl_transcript_send(struct hl_store *st, const struct hl_party *me,
		       const struct hl_link *l, const struct hl_send *msg,
		       uint64_t *seq);

/* Group commit: appends every job in one durable transaction, each with
 * the next sequence number of its link.  Each job gets its own result
 * (and seq); a store failure fails them all and stores none. */
struct hl_send_job {
	const struct hl_link *link;
	struct hl_send msg;
	uint64_t seq;
	int result;
};
int hl_transcript_send_many(struct hl_store *st, const struct hl_party *me,
			    struct hl_send_job *jobs, size_t n);

/* The same, all or none: then(ctx, st) runs in the transaction after
 * every job was appended, and the transaction commits only when every
 * job and then succeeded. */
int hl_transcript_send_then(struct hl_store *st, const struct hl_party *me,
			    struct hl_send_job *jobs, size_t n,
			    int (*then)(void *ctx, struct hl_store *st), void *ctx);
/* As hl_transcript_send_many, each job failing alone, with then run in
 * the transaction after the jobs (their seqs and results set); then's
 * failure fails them all. */
int hl_transcript_send_each_then(struct hl_store *st, const struct hl_party *me,
				 struct hl_send_job *jobs, size_t n,
				 int (*then)(void *ctx, struct hl_store *st), void *ctx);

/* A key change of ours (docs/protocol.md 9.13): one transaction that
 * appends every job (the `card` envelopes, all dated t, no earlier than
 * any envelope or cosignature made before), then runs then(ctx, st, t), which
 * records the eras and puts the new keys in force in memory; when the
 * commit fails, undo(ctx) puts the old ones back before any other
 * writer begins.  All or none. */
int hl_transcript_send_keys(struct hl_store *st, const struct hl_party *me,
			    struct hl_send_job *jobs, size_t n,
			    int (*then)(void *ctx, struct hl_store *st, int64_t t),
			    void (*undo)(void *ctx), void *ctx);

/* A new key after a loss (docs/protocol.md 9.15): the same, dated a
 * second after every envelope and cosignature made before, with first
 * run before the jobs are sealed (the new keys taken, so that the
 * `rekey` envelopes are signed by the new key), and undo also when the
 * transaction fails after it. */
struct hl_key_send {
	int (*first)(void *ctx, struct hl_store *st, int64_t t);
	int (*then)(void *ctx, struct hl_store *st, int64_t t);
	void (*undo)(void *ctx);
	void *ctx;
};
int hl_transcript_send_rekey(struct hl_store *st, const struct hl_party *me,
			     struct hl_send_job *jobs, size_t n, const struct hl_key_send *k);

/* Builds a push of what the peer has not cosigned (at most
 * HL_BATCH_ENVELOPES_MAX envelopes) with a signed checkpoint, which it
 * stores (without waiting for the disk); *count gets the number of
 * envelopes, 0 when the peer has cosigned all. */
int hl_transcript_push(struct hl_store *st, const struct hl_party *me,
		       const struct hl_link *l, struct hl_buf *out, uint64_t *count);

/* The same, starting after size from when that is below what the peer
 * receipted (a witness that lost state answers with its size). */
int hl_transcript_push_from(struct hl_store *st, const struct hl_party *me,
			    const struct hl_link *l, uint64_t from,
			    struct hl_buf *out, uint64_t *count);

/* The same in a read transaction: a checkpoint not stored yet is signed
 * and not stored; hl_transcript_receipt_pushed stores it with the
 * receipt.  hotlined's courier, which holds the push until the answer. */
int hl_transcript_push_read(struct hl_store *st, const struct hl_party *me,
			    const struct hl_link *l, uint64_t from,
			    struct hl_buf *out, uint64_t *count);

enum hl_clock_fault {
	HL_CLOCK_OK,
	HL_CLOCK_AHEAD,		/* dated more than the skew ahead of our clock */
	HL_CLOCK_BEFORE,	/* dated before its predecessor in the log */
};

struct hl_witness_result {
	uint64_t old;		/* the size we had cosigned before */
	uint64_t size;		/* the checkpoint's size, now cosigned */
	uint64_t added;		/* envelopes newly stored */
	bool repeat;		/* a resend of what we already cosigned */
	bool unkept;		/* evidence past the link's cap: only its hash kept */
	/* Nonzero when the push proved that we had receipted up to lost_to
	 * but held only old: recorded as a HL_EVENT_STORE_LOSS escalation
	 * (side HL_THEIRS, seq lost_to, step 0), and refilled by the push. */
	uint64_t lost_to;
	/* With -HL_ETIME from the clock rule: which envelope, its signed
	 * time, and what it was held against (our clock for AHEAD, the
	 * predecessor's time for BEFORE). */
	enum hl_clock_fault clock;
	uint64_t clock_seq;
	int64_t clock_time, clock_limit;
	/* With -HL_EKEY (a key change refused) or -HL_EREVOKED (signed by
	 * a revoked key): the sentence (links.md 8), "card at seq 17: ...". */
	char why[256];
};

#define HL_EVENT_STORE_LOSS "store-loss"

/* A sentence for a clock-rule refusal in res, with both times and the
 * allowed skew (the witness's conf.clock_skew): the peer server's
 * answer and the log line of every door that witnesses. */
void hl_transcript_clock_why(const struct hl_witness_result *res, int64_t skew,
			     char *out, size_t n);

/* The witness rule over one push from the peer of l: on success, line
 * gets our cosignature line for its checkpoint (the same line again
 * for a checkpoint we cosigned before).  A different envelope or
 * checkpoint for a place already taken is kept as evidence
 * (-HL_EEQUIVOCATION).  A new envelope dated more than me->conf.clock_skew
 * ahead of now, or before its predecessor, gets -HL_ETIME with res->clock
 * set.  A push whose old size is past what we cosigned,
 * or an old checkpoint we never cosigned, gets -HL_EGAP with res->old
 * set to our cosigned size: the sender resends from there.  Each
 * envelope and the checkpoint verify with the sender's era (keys.h)
 * that holds them; a `card` envelope is a key change, stored with the
 * push as the sender's next era, or refused with -HL_EKEY and its
 * sentence in res->why, kept as `card` evidence (-HL_EREVOKED, an
 * envelope signed with a revoked key, likewise). */
int hl_transcript_witness(struct hl_store *st, const struct hl_party *me,
			  const struct hl_link *l, const void *batch, size_t n,
			  int64_t now, struct hl_buf *line,
			  struct hl_witness_result *res);

/* Stores the peer's cosignature found in a cosigned copy of one of our
 * checkpoints; *size gets the size it receipts. */
int hl_transcript_receipt(struct hl_store *st, const struct hl_party *me,
			  const struct hl_link *l, const void *cosigned, size_t n,
			  uint64_t *size);

/* The receipt of a push hl_transcript_push_read built: note is our
 * checkpoint as that push carried it (our own bytes, never the peer's),
 * answer the peer's answer, its cosignature line.  Our checkpoint is
 * stored in the receipt's transaction when the push did not find it
 * stored; then as hl_transcript_receipt. */
int hl_transcript_receipt_pushed(struct hl_store *st, const struct hl_party *me,
				 const struct hl_link *l, const void *note, size_t n,
				 const void *answer, size_t len, uint64_t *size);

/* Our stored checkpoint of size with its cosignature line appended. */
int hl_transcript_cosigned(struct hl_store *st, const struct hl_link *l, int side,
			   uint64_t size, struct hl_buf *out);

/* A proof file for envelope seq of one log of l (side: whose), with
 * its content key when disclose is set. */
int hl_transcript_proof(struct hl_store *st, const struct hl_party *me,
			const struct hl_link *l, int side, uint64_t seq,
			bool disclose, struct hl_buf *out);

struct hl_log_report {
	uint64_t envelopes[2];	/* per side */
	uint64_t checkpoints[2];
	uint64_t cosigned[2];	/* the largest cosigned size */
	uint64_t evidence;
	/* On failure: which log and entry. */
	int bad_side;
	uint64_t bad_at;
	const char *bad_what;
};

/* Recomputes both logs of l from the stored envelopes and checks every
 * stored node, checkpoint and cosignature against them. */
int hl_transcript_verify(struct hl_store *st, const struct hl_party *me,
			 const struct hl_link *l, struct hl_log_report *rep);

#endif

/* proof2.h - proof files v2: a v1 proof with what it needs to verify
 * across key changes and later link generations, and to judge its
 * deadlines (docs/protocol.md 9.12).
 *
 *   hotline.proof/v2
 *   generation <g>
 *   card <len>            two times: the parties' founding cards
 *   <len bytes>
 *   chain <n>             0..64 disclosed v1 proofs of `card`/`rekey`
 *   proof <len>           envelopes, each followed by its bytes
 *   <len bytes>
 *   terms <m>             0, 2 or 4 disclosed v1 proofs: the terms in
 *   ...                   force (proposal, acceptance) and the next ones
 *   ack <k>               0 or 1 disclosed v1 proof: the acknowledgment
 *   ...
 *   <the message's own v1 proof, to the end>
 *
 * Trust goes forward only: from a card the verifier gives, through
 * rotations its key endorsed; never back.  Pure: no I/O, no clock.
 */
#ifndef HL_PROOF2_H
#define HL_PROOF2_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "card.h"
#include "keychain.h"
#include "proof.h"
#include "terms.h"

#define HL_PROOF2_TYPE "hotline.proof/v2"
#define HL_PROOF2_CHAIN_MAX 64
#define HL_PROOF2_NESTED_MAX 65536	/* a chain, terms or ack proof */
#define HL_PROOF2_MAX (4096 + 2 * HL_CARD_MAX + \
		       (HL_PROOF2_CHAIN_MAX + 5) * (HL_PROOF2_NESTED_MAX + 16) + HL_PROOF_MAX)
/* The clock skew a verifier allows between a new card's `created` and
 * the envelope that carries it (the witness uses its clock.skew). */
#define HL_PROOF2_SKEW 86400

/* A piece of the file: a view into the caller's bytes. */
struct hl_span {
	const unsigned char *p;
	size_t n;
};

/* The pieces, as parsed or to encode. */
struct hl_proof2_parts {
	uint32_t generation;
	struct hl_span card[2];
	size_t nchain, nterms, nack;
	struct hl_span chain[HL_PROOF2_CHAIN_MAX];
	struct hl_span terms[4];
	struct hl_span ack[1];
	struct hl_span main;
};

/* A parsed proof (large: allocate it).  Views into the parsed bytes. */
struct hl_proof2 {
	struct hl_proof2_parts parts;
	struct hl_card cards[2];
	struct hl_proof chain[HL_PROOF2_CHAIN_MAX];
	struct hl_proof terms[4];
	struct hl_proof ack[1];
	struct hl_proof main;
};

/* The terms a proof shows (m = 2 or 4). */
struct hl_proof2_terms {
	struct hl_terms terms;		/* the version in force */
	int64_t since;			/* its acceptance's time */
	char proposed_by[HL_NAME_MAX + 1], accepted_by[HL_NAME_MAX + 1];
	uint64_t proposed_seq, accepted_seq;
	bool has_next;			/* version + 1, accepted after the message */
	int64_t next_since;
};

/* What a verified v2 proof shows (large: allocate it). */
struct hl_proof2_result {
	struct hl_proof_result main;	/* sender and recipient: era cards */
	uint32_t generation;
	struct hl_keychain chain[2];	/* by the founding cards' order */
	int sender;			/* main.env's sender: 0 or 1 */
	size_t era;			/* the sender's era that signed it */
	bool has_terms;
	struct hl_proof2_terms terms;
	bool has_ack;
	char ack_kind[HL_KIND_MAX + 1];
	uint64_t ack_seq;
	int64_t ack_time;		/* the ack envelope's header time */
	bool revoked;			/* its key was revoked after it signed */
	int64_t revoked_at;
	uint32_t suspect_keyid;
	bool suspect;			/* ... within the terms' window before */
};

/* Appends the v2 file of parts (every span as given, no check). */
int hl_proof2_encode(struct hl_buf *out, const struct hl_proof2_parts *parts);

/* Parses all of buf (9.12): the form, the two cards (3.3) and every
 * nested proof (9.8's parser); a chain, terms or ack proof must be
 * disclosed.  why (cap bytes) says which piece failed. */
int hl_proof2_parse(const unsigned char *buf, size_t n, struct hl_proof2 *p,
		    char *why, size_t cap);

/* Verifies a parsed proof with the cards the verifier trusts (one or
 * more per party, of any era): builds both key chains from the chain
 * proofs, checks trust forward from the given cards, every nested proof
 * and the main one with era keys, the terms and the ack.  0 with res
 * filled, or the error and a sentence in why. */
int hl_proof2_verify(const struct hl_proof2 *p, const struct hl_card *given,
		     size_t ngiven, struct hl_proof2_result *res, char *why, size_t cap);

#endif

/* proof.h - a self-contained proof that one envelope was sent and
 * receipted, for a third party who holds only the two parties' cards.
 *
 *   hotline.proof/v1
 *   envelope <length>
 *   <length bytes of envelope>
 *   key <base64 content key>          (only when the message is disclosed)
 *   c2sp.org/tlog-proof@v1
 *   index <leaf index = seq - 1>
 *   <base64 inclusion proof hash>     (zero or more lines)
 *
 *   <checkpoint signed by the sender, cosigned by the recipient>
 *
 * From "c2sp.org/tlog-proof@v1" on, the text is a C2SP tlog-proof whose
 * record is the envelope: leaf hash SHA-256(0x00 || envelope).
 */
#ifndef HL_PROOF_H
#define HL_PROOF_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "card.h"
#include "checkpoint.h"
#include "envelope.h"
#include "merkle.h"
#include "tlog.h"

#define HL_PROOF_TYPE "hotline.proof/v1"
#define HL_PROOF_MAX (HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX + 16384)

struct hl_proof {
	const unsigned char *envelope;
	size_t envelope_len;
	bool has_key;
	unsigned char key[HL_KEY_LEN];
	uint64_t index;
	size_t npath;
	hl_hash path[HL_MERKLE_PROOF_MAX];
	const unsigned char *checkpoint;
	size_t checkpoint_len;
};

/* What a verified proof shows. */
struct hl_proof_result {
	struct hl_envelope env;		/* points into the proof's bytes */
	struct hl_checkpoint cp;
	const struct hl_card *sender;
	const struct hl_card *recipient;
	uint64_t receipt_time;		/* the cosignature's timestamp */
};

int hl_proof_encode(struct hl_buf *out, const void *envelope, size_t n,
		    const unsigned char *key, uint64_t index, const hl_hash *path,
		    size_t npath, const void *checkpoint, size_t cplen);

int hl_proof_parse(const unsigned char *buf, size_t n, struct hl_proof *p);

/* Checks everything with the two cards (either order): the envelope's
 * signature, link and body; the checkpoint by the sender and its
 * cosignature by the recipient; the inclusion of the envelope at seq; and
 * the disclosed key against its commitment.  Fills res. */
int hl_proof_verify(const struct hl_proof *p, const struct hl_card *a,
		    const struct hl_card *b, struct hl_proof_result *res);

/* The keys a proof is checked with, chosen once each object is parsed:
 * a v1 proof's two cards, or a v2 proof's eras (proof2.h).  envelope()
 * checks the envelope's link and names and gives the sender's and
 * recipient's cards (the sender's verifies the envelope); checkpoint()
 * gives the key for the checkpoint's size; cosig() verifies the
 * recipient's cosignature and sets res->receipt_time.  Each returns 0 or
 * the error that fails the proof. */
struct hl_proof_keys {
	int (*envelope)(void *ctx, const struct hl_envelope *env,
			const struct hl_card **sender, const struct hl_card **recipient);
	int (*checkpoint)(void *ctx, const struct hl_proof_result *res,
			  const unsigned char **pk);
	int (*cosig)(void *ctx, struct hl_proof_result *res);
	void *ctx;
};

/* Steps 2 to 10 of 9.8 with the keys k chooses.  Fills res. */
int hl_proof_verify_keys(const struct hl_proof *p, const struct hl_proof_keys *k,
			 struct hl_proof_result *res);

#endif

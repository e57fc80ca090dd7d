/* batch.h - a push: new envelopes of one log and the checkpoint that
 * covers them, for the peer to verify, store and cosign.
 *
 *   hotline.push/v1
 *   envelope <length>
 *   <length bytes of envelope>
 *   ...                                    (zero or more envelopes)
 *   old <size the peer last cosigned>
 *   <base64 consistency proof hash>        (zero or more lines)
 *
 *   <checkpoint, a signed note>
 *
 * From "old" on, the text is exactly a C2SP tlog-witness add-checkpoint
 * request body.  The answer is the cosignature line(s), as there.
 */
#ifndef HL_BATCH_H
#define HL_BATCH_H

#include <stdint.h>

#include "buf.h"
#include "checkpoint.h"
#include "envelope.h"
#include "merkle.h"

#define HL_BATCH_TYPE "hotline.push/v1"
#define HL_BATCH_ENVELOPES_MAX 1024
#define HL_BATCH_MAX (64 * 1024 * 1024)
#define HL_WITNESS_PROOF_MAX 63		/* tlog-witness: at most 63 lines */

struct hl_batch_env {
	const unsigned char *p;
	size_t n;
};

struct hl_batch {
	size_t nenv;
	struct hl_batch_env env[HL_BATCH_ENVELOPES_MAX];
	uint64_t old;
	size_t nproof;
	hl_hash proof[HL_WITNESS_PROOF_MAX];
	const unsigned char *checkpoint;	/* the signed note */
	size_t checkpoint_len;
};

int hl_batch_begin(struct hl_buf *out);
int hl_batch_add(struct hl_buf *out, const void *envelope, size_t n);
int hl_batch_end(struct hl_buf *out, uint64_t old, const hl_hash *proof,
		 size_t nproof, const void *checkpoint, size_t n);

/* Parses all of buf; b points into it.  b is large: allocate it. */
int hl_batch_parse(const unsigned char *buf, size_t n, struct hl_batch *b);

#endif

/* checkpoint.h - C2SP tlog-checkpoints of a link's logs and the peer's
 * tlog-cosignatures over them, which are Hotline's receipts.
 *
 * Each party keeps one log per link of the envelopes it sent.  Its
 * checkpoint is a signed note of three lines:
 *
 *   hotline.log/v1/<link ID in hex>/<sender name>    (the origin)
 *   <tree size>
 *   <base64 RFC 6962 root hash>
 *
 *   — hotline.log/v1/<link ID in hex>/<sender name> <base64(key ID || sig)>
 *   — <peer name> <base64(key ID || timestamp || Ed25519 sig)>
 *
 * signed by the sender's identity key (type 0x01, key name = origin)
 * and cosigned by the peer (C2SP tlog-cosignature/v1, type 0x04, over
 * "cosignature/v1\ntime <t>\n" and the checkpoint text).  A cosignature
 * on size N receipts every envelope of the log up to N.  The origin's
 * type prefix and the cosignature header keep these signatures apart
 * from cards' and envelopes', though one identity key makes them all.
 */
#ifndef HL_CHECKPOINT_H
#define HL_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "merkle.h"
#include "note.h"
#include "text.h"

#define HL_ORIGIN_PREFIX "hotline.log/v1/"
#define HL_ORIGIN_MAX (sizeof(HL_ORIGIN_PREFIX) - 1 + 64 + 1 + HL_NAME_MAX)
#define HL_CHECKPOINT_MAX 4096
#define HL_SIGTYPE_COSIG 0x04
#define HL_COSIG_LINE_MAX 256

struct hl_checkpoint {
	char origin[HL_ORIGIN_MAX + 1];
	uint64_t size;
	hl_hash root;
	struct hl_note note;	/* points into the parsed bytes */
};

/* The origin of sender's log on the link with this ID. */
void hl_log_origin(const unsigned char link[32], const char *sender,
		   char out[HL_ORIGIN_MAX + 1]);

/* Whether s (n bytes) is an origin of one kind of log.  Every log
 * Hotline keeps has a checkpoint of the same three lines; only its
 * origin's syntax tells the kinds apart: a link's log here, the audit
 * trail's in auditlog.h. */
typedef bool hl_origin_check(const char *s, size_t n);

/* Appends a checkpoint of the log of origin, signed by the log's owner
 * (key name = origin); -HL_ETYPE for an origin that valid refuses. */
int hl_checkpoint_sign_for(hl_origin_check *valid, const char *origin, uint64_t size,
			   const hl_hash root, const unsigned char sk[HL_ED25519_SK_LEN],
			   struct hl_buf *out);

/* Parses a checkpoint (no extension lines) whose origin valid accepts,
 * and its signatures. */
int hl_checkpoint_parse_for(hl_origin_check *valid, const unsigned char *buf, size_t n,
			    struct hl_checkpoint *cp);

/* The two above for a link's log, whose origin is our prefix, 64
 * lowercase hex digits, '/' and a party name. */
int hl_checkpoint_sign(const char *origin, uint64_t size, const hl_hash root,
		       const unsigned char sk[HL_ED25519_SK_LEN], struct hl_buf *out);
int hl_checkpoint_parse(const unsigned char *buf, size_t n, struct hl_checkpoint *cp);

/* Checks the log owner's signature (key name = origin). */
int hl_checkpoint_verify(const struct hl_checkpoint *cp,
			 const unsigned char pk[HL_ED25519_PK_LEN]);

/* Appends the cosignature line "— name base64(...)\n" over cp's text. */
int hl_cosig_sign(const struct hl_checkpoint *cp, const char *name,
		  const unsigned char sk[HL_ED25519_SK_LEN], uint64_t time,
		  struct hl_buf *line);

/* Checks cp's cosignature by (name, pk); *time gets its timestamp. */
int hl_cosig_verify(const struct hl_checkpoint *cp, const char *name,
		    const unsigned char pk[HL_ED25519_PK_LEN], uint64_t *time);

#endif

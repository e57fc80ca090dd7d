/* auditlog.h - the audit trail's bytes: its entries, its checkpoints
 * and the proof of one entry that a third party checks offline.
 *
 * An entry is UTF-8 text, one "key value" line each, in this order:
 *
 *   hotline.audit/v1
 *   seq 17
 *   time 2026-12-06T19:40:00Z
 *   operator alice
 *   role duty
 *   door unix
 *   action /v1/send
 *   status 200
 *   detail {"text":"...","to":"ru-cert"}
 *
 * detail is the call's arguments as canonical JSON (an object, keys
 * sorted, no spaces, ASCII only: jansson's JSON_COMPACT|JSON_SORT_KEYS|
 * JSON_ENSURE_ASCII); past HL_AUDIT_DETAIL_MAX it is replaced by
 * {"sha256":"<hex of the full detail>","size":N,"truncated":true}.
 * The log is an RFC 6962 tree whose leaves are the entries' exact
 * bytes, entry seq being leaf seq - 1.  Its checkpoints are C2SP
 * tlog-checkpoints with origin "hotline.audit/v1/<party>", signed by
 * the party's identity key under that origin as key name.
 */
#ifndef HL_AUDITLOG_H
#define HL_AUDITLOG_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "checkpoint.h"
#include "merkle.h"
#include "note.h"
#include "text.h"

#define HL_AUDIT_TYPE "hotline.audit/v1"
#define HL_AUDIT_ORIGIN_PREFIX "hotline.audit/v1/"
#define HL_AUDIT_PROOF_TYPE "hotline.audit-proof/v1"
#define HL_AUDIT_DETAIL_MAX 4096
#define HL_AUDIT_ENTRY_MAX 8192
#define HL_AUDIT_WORD_MAX 127		/* role, door, action */
#define HL_AUDIT_PROOF_MAX (HL_AUDIT_ENTRY_MAX + HL_CHECKPOINT_MAX + \
			    HL_MERKLE_PROOF_MAX * 46 + 256)

/* One entry, parsed: strings are copies; detail points into the bytes. */
struct hl_audit_entry {
	uint64_t seq;
	int64_t time;
	char op[HL_NAME_MAX + 1];
	char role[HL_AUDIT_WORD_MAX + 1];
	char door[HL_AUDIT_WORD_MAX + 1];
	char action[HL_AUDIT_WORD_MAX + 1];
	unsigned status;		/* 100..599 */
	const char *detail;
	size_t detail_len;
};

/* Appends the entry's bytes: e's fields (e->detail is ignored) and
 * detail (borrowed; NULL for {}) as canonical JSON.  -HL_EFIELD for a
 * field the parser would refuse. */
int hl_audit_entry_encode(const struct hl_audit_entry *e, const json_t *detail,
			  struct hl_buf *out);

/* Parses all of buf as an entry; fails on any byte out of place,
 * including a detail that is not canonical JSON. */
int hl_audit_entry_parse(const unsigned char *buf, size_t n, struct hl_audit_entry *e);

/* "hotline.audit/v1/<party>". */
void hl_audit_origin(const char *party, char out[HL_ORIGIN_MAX + 1]);

/* A checkpoint of the audit log of origin, signed by sk; appended. */
int hl_audit_checkpoint_sign(const char *origin, uint64_t size, const hl_hash root,
			     const unsigned char sk[HL_ED25519_SK_LEN], struct hl_buf *out);

/* Parses an audit checkpoint (fills cp as hl_checkpoint_parse does) and
 * checks its signature by pk under its origin, which must be the audit
 * log of party (when party is not NULL). */
int hl_audit_checkpoint_open(const unsigned char *buf, size_t n, const char *party,
			     const unsigned char pk[HL_ED25519_PK_LEN],
			     struct hl_checkpoint *cp);

/* The proof of one entry:
 *
 *   hotline.audit-proof/v1
 *   entry <length>
 *   <length bytes of the entry>
 *   c2sp.org/tlog-proof@v1
 *   index <seq - 1>
 *   <base64 inclusion proof hash>      (zero or more lines)
 *
 *   <audit checkpoint>
 */
struct hl_audit_proof {
	const unsigned char *entry;
	size_t entry_len;
	uint64_t index;
	size_t npath;
	hl_hash path[HL_MERKLE_PROOF_MAX];
	const unsigned char *checkpoint;
	size_t checkpoint_len;
};

int hl_audit_proof_encode(struct hl_buf *out, const void *entry, size_t n,
			  uint64_t index, const hl_hash *path, size_t npath,
			  const void *checkpoint, size_t cplen);
int hl_audit_proof_parse(const unsigned char *buf, size_t n, struct hl_audit_proof *p);

/* Checks p with the party's card (its name and signing key): the
 * checkpoint's origin and signature, the entry's bytes and that entry
 * seq sits at index seq - 1 in the signed tree.  Fills e and cp. */
int hl_audit_proof_verify(const struct hl_audit_proof *p, const char *party,
			  const unsigned char pk[HL_ED25519_PK_LEN],
			  struct hl_audit_entry *e, struct hl_checkpoint *cp);

#endif

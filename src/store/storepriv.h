/* storepriv.h - what the SQLite engine's files share (sqlite.c holds
 * the schema and the transcript's statements; operators.c, audit.c and
 * later files hold their own).  No file outside src/store includes it.
 *
 * Each file owns a range of statement keys for hl_store_stmt, which
 * prepares a statement once per handle and hands it back reset, with
 * its bindings cleared. */
#ifndef HL_SQLITEPRIV_H
#define HL_SQLITEPRIV_H

#include "db.h"

#include "store.h"

enum {
	HL_XSTMT_OPERATOR = 0,		/* operators.c: 0..31 */
	HL_XSTMT_AUDIT = 32,		/* audit.c: 32..63 */
	HL_XSTMT_HELD = 64,		/* held.c: 64..71 */
	HL_XSTMT_KEYS = 72,		/* keys.c: 72..87 */
	HL_XSTMT_PIN = 88,		/* keys.c, the old TLS pin: 88..91 */
	HL_XSTMT_GROUP = 96,		/* groups.c: 96..111 */
	HL_XSTMT_GROUPMSG = 112,	/* groupmsg.c: 112..127 */
	HL_XSTMT_GROUPBOARD = 128,	/* groupboard.c: 128..135 */
	HL_XSTMT_STIX = 136,		/* stixobj.c: 136..151 */
	HL_XSTMT_FEEDTOKEN = 152,	/* feedtoken.c: 152..159 */
	HL_XSTMT_STIXGROUP = 160,	/* stixgroup.c: 160..167 */
	HL_XSTMT_LEASE = 168,		/* lease.c: 168..175 */
	HL_XSTMT_MAX = 176,
};

/* The last leaf under a Merkle node (the key its table is read by). */
static inline int64_t hl_store_node_last(unsigned level, uint64_t index)
{
	return (int64_t)(((index + 1) << level) - 1);
}

/* Records the engine's message for hl_store_errmsg; -HL_ESTORE. */
int hl_store_fail(struct hl_store *st);
/* Records a message of the store's own for hl_store_errmsg. */
void hl_store_failf(struct hl_store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct hl_db *hl_store_db(struct hl_store *st);
/* Statement key with text; NULL (and the error recorded) on failure. */
struct hl_dbs *hl_store_stmt(struct hl_store *st, int key, const char *text);
/* Steps a statement that returns no rows: 0, -HL_EDUPLICATE for a
 * taken key, or -HL_ESTORE. */
int hl_store_done(struct hl_store *st, struct hl_dbs *s);
/* Says that st wrote the operator tables: hl_store_ops_generation()
 * moves now, and again when st's transaction ends. */
void hl_store_ops_touched(struct hl_store *st);
/* hl_card_parse through st's cache of verified cards (cardcache.h):
 * a card's bytes read before cost a hash, not a signature check. */
/* Empties the STIX objects projection (stixobj.c), for a rebuild. */
int hl_store_stix_clear(struct hl_store *st);
int hl_store_card_parse(struct hl_store *st, const void *buf, size_t n,
			 struct hl_card *card);

#endif

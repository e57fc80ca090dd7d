/* audit.h - the audit trail's tables: entries, tree nodes, checkpoints.
 *
 * The bytes are stored as they were made (auditlog.h) and never made
 * again; the tree's complete subtrees are kept as the transcript's
 * are, so a root or an inclusion proof reads O(log n) nodes.  Writers
 * call these inside their own transaction (hl_store_begin/commit).
 */
#ifndef HL_STORE_AUDIT_H
#define HL_STORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "merkle.h"
#include "store.h"

/* Whether this handle's commits fsync (FULL, the store's default) or
 * only write the WAL (NORMAL): a commit without fsync survives a crash
 * of the process, and a power loss once any later commit on the
 * database (by any handle) has synced the WAL.  Outside a transaction. */
int hl_store_audit_sync(struct hl_store *st, bool full);

/* The number of the last entry, 0 for none. */
int hl_store_audit_size(struct hl_store *st, uint64_t *size);

int hl_store_audit_put(struct hl_store *st, uint64_t seq, const void *bytes, size_t n);
/* Entry seq's bytes, appended to out; -HL_ENOTFOUND for none. */
int hl_store_audit_get(struct hl_store *st, uint64_t seq, struct hl_buf *out);
/* Calls fn for each entry after seq after, in order, up to limit (0:
 * all); stops at fn's first non-zero return and returns it. */
int hl_store_audit_each(struct hl_store *st, uint64_t after, uint64_t limit,
			int (*fn)(void *ctx, uint64_t seq, const unsigned char *p, size_t n),
			void *ctx);

int hl_store_audit_node_put(struct hl_store *st, const struct hl_merkle_node *node);
int hl_store_audit_node_get(struct hl_store *st, unsigned level, uint64_t index,
			    hl_hash out);
/* How many leaves the stored nodes hold: hotlined's own count of the
 * entries it appended, whatever became of the entries since. */
int hl_store_audit_leaves(struct hl_store *st, uint64_t *n);
/* A source reading the stored nodes (hl_merkle_root, inclusion). */
struct hl_merkle_src hl_store_audit_src(struct hl_store *st);

/* Stores a checkpoint; one already stored for that size is kept. */
int hl_store_audit_checkpoint_put(struct hl_store *st, uint64_t size,
				  const void *note, size_t n);
/* The latest checkpoint's size and bytes (appended to out), or size 0
 * when none is stored. */
int hl_store_audit_checkpoint_last(struct hl_store *st, uint64_t *size, struct hl_buf *out);
/* Calls fn for each checkpoint, smallest first. */
int hl_store_audit_checkpoint_each(struct hl_store *st,
				   int (*fn)(void *ctx, uint64_t size,
					     const unsigned char *p, size_t n),
				   void *ctx);

#endif

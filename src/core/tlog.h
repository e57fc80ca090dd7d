/* tlog.h - what C2SP's tlog texts end with, written and read in one
 * place for every text of ours that carries them: a Merkle path of
 * base64 hashes, one a line, an empty line, and a checkpoint that runs
 * to the end.  A tlog-proof puts its type line and the leaf's index
 * before the path (proof.h and auditlog.h use it); a push carries the
 * path of a tlog-witness request (batch.h).
 *
 *   c2sp.org/tlog-proof@v1             (a tlog-proof only)
 *   index <leaf index>                 (a tlog-proof only)
 *   <base64 hash>                      (zero or more lines)
 *
 *   <checkpoint, a signed note>
 */
#ifndef HL_TLOG_H
#define HL_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "merkle.h"
#include "text.h"

#define HL_TLOG_PROOF_TYPE "c2sp.org/tlog-proof@v1"

/* Appends path's lines, the empty line and the checkpoint's bytes. */
int hl_tlog_path_encode(struct hl_buf *out, const hl_hash *path, size_t npath,
			const void *checkpoint, size_t cplen);

/* Appends the type line and "index <index>", then as above. */
int hl_tlog_proof_encode(struct hl_buf *out, uint64_t index, const hl_hash *path,
			 size_t npath, const void *checkpoint, size_t cplen);

/* Reads the rest of l: at most max hashes into path (*npath of them),
 * the empty line, and the checkpoint, which must not be empty and
 * which *checkpoint points to (its own parser checks its bytes).
 * -HL_ETOOBIG past max hashes. */
int hl_tlog_path_parse(struct hl_lines *l, hl_hash *path, size_t max, size_t *npath,
		       const unsigned char **checkpoint, size_t *cplen);

/* The same after the type line and *index (below INT64_MAX). */
int hl_tlog_proof_parse(struct hl_lines *l, uint64_t *index, hl_hash *path, size_t max,
			size_t *npath, const unsigned char **checkpoint, size_t *cplen);

#endif

/* sqlite.c - the SQLite engine of the store (store.h).
 *
 * One database file in the party's home, WAL journal, synchronous=FULL,
 * foreign keys on.  The schema is built by numbered migrations; the
 * database's user_version is the number of the last one applied.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cardcache.h"
#include "envelope.h"
#include "error.h"
#include "gate.h"
#include "hash.h"
#include "lease.h"
#include "pgschema.h"
#include "storepriv.h"
#include "store.h"
#include "walcp.h"

static const char *const migrations[] = {
	/* 1: links, both logs of each, checkpoints, evidence, message index. */
	"CREATE TABLE link ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  link_id BLOB NOT NULL UNIQUE CHECK (length(link_id) = 32),"
	"  card BLOB NOT NULL,"
	"  endpoint TEXT NOT NULL,"
	"  added INTEGER NOT NULL,"
	"  confirmed INTEGER);"
	"CREATE TABLE envelope ("
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  side INTEGER NOT NULL CHECK (side IN (0, 1)),"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),"
	"  bytes BLOB NOT NULL,"
	"  leaf BLOB NOT NULL CHECK (length(leaf) = 32),"
	"  stored INTEGER NOT NULL,"
	"  PRIMARY KEY (link, side, seq)) WITHOUT ROWID;"
	"CREATE TABLE node ("
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  side INTEGER NOT NULL,"
	"  level INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32),"
	"  PRIMARY KEY (link, side, level, idx)) WITHOUT ROWID;"
	"CREATE TABLE checkpoint ("
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  side INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  note BLOB NOT NULL,"
	"  cosig TEXT,"
	"  cosig_time INTEGER,"
	"  PRIMARY KEY (link, side, size)) WITHOUT ROWID;"
	"CREATE TABLE evidence ("
	"  id INTEGER PRIMARY KEY,"
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  side INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  kept BLOB NOT NULL,"
	"  other BLOB NOT NULL,"
	"  seen INTEGER NOT NULL);"
	/* A projection: rebuilt from envelope by hl_store_rebuild(). */
	"CREATE TABLE message ("
	"  link INTEGER NOT NULL,"
	"  side INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  precedence TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  PRIMARY KEY (link, side, seq)) WITHOUT ROWID;",
	/* 2: evidence is kept once: a peer resending the same equivocation
	 * cannot grow the table. */
	"ALTER TABLE evidence ADD COLUMN other_hash BLOB;"
	"CREATE UNIQUE INDEX evidence_once ON evidence (link, side, kind, at, other_hash);",
	/* 3: a projection of what the encrypted bodies say (index.c):
	 * every envelope's content type, and the envelope a ref names
	 * (ref_side relative to this party, -1 for none). */
	"CREATE TABLE item ("
	"  link INTEGER NOT NULL,"
	"  side INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  ref_side INTEGER NOT NULL,"
	"  ref_seq INTEGER NOT NULL,"
	"  PRIMARY KEY (link, side, seq)) WITHOUT ROWID;"
	"CREATE INDEX item_ref ON item (link, ref_side, ref_seq, type);",
	/* 4: the escalation steps hotlined's clock has run, one per message,
	 * event and step. */
	"CREATE TABLE escalation ("
	"  link INTEGER NOT NULL,"
	"  side INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  event TEXT NOT NULL,"
	"  step INTEGER NOT NULL,"
	"  fired INTEGER NOT NULL,"
	"  PRIMARY KEY (link, side, seq, event, step)) WITHOUT ROWID;",
	/* 5: cases and indicators.  Each item names its case (the notify
	 * that opened it) and keeps its structured fields; the STIX bundles'
	 * values are search terms.  Items indexed before are dropped, so the
	 * next index update reads every envelope again. */
	"ALTER TABLE item ADD COLUMN case_side INTEGER NOT NULL DEFAULT -1;"
	"ALTER TABLE item ADD COLUMN case_seq INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE item ADD COLUMN fields TEXT;"
	"DELETE FROM item;"
	"CREATE INDEX item_case ON item (link, case_side, case_seq);"
	"CREATE TABLE term ("
	"  link INTEGER NOT NULL,"
	"  side INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  object TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  value TEXT NOT NULL);"
	"CREATE INDEX term_value ON term (value COLLATE NOCASE);"
	"CREATE INDEX term_item ON term (link, side, seq);",
	/* 6: search beyond STIX (index.c): a full-text index (FTS5) of each
	 * message's free text and summary, one row per message through
	 * text_row; the structured fields' codes become terms too.  Items
	 * are dropped, so the next index update fills both. */
	"CREATE TABLE text_row ("
	"  id INTEGER PRIMARY KEY,"
	"  link INTEGER NOT NULL,"
	"  side INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  UNIQUE (link, side, seq));"
	"CREATE VIRTUAL TABLE text_fts USING fts5(body,"
	"  tokenize = 'unicode61 remove_diacritics 2');"
	"DELETE FROM term;"
	"DELETE FROM item;",
	/* 7: what became of each escalation step: 'ok' or 'failed' (its
	 * hooks' outcome), 'skipped' (a later step was due when hotlined
	 * got to it), 'running' (started; hotlined stopped or crashed
	 * before the hooks ended), 'abandoned' (killed as hotlined
	 * stopped), or 'done' (run before this column existed). */
	"ALTER TABLE escalation ADD COLUMN status TEXT NOT NULL DEFAULT 'done';"
	"ALTER TABLE escalation ADD COLUMN outcome TEXT;",
	/* 8: case names unique at a party (protocol.md 8.10).  Each item
	 * keeps its case's number (a notify's "number", else its seq);
	 * case_number holds every number this party gave its own cases, on
	 * any link, starting with the seqs its notifies had, which named
	 * them until now.  Items are indexed again. */
	"ALTER TABLE item ADD COLUMN case_no INTEGER NOT NULL DEFAULT 0;"
	"DELETE FROM item;"
	"CREATE INDEX item_case_no ON item (link, side, case_no) WHERE type = 'notify';"
	"CREATE TABLE case_number (n INTEGER PRIMARY KEY CHECK (n >= 1));"
	"INSERT OR IGNORE INTO case_number (n)"
	"  SELECT seq FROM message WHERE side = 0 AND kind = 'notify';",
	/* 9: operators (operators.c): roles as desk.h's bits, a duty
	 * officer's cap, the Argon2id password hash (crypto_pwhash_str),
	 * the TOTP secret and the last time step accepted (a code replayed
	 * is refused), failed logins in a row and the lock they set; and
	 * the Unix users mapped to them, one operator each. */
	"CREATE TABLE operator ("
	"  name TEXT PRIMARY KEY,"
	"  roles INTEGER NOT NULL CHECK (roles BETWEEN 0 AND 15),"
	"  max_precedence TEXT NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
	"  created INTEGER NOT NULL,"
	"  pwhash TEXT,"
	"  totp BLOB,"
	"  totp_step INTEGER NOT NULL DEFAULT 0,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE operator_user ("
	"  user TEXT PRIMARY KEY,"
	"  operator TEXT NOT NULL REFERENCES operator(name));"
	"CREATE INDEX operator_user_op ON operator_user (operator);",
	/* 10: who made each message (protocol.md 8.11): the operator its
	 * content names, '' for none, so listings and who acknowledged need
	 * no decryption.  Items are indexed again. */
	"ALTER TABLE item ADD COLUMN op_name TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE item ADD COLUMN op_role TEXT NOT NULL DEFAULT '';"
	"DELETE FROM item;",
	/* 11: the audit trail (store/audit.c): each entry's exact bytes,
	 * the complete subtrees of their RFC 6962 tree, and the party's
	 * signed checkpoints of it (auditlog.h, protocol.md).  IF NOT
	 * EXISTS: a store rolled back to an older user_version (as
	 * test_store does for 8) keeps its trail. */
	"CREATE TABLE IF NOT EXISTS audit_entry ("
	"  seq INTEGER PRIMARY KEY CHECK (seq >= 1),"
	"  bytes BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS audit_node ("
	"  level INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  hash BLOB NOT NULL,"
	"  PRIMARY KEY (level, idx)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS audit_checkpoint ("
	"  size INTEGER PRIMARY KEY CHECK (size >= 1),"
	"  note BLOB NOT NULL);",
	/* 12: envelopes in a rowid table.  A WITHOUT ROWID table keeps a
	 * row of more than about 1,000 bytes (a 4 KiB page) partly on an
	 * overflow page of its own, so each message wrote a page more than
	 * its bytes: a rowid table keeps rows of up to 4,061 bytes in its
	 * leaves.  The key stays unique. */
	"CREATE TABLE envelope_rowid ("
	"  id INTEGER PRIMARY KEY,"
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  side INTEGER NOT NULL CHECK (side IN (0, 1)),"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),"
	"  bytes BLOB NOT NULL,"
	"  leaf BLOB NOT NULL CHECK (length(leaf) = 32),"
	"  stored INTEGER NOT NULL,"
	"  UNIQUE (link, side, seq));"
	"INSERT INTO envelope_rowid (link, side, seq, bytes, leaf, stored)"
	"  SELECT link, side, seq, bytes, leaf, stored FROM envelope"
	"  ORDER BY link, side, seq;"
	"DROP TABLE envelope;"
	"ALTER TABLE envelope_rowid RENAME TO envelope;"
	/* Both trees' nodes keyed by the last leaf they cover, then their
	 * level: the nodes one append completes are neighbours, where the
	 * key (level, idx) put each level's on a page of its own.  The key's
	 * columns come first: SQLite 3.40's quick_check misreads a WITHOUT
	 * ROWID table whose key columns are declared after others. */
	"CREATE TABLE node_by_last ("
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  side INTEGER NOT NULL,"
	"  last INTEGER NOT NULL CHECK (last = ((idx + 1) << level) - 1),"
	"  level INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32),"
	"  PRIMARY KEY (link, side, last, level)) WITHOUT ROWID;"
	"INSERT INTO node_by_last (link, side, level, idx, hash, last)"
	"  SELECT link, side, level, idx, hash, ((idx + 1) << level) - 1 FROM node;"
	"DROP TABLE node;"
	"ALTER TABLE node_by_last RENAME TO node;"
	"CREATE TABLE audit_node_by_last ("
	"  last INTEGER NOT NULL CHECK (last = ((idx + 1) << level) - 1),"
	"  level INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  hash BLOB NOT NULL,"
	"  PRIMARY KEY (last, level)) WITHOUT ROWID;"
	"INSERT INTO audit_node_by_last (level, idx, hash, last)"
	"  SELECT level, idx, hash, ((idx + 1) << level) - 1 FROM audit_node;"
	"DROP TABLE audit_node;"
	"ALTER TABLE audit_node_by_last RENAME TO audit_node;",
	/* 13: the control messages of a link (protocol.md 8.13) found by
	 * type, without reading every item of the link.  IF NOT EXISTS: a
	 * store rolled back to an older user_version keeps it. */
	"CREATE INDEX IF NOT EXISTS item_type ON item (link, type);",
	/* 14: suspension (protocol.md 8.14).  Whether a link was ever
	 * suspended, from the messages' kinds, without the content index:
	 * a send asks on every new case.  The messages held while a link is
	 * suspended, as they will be sealed (a record: rebuild keeps it). */
	"CREATE INDEX IF NOT EXISTS message_suspend ON message (link) WHERE kind = 'suspend';"
	"CREATE TABLE IF NOT EXISTS held ("
	"  id INTEGER PRIMARY KEY,"
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  queued INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  precedence TEXT NOT NULL,"
	"  case_no INTEGER NOT NULL CHECK (case_no >= 0),"
	"  content BLOB NOT NULL,"
	"  op_name TEXT NOT NULL,"
	"  op_role TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS held_link ON held (link, id);",
	/* 15: archive (protocol.md 8.15): a link being archived (seq: our
	 * archive message, NULL when the peer archived first) and archived
	 * (when; its name then NAME~k, name keeps NAME).  A record. */
	"CREATE TABLE IF NOT EXISTS link_archive ("
	"  link INTEGER PRIMARY KEY REFERENCES link(id),"
	"  seq INTEGER CHECK (seq IS NULL OR seq >= 1),"
	"  archived INTEGER,"
	"  name TEXT NOT NULL);",
	/* 16: key history (protocol.md 9.10): each side's eras of a link,
	 * each its card exactly as carried, the seqs and times it holds
	 * from, the envelope that began it, and its revoked uses.  Era 0 of
	 * the peer's side is the link's card; ours is our card file, which
	 * hl_store_own_eras() adds.  A record: rebuild keeps it. */
	"CREATE TABLE IF NOT EXISTS link_key ("
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  side INTEGER NOT NULL CHECK (side IN (0, 1)),"
	"  era INTEGER NOT NULL CHECK (era >= 0),"
	"  card BLOB NOT NULL,"
	"  from_seq INTEGER NOT NULL CHECK (from_seq >= 1),"
	"  from_time INTEGER NOT NULL,"
	"  via_seq INTEGER NOT NULL,"
	"  how TEXT NOT NULL CHECK (how IN ('founding', 'rotated', 'rekeyed')),"
	"  confirmed INTEGER,"
	"  revoked INTEGER,"
	"  revoked_uses TEXT NOT NULL DEFAULT '',"
	"  revoked_by INTEGER,"
	"  PRIMARY KEY (link, side, era)) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO link_key (link, side, era, card, from_seq, from_time,"
	"  via_seq, how, confirmed)"
	"  SELECT id, 1, 0, card, 1, 0, 0, 'founding', confirmed FROM link;",
	/* 17: the TLS change-over (protocol.md 10.1): the peer's pin before
	 * its card's, accepted beside it until the new key is first seen.
	 * The column is added by columns[] below (ALTER has no IF NOT
	 * EXISTS); nothing else changes. */
	"",
	/* 18: a new card of the peer after a loss (protocol.md 9.15), given
	 * by 'hotline link rekey' and confirmed by voice (when), until its
	 * `rekey` envelope arrives.  Columns only, added by columns[]. */
	"",
	/* 19: groups of links at their owner (DESIGN.md decision 12,
	 * store/groups.h): each group, and each membership with its history
	 * (removed NULL while a member; a link added again gets a new row).
	 * At most one current membership of a link in a group.  A record:
	 * rebuild keeps it. */
	"CREATE TABLE IF NOT EXISTS link_group ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  open INTEGER NOT NULL CHECK (open IN (0, 1)),"
	"  created INTEGER NOT NULL,"
	"  created_by TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS group_member ("
	"  id INTEGER PRIMARY KEY,"
	"  grp INTEGER NOT NULL REFERENCES link_group(id),"
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  added INTEGER NOT NULL,"
	"  removed INTEGER CHECK (removed IS NULL OR removed >= added));"
	"CREATE UNIQUE INDEX IF NOT EXISTS group_member_now ON group_member (grp, link)"
	"  WHERE removed IS NULL;"
	"CREATE INDEX IF NOT EXISTS group_member_link ON group_member (grp, link, added);",
	/* 20: group messages (store/groupmsg.h).  At the owner, which
	 * envelope went to which member for which group message (gid, the
	 * content's group id): seq NULL while held on a suspended link
	 * (held, the held message's id; the release sets seq).  At a member, each envelope of the
	 * peer that carried a group id, with the SHA-256 of its content, so
	 * an id reused with other content is seen (reused 1; warned 1 once
	 * the daemon logged it).  Records:
	 * rebuild keeps them. */
	"CREATE TABLE IF NOT EXISTS group_envelope ("
	"  id INTEGER PRIMARY KEY,"
	"  gid TEXT NOT NULL CHECK (length(gid) = 32),"
	"  grp INTEGER NOT NULL REFERENCES link_group(id),"
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  seq INTEGER,"
	"  held INTEGER,"
	"  time INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  precedence TEXT NOT NULL,"
	"  case_no INTEGER,"
	"  operator TEXT NOT NULL,"
	"  UNIQUE (link, seq));"
	"CREATE INDEX IF NOT EXISTS group_envelope_gid ON group_envelope (gid);"
	"CREATE TABLE IF NOT EXISTS group_seen ("
	"  link INTEGER NOT NULL REFERENCES link(id),"
	"  seq INTEGER NOT NULL,"
	"  gid TEXT NOT NULL CHECK (length(gid) = 32),"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32),"
	"  reused INTEGER NOT NULL DEFAULT 0,"
	"  warned INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (link, seq));"
	"CREATE INDEX IF NOT EXISTS group_seen_gid ON group_seen (link, gid);"
	"CREATE INDEX IF NOT EXISTS group_seen_new ON group_seen (link)"
	"  WHERE reused = 1 AND warned = 0;",
	/* 21: the STIX objects of each link as a feed serves them
	 * (store/stixobj.h, docs/feeds.md): a projection, filled by the
	 * content index and cleared by rebuild.  id is the order of adding
	 * (AUTOINCREMENT: never reused, not even after a rebuild, so a
	 * reader's cursor never points into other rows); added rises
	 * strictly with it.  side, seq -1, 0 and case -1, 0 for the rows the
	 * index adds itself (the parties' identities, the TLP markings).
	 * sent: the order of its message's sending (stixobj.h); of two
	 * copies of an object, the one sent first is kept, so the order of
	 * indexing does not matter.
	 * newer and older: whether the link has a newer or an older version
	 * of the object, so that most rows are known to be the last (or
	 * first) version without a look at the others.
	 * Items are indexed again, so that what came before is filled. */
	"CREATE TABLE IF NOT EXISTS stix_object ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  link INTEGER NOT NULL,"
	"  side INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  case_side INTEGER NOT NULL,"
	"  case_seq INTEGER NOT NULL,"
	"  case_name TEXT,"
	"  sid TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  spec TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  version_text TEXT,"
	"  tlp INTEGER NOT NULL CHECK (tlp BETWEEN 0 AND 4),"
	"  added INTEGER NOT NULL,"
	"  json TEXT NOT NULL,"
	"  sent INTEGER NOT NULL,"
	"  newer INTEGER NOT NULL DEFAULT 0,"
	"  older INTEGER NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX IF NOT EXISTS stix_sid ON stix_object (link, sid, version);"
	"CREATE INDEX IF NOT EXISTS stix_tlp ON stix_object (link, tlp, id);"
	"CREATE INDEX IF NOT EXISTS stix_tlp_type ON stix_object (link, tlp, type, id);"
	"CREATE INDEX IF NOT EXISTS stix_case ON stix_object (link, case_side, case_seq, id);"
	"CREATE INDEX IF NOT EXISTS stix_added ON stix_object (added);"
	"DELETE FROM item;",
	/* 22: the tokens of the TAXII feed (store/feedtoken.h): one per
	 * operator and tool while live, kept as the BLAKE2b of the secret;
	 * tlp the clearance (0 clear .. 4 red).  A revoked token keeps its
	 * row, revoked the time.  A record: rebuild keeps it. */
	"CREATE TABLE IF NOT EXISTS feed_token ("
	"  id INTEGER PRIMARY KEY,"
	"  operator TEXT NOT NULL,"
	"  tool TEXT NOT NULL,"
	"  hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),"
	"  tlp INTEGER NOT NULL CHECK (tlp BETWEEN 0 AND 4),"
	"  created INTEGER NOT NULL,"
	"  created_by TEXT NOT NULL,"
	"  revoked INTEGER);"
	"CREATE UNIQUE INDEX IF NOT EXISTS feed_token_live ON feed_token (operator, tool)"
	"  WHERE revoked IS NULL;",
	/* 23: a group's API root (store/stixobj.h, hl_store_stix_group_*)
	 * serves each object once whatever the links that carried it: the
	 * first row of an id and version across links. */
	"CREATE INDEX IF NOT EXISTS stix_sid_any ON stix_object (sid, version, id);",
	/* 24: whether one of our cases is a group case, by its number
	 * (groupmsg.h, hl_store_group_case), without opening its notify. */
	"CREATE INDEX IF NOT EXISTS group_envelope_case ON group_envelope (case_no)"
	"  WHERE kind = 'notify';",
};
#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))
_Static_assert(NMIGRATIONS == HL_STORE_SCHEMA, "HL_STORE_SCHEMA counts the migrations");

/* The columns a migration adds, each only where it is missing: a store
 * set back to an older user_version runs the migration again. */
static const struct {
	int version;
	const char *table, *column, *decl;
} columns[] = {
	{17, "link", "old_pin", "BLOB CHECK (old_pin IS NULL OR length(old_pin) = 32)"},
	{18, "link", "pending_card", "BLOB"},
	{18, "link", "pending_confirmed", "INTEGER"},
};

enum stmt {
	S_LINK_ADD, S_LINK_GET, S_LINK_BY_ID, S_LINK_CONFIRM, S_LINK_ALL,
	S_ARCHIVING, S_ARCHIVING_UNDO, S_ARCHIVE_K, S_ARCHIVE_NAME, S_ARCHIVE_PUT,
	S_LOG_SIZE, S_ENV_PUT, S_ENV_GET, S_ENV_ALL, S_NODE_PUT, S_NODE_GET,
	S_CP_PUT, S_CP_GET, S_COSIG_SET, S_COSIGNED, S_COVERING, S_CP_ALL,
	S_EVIDENCE_PUT, S_EVIDENCE_COUNT, S_EVIDENCE_STATS, S_MSG_PUT, S_MSG_CLEAR, S_ENV_EVERY, S_MSG_ALL,
	S_ITEM_PUT, S_ITEM_NEXT, S_ITEM_CLEAR, S_ACKED, S_ESC_GET, S_ESC_PUT,
	S_EVENT_ALL, S_ITEM_GET, S_CASE_ALL, S_CASE_ITEMS, S_TERM_PUT, S_TERM_DROP, S_TERM_FIND,
	S_TERM_CLEAR, S_TERM_ADDRS, S_TEXT_ROW, S_TEXT_PUT, S_TEXT_ID, S_TEXT_DROP,
	S_TEXT_DROP_ROW,
	S_TEXT_FIND, S_TEXT_CLEAR, S_TEXT_CLEAR_ROWS,
	S_ESC_DONE, S_ESC_FAILING, S_PENDING_PUT, S_PENDING_DUE,
	S_PENDING_SET, S_PENDING_DROP, S_PENDING_NEXT,
	S_CASE_FIND, S_CASE_NO_NEXT, S_CASE_NO_TAKE, S_CASE_NO_FILL,
	S_CONTROL_ITEMS, S_PENDING_FORGET,
	S_COUNT
};

/* A link with its archive's state (migration 15). */
#define LINK_COLUMNS "SELECT l.id, l.name, l.link_id, l.card, l.endpoint, l.added," \
		     " l.confirmed, a.link IS NOT NULL, a.seq, a.archived, l.old_pin" \
		     " FROM link l LEFT JOIN link_archive a ON a.link = l.id"

static const char *const sql[S_COUNT] = {
	[S_LINK_ADD] = "INSERT INTO link (name, link_id, card, endpoint, added)"
		       " VALUES (?, ?, ?, ?, ?)",
	[S_LINK_GET] = LINK_COLUMNS " WHERE l.name = ?",
	[S_LINK_BY_ID] = LINK_COLUMNS " WHERE l.link_id = ?",
	[S_LINK_CONFIRM] = "UPDATE link SET confirmed = ? WHERE id = ?",
	[S_LINK_ALL] = LINK_COLUMNS " ORDER BY l.name",
	[S_ARCHIVING] = "INSERT INTO link_archive (link, seq, name) VALUES (?, ?, ?)"
			" ON CONFLICT (link) DO UPDATE SET seq = excluded.seq WHERE link_archive.archived IS NULL",
	[S_ARCHIVING_UNDO] = "DELETE FROM link_archive WHERE link = ? AND archived IS NULL",
	[S_ARCHIVE_K] = "SELECT count(*) FROM link WHERE name GLOB ? || '~*'" HL_DB_PG
			"SELECT count(*) FROM link WHERE starts_with(name, ? || '~')",
	[S_ARCHIVE_NAME] = "UPDATE link SET name = ? WHERE id = ?",
	[S_ARCHIVE_PUT] = "INSERT INTO link_archive (link, seq, archived, name) VALUES (?, NULL, ?, ?)"
			  " ON CONFLICT (link) DO UPDATE SET archived = excluded.archived"
			  " WHERE link_archive.archived IS NULL",
	[S_LOG_SIZE] = "SELECT coalesce(max(seq), 0) FROM envelope"
		       " WHERE link = ? AND side = ?",
	[S_ENV_PUT] = "INSERT INTO envelope (link, side, seq, bytes, leaf, stored)"
		      " VALUES (?, ?, ?, ?, ?, ?)",
	[S_ENV_GET] = "SELECT bytes, leaf FROM envelope"
		      " WHERE link = ? AND side = ? AND seq = ?",
	[S_ENV_ALL] = "SELECT seq, bytes, leaf FROM envelope"
		      " WHERE link = ? AND side = ? ORDER BY seq",
	/* last, the node's last leaf, is hl_store_node_last's. */
	[S_NODE_PUT] = "INSERT INTO node (link, side, level, idx, hash, last)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_NODE_GET] = "SELECT hash FROM node WHERE link = ?1 AND side = ?2"
		       " AND last = ?4 AND level = ?3",
	[S_CP_PUT] = "INSERT INTO checkpoint (link, side, size, note)"
		     " VALUES (?, ?, ?, ?)",
	[S_CP_GET] = "SELECT note, cosig, cosig_time FROM checkpoint"
		     " WHERE link = ? AND side = ? AND size = ?",
	[S_COSIG_SET] = "UPDATE checkpoint SET cosig = ?, cosig_time = ?"
			" WHERE link = ? AND side = ? AND size = ?",
	[S_COSIGNED] = "SELECT coalesce(max(size), 0) FROM checkpoint"
		       " WHERE link = ? AND side = ? AND cosig IS NOT NULL",
	[S_COVERING] = "SELECT min(size) FROM checkpoint WHERE link = ? AND side = ?"
		       " AND size >= ? AND cosig IS NOT NULL",
	[S_CP_ALL] = "SELECT size, note, cosig, cosig_time FROM checkpoint"
		     " WHERE link = ? AND side = ? ORDER BY size",
	[S_EVIDENCE_PUT] = "INSERT OR IGNORE INTO evidence"
			   " (link, side, kind, at, kept, other, seen, other_hash)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[S_EVIDENCE_COUNT] = "SELECT count(*) FROM evidence WHERE link = ?",
	/* An incident past the cap keeps no bytes, only the other's hash. */
	[S_EVIDENCE_STATS] = "SELECT count(*), coalesce(sum(length(kept) + length(other)), 0),"
			     " coalesce(sum(CASE WHEN length(other) = 0 THEN 1 ELSE 0 END), 0)"
			     " FROM evidence WHERE link = ?",
	[S_MSG_PUT] = "INSERT OR REPLACE INTO message (link, side, seq, time, precedence, kind)"
		      " VALUES (?, ?, ?, ?, ?, ?)" HL_DB_PG
		      "INSERT INTO message (link, side, seq, time, precedence, kind)"
		      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (link, side, seq) DO UPDATE"
		      " SET time = excluded.time, precedence = excluded.precedence,"
		      " kind = excluded.kind",
	[S_MSG_CLEAR] = "DELETE FROM message",
	[S_ENV_EVERY] = "SELECT link, side, seq, bytes FROM envelope",
	[S_MSG_ALL] = "SELECT seq, time, precedence, kind FROM message"
		      " WHERE link = ? AND side = ? AND seq > ? ORDER BY seq",
#define ITEM_PUT(verb) verb " INTO item (link, side, seq, type, ref_side, ref_seq," \
		       " case_side, case_seq, fields, case_no, op_name, op_role)" \
		       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	[S_ITEM_PUT] = ITEM_PUT("INSERT OR REPLACE") HL_DB_PG ITEM_PUT("INSERT")
		       " ON CONFLICT (link, side, seq) DO UPDATE SET type = excluded.type,"
		       " ref_side = excluded.ref_side, ref_seq = excluded.ref_seq,"
		       " case_side = excluded.case_side, case_seq = excluded.case_seq,"
		       " fields = excluded.fields, case_no = excluded.case_no,"
		       " op_name = excluded.op_name, op_role = excluded.op_role",
#define ITEM_COLUMNS_BY(ix) "i.side, i.seq, m.time, m.precedence, i.type, i.ref_side," \
		     " i.ref_seq, i.case_side, i.case_seq, i.fields, i.case_no, i.op_name," \
		     " i.op_role FROM item i " ix \
		     " JOIN message m" \
		     " ON m.link = i.link AND m.side = i.side AND m.seq = i.seq"
#define ITEM_COLUMNS ITEM_COLUMNS_BY("")
	[S_ITEM_GET] = "SELECT " ITEM_COLUMNS " WHERE i.link = ? AND i.side = ? AND i.seq = ?",
	[S_CONTROL_ITEMS] = "SELECT " ITEM_COLUMNS_BY("INDEXED BY item_type") " WHERE i.link = ?"
			  " AND i.type IN ('terms', 'terms-accept', 'terms-decline', 'suspend',"
			  " 'resume')"
			  " ORDER BY i.side, i.seq",
	/* A notify that opens a case names itself as its case (index.c). */
	[S_CASE_ALL] = "SELECT " ITEM_COLUMNS " WHERE i.link = ? AND i.type = 'notify'"
		       " AND i.case_side = i.side AND i.case_seq = i.seq"
		       " ORDER BY m.time, i.side, i.seq",
	/* A notify names itself as its case (index.c).  INDEXED BY: without
	 * ANALYZE's statistics SQLite takes the primary key's (link) prefix
	 * and reads the whole link for each case. */
	[S_CASE_ITEMS] = "SELECT " ITEM_COLUMNS_BY("INDEXED BY item_case") " WHERE i.link = ?1 AND"
			 " i.case_side = ?2 AND i.case_seq = ?3 ORDER BY m.time, i.side, i.seq",
	[S_TERM_PUT] = "INSERT INTO term (link, side, seq, object, kind, value)"
		       " VALUES (?, ?, ?, ?, ?, ?)",
	[S_TERM_DROP] = "DELETE FROM term WHERE link = ? AND side = ? AND seq = ?",
	[S_TERM_FIND] = "SELECT t.link, t.side, t.seq, m.time, t.object, t.kind, t.value,"
			" i.case_side, i.case_seq, i.case_no FROM term t"
			" JOIN item i ON i.link = t.link AND i.side = t.side AND i.seq = t.seq"
			" JOIN message m ON m.link = t.link AND m.side = t.side AND m.seq = t.seq"
			" WHERE t.value = ? COLLATE NOCASE ORDER BY m.time, t.link, t.side, t.seq"
			HL_DB_PG "SELECT t.link, t.side, t.seq, m.time, t.object, t.kind, t.value,"
			" i.case_side, i.case_seq, i.case_no FROM term t"
			" JOIN item i ON i.link = t.link AND i.side = t.side AND i.seq = t.seq"
			" JOIN message m ON m.link = t.link AND m.side = t.side AND m.seq = t.seq"
			" WHERE lower(t.value) = lower(?) ORDER BY m.time, t.link, t.side, t.seq",
	[S_TERM_CLEAR] = "DELETE FROM term",
#define HIT_COLUMNS "SELECT t.link, t.side, t.seq, m.time, t.object, t.kind, t.value," \
		    " i.case_side, i.case_seq, i.case_no FROM term t" \
		    " JOIN item i ON i.link = t.link AND i.side = t.side AND i.seq = t.seq" \
		    " JOIN message m ON m.link = t.link AND m.side = t.side AND m.seq = t.seq"
	[S_TERM_ADDRS] = HIT_COLUMNS " WHERE t.kind IN ('ipv4-addr:value', 'ipv6-addr:value')"
			 " ORDER BY m.time, t.link, t.side, t.seq",
	[S_TEXT_ROW] = "INSERT INTO text_row (link, side, seq) VALUES (?, ?, ?)",
	[S_TEXT_PUT] = "INSERT INTO text_fts (rowid, body) VALUES (?, ?)",
	/* By rowid, found first: FTS5 would scan for "rowid IN (SELECT ...)". */
	[S_TEXT_ID] = "SELECT id FROM text_row WHERE link = ? AND side = ? AND seq = ?",
	[S_TEXT_DROP] = "DELETE FROM text_fts WHERE rowid = ?",
	[S_TEXT_DROP_ROW] = "DELETE FROM text_row WHERE link = ? AND side = ? AND seq = ?",
	/* The hit's object is empty and its kind says where: "text". */
	[S_TEXT_FIND] = "SELECT x.link, x.side, x.seq, m.time, '', 'text', ?1,"
			" i.case_side, i.case_seq, i.case_no FROM text_fts f"
			" JOIN text_row x ON x.id = f.rowid"
			" JOIN item i ON i.link = x.link AND i.side = x.side AND i.seq = x.seq"
			" JOIN message m ON m.link = x.link AND m.side = x.side AND m.seq = x.seq"
			" WHERE text_fts MATCH ?2 ORDER BY m.time, x.link, x.side, x.seq" HL_DB_PG
			/* The words of ?1 in a row, as FTS5's phrase ?2 finds them. */
			"SELECT x.link, x.side, x.seq, m.time, '', 'text', ?1,"
			" i.case_side, i.case_seq, i.case_no FROM text_fts f"
			" JOIN text_row x ON x.id = f.rowid"
			" JOIN item i ON i.link = x.link AND i.side = x.side AND i.seq = x.seq"
			" JOIN message m ON m.link = x.link AND m.side = x.side AND m.seq = x.seq"
			" WHERE to_tsvector('simple', f.body) @@ phraseto_tsquery('simple', ?1)"
			" ORDER BY m.time, x.link, x.side, x.seq",
	[S_TEXT_CLEAR] = "DELETE FROM text_fts",
	[S_TEXT_CLEAR_ROWS] = "DELETE FROM text_row",
	/* The notify of one log that opened the case of that number. */
	[S_CASE_FIND] = "SELECT seq FROM item INDEXED BY item_case_no WHERE link = ? AND side = ?"
			" AND type = 'notify' AND case_no = ? AND case_side = side"
			" AND case_seq = seq ORDER BY seq LIMIT 1",
	[S_CASE_NO_NEXT] = "SELECT coalesce(max(n), 0) + 1 FROM case_number",
	[S_CASE_NO_TAKE] = "INSERT INTO case_number (n) VALUES (?)",
	/* Each message about a case from seq on takes its case's number,
	 * and the case of the notify it names (which is another when that
	 * notify's number was opened before, index.c). */
#define CASE_OF(col) "(SELECT c." col " FROM item c WHERE c.link = item.link" \
		     " AND c.side = item.case_side AND c.seq = item.case_seq)"
	[S_CASE_NO_FILL] = "UPDATE item SET case_no = coalesce(" CASE_OF("case_no") ", 0),"
			   " case_seq = coalesce(" CASE_OF("case_seq") ", case_seq)"
			   " WHERE link = ? AND side = ? AND seq >= ? AND type <> 'notify'"
			   " AND case_side >= 0",
	[S_ITEM_NEXT] = "SELECT coalesce(max(seq), 0) + 1 FROM item WHERE link = ? AND side = ?",
	[S_ITEM_CLEAR] = "DELETE FROM item",
	[S_ESC_GET] = "SELECT fired FROM escalation WHERE link = ? AND side = ? AND seq = ?"
		      " AND event = ? AND step = ?",
	[S_EVENT_ALL] = "SELECT side, seq, fired FROM escalation WHERE link = ? AND event = ?"
			" ORDER BY fired, side, seq",
	[S_ESC_PUT] = "INSERT OR IGNORE INTO escalation (link, side, seq, event, step, fired,"
		      " status) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[S_ESC_DONE] = "UPDATE escalation SET status = ?6, outcome = ?7 WHERE link = ?1"
		       " AND side = ?2 AND seq = ?3 AND event = ?4 AND step = ?5",
	/* The last step whose hooks ended, if they failed. */
	[S_ESC_FAILING] = "SELECT * FROM (SELECT link, side, seq, event, step, fired, status,"
			  " coalesce(outcome, '') FROM escalation WHERE status IN ('ok', 'failed')"
			  " ORDER BY fired DESC, step DESC LIMIT 1) AS e WHERE status = 'failed'",
	/* The clock's open deadlines (a table of its connection only). */
	[S_PENDING_PUT] = "INSERT OR IGNORE INTO temp.pending (link, side, seq, event, deadline,"
			  " due) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
	[S_PENDING_DUE] = "SELECT link, side, seq, event, deadline FROM temp.pending"
			  " WHERE due <= ? ORDER BY due, link, side, seq LIMIT ?",
	[S_PENDING_NEXT] = "SELECT min(due) FROM temp.pending",
	[S_PENDING_SET] = "UPDATE temp.pending SET due = ?5 WHERE link = ?1 AND side = ?2"
			  " AND seq = ?3 AND event = ?4",
	[S_PENDING_FORGET] = "DELETE FROM temp.pending WHERE link = ?1",
	[S_PENDING_DROP] = "DELETE FROM temp.pending WHERE link = ?1 AND side = ?2"
			   " AND seq = ?3 AND event = ?4",
	/* What acknowledges envelope ?3 of log ?2 (8.7): the first, in the
	 * other party's log, of an ack or check-reply naming it, an answer
	 * naming it if it is a request, or a close of its case dated at or
	 * after it. */
#define ITEM_TIME_JOIN " JOIN message m ON m.link = i.link AND m.side = i.side AND m.seq = i.seq"
	[S_ACKED] = "WITH t AS (SELECT i.type, i.case_side, i.case_seq, m.time FROM item i"
		    ITEM_TIME_JOIN " WHERE i.link = ?1 AND i.side = ?2 AND i.seq = ?3)"
		    " SELECT seq, time FROM ("
		    "SELECT i.seq, m.time FROM item i INDEXED BY item_ref" ITEM_TIME_JOIN
		    " WHERE i.link = ?1 AND i.side = 1 - ?2 AND i.ref_side = ?2 AND i.ref_seq = ?3"
		    " AND (i.type IN ('ack', 'check-reply') OR"
		    " (i.type = 'answer' AND (SELECT type FROM t) = 'request'))"
		    " UNION ALL SELECT i.seq, m.time FROM t, item i INDEXED BY item_case"
		    ITEM_TIME_JOIN " WHERE t.case_side >= 0 AND i.link = ?1 AND i.side = 1 - ?2"
		    " AND i.case_side = t.case_side AND i.case_seq = t.case_seq"
		    " AND i.type = 'close' AND m.time >= t.time) AS a ORDER BY seq LIMIT 1",
};

struct hl_store {
	struct hl_db *db;
	struct hl_dbs *stmt[S_COUNT];
	struct hl_dbs *xstmt[HL_XSTMT_MAX];	/* the other store files' (storepriv.h) */
	char err[256];
	bool shadow;		/* hl_store_shadow(): writes go to temp only */
	struct hl_gate *gate;	/* this process's writers of the file (gate.h) */
	bool gated;		/* holds the gate, in a write transaction */
	bool ops_touched;	/* wrote the operator tables in this transaction */
	bool lazy;		/* hl_store_begin_lazy(): this transaction not fsynced */
	struct hl_cardcache *cards;	/* the links' cards verified (cardcache.h) */
};

/* Moves whenever this process writes the operator tables (store.h). */
static atomic_uint_fast64_t ops_generation;

uint64_t hl_store_ops_generation(void)
{
	return atomic_load(&ops_generation);
}

void hl_store_ops_touched(struct hl_store *st)
{
	atomic_fetch_add(&ops_generation, 1);
	st->ops_touched = hl_db_in_transaction(st->db);
}

static int fail(struct hl_store *st)
{
	snprintf(st->err, sizeof(st->err), "%s", hl_db_errmsg(st->db));
	return -HL_ESTORE;
}

int hl_store_fail(struct hl_store *st)
{
	return fail(st);
}

void hl_store_failf(struct hl_store *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
}

int hl_store_card_parse(struct hl_store *st, const void *buf, size_t n,
			 struct hl_card *card)
{
	return hl_cardcache_parse(&st->cards, buf, n, card);
}

struct hl_db *hl_store_db(struct hl_store *st)
{
	return st->db;
}

struct hl_dbs *hl_store_stmt(struct hl_store *st, int key, const char *text)
{
	struct hl_dbs *s = st->xstmt[key];

	if (!s && hl_db_prepare(st->db, text, true, &st->xstmt[key]) < 0) {
		fail(st);
		return NULL;
	}
	s = st->xstmt[key];
	hl_db_reset(s);
	hl_db_clear(s);
	return s;
}

const char *hl_store_errmsg(const struct hl_store *st)
{
	return st->err[0] ? st->err : "no error";
}

static int exec(struct hl_store *st, const char *s)
{
	return hl_db_exec(st->db, s) == 0 ? 0 : fail(st);
}

/* A reset statement with its parameters bound from 1; NULL on failure. */
static struct hl_dbs *stmt(struct hl_store *st, enum stmt k)
{
	struct hl_dbs *s = st->stmt[k];

	if (!s && hl_db_prepare(st->db, sql[k], true, &st->stmt[k]) < 0) {
		fail(st);
		return NULL;
	}
	s = st->stmt[k];
	hl_db_reset(s);
	hl_db_clear(s);
	return s;
}

/* Steps s, keeping its result code; true while it yields rows. */
static bool row(struct hl_dbs *s, int *rc)
{
	*rc = hl_db_step(s);
	return *rc == HL_DB_ROW;
}

/* Runs a statement that returns no rows.  Only a taken key is a
 * duplicate; a failed CHECK or FOREIGN KEY is a store error. */
static int done(struct hl_store *st, struct hl_dbs *s)
{
	int rc = hl_db_step(s), r = 0;

	if (rc != HL_DB_DONE)
		r = hl_db_duplicate(st->db) ? -HL_EDUPLICATE : fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_done(struct hl_store *st, struct hl_dbs *s)
{
	return done(st, s);
}

/* Runs an UPDATE; none when it matched no row. */
static int update(struct hl_store *st, struct hl_dbs *s, int none)
{
	int r = done(st, s);

	if (r == 0 && hl_db_changes(st->db) == 0)
		r = none;
	return r;
}

/* Adds the columns of migration version that the store lacks. */
static int add_columns(struct hl_store *st, int version)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof(columns) / sizeof(columns[0]); i++) {
		struct hl_dbs *s;
		bool have;
		char *q;

		if (columns[i].version != version)
			continue;
		if (hl_db_prepare(st->db, "SELECT count(*) FROM pragma_table_info(?1)"
				       " WHERE name = ?2", false, &s) < 0)
			return fail(st);
		hl_db_bind_text(s, 1, columns[i].table, -1, HL_DB_STATIC);
		hl_db_bind_text(s, 2, columns[i].column, -1, HL_DB_STATIC);
		r = hl_db_step(s) == HL_DB_ROW ? 0 : fail(st);
		have = r == 0 && hl_db_column_int(s, 0) > 0;
		hl_db_finalize(s);
		if (r < 0 || have)
			continue;
		q = sqlite3_mprintf("ALTER TABLE \"%w\" ADD COLUMN \"%w\" %s", columns[i].table,
				    columns[i].column, columns[i].decl);
		r = q ? exec(st, q) : -ENOMEM;
		sqlite3_free(q);
	}
	return r;
}

/* The version of a PostgreSQL store's schema, 0 for none yet. */
static int pg_version(struct hl_store *st, int64_t *version)
{
	static const char *const steps[] = {
		"SELECT to_regclass('hl_meta') IS NOT NULL",
		"SELECT value FROM hl_meta WHERE key = 'user_version'",
	};
	int r = 0;

	*version = 0;
	for (size_t i = 0; r == 0 && i < 2 && (i == 0 || *version); i++) {
		struct hl_dbs *s = NULL;

		if (hl_db_prepare(st->db, steps[i], true, &s) < 0 || hl_db_step(s) != HL_DB_ROW)
			r = fail(st);
		else
			*version = hl_db_column_int64(s, 0);
		hl_db_finalize(s);
	}
	return r;
}

/* A PostgreSQL store starts whole at the schema SQLite's migrations
 * reach (pgschema.h), in the writers' lock, so that two nodes starting
 * at once build it once.  hl_meta holds its version.  A store that has
 * it is opened without the lock: hotlined opens handles while its
 * writer works. */
static int migrate_pg(struct hl_store *st)
{
	int64_t version = 0;
	int r = pg_version(st, &version);

	if (r == 0 && version == (int64_t)NMIGRATIONS)
		return 0;
	if (r == 0)
		r = exec(st, "BEGIN IMMEDIATE");
	if (r == 0)
		r = pg_version(st, &version);
	if (r == 0 && version == 0)
		r = exec(st, hl_pg_schema);
	else if (r == 0 && version != (int64_t)NMIGRATIONS) {
		/* Older is for migrations still to come (none yet). */
		snprintf(st->err, sizeof(st->err), "database schema %lld is %s than this program's %d",
			 (long long)version, version > (int64_t)NMIGRATIONS ? "newer" : "older",
			 (int)NMIGRATIONS);
		r = -HL_ESTORE;
	}
	if (r == 0)
		return exec(st, "COMMIT");
	hl_db_exec(st->db, "ROLLBACK");
	return r;
}

static int migrate(struct hl_store *st)
{
	struct hl_dbs *s;
	int version, r;

	if (hl_db_prepare(st->db, "PRAGMA user_version", false, &s) < 0)
		return fail(st);
	r = hl_db_step(s) == HL_DB_ROW ? 0 : fail(st);
	version = hl_db_column_int(s, 0);
	hl_db_finalize(s);
	if (r < 0)
		return r;
	if (version > (int)NMIGRATIONS) {
		snprintf(st->err, sizeof(st->err),
			 "database schema %d is newer than this program's %d",
			 version, (int)NMIGRATIONS);
		return -HL_ESTORE;
	}
	for (int v = version; v < (int)NMIGRATIONS; v++) {
		char set[64];

		snprintf(set, sizeof(set), "PRAGMA user_version = %d", v + 1);
		r = exec(st, "BEGIN IMMEDIATE");
		if (r == 0)
			r = add_columns(st, v + 1);
		if (r == 0)
			r = exec(st, migrations[v]);
		if (r == 0)
			r = exec(st, set);
		if (r == 0)
			r = exec(st, "COMMIT");
		if (r < 0) {
			hl_db_exec(st->db, "ROLLBACK");
			return r;
		}
	}
	return 0;
}

/* The database holds every message and what the projections read out of
 * them: create it 0600 (SQLite gives its -wal and -shm files the same
 * mode), and refuse one that others can read.  The mode is checked with
 * stat(), never by opening the file: closing any descriptor of a SQLite
 * database drops every POSIX lock this process holds on it, under the
 * other connections' feet. */
static int private_file(const char *path)
{
	struct stat sb;
	int fd, r;

	if (lstat(path, &sb) == 0) {
		if (S_ISLNK(sb.st_mode))
			return -ELOOP;	/* as O_NOFOLLOW would say */
		return sb.st_mode & 077 ? -HL_EPERM : 0;
	}
	if (errno != ENOENT)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? private_file(path) : -errno;
	/* The mode above is filtered by the umask; make it exactly 0600. */
	r = fchmod(fd, 0600) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int hl_store_open(const char *path, struct hl_store **out, char *err, size_t errlen)
{
	struct hl_store *st;
	int r;

	*out = NULL;
	r = hl_db_is_postgresql(path) ? 0 : private_file(path);
	if (r < 0)
		return r;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	r = hl_db_open(path, &st->db);
	if (r == -1)
		r = fail(st);
	if (r == 0)
		r = hl_db_sqlite(st->db) ? migrate(st) : migrate_pg(st);
	if (r == 0) {
		st->gate = hl_gate_get(path);
		hl_walcp_attach(hl_gate_walcp(st->gate), hl_db_sqlite(st->db));
	}
	if (r < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s", st->err);
		hl_store_close(st);
		return r;
	}
	*out = st;
	return 0;
}

/* Drops every statement st prepared; each is prepared again when next
 * asked for. */
static void drop_statements(struct hl_store *st)
{
	for (int i = 0; i < S_COUNT; i++) {
		hl_db_finalize(st->stmt[i]);
		st->stmt[i] = NULL;
	}
	for (int i = 0; i < HL_XSTMT_MAX; i++) {
		hl_db_finalize(st->xstmt[i]);
		st->xstmt[i] = NULL;
	}
}

void hl_store_checkpoint_behind(void)
{
	hl_walcp_enable();
}

void hl_store_close(struct hl_store *st)
{
	if (!st)
		return;
	drop_statements(st);
	hl_db_close(st->db);
	if (st->gated)
		hl_gate_leave(st->gate);
	hl_gate_put(st->gate);
	hl_cardcache_free(st->cards);
	free(st);
}

/* Ends a write transaction's hold: the operators' generation moves
 * once more, now that what it wrote is (or is not) what others read,
 * and the gate taken by hl_store_begin is given back. */
static void leave(struct hl_store *st)
{
	/* Kept lazy only if FULL cannot be set back: the next end retries. */
	if (st->lazy && !hl_db_in_transaction(st->db) && hl_db_durable(st->db, true) == 0)
		st->lazy = false;
	if (st->ops_touched)
		atomic_fetch_add(&ops_generation, 1);
	st->ops_touched = false;
	if (st->gated)
		hl_gate_leave(st->gate);
	st->gated = false;
}

int hl_store_begin(struct hl_store *st)
{
	int r;

	/* A shadowed handle writes only its in-memory copies, inside the
	 * one read it holds (hl_store_shadow): it takes no write lock, so a
	 * long check never holds up hotlined's writers. */
	if (st->shadow)
		return exec(st, "SAVEPOINT shadow");
	if (!st->gated)
		st->gated = hl_gate_enter(st->gate);
	r = exec(st, "BEGIN IMMEDIATE");
	/* A node that lost the lease writes nothing more (lease.h). */
	if (r == 0 && (r = hl_store_lease_check(st)) < 0)
		hl_db_exec(st->db, "ROLLBACK");
	if (r < 0)
		leave(st);
	return r;
}

int hl_store_begin_lazy(struct hl_store *st)
{
	int r = 0;

	if (!st->shadow) {
		r = hl_db_durable(st->db, false) == 0 ? 0 : fail(st);
		st->lazy = r == 0;
	}
	if (r == 0)
		r = hl_store_begin(st);
	if (r < 0)
		leave(st);
	return r;
}

int64_t hl_store_sealed_floor(struct hl_store *st)
{
	return hl_gate_floor(st->gate);
}

void hl_store_sealed_set(struct hl_store *st, int64_t t)
{
	hl_gate_floor_set(st->gate, t);
}

int hl_store_commit(struct hl_store *st)
{
	return hl_store_commit_or(st, NULL, NULL);
}

int hl_store_commit_or(struct hl_store *st, void (*undo)(void *ctx), void *ctx)
{
	int r = exec(st, st->shadow ? "RELEASE shadow" : "COMMIT");

	if (r < 0 && undo)
		undo(ctx);	/* still inside the transaction's gate */
	if (r < 0)
		hl_store_rollback(st);
	else if (!st->shadow)
		leave(st);
	return r;
}

void hl_store_rollback(struct hl_store *st)
{
	if (st->shadow)
		hl_db_exec(st->db, "ROLLBACK TO shadow; RELEASE shadow");
	else if (hl_db_in_transaction(st->db))
		hl_db_exec(st->db, "ROLLBACK");
	if (!st->shadow)
		leave(st);
}

int hl_store_snapshot(struct hl_store *st)
{
	/* A deferred transaction reads from its first read on: make one. */
	int r = exec(st, "BEGIN");

	if (r == 0)
		r = exec(st, "SELECT count(*) FROM link");
	if (r < 0)
		hl_store_snapshot_end(st);
	return r;
}

void hl_store_snapshot_end(struct hl_store *st)
{
	if (hl_db_in_transaction(st->db))
		hl_db_exec(st->db, "ROLLBACK");
}

/* ---- links ---- */

int hl_store_link_add(struct hl_store *st, const char *name,
		      const unsigned char link_id[32], const void *card, size_t n,
		      const char *endpoint, int64_t now)
{
	struct hl_dbs *s = stmt(st, S_LINK_ADD);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, name, -1, HL_DB_STATIC);
	hl_db_bind_blob(s, 2, link_id, 32, HL_DB_STATIC);
	hl_db_bind_blob(s, 3, card, (int)n, HL_DB_STATIC);
	hl_db_bind_text(s, 4, endpoint, -1, HL_DB_STATIC);
	hl_db_bind_int64(s, 5, now);
	return done(st, s);
}

static int link_row(struct hl_store *st, struct hl_dbs *s, struct hl_link *l)
{
	const void *card = hl_db_column_blob(s, 3);
	int n = hl_db_column_bytes(s, 3);
	const char *name = (const char *)hl_db_column_text(s, 1);
	const char *ep = (const char *)hl_db_column_text(s, 4);
	int r;

	memset(l, 0, sizeof(*l));
	hl_buf_init(&l->card_text, HL_CARD_MAX);
	l->id = hl_db_column_int64(s, 0);
	if (!name || strlen(name) > HL_NAME_MAX || hl_db_column_bytes(s, 2) != 32)
		return -HL_ESTORE;
	memcpy(l->name, name, strlen(name) + 1);
	memcpy(l->link_id, hl_db_column_blob(s, 2), 32);
	snprintf(l->endpoint, sizeof(l->endpoint), "%s", ep ? ep : "");
	l->added = hl_db_column_int64(s, 5);
	l->confirmed = hl_db_column_int64(s, 6);
	l->archiving = hl_db_column_int(s, 7) != 0;
	l->archive_seq = (uint64_t)hl_db_column_int64(s, 8);
	l->archived = hl_db_column_int64(s, 9);
	l->has_old_pin = hl_db_column_bytes(s, 10) == 32;
	if (l->has_old_pin)
		memcpy(l->old_pin, hl_db_column_blob(s, 10), 32);
	r = hl_buf_append(&l->card_text, card, (size_t)n);
	/* The card was verified when added; parsing checks it again, once
	 * for each card text this handle reads. */
	if (r == 0)
		r = hl_store_card_parse(st, l->card_text.data, l->card_text.len, &l->card);
	return r;
}

static int link_one(struct hl_store *st, struct hl_dbs *s, struct hl_link *l)
{
	int rc = hl_db_step(s), r;

	if (rc == HL_DB_DONE) {
		hl_db_reset(s);
		return -HL_ENOLINK;
	}
	r = rc == HL_DB_ROW ? link_row(st, s, l) : fail(st);
	hl_db_reset(s);
	if (r < 0)
		hl_link_free(l);
	return r;
}

int hl_store_link_get(struct hl_store *st, const char *name, struct hl_link *l)
{
	struct hl_dbs *s = stmt(st, S_LINK_GET);

	hl_buf_init(&l->card_text, HL_CARD_MAX);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, name, -1, HL_DB_STATIC);
	return link_one(st, s, l);
}

int hl_store_link_by_id(struct hl_store *st, const unsigned char link_id[32],
			struct hl_link *l)
{
	struct hl_dbs *s = stmt(st, S_LINK_BY_ID);

	hl_buf_init(&l->card_text, HL_CARD_MAX);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_blob(s, 1, link_id, 32, HL_DB_STATIC);
	return link_one(st, s, l);
}

int hl_store_link_confirm(struct hl_store *st, int64_t link, int64_t now)
{
	struct hl_dbs *s = stmt(st, S_LINK_CONFIRM);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, now);
	hl_db_bind_int64(s, 2, link);
	return update(st, s, -HL_ENOLINK);
}

int hl_store_link_archiving(struct hl_store *st, const struct hl_link *l, uint64_t seq)
{
	struct hl_dbs *s = stmt(st, S_ARCHIVING);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, l->id);
	if (seq)
		hl_db_bind_int64(s, 2, (int64_t)seq);
	else
		hl_db_bind_null(s, 2);
	hl_db_bind_text(s, 3, l->name, -1, HL_DB_STATIC);
	return done(st, s);
}

int hl_store_link_archiving_undo(struct hl_store *st, const struct hl_link *l)
{
	struct hl_dbs *s = stmt(st, S_ARCHIVING_UNDO);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, l->id);
	return done(st, s);
}

/* NAME~k, k one more than the links archived under NAME, NAME cut to
 * HL_NAME_MAX - 5 bytes so that ~k fits for every generation ('~' is
 * in no party's name, 1.6, so no live name can clash). */
static int archived_name(struct hl_store *st, const char *name, char out[HL_NAME_MAX + 1])
{
	struct hl_dbs *s = stmt(st, S_ARCHIVE_K);
	char cut[HL_NAME_MAX - 4], tail[24];
	int64_t k = 0;

	if (!s)
		return -HL_ESTORE;
	snprintf(cut, sizeof(cut), "%.*s", (int)sizeof(cut) - 1, name);
	hl_db_bind_text(s, 1, cut, -1, HL_DB_TRANSIENT);
	if (hl_db_step(s) == HL_DB_ROW)
		k = hl_db_column_int64(s, 0) + 1;
	hl_db_reset(s);
	if (!k)
		return fail(st);
	snprintf(tail, sizeof(tail), "~%lld", (long long)k);
	snprintf(out, HL_NAME_MAX + 1, "%s%.5s", cut, tail);
	return 0;
}

int hl_store_link_archive(struct hl_store *st, const struct hl_link *l, int64_t now,
			  char as[HL_NAME_MAX + 1])
{
	struct hl_dbs *s;
	int r = hl_store_begin(st);

	if (r == 0)
		r = archived_name(st, l->name, as);
	if (r == 0 && !(s = stmt(st, S_ARCHIVE_PUT)))
		r = -HL_ESTORE;
	if (r == 0) {
		hl_db_bind_int64(s, 1, l->id);
		hl_db_bind_int64(s, 2, now);
		hl_db_bind_text(s, 3, l->name, -1, HL_DB_STATIC);
		r = done(st, s);
	}
	if (r == 0 && !(s = stmt(st, S_ARCHIVE_NAME)))
		r = -HL_ESTORE;
	if (r == 0) {
		hl_db_bind_text(s, 1, as, -1, HL_DB_STATIC);
		hl_db_bind_int64(s, 2, l->id);
		r = done(st, s);
	}
	if (r == 0)
		return hl_store_commit(st);
	hl_store_rollback(st);
	return r;
}

/* Reads every link, then calls fn: a callback may write, which from
 * inside an open read would run on that read's snapshot, and SQLite
 * refuses that at once (no busy wait) when another connection has
 * committed since.  Links are few. */
int hl_store_link_each(struct hl_store *st,
		       int (*fn)(void *ctx, const struct hl_link *l), void *ctx)
{
	struct hl_dbs *s = stmt(st, S_LINK_ALL);
	struct hl_link *ls = NULL;
	size_t n = 0, cap = 0;
	int rc = HL_DB_DONE, r = 0;

	if (!s)
		return -HL_ESTORE;
	while (r == 0 && row(s, &rc)) {
		if (n == cap) {
			void *p = realloc(ls, (cap ? 2 * cap : 16) * sizeof(*ls));

			if (!p) {
				r = -ENOMEM;
				break;
			}
			ls = p;
			cap = cap ? 2 * cap : 16;
		}
		r = link_row(st, s, &ls[n]);
		if (r < 0)
			hl_link_free(&ls[n]);
		else
			n++;
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = fail(st);
	hl_db_reset(s);
	for (size_t i = 0; i < n; i++) {
		if (r == 0)
			r = fn(ctx, &ls[i]);
		hl_link_free(&ls[i]);
	}
	free(ls);
	return r;
}

void hl_link_free(struct hl_link *l)
{
	if (l)
		hl_buf_free(&l->card_text);
}

/* ---- logs ---- */

static void bind_log(struct hl_dbs *s, int64_t link, int side)
{
	hl_db_bind_int64(s, 1, link);
	hl_db_bind_int(s, 2, side);
}

/* A log and one number in it (a seq or a size): parameters 1 to 3. */
static void bind_entry(struct hl_dbs *s, int64_t link, int side, uint64_t n)
{
	bind_log(s, link, side);
	hl_db_bind_int64(s, 3, (int64_t)n);
}

/* Runs s, expecting one row whose first column is an integer. */
static int one_int(struct hl_store *st, struct hl_dbs *s, int64_t *v, bool *null)
{
	int rc = hl_db_step(s), r = 0;

	if (rc == HL_DB_ROW) {
		if (null)
			*null = hl_db_column_null(s, 0);
		*v = hl_db_column_int64(s, 0);
	} else {
		r = rc == HL_DB_DONE ? -HL_ENOTFOUND : fail(st);
	}
	hl_db_reset(s);
	return r;
}

/* Runs statement k on one log (link, side); it answers one integer. */
static int log_int(struct hl_store *st, enum stmt k, int64_t link, int side,
		   uint64_t *out)
{
	struct hl_dbs *s = stmt(st, k);
	int64_t v = 0;
	int r;

	if (!s)
		return -HL_ESTORE;
	bind_log(s, link, side);
	r = one_int(st, s, &v, NULL);
	*out = (uint64_t)v;
	return r;
}

int hl_store_log_size(struct hl_store *st, int64_t link, int side, uint64_t *size)
{
	return log_int(st, S_LOG_SIZE, link, side, size);
}

int hl_store_envelope_put(struct hl_store *st, int64_t link, int side,
			  uint64_t seq, const void *p, size_t n, const hl_hash leaf,
			  int64_t now)
{
	struct hl_dbs *s = stmt(st, S_ENV_PUT);

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, seq);
	hl_db_bind_blob(s, 4, p, (int)n, HL_DB_STATIC);
	hl_db_bind_blob(s, 5, leaf, HL_HASH_LEN, HL_DB_STATIC);
	hl_db_bind_int64(s, 6, now);
	return done(st, s);
}

int hl_store_envelope_get(struct hl_store *st, int64_t link, int side,
			  uint64_t seq, struct hl_buf *out, hl_hash leaf)
{
	struct hl_dbs *s = stmt(st, S_ENV_GET);
	int rc, r;

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, seq);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW) {
		r = hl_buf_append(out, hl_db_column_blob(s, 0),
				  (size_t)hl_db_column_bytes(s, 0));
		if (r == 0 && leaf && hl_db_column_bytes(s, 1) == HL_HASH_LEN)
			memcpy(leaf, hl_db_column_blob(s, 1), HL_HASH_LEN);
	} else {
		r = rc == HL_DB_DONE ? -HL_ENOTFOUND : fail(st);
	}
	hl_db_reset(s);
	return r;
}

int hl_store_envelope_each(struct hl_store *st, int64_t link, int side,
			   int (*fn)(void *ctx, uint64_t seq, const void *p,
				     size_t n, const hl_hash leaf), void *ctx)
{
	struct hl_dbs *s;
	int rc = HL_DB_DONE, r = 0;

	/* A statement of its own: fn may use the cached ones. */
	if (hl_db_prepare(st->db, sql[S_ENV_ALL], false, &s) < 0)
		return fail(st);
	bind_log(s, link, side);
	while (r == 0 && row(s, &rc)) {
		if (hl_db_column_bytes(s, 2) != HL_HASH_LEN) {
			r = -HL_ESTORE;
			snprintf(st->err, sizeof(st->err), "a stored leaf hash is damaged");
			break;
		}
		r = fn(ctx, (uint64_t)hl_db_column_int64(s, 0), hl_db_column_blob(s, 1),
		       (size_t)hl_db_column_bytes(s, 1), hl_db_column_blob(s, 2));
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = fail(st);
	hl_db_finalize(s);
	return r;
}

int hl_store_node_put(struct hl_store *st, int64_t link, int side,
		      const struct hl_merkle_node *node)
{
	struct hl_dbs *s = stmt(st, S_NODE_PUT);

	if (!s)
		return -HL_ESTORE;
	bind_log(s, link, side);
	hl_db_bind_int(s, 3, (int)node->level);
	hl_db_bind_int64(s, 4, (int64_t)node->index);
	hl_db_bind_blob(s, 5, node->hash, HL_HASH_LEN, HL_DB_STATIC);
	hl_db_bind_int64(s, 6, hl_store_node_last(node->level, node->index));
	return done(st, s);
}

int hl_store_node_get(struct hl_store *st, int64_t link, int side,
		      unsigned level, uint64_t index, hl_hash out)
{
	struct hl_dbs *s = stmt(st, S_NODE_GET);
	int rc, r = 0;

	if (!s)
		return -HL_ESTORE;
	bind_log(s, link, side);
	hl_db_bind_int(s, 3, (int)level);
	hl_db_bind_int64(s, 4, hl_store_node_last(level, index));
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW && hl_db_column_bytes(s, 0) == HL_HASH_LEN)
		memcpy(out, hl_db_column_blob(s, 0), HL_HASH_LEN);
	else if (rc == HL_DB_ROW || rc == HL_DB_DONE)
		r = -HL_ENOTFOUND;
	else
		r = fail(st);
	hl_db_reset(s);
	return r;
}

static int merkle_node(void *ctx, unsigned level, uint64_t index, hl_hash out)
{
	struct hl_store_log *log = ctx;

	return hl_store_node_get(log->st, log->link, log->side, level, index, out);
}

struct hl_merkle_src hl_store_merkle(struct hl_store_log *log)
{
	struct hl_merkle_src src = {merkle_node, log};

	return src;
}

/* ---- checkpoints ---- */

int hl_store_checkpoint_put(struct hl_store *st, int64_t link, int side,
			    uint64_t size, const void *note, size_t n)
{
	struct hl_dbs *s = stmt(st, S_CP_PUT);

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, size);
	hl_db_bind_blob(s, 4, note, (int)n, HL_DB_STATIC);
	return done(st, s);
}

int hl_store_checkpoint_get(struct hl_store *st, int64_t link, int side,
			    uint64_t size, struct hl_buf *note,
			    struct hl_buf *cosig, int64_t *cosig_time)
{
	struct hl_dbs *s = stmt(st, S_CP_GET);
	int rc, r = 0;

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, size);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW) {
		if (note)
			r = hl_buf_append(note, hl_db_column_blob(s, 0),
					  (size_t)hl_db_column_bytes(s, 0));
		if (r == 0 && cosig && !hl_db_column_null(s, 1))
			r = hl_buf_append(cosig, hl_db_column_text(s, 1),
					  (size_t)hl_db_column_bytes(s, 1));
		if (cosig_time)
			*cosig_time = hl_db_column_int64(s, 2);
	} else {
		r = rc == HL_DB_DONE ? -HL_ENOTFOUND : fail(st);
	}
	hl_db_reset(s);
	return r;
}

int hl_store_cosig_set(struct hl_store *st, int64_t link, int side,
		       uint64_t size, const char *line, size_t n, int64_t time)
{
	struct hl_dbs *s = stmt(st, S_COSIG_SET);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, line, (int)n, HL_DB_STATIC);
	hl_db_bind_int64(s, 2, time);
	hl_db_bind_int64(s, 3, link);
	hl_db_bind_int(s, 4, side);
	hl_db_bind_int64(s, 5, (int64_t)size);
	return update(st, s, -HL_ENOTFOUND);
}

int hl_store_cosigned_size(struct hl_store *st, int64_t link, int side,
			   uint64_t *size)
{
	return log_int(st, S_COSIGNED, link, side, size);
}

int hl_store_cosigned_covering(struct hl_store *st, int64_t link, int side,
			       uint64_t min, uint64_t *size)
{
	struct hl_dbs *s = stmt(st, S_COVERING);
	int64_t v = 0;
	bool null = true;
	int r;

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, min);
	r = one_int(st, s, &v, &null);
	if (r == 0 && null)
		r = -HL_ENOTFOUND;
	*size = (uint64_t)v;
	return r;
}

int hl_store_checkpoint_each(struct hl_store *st, int64_t link, int side,
			     int (*fn)(void *ctx, uint64_t size, const void *note,
				       size_t n, const char *cosig, size_t cn,
				       int64_t time), void *ctx)
{
	struct hl_dbs *s;
	int rc = HL_DB_DONE, r = 0;

	if (hl_db_prepare(st->db, sql[S_CP_ALL], false, &s) < 0)
		return fail(st);
	bind_log(s, link, side);
	while (r == 0 && row(s, &rc))
		r = fn(ctx, (uint64_t)hl_db_column_int64(s, 0), hl_db_column_blob(s, 1),
		       (size_t)hl_db_column_bytes(s, 1),
		       (const char *)hl_db_column_text(s, 2),
		       (size_t)hl_db_column_bytes(s, 2), hl_db_column_int64(s, 3));
	if (r == 0 && rc != HL_DB_DONE)
		r = fail(st);
	hl_db_finalize(s);
	return r;
}

/* ---- evidence and projections ---- */

int hl_store_evidence_put(struct hl_store *st, int64_t link, int side,
			  const char *kind, uint64_t at, const void *kept,
			  size_t kn, const void *other, size_t on, int64_t now)
{
	struct hl_dbs *s = stmt(st, S_EVIDENCE_PUT);
	unsigned char h[HL_SHA256_LEN];

	if (!s)
		return -HL_ESTORE;
	bind_log(s, link, side);
	hl_db_bind_text(s, 3, kind, -1, HL_DB_STATIC);
	hl_db_bind_int64(s, 4, (int64_t)at);
	hl_db_bind_blob(s, 5, kept, (int)kn, HL_DB_STATIC);
	hl_db_bind_blob(s, 6, other, (int)on, HL_DB_STATIC);
	hl_db_bind_int64(s, 7, now);
	hl_sha256(other, on, h);
	hl_db_bind_blob(s, 8, h, sizeof(h), HL_DB_STATIC);
	return done(st, s);
}

int hl_store_evidence_incident(struct hl_store *st, int64_t link, int side,
			       const char *kind, uint64_t at, const hl_hash other_hash,
			       int64_t now)
{
	struct hl_dbs *s = stmt(st, S_EVIDENCE_PUT);
	int r;

	if (!s)
		return -HL_ESTORE;
	bind_log(s, link, side);
	hl_db_bind_text(s, 3, kind, -1, HL_DB_STATIC);
	hl_db_bind_int64(s, 4, (int64_t)at);
	hl_db_bind_blob(s, 5, "", 0, HL_DB_STATIC);
	hl_db_bind_blob(s, 6, "", 0, HL_DB_STATIC);
	hl_db_bind_int64(s, 7, now);
	hl_db_bind_blob(s, 8, other_hash, HL_HASH_LEN, HL_DB_STATIC);
	r = done(st, s);
	return r == 0 && hl_db_changes(st->db) > 0 ? 1 : r;
}

int hl_store_evidence_stats(struct hl_store *st, int64_t link,
			    struct hl_evidence_stats *out)
{
	struct hl_dbs *s = stmt(st, S_EVIDENCE_STATS);
	int rc, r = 0;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW) {
		out->count = (uint64_t)hl_db_column_int64(s, 0);
		out->bytes = (uint64_t)hl_db_column_int64(s, 1);
		out->unkept = (uint64_t)hl_db_column_int64(s, 2);
	} else {
		r = fail(st);
	}
	hl_db_reset(s);
	return r;
}

int hl_store_evidence_count(struct hl_store *st, int64_t link, uint64_t *count)
{
	struct hl_dbs *s = stmt(st, S_EVIDENCE_COUNT);
	int64_t v = 0;
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	r = one_int(st, s, &v, NULL);
	*count = (uint64_t)v;
	return r;
}

int hl_store_message_put(struct hl_store *st, int64_t link, int side,
			 uint64_t seq, int64_t time, const char *precedence,
			 const char *kind)
{
	struct hl_dbs *s = stmt(st, S_MSG_PUT);

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, seq);
	hl_db_bind_int64(s, 4, time);
	hl_db_bind_text(s, 5, precedence, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 6, kind, -1, HL_DB_STATIC);
	return done(st, s);
}

int hl_store_message_each(struct hl_store *st, int64_t link, int side, uint64_t after,
			  int (*fn)(void *ctx, const struct hl_message *m), void *ctx)
{
	struct hl_dbs *s;
	int rc = HL_DB_DONE, r = 0;

	if (hl_db_prepare(st->db, sql[S_MSG_ALL], false, &s) < 0)
		return fail(st);
	bind_entry(s, link, side, after);
	while (r == 0 && row(s, &rc)) {
		struct hl_message m = {0};
		const char *p = (const char *)hl_db_column_text(s, 2);
		const char *k = (const char *)hl_db_column_text(s, 3);

		m.seq = (uint64_t)hl_db_column_int64(s, 0);
		m.time = hl_db_column_int64(s, 1);
		snprintf(m.precedence, sizeof(m.precedence), "%s", p ? p : "");
		snprintf(m.kind, sizeof(m.kind), "%s", k ? k : "");
		r = fn(ctx, &m);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = fail(st);
	hl_db_finalize(s);
	return r < 0 ? r : 0;
}

static int index_all(struct hl_store *st, uint64_t *count)
{
	struct hl_dbs *s;
	int rc = HL_DB_DONE, r = 0;

	if (hl_db_prepare(st->db, sql[S_ENV_EVERY], false, &s) < 0)
		return fail(st);
	while (r == 0 && row(s, &rc)) {
		struct hl_envelope env;

		r = hl_envelope_parse(hl_db_column_blob(s, 3),
				      (size_t)hl_db_column_bytes(s, 3), &env);
		if (r == 0)
			r = hl_store_message_put(st, hl_db_column_int64(s, 0),
						 hl_db_column_int(s, 1), env.seq, env.time,
						 hl_precedence_name(env.precedence), env.kind);
		(*count)++;
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = fail(st);
	hl_db_finalize(s);
	return r;
}

/* Runs statement k on the message (link, side, seq). */
static int on_message(struct hl_store *st, enum stmt k, int64_t link, int side, uint64_t seq)
{
	struct hl_dbs *s = stmt(st, k);

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, seq);
	return done(st, s);
}

/* Drops the text of message (link, side, seq), if it has any. */
static int text_drop(struct hl_store *st, int64_t link, int side, uint64_t seq)
{
	struct hl_dbs *s = stmt(st, S_TEXT_ID);
	int64_t id = 0;
	int r;

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, seq);
	r = one_int(st, s, &id, NULL);
	if (r == -HL_ENOTFOUND)
		return 0;
	s = r == 0 ? stmt(st, S_TEXT_DROP) : NULL;
	if (!s)
		return r < 0 ? r : -HL_ESTORE;
	hl_db_bind_int64(s, 1, id);
	r = done(st, s);
	return r == 0 ? on_message(st, S_TEXT_DROP_ROW, link, side, seq) : r;
}

int hl_store_text_put(struct hl_store *st, int64_t link, int side, uint64_t seq,
		      const char *text, size_t len)
{
	struct hl_dbs *s;
	int r = on_message(st, S_TEXT_ROW, link, side, seq);

	s = r == 0 ? stmt(st, S_TEXT_PUT) : NULL;
	if (!s)
		return r < 0 ? r : -HL_ESTORE;
	hl_db_bind_int64(s, 1, hl_db_last_insert_rowid(st->db));
	hl_db_bind_text(s, 2, text, (int)len, HL_DB_STATIC);
	return done(st, s);
}

int hl_store_item_put(struct hl_store *st, int64_t link, const struct hl_item *it)
{
	struct hl_dbs *s = stmt(st, S_TERM_DROP);
	int r;

	/* A re-indexed envelope replaces its terms. */
	if (!s)
		return -HL_ESTORE;
	bind_log(s, link, it->side);
	hl_db_bind_int64(s, 3, (int64_t)it->seq);
	r = done(st, s);
	if (r == 0)
		r = text_drop(st, link, it->side, it->seq);
	s = r == 0 ? stmt(st, S_ITEM_PUT) : NULL;
	if (!s)
		return -HL_ESTORE;
	bind_log(s, link, it->side);
	hl_db_bind_int64(s, 3, (int64_t)it->seq);
	hl_db_bind_text(s, 4, it->type, -1, HL_DB_STATIC);
	hl_db_bind_int(s, 5, it->ref_side);
	hl_db_bind_int64(s, 6, (int64_t)it->ref_seq);
	hl_db_bind_int(s, 7, it->case_side);
	hl_db_bind_int64(s, 8, (int64_t)it->case_seq);
	if (it->fields)
		hl_db_bind_text(s, 9, it->fields, -1, HL_DB_STATIC);
	else
		hl_db_bind_null(s, 9);
	hl_db_bind_int64(s, 10, (int64_t)it->case_no);
	hl_db_bind_text(s, 11, it->op_name, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 12, it->op_role, -1, HL_DB_STATIC);
	return done(st, s);
}

/* Column i of the row as text, cut to fit out; "" for NULL. */
static void column_str(struct hl_dbs *s, int i, char *out, size_t cap)
{
	const char *v = (const char *)hl_db_column_text(s, i);

	snprintf(out, cap, "%s", v ? v : "");
}

/* Steps s to its end, calling fn with each row read as an item. */
static int item_rows(struct hl_store *st, struct hl_dbs *s,
		     int (*fn)(void *ctx, const struct hl_item *it), void *ctx)
{
	int rc = HL_DB_DONE, r = 0, rows = 0;

	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		struct hl_item it = {0};
		const char *p = (const char *)hl_db_column_text(s, 3);
		const char *t = (const char *)hl_db_column_text(s, 4);

		it.side = hl_db_column_int(s, 0);
		it.seq = (uint64_t)hl_db_column_int64(s, 1);
		it.time = hl_db_column_int64(s, 2);
		snprintf(it.precedence, sizeof(it.precedence), "%s", p ? p : "");
		snprintf(it.type, sizeof(it.type), "%s", t ? t : "?");
		it.ref_side = hl_db_column_int(s, 5);
		it.ref_seq = (uint64_t)hl_db_column_int64(s, 6);
		it.case_side = hl_db_column_int(s, 7);
		it.case_seq = (uint64_t)hl_db_column_int64(s, 8);
		it.fields = (const char *)hl_db_column_text(s, 9);
		it.case_no = (uint64_t)hl_db_column_int64(s, 10);
		column_str(s, 11, it.op_name, sizeof(it.op_name));
		column_str(s, 12, it.op_role, sizeof(it.op_role));
		rows++;
		r = fn(ctx, &it);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = fail(st);
	hl_db_reset(s);
	return r < 0 ? r : rows;
}

static int item_copy(void *ctx, const struct hl_item *it)
{
	struct hl_item *out = ctx;

	*out = *it;
	out->fields = NULL;	/* its text lives only during the step */
	return 0;
}

int hl_store_item_get(struct hl_store *st, int64_t link, int side, uint64_t seq,
		      struct hl_item *out)
{
	struct hl_dbs *s = stmt(st, S_ITEM_GET);
	int r;

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, seq);
	r = item_rows(st, s, item_copy, out);
	return r == 0 ? -HL_ENOTFOUND : r < 0 ? r : 0;
}

/* The items statement key selects of one link, each to fn. */
static int link_items(struct hl_store *st, int key, int64_t link,
		      int (*fn)(void *ctx, const struct hl_item *it), void *ctx)
{
	struct hl_dbs *s = stmt(st, key);
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	r = item_rows(st, s, fn, ctx);
	return r < 0 ? r : 0;
}

int hl_store_case_each(struct hl_store *st, int64_t link,
		       int (*fn)(void *ctx, const struct hl_item *it), void *ctx)
{
	return link_items(st, S_CASE_ALL, link, fn, ctx);
}

int hl_store_control_items(struct hl_store *st, int64_t link,
			 int (*fn)(void *ctx, const struct hl_item *it), void *ctx)
{
	return link_items(st, S_CONTROL_ITEMS, link, fn, ctx);
}

int hl_store_case_items(struct hl_store *st, int64_t link, int side, uint64_t seq,
			int (*fn)(void *ctx, const struct hl_item *it), void *ctx)
{
	struct hl_dbs *s = stmt(st, S_CASE_ITEMS);
	int r;

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, seq);
	r = item_rows(st, s, fn, ctx);
	return r < 0 ? r : 0;
}

int hl_store_term_put(struct hl_store *st, int64_t link, int side, uint64_t seq,
		      const char *object, const char *kind, const char *value)
{
	struct hl_dbs *s = stmt(st, S_TERM_PUT);

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, seq);
	hl_db_bind_text(s, 4, object, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 5, kind, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 6, value, -1, HL_DB_STATIC);
	return done(st, s);
}

/* Steps s to its end, calling fn with each row read as a hit. */
static int hit_rows(struct hl_store *st, struct hl_dbs *s,
		    int (*fn)(void *ctx, const struct hl_term_hit *h), void *ctx)
{
	int rc = HL_DB_DONE, r = 0;

	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		struct hl_term_hit h = {
			.link = hl_db_column_int64(s, 0),
			.side = hl_db_column_int(s, 1),
			.seq = (uint64_t)hl_db_column_int64(s, 2),
			.time = hl_db_column_int64(s, 3),
			.object = (const char *)hl_db_column_text(s, 4),
			.kind = (const char *)hl_db_column_text(s, 5),
			.value = (const char *)hl_db_column_text(s, 6),
			.case_side = hl_db_column_int(s, 7),
			.case_seq = (uint64_t)hl_db_column_int64(s, 8),
			.case_no = (uint64_t)hl_db_column_int64(s, 9),
		};

		r = fn(ctx, &h);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_term_find(struct hl_store *st, const char *value,
		       int (*fn)(void *ctx, const struct hl_term_hit *h), void *ctx)
{
	struct hl_dbs *s = stmt(st, S_TERM_FIND);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, value, -1, HL_DB_STATIC);
	return hit_rows(st, s, fn, ctx);
}

int hl_store_term_addrs(struct hl_store *st,
			int (*fn)(void *ctx, const struct hl_term_hit *h), void *ctx)
{
	struct hl_dbs *s = stmt(st, S_TERM_ADDRS);

	return s ? hit_rows(st, s, fn, ctx) : -HL_ESTORE;
}

/* value as one FTS5 phrase: in double quotes, each inner one doubled,
 * so that no character of it is query syntax. */
static char *phrase(const char *value)
{
	size_t n = strlen(value), k = 2;
	char *q;

	for (size_t i = 0; i < n; i++)
		k += value[i] == '"' ? 2 : 1;
	q = malloc(k + 1);
	if (!q)
		return NULL;
	k = 0;
	q[k++] = '"';
	for (size_t i = 0; i < n; i++) {
		q[k++] = value[i];
		if (value[i] == '"')
			q[k++] = '"';
	}
	q[k++] = '"';
	q[k] = 0;
	return q;
}

int hl_store_text_find(struct hl_store *st, const char *value,
		       int (*fn)(void *ctx, const struct hl_term_hit *h), void *ctx)
{
	struct hl_dbs *s = stmt(st, S_TEXT_FIND);
	char *q = s ? phrase(value) : NULL;
	int r;

	if (!q)
		return s ? -ENOMEM : -HL_ESTORE;
	hl_db_bind_text(s, 1, value, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 2, q, -1, HL_DB_STATIC);
	r = hit_rows(st, s, fn, ctx);
	free(q);
	return r;
}

int hl_store_case_find(struct hl_store *st, int64_t link, int side, uint64_t number,
		       uint64_t *seq)
{
	struct hl_dbs *s = stmt(st, S_CASE_FIND);
	int64_t v = 0;
	int r;

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, number);
	r = one_int(st, s, &v, NULL);
	*seq = (uint64_t)v;
	return r;
}

int hl_store_case_number_next(struct hl_store *st, uint64_t *n)
{
	struct hl_dbs *s = stmt(st, S_CASE_NO_NEXT);
	int64_t v = 0;
	int r;

	if (!s)
		return -HL_ESTORE;
	r = one_int(st, s, &v, NULL);
	*n = (uint64_t)v;
	return r;
}

int hl_store_case_number_take(struct hl_store *st, uint64_t n)
{
	struct hl_dbs *s = stmt(st, S_CASE_NO_TAKE);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, (int64_t)n);
	return done(st, s);
}

int hl_store_case_numbers_fill(struct hl_store *st, int64_t link, int side, uint64_t from)
{
	struct hl_dbs *s = stmt(st, S_CASE_NO_FILL);

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, from);
	return done(st, s);
}

int hl_store_item_next(struct hl_store *st, int64_t link, int side, uint64_t *next)
{
	return log_int(st, S_ITEM_NEXT, link, side, next);
}

int hl_store_acked(struct hl_store *st, int64_t link, int side, uint64_t seq,
		   uint64_t *ack_seq, int64_t *ack_time)
{
	struct hl_dbs *s = stmt(st, S_ACKED);
	int rc, r = 0;

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, seq);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW) {
		*ack_seq = (uint64_t)hl_db_column_int64(s, 0);
		*ack_time = hl_db_column_int64(s, 1);
	} else {
		r = rc == HL_DB_DONE ? -HL_ENOTFOUND : fail(st);
	}
	hl_db_reset(s);
	return r;
}

int hl_store_acked_by(struct hl_store *st, int64_t link, int side, uint64_t seq,
		      struct hl_item *ack)
{
	uint64_t ack_seq = 0;
	int64_t ack_time = 0;
	int r = hl_store_acked(st, link, side, seq, &ack_seq, &ack_time);

	return r < 0 ? r : hl_store_item_get(st, link, 1 - side, ack_seq, ack);
}

int hl_store_escalated(struct hl_store *st, int64_t link, int side, uint64_t seq,
		       const char *event, unsigned step, bool *done)
{
	struct hl_dbs *s = stmt(st, S_ESC_GET);
	int64_t v = 0;
	int r;

	if (!s)
		return -HL_ESTORE;
	bind_entry(s, link, side, seq);
	hl_db_bind_text(s, 4, event, -1, HL_DB_STATIC);
	hl_db_bind_int(s, 5, (int)step);
	r = one_int(st, s, &v, NULL);
	*done = r == 0;
	return r == -HL_ENOTFOUND ? 0 : r;
}

/* Binds (link, side, seq, event) as ?1..?4. */
static void bind_event(struct hl_dbs *s, int64_t link, int side, uint64_t seq,
		       const char *event)
{
	bind_entry(s, link, side, seq);
	hl_db_bind_text(s, 4, event, -1, HL_DB_STATIC);
}

int hl_store_escalation_put(struct hl_store *st, int64_t link, int side, uint64_t seq,
			    const char *event, unsigned step, int64_t now, const char *status)
{
	struct hl_dbs *s = stmt(st, S_ESC_PUT);

	if (!s)
		return -HL_ESTORE;
	bind_event(s, link, side, seq, event);
	hl_db_bind_int(s, 5, (int)step);
	hl_db_bind_int64(s, 6, now);
	hl_db_bind_text(s, 7, status, -1, HL_DB_STATIC);
	return done(st, s);
}

int hl_store_escalation_done(struct hl_store *st, int64_t link, int side, uint64_t seq,
			     const char *event, unsigned step, const char *status,
			     const char *outcome)
{
	struct hl_dbs *s = stmt(st, S_ESC_DONE);

	if (!s)
		return -HL_ESTORE;
	bind_event(s, link, side, seq, event);
	hl_db_bind_int(s, 5, (int)step);
	hl_db_bind_text(s, 6, status, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 7, outcome, -1, HL_DB_STATIC);
	return update(st, s, -HL_ENOTFOUND);
}

int hl_store_escalation_failing(struct hl_store *st, struct hl_escalation *out)
{
	struct hl_dbs *s = stmt(st, S_ESC_FAILING);
	int rc, r = 0;

	if (!s)
		return -HL_ESTORE;
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW) {
		memset(out, 0, sizeof(*out));
		out->link = hl_db_column_int64(s, 0);
		out->side = hl_db_column_int(s, 1);
		out->seq = (uint64_t)hl_db_column_int64(s, 2);
		snprintf(out->event, sizeof(out->event), "%s", hl_db_column_text(s, 3));
		out->step = (unsigned)hl_db_column_int(s, 4);
		out->fired = hl_db_column_int64(s, 5);
		snprintf(out->outcome, sizeof(out->outcome), "%s", hl_db_column_text(s, 7));
	} else {
		r = rc == HL_DB_DONE ? -HL_ENOTFOUND : fail(st);
	}
	hl_db_reset(s);
	return r;
}

/* The page cache of the clock's pending table, in KiB (a string for
 * its PRAGMA): SQLite's default is 2,000. */
#define PENDING_CACHE_KIB "256"

int hl_store_pending_reset(struct hl_store *st)
{
	/* Rebuilt at each start, so never worth a durable write; but it
	 * holds two rows for each message within its deadlines' span
	 * (millions under load), so not in memory: an unlinked temporary
	 * file (temp_store = FILE), written only when the page cache
	 * spills.  Its cache is small: a tick appends at the end of the
	 * key and reads the head of the due index, a few pages each. */
	return exec(st, "PRAGMA temp_store = FILE;"
		    "CREATE TEMP TABLE IF NOT EXISTS pending ("
		    "  link INTEGER NOT NULL, side INTEGER NOT NULL, seq INTEGER NOT NULL,"
		    "  event TEXT NOT NULL, deadline INTEGER NOT NULL, due INTEGER NOT NULL,"
		    "  PRIMARY KEY (link, side, seq, event)) WITHOUT ROWID;"
		    "CREATE INDEX IF NOT EXISTS temp.pending_due ON pending (due);"
		    "PRAGMA temp.cache_size = -" PENDING_CACHE_KIB ";"
		    "DELETE FROM temp.pending;" HL_DB_PG
		    "CREATE TEMP TABLE IF NOT EXISTS pending ("
		    "  link BIGINT NOT NULL, side BIGINT NOT NULL, seq BIGINT NOT NULL,"
		    "  event TEXT NOT NULL, deadline BIGINT NOT NULL, due BIGINT NOT NULL,"
		    "  PRIMARY KEY (link, side, seq, event));"
		    "CREATE INDEX IF NOT EXISTS pending_due ON pending (due);"
		    "DELETE FROM pending;");
}

int hl_store_pending_put(struct hl_store *st, const struct hl_pending *p)
{
	struct hl_dbs *s = stmt(st, S_PENDING_PUT);

	if (!s)
		return -HL_ESTORE;
	bind_event(s, p->link, p->side, p->seq, p->event);
	hl_db_bind_int64(s, 5, p->deadline);
	return done(st, s);
}

int hl_store_pending_due(struct hl_store *st, int64_t now, size_t max,
			 struct hl_pending *out, size_t *n)
{
	struct hl_dbs *s = stmt(st, S_PENDING_DUE);
	int rc = HL_DB_DONE;

	*n = 0;
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, now);
	hl_db_bind_int64(s, 2, (int64_t)max);
	while (*n < max && row(s, &rc)) {
		struct hl_pending *p = &out[(*n)++];

		p->link = hl_db_column_int64(s, 0);
		p->side = hl_db_column_int(s, 1);
		p->seq = (uint64_t)hl_db_column_int64(s, 2);
		snprintf(p->event, sizeof(p->event), "%s", hl_db_column_text(s, 3));
		p->deadline = hl_db_column_int64(s, 4);
	}
	hl_db_reset(s);
	return rc == HL_DB_ROW || rc == HL_DB_DONE ? 0 : fail(st);
}

int hl_store_pending_next(struct hl_store *st, int64_t *when)
{
	struct hl_dbs *s = stmt(st, S_PENDING_NEXT);
	bool null = true;
	int r;

	if (!s)
		return -HL_ESTORE;
	r = one_int(st, s, when, &null);
	if (r == 0 && null)
		*when = INT64_MAX;
	return r;
}

int hl_store_pending_set(struct hl_store *st, const struct hl_pending *p, int64_t due)
{
	struct hl_dbs *s = stmt(st, due == INT64_MAX ? S_PENDING_DROP : S_PENDING_SET);

	if (!s)
		return -HL_ESTORE;
	bind_event(s, p->link, p->side, p->seq, p->event);
	if (due != INT64_MAX)
		hl_db_bind_int64(s, 5, due);
	return done(st, s);
}

int hl_store_pending_forget(struct hl_store *st, int64_t link)
{
	struct hl_dbs *s = stmt(st, S_PENDING_FORGET);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	return done(st, s);
}

int hl_store_event_each(struct hl_store *st, int64_t link, const char *event,
			int (*fn)(void *ctx, int side, uint64_t seq, int64_t when), void *ctx)
{
	struct hl_dbs *s = stmt(st, S_EVENT_ALL);
	int rc = HL_DB_DONE, r = 0;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	hl_db_bind_text(s, 2, event, -1, HL_DB_STATIC);
	while (r == 0 && row(s, &rc))
		r = fn(ctx, hl_db_column_int(s, 0), (uint64_t)hl_db_column_int64(s, 1),
		       hl_db_column_int64(s, 2));
	if (r == 0 && rc != HL_DB_DONE)
		r = fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_rebuild(struct hl_store *st, uint64_t *count)
{
	struct hl_dbs *s;
	int r = hl_store_begin(st);

	*count = 0;
	if (r < 0)
		return r;
	/* The content index is rebuilt by whoever holds the keys (index.c). */
	s = stmt(st, S_ITEM_CLEAR);
	r = s ? done(st, s) : -HL_ESTORE;
	s = r == 0 ? stmt(st, S_TERM_CLEAR) : NULL;
	if (r == 0)
		r = s ? done(st, s) : -HL_ESTORE;
	s = r == 0 ? stmt(st, S_TEXT_CLEAR) : NULL;
	if (r == 0)
		r = s ? done(st, s) : -HL_ESTORE;
	s = r == 0 ? stmt(st, S_TEXT_CLEAR_ROWS) : NULL;
	if (r == 0)
		r = s ? done(st, s) : -HL_ESTORE;
	s = r == 0 ? stmt(st, S_MSG_CLEAR) : NULL;
	if (r == 0)
		r = s ? done(st, s) : -HL_ESTORE;
	if (r == 0)
		r = hl_store_stix_clear(st);
	if (r == 0)
		r = index_all(st, count);
	if (r == 0)
		return hl_store_commit(st);
	hl_store_rollback(st);
	return r;
}

int hl_store_check(struct hl_store *st)
{
	struct hl_dbs *s;
	const char *t;
	int rc, r = 0;

	/* PostgreSQL checks its pages as it reads them (and its sums, when
	 * the cluster has them): there is no quick check to run. */
	if (!hl_db_sqlite(st->db))
		return 0;
	if (hl_db_prepare(st->db, "PRAGMA quick_check(1)", false, &s) < 0)
		return fail(st);
	rc = hl_db_step(s);
	t = rc == HL_DB_ROW ? (const char *)hl_db_column_text(s, 0) : NULL;
	if (rc != HL_DB_ROW)
		r = fail(st);
	else if (!t || strcmp(t, "ok") != 0) {
		snprintf(st->err, sizeof(st->err), "%s", t ? t : "quick_check gave no answer");
		r = -HL_ESTORE;
	}
	hl_db_finalize(s);
	return r;
}

/* ---- checking the projections ---- */

/* The tables that hl_store_rebuild() and the content index recompute. */
static const char *const projections[] = {"message", "item", "term"};
#define NPROJECTIONS (sizeof(projections) / sizeof(projections[0]))

/* Runs one CREATE statement of the main schema again in temp: the
 * table or index keeps its name, so every statement resolves it there. */
static int shadow_one(struct hl_store *st, const char *sql_text)
{
	static const char *const from[] = {"CREATE TABLE ", "CREATE INDEX ",
					   "CREATE UNIQUE INDEX ", "CREATE VIRTUAL TABLE "};
	static const char *const to[] = {"CREATE TEMP TABLE ", "CREATE INDEX temp.",
					 "CREATE UNIQUE INDEX temp.", "CREATE VIRTUAL TABLE temp."};
	char *q = NULL;
	int r;

	for (size_t i = 0; !q && i < sizeof(from) / sizeof(from[0]); i++)
		if (strncmp(sql_text, from[i], strlen(from[i])) == 0)
			q = sqlite3_mprintf("%s%s", to[i], sql_text + strlen(from[i]));
	if (!q) {
		snprintf(st->err, sizeof(st->err), "unexpected schema: %.64s", sql_text);
		return -HL_ESTORE;
	}
	r = exec(st, q);
	sqlite3_free(q);
	return r;
}

/* The tables a shadowed handle writes in copies: the projections the
 * index check rebuilds, and what the index writes beside them (the
 * full-text index, the case numbers it reads in our notifies, the STIX
 * objects), so that nothing reaches the store. */
static const char *const shadowed[] = {
	"message", "item", "term", "text_row", "text_fts", "case_number", "stix_object",
};

static bool is_shadowed(const char *table)
{
	for (size_t i = 0; i < sizeof(shadowed) / sizeof(shadowed[0]); i++)
		if (table && strcmp(table, shadowed[i]) == 0)
			return true;
	return false;
}

/* PostgreSQL: a session's temporary tables come first in its search
 * path, so a temporary table LIKE each projection shadows it.  Its
 * statements prepared so far are dropped: PostgreSQL resolved their
 * tables when it prepared them, and would write the real ones. */
static int shadow_pg(struct hl_store *st)
{
	int r = 0;

	drop_statements(st);
	for (size_t i = 0; r == 0 && i < sizeof(shadowed) / sizeof(shadowed[0]); i++) {
		char *q = sqlite3_mprintf("CREATE TEMP TABLE \"%w\" (LIKE \"%w\" INCLUDING ALL)",
					  shadowed[i], shadowed[i]);

		r = q ? exec(st, q) : -ENOMEM;
		sqlite3_free(q);
	}
	return r;
}

int hl_store_shadow(struct hl_store *st)
{
	struct hl_dbs *s;
	int rc = HL_DB_DONE, r;

	if (!hl_db_sqlite(st->db)) {
		r = shadow_pg(st);
		goto snapshot;
	}
	r = exec(st, "PRAGMA temp_store = MEMORY");
	if (r < 0)
		return r;
	/* Tables before their indexes; sql is NULL for automatic indexes. */
	if (hl_db_prepare(st->db, "SELECT tbl_name, sql FROM main.sqlite_schema"
			  " WHERE sql IS NOT NULL ORDER BY type = 'index', rowid",
			  false, &s) < 0)
		return fail(st);
	while (r == 0 && row(s, &rc))
		if (is_shadowed((const char *)hl_db_column_text(s, 0)))
			r = shadow_one(st, (const char *)hl_db_column_text(s, 1));
	if (r == 0 && rc != HL_DB_DONE)
		r = fail(st);
	hl_db_finalize(s);
snapshot:
	/* Rebuilding and comparing then see the file as it is now, whatever
	 * hotlined commits meanwhile. */
	if (r == 0)
		r = hl_store_snapshot(st);
	if (r == 0)
		st->shadow = true;
	return r;
}

/* The columns of a projection that are not its key, from the schema. */
static int value_columns(struct hl_store *st, const char *table, sqlite3_str *cmp,
			 char names[][32], size_t *n, size_t max)
{
	bool lite = hl_db_sqlite(st->db);
	char *q = lite ? sqlite3_mprintf("PRAGMA main.table_info(%Q)", table) :
		  sqlite3_mprintf("SELECT ordinal_position, column_name"
				  " FROM information_schema.columns WHERE table_name = %Q"
				  " AND table_schema = current_schema() ORDER BY 1", table);
	struct hl_dbs *s;
	int rc = HL_DB_DONE, r = 0;

	if (!q)
		return -ENOMEM;
	if (hl_db_prepare(st->db, q, false, &s) < 0) {
		sqlite3_free(q);
		return fail(st);
	}
	sqlite3_free(q);
	*n = 0;
	while (row(s, &rc)) {
		const char *c = (const char *)hl_db_column_text(s, 1);

		if (!c || strcmp(c, "link") == 0 || strcmp(c, "side") == 0 ||
		    strcmp(c, "seq") == 0 || *n == max)
			continue;
		snprintf(names[*n], sizeof(names[0]), "%s", c);
		sqlite3_str_appendf(cmp, lite ? ", m.\"%w\" IS NOT t.\"%w\"" :
				    ", m.\"%w\" IS DISTINCT FROM t.\"%w\"", c, c);
		(*n)++;
	}
	if (rc != HL_DB_DONE)
		r = fail(st);
	hl_db_finalize(s);
	return r;
}

/* Calls fn for each row of q: link name, side, seq, then one flag per
 * column (NULL names: the row itself is what is wrong). */
static int diff_rows(struct hl_store *st, const char *q, const char *table,
		     const char *what, char names[][32], size_t ncols,
		     int (*fn)(void *ctx, const struct hl_store_mismatch *m), void *ctx)
{
	struct hl_dbs *s;
	int rc = HL_DB_DONE, r = 0;

	if (hl_db_prepare(st->db, q, false, &s) < 0)
		return fail(st);
	while (r == 0 && row(s, &rc)) {
		const char *link = (const char *)hl_db_column_text(s, 0);
		struct hl_store_mismatch m = {
			.table = table, .link = link ? link : "?", .what = what,
			.side = hl_db_column_int(s, 1),
			.seq = (uint64_t)hl_db_column_int64(s, 2),
		};

		if (!names) {
			r = fn(ctx, &m);
			continue;
		}
		for (size_t i = 0; r == 0 && i < ncols; i++) {
			if (!hl_db_column_int(s, 3 + (int)i))
				continue;
			m.column = names[i];
			r = fn(ctx, &m);
		}
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = fail(st);
	hl_db_finalize(s);
	return r;
}

/* A row's key and link name in the projection alias a. */
#define ROW_KEY(a) "SELECT (SELECT name FROM main.link WHERE id = " a ".link), " \
	a ".side, " a ".seq"
#define SAME_KEY(a, b) a ".link = " b ".link AND " a ".side = " b ".side AND " \
	a ".seq = " b ".seq"
/* The content index may lag behind the logs (it is filled when read):
 * what it has not reached yet is not missing. */
#define INDEXED(a) " AND " a ".seq <= (SELECT coalesce(max(seq), 0) FROM main.item i" \
	" WHERE i.link = " a ".link AND i.side = " a ".side)"

static int diff_keyed(struct hl_store *st, const char *table,
		      int (*fn)(void *ctx, const struct hl_store_mismatch *m), void *ctx)
{
	char names[16][32];
	sqlite3_str *cmp = sqlite3_str_new(hl_db_sqlite(st->db));
	char *cols, *q;
	size_t n = 0;
	int r = value_columns(st, table, cmp, names, &n, 16);
	bool lags = strcmp(table, "item") == 0;

	cols = sqlite3_str_finish(cmp);
	if (r == 0 && !cols)
		r = -ENOMEM;
	q = r == 0 ? sqlite3_mprintf(ROW_KEY("m") "%s FROM main.\"%w\" m JOIN temp.\"%w\" t"
				     " ON " SAME_KEY("m", "t"), cols, table, table) : NULL;
	if (r == 0)
		r = q ? diff_rows(st, q, table, "differs", names, n, fn, ctx) : -ENOMEM;
	sqlite3_free(q);
	q = r == 0 ? sqlite3_mprintf(ROW_KEY("m") " FROM main.\"%w\" m WHERE NOT EXISTS"
				     " (SELECT 1 FROM temp.\"%w\" t WHERE " SAME_KEY("m", "t") ")",
				     table, table) : NULL;
	if (r == 0)
		r = q ? diff_rows(st, q, table, "extra", NULL, 0, fn, ctx) : -ENOMEM;
	sqlite3_free(q);
	q = r == 0 ? sqlite3_mprintf(ROW_KEY("t") " FROM temp.\"%w\" t WHERE NOT EXISTS"
				     " (SELECT 1 FROM main.\"%w\" m WHERE " SAME_KEY("m", "t") ")%s",
				     table, table, lags ? INDEXED("t") : "") : NULL;
	if (r == 0)
		r = q ? diff_rows(st, q, table, "missing", NULL, 0, fn, ctx) : -ENOMEM;
	sqlite3_free(q);
	sqlite3_free(cols);
	return r;
}

/* Terms have no key of their own: compared as sets, by envelope. */
static int diff_terms(struct hl_store *st,
		      int (*fn)(void *ctx, const struct hl_store_mismatch *m), void *ctx)
{
	static const char q[] =
		"SELECT DISTINCT (SELECT name FROM main.link WHERE id = d.link), d.side, d.seq"
		" FROM (SELECT * FROM (SELECT * FROM main.term EXCEPT SELECT * FROM temp.term) a"
		" UNION SELECT * FROM (SELECT * FROM temp.term t WHERE true" INDEXED("t")
		" EXCEPT SELECT * FROM main.term) b) d ORDER BY 1, 2, 3";

	return diff_rows(st, q, "term", "differs", NULL, 0, fn, ctx);
}

/* The STIX objects, compared as sets by envelope too, without what is
 * each store's own (id, added) or follows from rows the index may not
 * have reached yet (newer, older); the rows the index adds itself
 * (side -1) may be missing while it lags, not be extra. */
static int diff_stix(struct hl_store *st,
		     int (*fn)(void *ctx, const struct hl_store_mismatch *m), void *ctx)
{
#define STIX_COLS "link, side, seq, case_side, case_seq, case_name, sid, type, spec," \
	" version, version_text, tlp, json, sent"
	static const char q[] =
		"SELECT DISTINCT (SELECT name FROM main.link WHERE id = d.link), d.side, d.seq"
		" FROM (SELECT * FROM (SELECT " STIX_COLS " FROM main.stix_object"
		" EXCEPT SELECT " STIX_COLS " FROM temp.stix_object) a"
		" UNION SELECT * FROM (SELECT " STIX_COLS " FROM temp.stix_object t"
		" WHERE t.side >= 0" INDEXED("t") " EXCEPT SELECT " STIX_COLS
		" FROM main.stix_object) b) d"
		" ORDER BY 1, 2, 3";
#undef STIX_COLS

	return diff_rows(st, q, "stix_object", "differs", NULL, 0, fn, ctx);
}

int hl_store_shadow_diff(struct hl_store *st,
			 int (*fn)(void *ctx, const struct hl_store_mismatch *m), void *ctx)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < NPROJECTIONS - 1; i++)
		r = diff_keyed(st, projections[i], fn, ctx);
	if (r == 0)
		r = diff_terms(st, fn, ctx);
	if (r == 0)
		r = diff_stix(st, fn, ctx);
	return r;
}

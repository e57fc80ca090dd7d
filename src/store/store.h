/* store.h - the party's durable record: links, logs, checkpoints.
 *
 * One interface, one implementation per engine (SQLite: sqlite.c).
 * Envelopes and checkpoints are stored as the exact bytes that were
 * signed.  Everything else that can be computed from them (the message
 * index now; cases, indicators and link health later) is a projection
 * that hl_store_rebuild() recomputes.
 *
 * Each link has two logs: side HL_OURS holds what this party sent,
 * HL_THEIRS what the peer sent.  A transaction (begin/commit) is
 * durable when commit returns: the database is in WAL mode with
 * synchronous=FULL, so commit has fsynced.
 *
 * Functions return 0 or -HL_E*; on -HL_ESTORE, hl_store_errmsg() says
 * what the database said.  One handle per thread.
 */
#ifndef HL_STORE_H
#define HL_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "card.h"
#include "envelope.h"
#include "merkle.h"
#include "msgid.h"

#define HL_STORE_FILE "hotline.db"
#define HL_STORE_SCHEMA 24	/* the number of migrations: the user_version */

struct hl_store;

struct hl_link {
	int64_t id;
	char name[HL_NAME_MAX + 1];	/* the peer's name */
	unsigned char link_id[32];
	struct hl_card card;		/* the peer's card, parsed */
	struct hl_buf card_text;	/* and as it was signed */
	char endpoint[HL_ENDPOINT_MAX + 1];	/* where to reach the peer */
	int64_t added;
	int64_t confirmed;		/* 0 until the fingerprint was confirmed */
	/* Archive (protocol.md 8.15): archiving from our archive message
	 * (archive_seq; 0 when the peer archived first) until archived. */
	bool archiving;
	uint64_t archive_seq;
	int64_t archived;		/* when; 0 while live or archiving */
	/* The TLS change-over (protocol.md 10.1): the pin of the peer's
	 * card before this one, accepted too until its new key is seen. */
	bool has_old_pin;
	unsigned char old_pin[32];
};

/* Opens or creates the database and brings its schema up to date; on
 * failure err gets the database's message. */
int hl_store_open(const char *path, struct hl_store **out, char *err,
		  size_t errlen);
void hl_store_close(struct hl_store *st);
const char *hl_store_errmsg(const struct hl_store *st);

/* From now on, this process's handles on a SQLite file leave the
 * write-ahead log's checkpoints to a thread of their own, off the
 * commits' way (walcp.h): hotlined calls it before it opens its store. */
void hl_store_checkpoint_behind(void);

/* A number that moves whenever this process writes the operator tables,
 * on any handle, and again when that transaction ends: what was read
 * from them under one number holds while the number holds, apart from
 * writes by another process. */
uint64_t hl_store_ops_generation(void);

int hl_store_begin(struct hl_store *st);	/* takes the write lock */
/* The same for a transaction whose loss in a power cut costs nothing
 * because it is made again the same, byte for byte (our checkpoint at
 * a size: the same root signed by the same key): its commit is not
 * fsynced (synchronous NORMAL in WAL mode), and the next commit that
 * is fsyncs it along.  The handle is FULL again when it ends. */
int hl_store_begin_lazy(struct hl_store *st);
int hl_store_commit(struct hl_store *st);
/* The same; when the commit fails, undo(ctx) runs before the rollback,
 * while no other writer of this process can begin: what the transaction
 * changed in memory is put back before anyone can read it. */
int hl_store_commit_or(struct hl_store *st, void (*undo)(void *ctx), void *ctx);
void hl_store_rollback(struct hl_store *st);

/* The latest time this process dated an envelope of ours in this store:
 * senders read the clock in parallel and seal in turn (inside a write
 * transaction), and a message is never dated before one sealed earlier,
 * which a witness refuses (protocol.md 9.5). */
int64_t hl_store_sealed_floor(struct hl_store *st);
void hl_store_sealed_set(struct hl_store *st, int64_t t);

/* Links. */
int hl_store_link_add(struct hl_store *st, const char *name,
		      const unsigned char link_id[32], const void *card, size_t n,
		      const char *endpoint, int64_t now);
int hl_store_link_get(struct hl_store *st, const char *name, struct hl_link *l);
int hl_store_link_by_id(struct hl_store *st, const unsigned char link_id[32],
			struct hl_link *l);
/* -HL_ENOLINK when no link has that id. */
int hl_store_link_confirm(struct hl_store *st, int64_t link, int64_t now);

/* Marks l as being archived by our archive message at seq (0: the
 * message is not sent yet, and nothing else may be); _undo when it
 * could not be sent. */
int hl_store_link_archiving(struct hl_store *st, const struct hl_link *l, uint64_t seq);
int hl_store_link_archiving_undo(struct hl_store *st, const struct hl_link *l);

/* Archives l now, in one transaction: renamed NAME~k (as gets it),
 * its transcript kept as it is.  Nothing is sent on it again. */
int hl_store_link_archive(struct hl_store *st, const struct hl_link *l, int64_t now,
			  char as[HL_NAME_MAX + 1]);
/* Calls fn for each link in name order; stops at fn's first nonzero.
 * All links are read before the first call, so fn may write. */
int hl_store_link_each(struct hl_store *st,
		       int (*fn)(void *ctx, const struct hl_link *l), void *ctx);
void hl_link_free(struct hl_link *l);

/* Logs. */
int hl_store_log_size(struct hl_store *st, int64_t link, int side, uint64_t *size);
int hl_store_envelope_put(struct hl_store *st, int64_t link, int side,
			  uint64_t seq, const void *p, size_t n, const hl_hash leaf,
			  int64_t now);
int hl_store_envelope_get(struct hl_store *st, int64_t link, int side,
			  uint64_t seq, struct hl_buf *out, hl_hash leaf);
int hl_store_envelope_each(struct hl_store *st, int64_t link, int side,
			   int (*fn)(void *ctx, uint64_t seq, const void *p,
				     size_t n, const hl_hash leaf), void *ctx);
int hl_store_node_put(struct hl_store *st, int64_t link, int side,
		      const struct hl_merkle_node *node);
int hl_store_node_get(struct hl_store *st, int64_t link, int side,
		      unsigned level, uint64_t index, hl_hash out);

/* A Merkle source reading one log's stored nodes. */
struct hl_store_log {
	struct hl_store *st;
	int64_t link;
	int side;
};
struct hl_merkle_src hl_store_merkle(struct hl_store_log *log);

/* Checkpoints and their cosignatures (side says whose log). */
int hl_store_checkpoint_put(struct hl_store *st, int64_t link, int side,
			    uint64_t size, const void *note, size_t n);
int hl_store_checkpoint_get(struct hl_store *st, int64_t link, int side,
			    uint64_t size, struct hl_buf *note,
			    struct hl_buf *cosig, int64_t *cosig_time);
/* -HL_ENOTFOUND when no checkpoint of that size is stored. */
int hl_store_cosig_set(struct hl_store *st, int64_t link, int side,
		       uint64_t size, const char *line, size_t n, int64_t time);
/* The largest cosigned size of a log (0 when none). */
int hl_store_cosigned_size(struct hl_store *st, int64_t link, int side,
			   uint64_t *size);
/* The smallest cosigned size >= min, for a proof of entry min. */
int hl_store_cosigned_covering(struct hl_store *st, int64_t link, int side,
			       uint64_t min, uint64_t *size);
int hl_store_checkpoint_each(struct hl_store *st, int64_t link, int side,
			     int (*fn)(void *ctx, uint64_t size, const void *note,
				       size_t n, const char *cosig, size_t cn,
				       int64_t time), void *ctx);

/* Evidence: a second, different object for a place already taken; the
 * same conflicting object is kept once. */
int hl_store_evidence_put(struct hl_store *st, int64_t link, int side,
			  const char *kind, uint64_t at, const void *kept,
			  size_t kn, const void *other, size_t on, int64_t now);
int hl_store_evidence_count(struct hl_store *st, int64_t link, uint64_t *count);
/* An incident past the link's evidence cap: recorded with the hash of
 * the other object, but neither object's bytes (both are stored empty;
 * the kept one is in the log anyway).  Returns 1 when the incident is
 * new, 0 when the same one (kind, place, other's hash) was recorded. */
int hl_store_evidence_incident(struct hl_store *st, int64_t link, int side,
			       const char *kind, uint64_t at, const hl_hash other_hash,
			       int64_t now);
struct hl_evidence_stats {
	uint64_t count;		/* incidents recorded */
	uint64_t bytes;		/* bytes of evidence kept */
	uint64_t unkept;	/* incidents past the cap, kept without bytes */
};
int hl_store_evidence_stats(struct hl_store *st, int64_t link,
			    struct hl_evidence_stats *out);

/* Projections. */
int hl_store_message_put(struct hl_store *st, int64_t link, int side,
			 uint64_t seq, int64_t time, const char *precedence,
			 const char *kind);
struct hl_message {
	uint64_t seq;
	int64_t time;
	char precedence[16];
	char kind[HL_KIND_MAX + 1];
};
/* Calls fn for the indexed messages of one log with seq > after, in order. */
int hl_store_message_each(struct hl_store *st, int64_t link, int side, uint64_t after,
			  int (*fn)(void *ctx, const struct hl_message *m), void *ctx);

/* The content index (index.c fills it): for each envelope, its content
 * type; the envelope its ref names and the case (the notify) it belongs
 * to, both by side relative to this party (-1 for none); its structured
 * fields as a compact JSON object (category, tlp, severity, actions,
 * answer, stix: what hl_content carries, without the free text); and
 * its case's number, which names the case with its opener (0: none);
 * and who made it, the operator its content names (protocol.md 8.11;
 * both "" when it names none).  item_next is the first seq of a log
 * not yet indexed. */
struct hl_item {
	int side;
	uint64_t seq;
	int64_t time;			/* from the message projection */
	char precedence[16];
	char type[HL_KIND_MAX + 1];
	int ref_side;
	uint64_t ref_seq;
	int case_side;
	uint64_t case_seq;
	const char *fields;		/* JSON, or NULL; valid during a callback */
	uint64_t case_no;		/* "opener#case_no"; 0 when no case */
	char op_name[HL_NAME_MAX + 1];	/* who made it; "" for no one named */
	char op_role[16];		/* duty, supervisor, auditor, admin; "" */
};
int hl_store_item_put(struct hl_store *st, int64_t link, const struct hl_item *it);
int hl_store_item_next(struct hl_store *st, int64_t link, int side, uint64_t *next);
/* The item (side, seq), its fields left NULL; -HL_ENOTFOUND when it is
 * not indexed. */
int hl_store_item_get(struct hl_store *st, int64_t link, int side, uint64_t seq,
		      struct hl_item *out);
/* The notifies of a link that open a case, in order of time. */
int hl_store_case_each(struct hl_store *st, int64_t link,
		       int (*fn)(void *ctx, const struct hl_item *it), void *ctx);
/* The items of a link that its control fold reads (terms, terms-accept,
 * terms-decline, suspend, resume), by side and seq (protocol.md 8.13). */
int hl_store_control_items(struct hl_store *st, int64_t link,
			 int (*fn)(void *ctx, const struct hl_item *it), void *ctx);
/* Every item of the case opened by (side, seq), the notify included. */
int hl_store_case_items(struct hl_store *st, int64_t link, int side, uint64_t seq,
			int (*fn)(void *ctx, const struct hl_item *it), void *ctx);
/* The notify of log (link, side) that opened the case numbered number
 * (the first of that number: a later one opens nothing); -HL_ENOTFOUND
 * when none did. */
int hl_store_case_find(struct hl_store *st, int64_t link, int side, uint64_t number,
		       uint64_t *seq);
/* Sets case_no of the indexed messages of one log from seq from on
 * that belong to a case: the number of their case's notify. */
int hl_store_case_numbers_fill(struct hl_store *st, int64_t link, int side, uint64_t from);

/* The numbers this party has given the cases it opened, on all its
 * links (not a projection: hl_store_rebuild keeps them).  next is one
 * more than the largest; take records n, -HL_EDUPLICATE when it is
 * taken already. */
int hl_store_case_number_next(struct hl_store *st, uint64_t *n);
int hl_store_case_number_take(struct hl_store *st, uint64_t n);

/* What acknowledges envelope (side, seq) (docs/protocol.md 8.7): the
 * first, in the other side's log, of an ack or check-reply that names
 * it, an answer that names it when it is a request, or a close of its
 * case signed at or after it.  Its seq in that log and its time;
 * -HL_ENOTFOUND when there is none. */
int hl_store_acked(struct hl_store *st, int64_t link, int side, uint64_t seq,
		   uint64_t *ack_seq, int64_t *ack_time);
/* The same message, as its item in the other side's log: who
 * acknowledged (ack->op_name, op_role: "" when its content names no
 * one), when (time), and by what (type, seq); fields left NULL.
 * -HL_ENOTFOUND when nothing acknowledges it yet. */
int hl_store_acked_by(struct hl_store *st, int64_t link, int side, uint64_t seq,
		      struct hl_item *ack);

/* Search terms of the STIX bundles (index.c): each value an envelope's
 * bundle mentions, with the object it is in. */
int hl_store_term_put(struct hl_store *st, int64_t link, int side, uint64_t seq,
		      const char *object, const char *kind, const char *value);
struct hl_term_hit {
	int64_t link;
	int side;
	uint64_t seq;
	int64_t time;
	const char *object, *kind, *value;
	int case_side;
	uint64_t case_seq;
	uint64_t case_no;
};
/* Calls fn for every term equal to value (ASCII case ignored), in
 * order of time. */
int hl_store_term_find(struct hl_store *st, const char *value,
		       int (*fn)(void *ctx, const struct hl_term_hit *h), void *ctx);
/* Calls fn for every term that is an address or a network (kind
 * ipv4-addr:value or ipv6-addr:value), in order of time: the caller
 * compares them with a CIDR range. */
int hl_store_term_addrs(struct hl_store *st,
			int (*fn)(void *ctx, const struct hl_term_hit *h), void *ctx);

/* The full-text index (FTS5) of the messages' free text (index.c puts
 * a message's text and summary as one body; putting the item again
 * drops it).  text_find calls fn for every message whose body holds
 * value as a phrase (words in that order, case and diacritics
 * ignored), in order of time; the hit's kind is "text", its object "",
 * its value the one searched. */
int hl_store_text_put(struct hl_store *st, int64_t link, int side, uint64_t seq,
		      const char *text, size_t len);
int hl_store_text_find(struct hl_store *st, const char *value,
		       int (*fn)(void *ctx, const struct hl_term_hit *h), void *ctx);

/* The escalation steps run (not a projection: a record of what hotlined
 * did).  escalated says whether step of event for (side, seq) has a
 * record, whatever its status.  put records it with a status
 * ("running", "skipped"), done sets what became of it ("ok", "failed",
 * "abandoned") and the hooks' outcome as text. */
int hl_store_escalated(struct hl_store *st, int64_t link, int side, uint64_t seq,
		       const char *event, unsigned step, bool *done);
int hl_store_escalation_put(struct hl_store *st, int64_t link, int side, uint64_t seq,
			    const char *event, unsigned step, int64_t now, const char *status);
int hl_store_escalation_done(struct hl_store *st, int64_t link, int side, uint64_t seq,
			     const char *event, unsigned step, const char *status,
			     const char *outcome);
struct hl_escalation {
	int64_t link;
	int side;
	uint64_t seq;
	char event[32];
	unsigned step;
	int64_t fired;
	char outcome[200];
};
/* The last step whose hooks ended, when they failed; -HL_ENOTFOUND
 * when it succeeded or none ended. */
int hl_store_escalation_failing(struct hl_store *st, struct hl_escalation *out);

/* The clock's open deadlines: a table private to the handle (SQLite
 * TEMP, in an unlinked temporary file: only its page cache is
 * resident), ordered by when each next needs a look, so that finding
 * what is due costs nothing for what is not.  reset creates or
 * empties it. */
struct hl_pending {
	int64_t link;
	int side;
	uint64_t seq;
	char event[32];
	int64_t deadline;
};
int hl_store_pending_reset(struct hl_store *st);
/* Adds p, due at its deadline; a p already there is left as it is. */
int hl_store_pending_put(struct hl_store *st, const struct hl_pending *p);
/* Up to max entries due by now, earliest first. */
int hl_store_pending_due(struct hl_store *st, int64_t now, size_t max,
			 struct hl_pending *out, size_t *n);
/* When the earliest entry is due; INT64_MAX when there is none. */
int hl_store_pending_next(struct hl_store *st, int64_t *when);
/* Looks at p again at due; INT64_MAX drops it. */
int hl_store_pending_set(struct hl_store *st, const struct hl_pending *p, int64_t due);
/* Forgets every pending entry of a link, to plan its deadlines again. */
int hl_store_pending_forget(struct hl_store *st, int64_t link);
/* Calls fn for every recorded step of event on link, oldest first (fn
 * must not use the store). */
int hl_store_event_each(struct hl_store *st, int64_t link, const char *event,
			int (*fn)(void *ctx, int side, uint64_t seq, int64_t when), void *ctx);

/* Recomputes every projection from the stored envelopes; *count gets
 * the number of envelopes indexed. */
int hl_store_rebuild(struct hl_store *st, uint64_t *count);

/* SQLite's quick check of the whole file: 0, or -HL_ESTORE with its
 * first complaint in hl_store_errmsg(). */
int hl_store_check(struct hl_store *st);

/* Checking the projections without writing them: hl_store_shadow()
 * gives this handle empty copies of the projection tables, in memory,
 * that hide the stored ones; hl_store_rebuild() and the content index
 * then fill the copies, and hl_store_shadow_diff() compares them with
 * the stored tables, calling fn for each difference.  The handle is good
 * for nothing else afterwards: close it. */
int hl_store_shadow(struct hl_store *st);
/* One read of the whole file as it is now, for checks that take many
 * statements while another connection writes (hl_store_shadow takes
 * one too); ended by hl_store_snapshot_end.  Nothing may be written
 * on the handle meanwhile. */
int hl_store_snapshot(struct hl_store *st);
void hl_store_snapshot_end(struct hl_store *st);
struct hl_store_mismatch {
	const char *table;	/* message, item, term or stix_object */
	const char *link;	/* the link's name */
	int side;
	uint64_t seq;
	const char *column;	/* NULL when the whole row is wrong */
	const char *what;	/* differs, extra (stored but derived from
				 * nothing), missing (derived but not stored) */
};
int hl_store_shadow_diff(struct hl_store *st,
			 int (*fn)(void *ctx, const struct hl_store_mismatch *m), void *ctx);

#endif

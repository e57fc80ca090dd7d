/* case.h - a case's state, computed from the transcript alone.
 *
 * A notify opens a case; the messages whose "case" names it follow it.
 * The state is a fold of those messages in one order that both parties
 * see alike: by the time the sender signed, then the sender's name, then
 * the sequence number, except that a message never comes before one it
 * names or one its sender sent before it (clocks differ: an answer
 * dated a second before its request still follows it).  Both parties hold the same envelopes once
 * delivery is done, so both compute the same state; nothing a party
 * merely believes (what it sent but was refused, what it sorted by
 * arrival) enters it.
 *
 * The rules (docs/protocol.md 8.6):
 *  - retract and correct name a message of their own sender; a
 *    retracted message no longer counts (a retracted request is
 *    withdrawn, a retracted close reopens, a retracted notify leaves
 *    the case "retracted"); a correction's text and fields replace the
 *    ones of what it corrects, the last correction winning;
 *  - update sets the category, TLP and severity it carries;
 *  - request adds a request, "pending"; answer, from the other party,
 *    sets it "accepted", "declined" or "done" (declined and done are
 *    final);
 *  - close closes; after it, updates, requests, answers and a second
 *    close count for nothing (they are shown, marked);
 *  - a notify of a number its sender had opened on the link before
 *    joins that case and counts for nothing.
 * A message that breaks a rule is shown with why it was not counted.
 */
#ifndef HL_CASE_H
#define HL_CASE_H

#include <stdbool.h>
#include <stdint.h>

#include "envelope.h"
#include "store.h"

#define HL_CASE_ID_MAX (HL_NAME_MAX + 24)

enum {
	HL_EV_RETRACTED = 1 << 0,	/* a retract of its sender names it */
	HL_EV_CORRECTED = 1 << 1,	/* a correct names it (corrected_by) */
	HL_EV_IGNORED = 1 << 2,		/* it broke a rule: why says which */
};

struct hl_case_event {
	char from[HL_NAME_MAX + 1];	/* its sender */
	int side;
	uint64_t seq;
	int64_t time;
	char precedence[16];
	char type[HL_KIND_MAX + 1];
	int ref_side;			/* -1: names nothing */
	uint64_t ref_seq;
	char category[96], tlp[24], severity[16], answer[16];	/* "" if none */
	unsigned actions;
	char stix[296];			/* "": none, "valid", or why not */
	char op_name[HL_NAME_MAX + 1];	/* who made it (protocol.md 8.11); "" */
	char op_role[16];		/* the role they acted in; "" */
	/* Set by the fold. */
	int64_t after;			/* the order's time: see hl_case_fold */
	unsigned rank;
	uint32_t log_pos;		/* its place in (side, seq) order */
	unsigned flags;
	const char *why;		/* for HL_EV_IGNORED */
	int corrected_by;		/* index of the last correction, or -1 */
	char state[16];			/* a request's: pending, accepted, ... */
	int answered_by;		/* a request's last counted answer, or -1 */
};

struct hl_case {
	char id[HL_CASE_ID_MAX + 1];	/* "<opener>#<number>" */
	char to[HL_NAME_MAX + 1];	/* the party the opener notified */
	int side;			/* the notify's */
	uint64_t seq;
	uint64_t number;		/* the case's number at its opener */
	char state[16];			/* open, closed, retracted */
	char category[96], tlp[24], severity[16];
	int64_t opened, closed, last;	/* closed: 0 while open */
	unsigned requests, pending;
	struct hl_case_event *ev;	/* in fold order */
	size_t n;
	uint32_t *by_log;		/* indices of ev by (side, seq), or NULL */
};

/* Loads the case opened by (side, seq) on link l from the content
 * index (kept current by the caller) and folds it; me names our side.
 * -HL_ENOTFOUND when no notify that opens a case is there. */
int hl_case_load(struct hl_store *st, const char *me, const struct hl_link *l,
		 int side, uint64_t seq, struct hl_case *c);
void hl_case_free(struct hl_case *c);

/* Sorts c->ev and computes the state: pure, used by hl_case_load. */
void hl_case_fold(struct hl_case *c);

/* The index of the event (side, seq) in c, or -1. */
int hl_case_find(const struct hl_case *c, int side, uint64_t seq);

/* The name of opener's case number (its notify's "number", else its
 * seq): "ru-cert#12", unique among the cases of the opener on all its
 * links (docs/protocol.md 8.10).  Also how hl_case_json names a
 * message: its sender and seq. */
void hl_case_id(const char *opener, uint64_t number, char out[HL_CASE_ID_MAX + 1]);

/* "ru-cert#12" -> name and number; false when it is not of that form. */
bool hl_case_id_parse(const char *id, char name[HL_NAME_MAX + 1], uint64_t *number);

/* The state as JSON in the words of both parties (names, not sides):
 * what `hotline case list --json` prints, equal on both sides.  Each
 * message that names its operator has "by": {"name", "role"}. */
char *hl_case_json(const struct hl_case *c);

#endif

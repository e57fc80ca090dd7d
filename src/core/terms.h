/* terms.h - the terms of a link: what its two parties agreed.
 *
 * One party proposes terms in a "terms" message, the other accepts or
 * declines them (docs/protocol.md 8.13); the accepted terms say, for
 * both daemons, when a message's receipt and acknowledgment are due at
 * each precedence, how often communication checks run and at which
 * precedence, the working languages in order of preference, and the
 * window before a key's revocation in which what it signed is suspect.
 *
 *   {"ack": {"flash": 900, "immediate": 3600, "priority": 86400,
 *            "routine": 259200},
 *    "check": {"every": 604800, "precedence": "immediate"},
 *    "languages": ["en", "ru"],
 *    "receipt": {"flash": 120, ...},
 *    "suspect": 604800,
 *    "version": 1}
 *
 * Durations are whole seconds.  Pure: no I/O, no clock.
 */
#ifndef HL_TERMS_H
#define HL_TERMS_H

#include <stdbool.h>
#include <stdint.h>

#include "envelope.h"
#include "lang.h"

#define HL_TERMS_LANGS_MAX 6		/* the six UN languages, at most */
#define HL_TERMS_SECONDS_MAX 31622400	/* 366 days: any duration's bound */

struct hl_terms {
	uint64_t version;		/* 1..2^63-1 */
	int64_t ack[4];			/* seconds, by enum hl_precedence */
	int64_t receipt[4];
	bool has_check;			/* no scheduled checks without it */
	int64_t check_every;
	enum hl_precedence check_precedence;
	char languages[HL_TERMS_LANGS_MAX][HL_LANG_MAX + 1];
	unsigned nlanguages;
	int64_t suspect;		/* seconds before a revocation */
};

/* 0 when t makes sense; else -HL_ETERMS and, in why (cap bytes), the
 * first rule it breaks as a sentence ("ack.flash (2h) is later than
 * ack.immediate (1h)"). */
int hl_terms_check(const struct hl_terms *t, char *why, size_t cap);

/* The terms of a JSON object (a json_t *) exactly of the form above:
 * every member present but "check", no other, each of its type; then
 * hl_terms_check.  why as there; -HL_ECONTENT for the form. */
int hl_terms_from_json(const void *json, struct hl_terms *t, char *why, size_t cap);

/* A new json_t object for t (no check made), or NULL. */
void *hl_terms_to_json(const struct hl_terms *t);

/* The control messages of a link that the fold reads (terms,
 * terms-accept, terms-decline, suspend, resume), as the content index
 * holds them: side 0 ours, 1 the peer's; the envelope its ref names, by
 * side and seq (-1: none, or one the index could not match); a
 * proposal's terms; whether a resume's cards are the two cards in force
 * at its time (the caller judges that). */
struct hl_terms_item {
	int side;
	uint64_t seq;
	int64_t time;			/* the envelope header's */
	char type[HL_KIND_MAX + 1];	/* terms, ..., suspend, resume */
	int ref_side;
	uint64_t ref_seq;
	struct hl_terms terms;		/* a "terms" item's */
	bool cards_ok;			/* a "resume" item's */
	/* Set by the fold. */
	int64_t after;			/* when it takes its place */
	int rank;			/* after what it names, at the same time */
	const char *verdict;		/* "open", "accepted", ... or why not */
	uint64_t by_seq;		/* the message that settled a proposal */
	int by_side;
};

/* One version of the terms in force: from the acceptance's header time
 * on, until the next version's. */
struct hl_terms_version {
	struct hl_terms terms;
	int64_t since;
	int proposed_side, accepted_side;
	uint64_t proposed_seq, accepted_seq;
};

/* One party's suspension of a link: from the suspend's place on, until
 * the resume's (resumed 0 while it is in force). */
struct hl_suspension {
	int side;
	uint64_t seq;
	int64_t since;
	uint64_t resume_seq;
	int64_t resumed;
};

/* What the fold of a link's control messages put in force: the
 * versions of the terms and the suspensions, oldest first (malloc'd). */
struct hl_fold {
	struct hl_terms_version *v;
	size_t nv;
	struct hl_suspension *s;
	size_t ns;
};

/* Folds a link's control messages (docs/protocol.md 8.13, 8.14):
 * orders them by when each takes its place (its header time, or later
 * when what it names or its sender's previous one came later; then the
 * sender's name, names[side], then seq), says of each what it did
 * (verdict), and fills *out.  0, or -ENOMEM. */
int hl_terms_fold(struct hl_terms_item *items, size_t n, const char *const names[2],
		  struct hl_fold *out);

/* The suspension side put in force and has not lifted at t, or NULL. */
const struct hl_suspension *hl_suspended_by(const struct hl_fold *f, int side, int64_t t);

/* The version in force at time t: the newest whose since is at or before
 * t; NULL before the first. */
const struct hl_terms_version *hl_terms_at(const struct hl_terms_version *v, size_t n,
					   int64_t t);

/* Seconds after a message dated t at precedence p by which its
 * acknowledgment (ack) or receipt is due: the terms in force at t, else
 * fallback (hotline.conf's, before any terms were agreed). */
int64_t hl_terms_due(const struct hl_terms_version *v, size_t n, int64_t t, bool ack,
		     enum hl_precedence p, int64_t fallback);

/* The check schedule in force at t: *every 0 for none; false (and
 * nothing set) before any terms were agreed. */
bool hl_terms_checks(const struct hl_terms_version *v, size_t n, int64_t t, int64_t *every,
		     enum hl_precedence *p);

#endif

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

#endif

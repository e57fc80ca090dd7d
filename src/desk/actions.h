/* actions.h - what the desk's action files share (actions.c, answer.c):
 * reading a message's text and fields from the arguments, and the
 * answer every action gives. */
#ifndef HL_DESK_ACTIONS_H
#define HL_DESK_ACTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "deskcase.h"
#include "vocab.h"

/* t from the arguments "text" (required when need; "" when absent)
 * and "lang" (a BCP 47 tag; "und" when absent); t points into q. */
bool hl_act_text(const struct hl_desk_req *q, bool need, struct hl_text *t,
		 struct hl_desk_err *e);

/* Refuses (false, e filled) a tag that is not BCP 47. */
bool hl_act_lang_valid(const char *lang, struct hl_desk_err *e);

/* The argument "precedence" (def when absent). */
bool hl_act_precedence(const struct hl_desk_req *q, enum hl_precedence def,
		       enum hl_precedence *p, struct hl_desk_err *e);

/* The argument "stix", a STIX 2.1 bundle object, checked (422 when it
 * is not a valid one); NULL when absent (borrowed from q). */
bool hl_act_stix(const struct hl_desk_req *q, json_t **stix, struct hl_desk_err *e);

/* hl_desk_case_open, a name that finds no one case refused with 422:
 * well formed, but not what it names. */
bool hl_act_case_open(struct hl_desk *d, const char *id, const char *only,
		      struct hl_link *l, struct hl_case *c, struct hl_desk_err *e);

/* A code's English label, the msgid a door translates; the code itself
 * when it is not of the vocabulary. */
const char *hl_act_label(enum hl_vocab v, const char *code);

/* What every action answers: {"link", "seq", "id": "LINK/out/N",
 * "precedence", "kind", "case"?}. */
json_t *hl_act_result(const char *link, uint64_t seq, enum hl_precedence p,
		      const char *kind, const char *case_id);

#endif

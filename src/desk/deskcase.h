/* deskcase.h - what the desk's functions about messages and cases
 * share: naming a message or a case, opening a message, composing and
 * sending one through the writer.  Each fills a struct hl_desk_err
 * with why it cannot. */
#ifndef HL_DESKCASE_H
#define HL_DESKCASE_H

#include <stdbool.h>
#include <stdint.h>

#include "case.h"
#include "content.h"
#include "desk.h"
#include "msgid.h"

/* The link of that name; false with e filled (404) when there is none. */
bool hl_desk_link(struct hl_desk *d, const char *name, struct hl_link *l, struct hl_desk_err *e);

/* Brings the content index up to date on every link (the daemon holds
 * the secrets it needs); false with e filled. */
bool hl_desk_index(struct hl_desk *d, struct hl_desk_err *e);

/* The case "opener#N", or a message id "LINK/SEQ", "LINK/out/SEQ" of
 * its notify, on this party's links: its link (to be freed with
 * hl_link_free) and the loaded, folded case (hl_case_free).  only_link
 * narrows a number this party gave on two links (before numbers were
 * party-wide).  False with e filled. */
bool hl_desk_case_open(struct hl_desk *d, const char *id, const char *only_link,
		       struct hl_link *l, struct hl_case *c, struct hl_desk_err *e);

/* casedesk.c: what case show and case list give of one bilateral case,
 * which a group case (groupcase.h) gathers: the case as hl_case_json
 * writes it; the first line of its notify's summary, else of its text;
 * its timeline's events in the fold's order (NULL when the store
 * fails). */
json_t *hl_desk_case_obj(const struct hl_case *c);
json_t *hl_desk_case_title(struct hl_desk *d, const struct hl_link *l, const struct hl_case *c);
json_t *hl_desk_case_events(struct hl_desk *d, const struct hl_link *l, const struct hl_case *c);

/* A ref to envelope (side, seq) of link l: its sender, seq and leaf. */
int hl_desk_ref(struct hl_desk *d, const struct hl_link *l, int side, uint64_t seq,
		struct hl_ref *ref);

/* Opens message (side, seq) of l: plain keeps the bytes c points into. */
int hl_desk_open_content(struct hl_desk *d, const struct hl_link *l, int side,
			 uint64_t seq, struct hl_buf *plain, struct hl_content *c);

/* Whether each field given (NULL: not given) is a code of its
 * vocabulary; false with e filled. */
bool hl_desk_fields_valid(const char *category, const char *tlp, const char *severity,
			  struct hl_desk_err *e);

/* Checks a STIX 2.1 bundle given as an argument; false with e filled,
 * naming the bad object. */
bool hl_desk_stix_valid(const json_t *bundle, struct hl_desk_err *e);

/* A notify's case number (protocol.md 8.10): above every number the
 * store holds and every one handed out here, so that requests sealing
 * at once differ.  The writer records it; one taken meanwhile fails the
 * send with -EAGAIN, and the request goes round again with the next.
 * _release hands a number that went into no message out again, if
 * none was since, so a refused request leaves no gap. */
int hl_desk_case_number(struct hl_desk *d, uint64_t *n);
void hl_desk_case_number_release(struct hl_desk *d, uint64_t n);

/* Signs c as q's operator acting for right, writes it, and appends it to
 * this party's log on l at precedence prec through the writer, durably;
 * a notify gets the next case number of this party.  *seq gets the
 * message's number.  False with e filled. */
bool hl_desk_post(struct hl_desk *d, const struct hl_desk_req *q, enum hl_right right,
		  const struct hl_link *l, struct hl_content *c, enum hl_precedence prec,
		  uint64_t *seq, struct hl_desk_err *e);

/* A duty officer sends up to the precedence the admin set (send.c);
 * above it, false with e filled: 403, it needs a supervisor. */
bool hl_desk_may_send_at(const struct hl_desk_req *q, enum hl_precedence p,
			 struct hl_desk_err *e);

/* suspend.c.  {"state": "active" | "suspended", "suspended": [...],
 * "held": N} of the link named name at now, for the link's view; NULL
 * on failure. */
json_t *hl_desk_link_state(struct hl_desk *d, const char *name, int64_t now);

/* Whether a message of kind to l waits while l is suspended: 1 hold
 * it, 0 send it (not suspended, a kind that goes on, or a supervisor's
 * "override"), -1 with e filled. */
int hl_desk_holds(struct hl_desk *d, const struct hl_desk_req *q, const char *link,
		  const char *kind, struct hl_desk_err *e);

/* Holds content (composed as it will be sealed, with case number
 * case_no taken here) and answers {"link", "held", "kind", "precedence",
 * "until", "case"?}; NULL with *err set (-EAGAIN: the number was taken
 * meanwhile). */
json_t *hl_desk_hold(struct hl_desk *d, const struct hl_desk_req *q, const struct hl_link *l,
		     const char *kind, enum hl_precedence p, const struct hl_buf *content,
		     uint64_t case_no, int *err);

#endif

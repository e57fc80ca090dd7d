/* groupcase.h - the group case at its owner (issue 13 point 5;
 * DESIGN.md decision 12; docs/protocol.md 8.16).
 *
 * A notify to a group opens one case, OWNER#N, with one notify on each
 * member's bilateral link; each member sees its own bilateral case.  At
 * the owner these are one group case: read together (case show, case
 * list), and what the owner sends about it (an update, a request, a
 * close) goes to every link that holds the case and is a member now,
 * each envelope naming its own link's notify, all one new group
 * message.  What a member sends back stays on its own link.
 */
#ifndef HL_DESK_GROUPCASE_H
#define HL_DESK_GROUPCASE_H

#include <stdbool.h>
#include <stdint.h>

#include "case.h"
#include "content.h"
#include "desk.h"
#include "store.h"

/* One link the group notify went to. */
struct hl_gcase_member {
	struct hl_link l;
	bool have;			/* l was read */
	bool holds;			/* l holds the notify (else it is held) */
	bool member;			/* a member of the group now */
	int64_t held;			/* the held notify's id, while held */
	uint64_t seq;			/* our notify on l, when it holds it */
	struct hl_item it;		/* its index entry */
	struct hl_case c;		/* its bilateral case, when it holds it */
};

struct hl_gcase {
	char id[HL_CASE_ID_MAX + 1];
	uint64_t number;
	char gid[HL_GROUP_ID_HEX + 1];	/* the notify's group message id */
	int64_t group;
	char group_name[HL_NAME_MAX + 1];
	struct hl_gcase_member *m;	/* in link-name order */
	size_t n, cap;
};

/* The group case named id (OWNER#N, OWNER this party) with every
 * member's bilateral case folded: 1 when it is one, 0 when id names no
 * case this party opened with a group notify (the caller goes on as for
 * a bilateral case), -1 with e filled.  The content index is current
 * (the caller's).  Free with hl_desk_gcase_free. */
int hl_desk_gcase_open(struct hl_desk *d, const char *id, struct hl_gcase *g,
		       struct hl_desk_err *e);
void hl_desk_gcase_free(struct hl_gcase *g);
/* Whether our notify seq on l, of case number number, went as a group
 * notify (the owner's record says so): its case is a group case. */
bool hl_desk_gcase_notify(struct hl_desk *d, const struct hl_link *l, uint64_t seq,
			  uint64_t number);

/* GET /v1/case/show's answer for a group case (docs/api.md). */
json_t *hl_desk_gcase_show(struct hl_desk *d, const struct hl_desk_req *q,
			   const struct hl_gcase *g);
/* Its one row of GET /v1/case/list; NULL when out of memory. */
json_t *hl_desk_gcase_row(struct hl_desk *d, const struct hl_desk_req *q,
			  const struct hl_gcase *g);
/* The group case's state: open while a link that holds the case and
 * is a member now holds it open (with no such link: while any link
 * does); else closed, or retracted when every notify was. */
const char *hl_desk_gcase_state(const struct hl_gcase *g);

/* Sends m (its type, text and fields; the case and group are set here)
 * about group case g, as q's operator acting for right, at prec: one
 * envelope per link that holds the case, is a member now and whose case
 * is open, each naming that link's notify, all one new group message,
 * recorded as a group send records it; held on a suspended link.
 * Answers as a group send does (groupsend.c), with "case"; NULL with e
 * filled (409 when no member now holds the case open). */
json_t *hl_desk_gcase_post(struct hl_desk *d, const struct hl_desk_req *q,
			   enum hl_right right, struct hl_gcase *g, struct hl_content *m,
			   enum hl_precedence prec, struct hl_desk_err *e);

#endif

/* groupout.h - what goes out to a group's members (DESIGN.md decision
 * 12; docs/protocol.md 8.16): the group send's and the group case's
 * one way of holding, sealing, appending and recording a group message.
 *
 * Each member's envelope is sealed for that member alone.  The
 * envelopes are appended in one transaction of the writer, and the
 * record of what went to whom (groupmsg.h), with a notify's case
 * number, in the same one: a crash leaves both or neither. */
#ifndef HL_GROUPOUT_H
#define HL_GROUPOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "deskpriv.h"
#include "envelope.h"
#include "groupmsg.h"
#include "msgid.h"

/* One member's envelope: what the caller gives, then what became of it. */
struct hl_gout {
	const struct hl_link *l;
	const struct hl_buf *content;	/* the plain content, as sealed */
	bool to;			/* it goes to this member */
	bool held;			/* held while the link is suspended */
	char held_id[HL_MSGID_MAX + 32];
	uint64_t seq;
	int result;
	struct hl_sealed_body sb;
	bool sealed;
};

struct hl_gmsg {
	char gid[HL_GROUP_ID_HEX + 1];
	int64_t group;			/* link_group's id */
	const char *kind;
	enum hl_precedence prec;
	uint64_t case_no;		/* a notify's, taken with the record; 0 */
	struct hl_gout *out;
	size_t n;
};

/* Holds g's message for each member whose link is suspended and
 * appends it for the others, with the record; a case number that went
 * into no message is handed out again.  0, or a store error. */
int hl_desk_gmsg_deliver(struct hl_desk *d, const struct hl_desk_req *q, struct hl_gmsg *g);
/* Frees what delivering made (the sealed bodies). */
void hl_desk_gmsg_free(struct hl_gmsg *g);

#endif

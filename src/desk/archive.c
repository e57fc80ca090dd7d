/* archive.c - the desk's archive of a link (docs/protocol.md 8.15):
 * nothing new is sent on it, and its transcript is kept, readable and
 * verifiable, under the name NAME~k, so that a new link with the same
 * party (a later generation of the link ID, 5.1) can start new logs. */
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "deskcase.h"
#include "error.h"
#include "events.h"

/* Archives l at once: our archive message need not be receipted. */
static bool archive_now(struct hl_desk *d, const struct hl_link *l, int64_t now, json_t *res,
			struct hl_desk_err *e)
{
	char as[HL_NAME_MAX + 1];
	int r = hl_store_link_archive(d->st, l, now, as);

	if (r < 0) {
		hl_desk_fail_code(e, r, l->name);
		return false;
	}
	json_object_set_new(res, "state", json_string("archived"));
	json_object_set_new(res, "archived_as", json_string(as));
	hl_event("archive", json_pack("{s:s, s:s, s:s}", "link", l->name, "archived_as", as,
				      "by", d->me->card.name));
	return true;
}

/* {"name", "text", "lang"?, "now"?}: sends the link's last message, the
 * archive, saying why; the link is archived once the peer receipts it,
 * or at once with now (a peer that cannot be reached any more). */
json_t *hl_desk_link_archive(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	struct hl_content m = {.type = "archive"};
	struct hl_link l;
	const char *name;
	bool now = false;
	uint64_t seq = 0;
	json_t *res = NULL;

	if (!hl_desk_args_only(q, e, "name", "text", "lang", "now", NULL) ||
	    !hl_desk_arg_need(q, "name", &name, e) || !hl_act_text(q, true, &m.text, e) ||
	    !hl_desk_arg_bool(q, "now", &now, e))
		return NULL;
	if (m.text.len == 0)
		return hl_desk_fail(e, 400, "text: say why the link is archived");
	if (!hl_desk_link(d, name, &l, e))
		return NULL;
	if (l.archived) {
		hl_desk_fail(e, 409, "%s is archived: nothing can be sent", l.name);
	} else if (l.archiving && now) {
		/* A receipt that will not come (the peer is gone, or archived
		 * first and refuses us now): archive without it. */
		res = json_pack("{s:s}", "link", l.name);
		if (res && !archive_now(d, &l, q->now, res, e)) {
			json_decref(res);
			res = NULL;
		}
	} else if (l.archiving) {
		hl_desk_fail(e, 409, "%s is already being archived ('--now' archives it without "
			     "the peer's receipt)", l.name);
	}
	else if (hl_store_link_archiving(d->st, &l, 0) < 0)
		hl_desk_fail(e, 503, "%s: the store failed: %s", l.name, hl_store_errmsg(d->st));
	/* From here on nothing but the archive message is sent on l. */
	else if (!l.confirmed || hl_desk_post(d, q, HL_RIGHT_LINK, &l, &m, HL_IMMEDIATE, &seq, e)) {
		res = seq ? hl_act_result(l.name, seq, HL_IMMEDIATE, m.type, NULL) :
			    json_pack("{s:s}", "link", l.name);
		if (seq && hl_store_link_archiving(d->st, &l, seq) < 0) {
			json_decref(res);
			res = hl_desk_fail(e, 503, "%s: the store failed: %s", l.name,
					   hl_store_errmsg(d->st));
		} else if (res && (now || !l.confirmed)) {
			if (!archive_now(d, &l, q->now, res, e)) {
				json_decref(res);
				res = NULL;
			}
		} else if (res) {
			json_object_set_new(res, "state", json_string("archiving"));
		}
	} else {
		hl_store_link_archiving_undo(d->st, &l);
	}
	hl_link_free(&l);
	return res;
}

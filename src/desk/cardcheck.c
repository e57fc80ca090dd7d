/* cardcheck.c - is the card a peer serves the one we hold for it?
 *
 * The courier fetches the card the peer serves now (GET
 * /hotline/v1/card, pinned as every exchange); the desk compares it,
 * byte for byte, with the card the link holds.  Resuming a link checks
 * the same (docs/design/links.md 3); this route lets an operator ask. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "courier.h"
#include "desk.h"
#include "error.h"

/* The desk's status for a failed fetch. */
static unsigned fetch_status(int r)
{
	if (r == -HL_ENOLINK)
		return 404;
	if (r == -HL_EUNCONFIRMED || r == -EDESTADDRREQ)
		return 409;
	if (r == -HL_EPEER)
		return 502;
	return 503;
}

/* The answer for the served bytes, compared with what link holds. */
static json_t *compare(struct hl_desk *d, const char *name, const char *text, size_t len,
		       struct hl_desk_err *e)
{
	char fp[HL_FINGERPRINT_LEN + 1];
	struct hl_card card;
	struct hl_link l;
	bool current;
	json_t *res;
	int r = hl_card_parse((const unsigned char *)text, len, &card);

	if (r < 0)
		return hl_desk_fail(e, 502, "%s serves a card that is not valid: %s", name,
				    hl_strerror(r));
	r = hl_store_link_get(d->st, name, &l);
	if (r < 0)
		return hl_desk_fail_code(e, r, name);
	current = l.card_text.len == len && memcmp(l.card_text.data, text, len) == 0;
	hl_link_free(&l);
	hl_card_fingerprint(&card, fp);
	res = json_pack("{s:s, s:b, s:s%, s:I, s:s}", "link", name, "current", current,
			"card", text, len, "created", (json_int_t)card.created,
			"fingerprint", fp);
	return res ? res : hl_desk_fail(e, 503, "out of memory");
}

/* {"name"} -> {"link", "current", "card", "created", "fingerprint"} */
json_t *hl_desk_link_card(struct hl_desk *d, const struct hl_desk_req *q,
			  struct hl_desk_err *e)
{
	const char *name;
	char why[300], *text = NULL;
	size_t len = 0;
	json_t *res;
	int r;

	if (!hl_desk_args_only(q, e, "name", NULL) || !hl_desk_arg_need(q, "name", &name, e))
		return NULL;
	if (!d->courier)
		return hl_desk_fail(e, 503, "no courier runs here: a peer's card cannot be fetched");
	r = hl_courier_fetch_card(d->courier, name, &text, &len, why, sizeof(why));
	if (r < 0)
		return hl_desk_fail(e, fetch_status(r), "%s", why);
	res = compare(d, name, text ? text : "", len, e);
	free(text);
	return res;
}

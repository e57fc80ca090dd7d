/* status.c - the courier's view of each link, for hotline status. */
#include <stdlib.h>

#include "courier.h"
#include "desk.h"
#include "version.h"

/* l with a pin_mismatch member when the link is in that alarm. */
static json_t *with_pin(json_t *l, const struct hl_courier_link *cl)
{
	if (l && cl->pin_mismatch)
		json_object_set_new(l, "pin_mismatch", json_pack("{s:I, s:s, s:s}",
				    "since", (json_int_t)cl->pin_since,
				    "expected", cl->pin_expected, "seen", cl->pin_seen));
	return l;
}

json_t *hl_desk_status_links(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	struct hl_courier_link *links = calloc(256, sizeof(*links));
	size_t n = links ? hl_courier_status(d->courier, links, 256) : 0;
	json_t *arr = json_array();

	(void)q;
	if (!links) {
		json_decref(arr);
		return hl_desk_fail(e, 503, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, with_pin(json_pack("{s:s, s:b, s:I, s:I, s:I, s:i, s:s}",
			"name", links[i].name, "reachable", links[i].reachable,
			"last_ok", (json_int_t)links[i].last_ok,
			"last_attempt", (json_int_t)links[i].last_attempt,
			"next_attempt", (json_int_t)(links[i].next_attempt / 1000),
			"attempts", (int)links[i].attempts,
			"last_error", links[i].last_error), &links[i]));
	free(links);
	return json_pack("{s:s, s:s, s:o}", "party", d->me->card.name, "version", HL_VERSION,
			 "links", arr);
}

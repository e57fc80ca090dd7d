/* events_route.c - the desk's part of GET /v1/events: its arguments.
 * The hub is events.c (which needs no desk, so its unit test links it
 * alone); the stream itself is the door's (daemon/sse.c). */
#include "desk.h"

/* GET /v1/events: checks the arguments of a stream before the door
 * (daemon/sse.c) opens it; {"after": ID} when the reader resumes. */
json_t *hl_desk_events(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	uint64_t after = 0;
	bool present = false;

	(void)d;
	if (!hl_desk_args_only(q, e, "after", NULL) ||
	    !hl_desk_arg_u64(q, "after", &after, &present, e))
		return NULL;
	if (present && after > (uint64_t)INT64_MAX)
		return hl_desk_fail(e, 400, "after: not an event id");
	return present ? json_pack("{s:I}", "after", (json_int_t)after) : json_object();
}

/* door.c - refusals a door makes before any desk function runs.
 *
 * The HTTPS door refuses a request with no session, an expired one, a
 * missing CSRF token or a foreign Origin; both doors refuse a body that
 * is not JSON or too large, or an unknown route.  Those refusals go to
 * the audit trail like the desk's own: the door calls hl_desk_call()
 * with a route of the request's method and path whose function is
 * hl_desk_refusal, and arguments {"status": N, "error": why}. */
#include "desk.h"

json_t *hl_desk_refusal(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	json_t *st = json_object_get(q->args, "status");
	const char *why = json_string_value(json_object_get(q->args, "error"));
	json_int_t n = json_integer_value(st);

	(void)d;
	return hl_desk_fail(e, n >= 400 && n < 600 ? (unsigned)n : 400, "%s",
			    why ? why : "refused");
}

/* logdesk.c - POST /v1/log/verify: the checks of 'hotline log verify'
 * (logcheck.h, the same function), run by hotlined on its own store. */
#include "desk.h"
#include "deskpriv.h"
#include "error.h"
#include "logcheck.h"

/* {"link"?} -> the report of docs/protocol.md 9.11 with "ok": true when
 * every check passed and no evidence of equivocation is held. */
json_t *hl_desk_log_verify(struct hl_desk *d, const struct hl_desk_req *q,
			   struct hl_desk_err *e)
{
	struct hl_log_check out;
	const char *only = NULL;
	int r;

	if (!hl_desk_args_only(q, e, "link", NULL) || !hl_desk_arg_str(q, "link", &only, e))
		return NULL;
	if (only) {
		struct hl_link l = {0};

		r = hl_store_link_get(d->st, only, &l);
		hl_link_free(&l);
		if (r < 0)
			return hl_desk_fail_code(e, r, only);
	}
	if (!d->shared || !d->shared->db)
		return hl_desk_fail(e, 503, "the store file is not known");
	r = hl_log_check(d->st, d->me, d->shared->db, only, NULL, &out);
	if (r < 0)
		return hl_desk_fail_code(e, r, "log verify");
	json_object_set_new(out.report, "ok", json_boolean(!out.failed && !out.evidence));
	json_object_set_new(out.report, "evidence_held", json_boolean(out.evidence));
	return out.report;
}

/* proofdesk.c - the desk's proof export: the proof file of one message.
 *
 * A disclosed proof carries that message's content key, unwrapped with
 * the party's secret key: only hotlined holds it, so only the desk can
 * make one.  The door writes the bytes where the operator says. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "desk.h"
#include "error.h"
#include "proof.h"
#include "store.h"
#include "transcript.h"

/* b as base64 (the proof's body is bytes), in a JSON string. */
static json_t *base64(const struct hl_buf *b)
{
	size_t cap = sodium_base64_ENCODED_LEN(b->len, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(cap);
	json_t *j = NULL;

	if (s) {
		sodium_bin2base64(s, cap, b->data, b->len, sodium_base64_VARIANT_ORIGINAL);
		j = json_stringn(s, strlen(s));
		sodium_memzero(s, cap);
	}
	free(s);
	return j;
}

/* {"link", "seq", "received"?, "disclose"?} ->
 * {"link", "seq", "side": "sent"|"received", "disclosed", "proof": base64} */
json_t *hl_desk_proof_export(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	const char *name;
	bool received = false, disclose = false, has_seq = false;
	uint64_t seq = 0;
	struct hl_link l = {0};
	struct hl_buf out;
	json_t *res = NULL, *b64;
	int r;

	if (!hl_desk_args_only(q, e, "link", "seq", "received", "disclose", NULL) ||
	    !hl_desk_arg_need(q, "link", &name, e) ||
	    !hl_desk_arg_u64(q, "seq", &seq, &has_seq, e) ||
	    !hl_desk_arg_bool(q, "received", &received, e) ||
	    !hl_desk_arg_bool(q, "disclose", &disclose, e))
		return NULL;
	if (!has_seq || seq < 1 || seq > INT64_MAX)
		return hl_desk_fail(e, 400, "seq: want a number from 1");
	r = hl_store_link_get(d->st, name, &l);
	if (r < 0) {
		hl_link_free(&l);
		return hl_desk_fail_code(e, r, name);
	}
	hl_buf_init(&out, HL_PROOF_MAX);
	r = hl_transcript_proof(d->st, d->me, &l, received ? HL_THEIRS : HL_OURS, seq,
				disclose, &out);
	hl_link_free(&l);
	b64 = r == 0 ? base64(&out) : NULL;
	if (r == -HL_ENOTFOUND && received)
		hl_desk_fail(e, 404, "%s: no receipted message %llu in the received log", name,
			     (unsigned long long)seq);
	else if (r == -HL_ENOTFOUND)
		hl_desk_fail(e, 404, "%s: no receipted message %llu in the sent log", name,
			     (unsigned long long)seq);
	else if (r < 0)
		hl_desk_fail_code(e, r, name);
	else if (!b64)
		hl_desk_fail(e, 503, "out of memory");
	else
		res = json_pack("{s:s, s:I, s:s, s:b, s:o}", "link", name, "seq", (json_int_t)seq,
				"side", received ? "received" : "sent", "disclosed", disclose,
				"proof", b64);
	if (out.data)
		sodium_memzero(out.data, out.len);
	hl_buf_free(&out);
	return res;
}

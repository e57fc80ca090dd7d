/* groupout.c - what goes out to a group's members (groupout.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deskcase.h"
#include "error.h"
#include "groupout.h"
#include "text.h"
#include "writer.h"

/* Holds the message for each member whose link is suspended (8.14). */
static void hold_all(struct hl_desk *d, const struct hl_desk_req *q, struct hl_gmsg *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct hl_gout *o = &g->out[i];
		json_t *h;

		if (!o->to || !o->held)
			continue;
		h = hl_desk_hold(d, q, o->l, g->kind, g->prec, o->content, 0, &o->result);
		if (!h) {
			o->result = o->result < 0 ? o->result : -ENOMEM;
			continue;
		}
		snprintf(o->held_id, sizeof(o->held_id), "%s",
			 json_string_value(json_object_get(h, "held")));
		json_decref(h);
	}
}

/* The rows of what went to whom: the members sent to or held. */
static size_t rows(const struct hl_desk_req *q, const struct hl_gmsg *g,
		   struct hl_group_envelope *ge)
{
	size_t k = 0;

	for (size_t i = 0; i < g->n; i++) {
		const struct hl_gout *o = &g->out[i];
		const char *slash = strrchr(o->held_id, '/');
		uint64_t held = 0;

		if (!o->to || o->result < 0 || (!o->seq && (!slash || hl_parse_u64(slash + 1,
				strlen(slash + 1), INT64_MAX, &held) < 0)))
			continue;
		ge[k] = (struct hl_group_envelope){.group = g->group, .link = o->l->id,
			.seq = o->seq, .held = (int64_t)held, .time = q->now,
			.precedence = g->prec, .case_no = g->case_no};
		memcpy(ge[k].gid, g->gid, sizeof(ge[k].gid));
		snprintf(ge[k].kind, sizeof(ge[k].kind), "%s", g->kind);
		snprintf(ge[k].op, sizeof(ge[k].op), "%s", q->op->name);
		k++;
	}
	return k;
}

struct record {
	const struct hl_desk_req *q;
	struct hl_gmsg *g;
	const size_t *idx;		/* the member of each message sent */
	size_t rows;			/* how many were recorded */
};

/* In the writer's transaction, once the envelopes are appended. */
static int record_in(void *ctx, struct hl_store *st, const uint64_t *seqs, const int *results,
		     size_t n)
{
	struct record *rc = ctx;
	struct hl_group_envelope *ge = calloc(rc->g->n, sizeof(*ge));
	int r;

	if (!ge)
		return -ENOMEM;
	for (size_t j = 0; j < n; j++) {
		rc->g->out[rc->idx[j]].seq = seqs[j];
		rc->g->out[rc->idx[j]].result = results[j];
	}
	rc->rows = rows(rc->q, rc->g, ge);
	r = hl_store_group_envelopes_put_in(st, ge, rc->rows);
	free(ge);
	return r;
}

/* Seals each envelope for its member alone, in this request's thread,
 * and appends them all with the record in one transaction; 1 when the
 * record went with them, 0 when none could be appended. */
static int send_all(struct hl_desk *d, struct hl_gmsg *g, struct record *rc)
{
	const char **links = calloc(g->n, sizeof(*links));
	struct hl_send *msgs = calloc(g->n, sizeof(*msgs));
	uint64_t *seqs = calloc(g->n, sizeof(*seqs));
	int *results = calloc(g->n, sizeof(*results)), r = 0;
	size_t *idx = calloc(g->n, sizeof(*idx)), k = 0;

	if (!links || !msgs || !seqs || !results || !idx) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < g->n; i++) {
		struct hl_gout *o = &g->out[i];

		if (!o->to || o->held)
			continue;
		o->sealed = hl_envelope_seal_body(&d->me->card, &o->l->card, o->content->data,
						  o->content->len, &o->sb) == 0;
		msgs[k] = (struct hl_send){.precedence = g->prec, .kind = g->kind,
					   .plain = o->content->data, .plain_len = o->content->len,
					   .now = rc->q->now, .sealed = o->sealed ? &o->sb : NULL};
		links[k] = o->l->name;
		idx[k++] = i;
	}
	rc->idx = idx;
	if (k)
		r = hl_writer_send_then(d->writer, links, msgs, k, seqs, results, record_in, rc);
	for (size_t j = 0; j < k; j++) {
		g->out[idx[j]].seq = seqs[j];
		g->out[idx[j]].result = results[j];
	}
out:
	free(links);
	free(msgs);
	free(seqs);
	free(results);
	free(idx);
	return r;
}

int hl_desk_gmsg_deliver(struct hl_desk *d, const struct hl_desk_req *q, struct hl_gmsg *g)
{
	struct record rc = {q, g, NULL, 0};
	struct hl_group_envelope *ge;
	int r;

	hold_all(d, q, g);
	r = send_all(d, g, &rc);
	if (r == 0) {
		/* Nothing appended: the held ones' record alone. */
		ge = calloc(g->n, sizeof(*ge));
		if (!ge)
			return -ENOMEM;
		rc.rows = rows(q, g, ge);
		r = hl_store_group_envelopes_put(d->st, ge, rc.rows);
		free(ge);
	}
	if (r >= 0 && rc.rows == 0 && g->case_no)
		hl_desk_case_number_release(d, g->case_no);
	return r < 0 ? r : 0;
}

void hl_desk_gmsg_free(struct hl_gmsg *g)
{
	for (size_t i = 0; g->out && i < g->n; i++)
		if (g->out[i].sealed)
			hl_sealed_body_free(&g->out[i].sb);
	free(g->out);
	g->out = NULL;
}

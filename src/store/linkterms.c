/* linkterms.c - a link's terms messages from the index, folded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "linkterms.h"

/* One indexed terms message; a proposal whose terms cannot be read
 * from the index counts for nothing (its version stays 0). */
static int collect(void *ctx, const struct hl_item *it)
{
	struct hl_link_terms *f = ctx;
	struct hl_terms_item *t;
	json_t *fields;

	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		void *p = realloc(f->it, cap * sizeof(*f->it));

		if (!p)
			return -ENOMEM;
		f->it = p;
		f->cap = cap;
	}
	t = &f->it[f->n++];
	memset(t, 0, sizeof(*t));
	t->side = it->side;
	t->seq = it->seq;
	t->time = it->time;
	snprintf(t->type, sizeof(t->type), "%s", it->type);
	t->ref_side = it->ref_side;
	t->ref_seq = it->ref_seq;
	fields = it->fields ? json_loads(it->fields, 0, NULL) : NULL;
	if (strcmp(it->type, "terms") == 0 &&
	    hl_terms_from_json(json_object_get(fields, "terms"), &t->terms, NULL, 0) < 0)
		memset(&t->terms, 0, sizeof(t->terms));
	json_decref(fields);
	return 0;
}

int hl_store_link_terms(struct hl_store *st, const char *me, const struct hl_link *l,
			struct hl_link_terms *out)
{
	const char *names[2] = {me, l->name};
	int r;

	memset(out, 0, sizeof(*out));
	r = hl_store_terms_items(st, l->id, collect, out);
	if (r == 0)
		r = hl_terms_fold(out->it, out->n, names, &out->v, &out->nv);
	if (r < 0)
		hl_link_terms_free(out);
	return r;
}

const struct hl_terms_version *hl_link_terms_newest(const struct hl_link_terms *t)
{
	return t->nv ? &t->v[t->nv - 1] : NULL;
}

int64_t hl_link_terms_due(const struct hl_link_terms *t, const struct hl_config *conf,
			  const char *link, bool ack, enum hl_precedence p, int64_t sent)
{
	int64_t fallback = ack ? hl_config_ack_due(conf, link, p) :
				 hl_config_receipt_due(conf, link, p);

	return sent + hl_terms_due(t->v, t->nv, sent, ack, p, fallback);
}

void hl_link_terms_free(struct hl_link_terms *t)
{
	free(t->it);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* terms.c - the terms of a link: checking and JSON (terms.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "terms.h"

static const char *const prec_names[4] = {"flash", "immediate", "priority", "routine"};

static int why_not(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int why_not(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (why && cap) {
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return -HL_ETERMS;
}

static bool in_range(int64_t s)
{
	return s >= 1 && s <= HL_TERMS_SECONDS_MAX;
}

/* A deadline per precedence: each in range, none later than the one of
 * a lower precedence. */
static int check_ladder(const char *what, const int64_t d[4], char *why, size_t cap)
{
	for (int p = 0; p < 4; p++) {
		if (!in_range(d[p]))
			return why_not(why, cap, "%s.%s (%lld s) is not from 1 s to 366 days",
				       what, prec_names[p], (long long)d[p]);
		if (p && d[p - 1] > d[p])
			return why_not(why, cap, "%s.%s (%lld s) is later than %s.%s (%lld s)",
				       what, prec_names[p - 1], (long long)d[p - 1], what, prec_names[p],
				       (long long)d[p]);
	}
	return 0;
}

static int check_languages(const struct hl_terms *t, char *why, size_t cap)
{
	if (t->nlanguages == 0 || t->nlanguages > HL_TERMS_LANGS_MAX)
		return why_not(why, cap, "languages: give from 1 to %d language tags",
			       HL_TERMS_LANGS_MAX);
	for (unsigned i = 0; i < t->nlanguages; i++) {
		const char *l = t->languages[i];

		if (!memchr(l, 0, sizeof(t->languages[i])) || !hl_lang_valid(l, strlen(l)))
			return why_not(why, cap, "languages: %.*s is not a language tag",
				       HL_LANG_MAX, l);
		for (unsigned k = 0; k < i; k++)
			if (strcmp(t->languages[k], l) == 0)
				return why_not(why, cap, "languages: %s is given twice", l);
	}
	return 0;
}

int hl_terms_check(const struct hl_terms *t, char *why, size_t cap)
{
	int r;

	if (t->version == 0 || t->version > INT64_MAX)
		return why_not(why, cap, "version: not from 1 to 2^63 - 1");
	r = check_ladder("receipt", t->receipt, why, cap);
	if (r == 0)
		r = check_ladder("ack", t->ack, why, cap);
	for (int p = 0; r == 0 && p < 4; p++)
		if (t->receipt[p] > t->ack[p])
			return why_not(why, cap, "receipt.%s (%lld s) is later than ack.%s (%lld s): "
				       "a person cannot acknowledge what did not arrive",
				       prec_names[p], (long long)t->receipt[p], prec_names[p],
				       (long long)t->ack[p]);
	if (r == 0 && t->has_check) {
		if ((unsigned)t->check_precedence > HL_ROUTINE)
			return why_not(why, cap, "check.precedence: not a precedence");
		if (!in_range(t->check_every))
			return why_not(why, cap, "check.every (%lld s) is not from 1 s to 366 days",
				       (long long)t->check_every);
		if (t->check_every < t->ack[t->check_precedence])
			return why_not(why, cap, "check.every (%lld s) is sooner than ack.%s "
				       "(%lld s): a check would be due before the last was late",
				       (long long)t->check_every, prec_names[t->check_precedence],
				       (long long)t->ack[t->check_precedence]);
	}
	if (r == 0)
		r = check_languages(t, why, cap);
	if (r == 0 && !in_range(t->suspect))
		return why_not(why, cap, "suspect (%lld s) is not from 1 s to 366 days",
			       (long long)t->suspect);
	return r;
}

/* {"flash": N, "immediate": N, "priority": N, "routine": N}, exactly. */
static int ladder_from(json_t *o, int64_t d[4])
{
	json_int_t v[4];

	if (json_unpack(o, "{s:I, s:I, s:I, s:I!}", prec_names[0], &v[0], prec_names[1], &v[1],
			prec_names[2], &v[2], prec_names[3], &v[3]) < 0)
		return -HL_ECONTENT;
	for (int p = 0; p < 4; p++)
		d[p] = (int64_t)v[p];
	return 0;
}

static int check_from(json_t *o, struct hl_terms *t)
{
	const char *prec = NULL;
	json_int_t every = 0;

	if (json_unpack(o, "{s:I, s:s!}", "every", &every, "precedence", &prec) < 0 ||
	    hl_precedence_parse(prec, &t->check_precedence) < 0)
		return -HL_ECONTENT;
	t->has_check = true;
	t->check_every = (int64_t)every;
	return 0;
}

static int languages_from(json_t *a, struct hl_terms *t)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) > HL_TERMS_LANGS_MAX)
		return -HL_ECONTENT;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || json_string_length(v) > HL_LANG_MAX)
			return -HL_ECONTENT;
		memcpy(t->languages[i], json_string_value(v), json_string_length(v) + 1);
	}
	t->nlanguages = (unsigned)json_array_size(a);
	return 0;
}

int hl_terms_from_json(const void *json, struct hl_terms *t, char *why, size_t cap)
{
	json_t *ack = NULL, *receipt = NULL, *check = NULL, *langs = NULL;
	json_int_t version = 0, suspect = 0;
	int r;

	memset(t, 0, sizeof(*t));
	if (why && cap)
		why[0] = 0;
	if (json_unpack((json_t *)json, "{s:o, s?:o, s:o, s:o, s:I, s:I!}", "ack", &ack,
			"check", &check, "languages", &langs, "receipt", &receipt,
			"suspect", &suspect, "version", &version) < 0)
		return -HL_ECONTENT;
	r = ladder_from(ack, t->ack);
	if (r == 0)
		r = ladder_from(receipt, t->receipt);
	if (r == 0 && check)
		r = check_from(check, t);
	if (r == 0)
		r = languages_from(langs, t);
	if (r < 0)
		return r;
	t->version = version > 0 ? (uint64_t)version : 0;
	t->suspect = (int64_t)suspect;
	return hl_terms_check(t, why, cap);
}

static json_t *ladder_json(const int64_t d[4])
{
	return json_pack("{s:I, s:I, s:I, s:I}", prec_names[0], (json_int_t)d[0], prec_names[1],
			 (json_int_t)d[1], prec_names[2], (json_int_t)d[2], prec_names[3], (json_int_t)d[3]);
}

void *hl_terms_to_json(const struct hl_terms *t)
{
	json_t *j, *langs = json_array();
	int r = langs ? 0 : -1;

	for (unsigned i = 0; r == 0 && i < t->nlanguages && i < HL_TERMS_LANGS_MAX; i++)
		r = json_array_append_new(langs, json_string(t->languages[i]));
	j = r == 0 ? json_pack("{s:o, s:o, s:o, s:I, s:I}", "ack", ladder_json(t->ack),
			       "languages", langs, "receipt", ladder_json(t->receipt),
			       "suspect", (json_int_t)t->suspect, "version",
			       (json_int_t)t->version) : NULL;
	if (!j) {
		if (r < 0)
			json_decref(langs);
		return NULL;
	}
	if (t->has_check &&
	    json_object_set_new(j, "check", json_pack("{s:I, s:s}", "every",
						       (json_int_t)t->check_every, "precedence",
						       hl_precedence_name(t->check_precedence))) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* ---- the fold ---- */

struct fold {
	struct hl_terms_item *it;
	size_t n;
	size_t *by_log;			/* indexes of it, by (side, seq) */
	unsigned char *seen;		/* it[i] taken its place yet */
	int open[2];			/* each side's open proposal, or -1 */
	uint64_t version;		/* in force */
	int in_force[2];		/* each side's suspension, an index of out->s, or -1 */
	struct hl_fold *out;
	const char *const *names;	/* the parties', by side */
};

static int cmp_log(const void *a, const void *b, void *ctx)
{
	const struct fold *f = ctx;
	const struct hl_terms_item *x = &f->it[*(const size_t *)a];
	const struct hl_terms_item *y = &f->it[*(const size_t *)b];

	if (x->side != y->side)
		return x->side < y->side ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_place(const void *a, const void *b, void *ctx)
{
	const struct fold *f = ctx;
	const struct hl_terms_item *x = &f->it[*(const size_t *)a];
	const struct hl_terms_item *y = &f->it[*(const size_t *)b];
	int c;

	if (x->after != y->after)
		return x->after < y->after ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	c = strcmp(f->names[x->side ? 1 : 0], f->names[y->side ? 1 : 0]);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The item at (side, seq), or -1. */
static int find(const struct fold *f, int side, uint64_t seq)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct hl_terms_item *m = &f->it[f->by_log[mid]];

		if (m->side == side && m->seq == seq)
			return (int)f->by_log[mid];
		if (m->side < side || (m->side == side && m->seq < seq))
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* When each item takes its place: its header time, or later when the
 * message it names or its sender's previous item is later; at the time
 * of what it names, just after it (rank 1). */
static void places(struct fold *f)
{
	int64_t prev[2] = {INT64_MIN, INT64_MIN};
	int prev_rank[2] = {0, 0};

	for (size_t k = 0; k < f->n; k++) {
		struct hl_terms_item *e = &f->it[f->by_log[k]];
		int t = e->ref_side >= 0 ? find(f, e->ref_side, e->ref_seq) : -1;
		int s = e->side ? 1 : 0;

		e->after = e->time;
		e->rank = 0;
		if (t >= 0 && f->it[t].time >= e->after) {
			e->after = f->it[t].time;
			e->rank = 1;	/* after it, at the same time */
		}
		if (prev[s] > e->after) {
			e->after = prev[s];
			e->rank = prev_rank[s];
		} else if (prev[s] == e->after && prev_rank[s] > e->rank) {
			e->rank = prev_rank[s];
		}
		prev[s] = e->after;
		prev_rank[s] = e->rank;
	}
}

static int propose(struct fold *f, int i)
{
	struct hl_terms_item *e = &f->it[i];
	int s = e->side ? 1 : 0;

	if (e->terms.version <= f->version) {
		e->verdict = "proposes a version already in force";
		return 0;
	}
	if (e->terms.version > f->version + 1) {
		e->verdict = "skips a version";
		return 0;
	}
	if (f->open[s] >= 0) {
		f->it[f->open[s]].verdict = "replaced";
		f->it[f->open[s]].by_side = e->side;
		f->it[f->open[s]].by_seq = e->seq;
	}
	f->open[s] = i;
	e->verdict = "open";
	return 0;
}

/* Why an accept or decline e names no open proposal of the other
 * party; NULL when t is one. */
static const char *not_open(const struct fold *f, const struct hl_terms_item *e, int t)
{
	const struct hl_terms_item *p = t >= 0 ? &f->it[t] : NULL;

	if (!p || !f->seen[t] || strcmp(p->type, "terms") != 0)
		return "names no proposal";
	if (p->side == e->side)
		return "names a proposal of its own sender";
	if (strcmp(p->verdict, "open") == 0)
		return NULL;
	if (strcmp(p->verdict, "declined") == 0)
		return "the proposal was declined";
	if (strcmp(p->verdict, "replaced") == 0)
		return "the proposal was replaced";
	if (strcmp(p->verdict, "accepted") == 0)
		return "the proposal was already accepted";
	if (strcmp(p->verdict, "stale") == 0)
		return "the proposal is stale: another version came into force first";
	return "the proposal did not count";
}

static int answer(struct fold *f, int i, bool accept)
{
	struct hl_terms_item *e = &f->it[i];
	int t = e->ref_side >= 0 ? find(f, e->ref_side, e->ref_seq) : -1;
	const char *why = not_open(f, e, t);
	struct hl_terms_item *p;
	void *grown;

	e->verdict = why ? why : "counts";
	if (why)
		return 0;
	p = &f->it[t];
	p->by_side = e->side;
	p->by_seq = e->seq;
	f->open[p->side ? 1 : 0] = -1;
	if (!accept) {
		p->verdict = "declined";
		return 0;
	}
	p->verdict = "accepted";
	for (int s = 0; s < 2; s++)
		if (f->open[s] >= 0) {
			f->it[f->open[s]].verdict = "stale";
			f->it[f->open[s]].by_side = e->side;
			f->it[f->open[s]].by_seq = e->seq;
			f->open[s] = -1;
		}
	grown = realloc(f->out->v, (f->out->nv + 1) * sizeof(*f->out->v));
	if (!grown)
		return -ENOMEM;
	f->out->v = grown;
	f->out->v[f->out->nv++] = (struct hl_terms_version){
		.terms = p->terms, .since = e->after, .proposed_side = p->side,
		.proposed_seq = p->seq, .accepted_side = e->side, .accepted_seq = e->seq,
	};
	f->version = p->terms.version;
	return 0;
}

/* A suspend counts unless its sender's own suspension is in force. */
static int suspend(struct fold *f, int i)
{
	struct hl_terms_item *e = &f->it[i];
	int s = e->side ? 1 : 0;
	void *grown;

	if (f->in_force[s] >= 0) {
		e->verdict = "already suspended by its sender";
		return 0;
	}
	grown = realloc(f->out->s, (f->out->ns + 1) * sizeof(*f->out->s));
	if (!grown)
		return -ENOMEM;
	f->out->s = grown;
	f->out->s[f->out->ns] = (struct hl_suspension){.side = e->side, .seq = e->seq,
						       .since = e->after};
	f->in_force[s] = (int)f->out->ns++;
	e->verdict = "counts";
	return 0;
}

/* A resume counts when it names its sender's own suspension in force
 * and the two cards in force at its time: only who suspended resumes. */
static void resume(struct fold *f, int i)
{
	struct hl_terms_item *e = &f->it[i];
	int t = e->ref_side >= 0 ? find(f, e->ref_side, e->ref_seq) : -1;
	int s = e->side ? 1 : 0, k = f->in_force[s];
	struct hl_suspension *in = k >= 0 ? &f->out->s[k] : NULL;

	if (t >= 0 && f->seen[t] && strcmp(f->it[t].type, "suspend") == 0 &&
	    f->it[t].side != e->side)
		e->verdict = "names a suspension by the other party: only it can resume it";
	else if (!in || t < 0 || in->seq != f->it[t].seq || f->it[t].side != e->side)
		e->verdict = "names no suspension in force";
	else if (!e->cards_ok)
		e->verdict = "names a card that was not in force at its time";
	else {
		in->resumed = e->after;
		in->resume_seq = e->seq;
		f->in_force[s] = -1;
		e->verdict = "counts";
	}
}

static int take(struct fold *f, int i)
{
	const char *type = f->it[i].type;

	if (strcmp(type, "terms") == 0)
		return propose(f, i);
	if (strcmp(type, "terms-accept") == 0)
		return answer(f, i, true);
	if (strcmp(type, "terms-decline") == 0)
		return answer(f, i, false);
	if (strcmp(type, "suspend") == 0)
		return suspend(f, i);
	if (strcmp(type, "resume") == 0)
		resume(f, i);
	return 0;
}

int hl_terms_fold(struct hl_terms_item *items, size_t n, const char *const names[2],
		  struct hl_fold *out)
{
	struct fold f = {.it = items, .n = n, .open = {-1, -1}, .in_force = {-1, -1},
			 .out = out, .names = names};
	size_t *order = calloc(n + 1, sizeof(*order));
	int r = 0;

	memset(out, 0, sizeof(*out));
	f.by_log = calloc(n + 1, sizeof(*f.by_log));
	f.seen = calloc(n + 1, 1);
	if (!order || !f.by_log || !f.seen) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		order[i] = f.by_log[i] = i;
		items[i].verdict = "not a control message";
		items[i].by_side = -1;
		items[i].by_seq = 0;
	}
	qsort_r(f.by_log, n, sizeof(*f.by_log), cmp_log, &f);
	places(&f);
	qsort_r(order, n, sizeof(*order), cmp_place, &f);
	for (size_t k = 0; r == 0 && k < n; k++) {
		r = take(&f, (int)order[k]);
		f.seen[order[k]] = 1;
	}
out:
	if (r < 0) {
		free(out->v);
		free(out->s);
		memset(out, 0, sizeof(*out));
	}
	free(order);
	free(f.by_log);
	free(f.seen);
	return r;
}

const struct hl_suspension *hl_suspended_by(const struct hl_fold *f, int side, int64_t t)
{
	for (size_t i = f->ns; i-- > 0;) {
		const struct hl_suspension *s = &f->s[i];

		if (s->side == side && s->since <= t && (!s->resumed || s->resumed > t))
			return s;
	}
	return NULL;
}

const struct hl_terms_version *hl_terms_at(const struct hl_terms_version *v, size_t n,
					   int64_t t)
{
	const struct hl_terms_version *at = NULL;

	for (size_t i = 0; i < n && v[i].since <= t; i++)
		at = &v[i];
	return at;
}

int64_t hl_terms_due(const struct hl_terms_version *v, size_t n, int64_t t, bool ack,
		     enum hl_precedence p, int64_t fallback)
{
	const struct hl_terms_version *at = hl_terms_at(v, n, t);

	if (!at || (unsigned)p > HL_ROUTINE)
		return fallback;
	return ack ? at->terms.ack[p] : at->terms.receipt[p];
}

bool hl_terms_checks(const struct hl_terms_version *v, size_t n, int64_t t, int64_t *every,
		     enum hl_precedence *p)
{
	const struct hl_terms_version *at = hl_terms_at(v, n, t);

	if (!at)
		return false;
	*every = at->terms.has_check ? at->terms.check_every : 0;
	*p = at->terms.check_precedence;
	return true;
}

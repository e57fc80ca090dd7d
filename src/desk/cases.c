/* cases.c - naming messages and cases, opening them, sending about them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "keyring.h"
#include "deskcase.h"
#include "deskpriv.h"
#include "error.h"
#include "index.h"
#include "stix.h"
#include "text.h"
#include "vocab.h"
#include "writer.h"

bool hl_desk_link(struct hl_desk *d, const char *name, struct hl_link *l, struct hl_desk_err *e)
{
	int r = hl_store_link_get(d->st, name, l);

	if (r == -HL_ENOLINK || r == -HL_ENOTFOUND)
		hl_desk_fail(e, 404, "%s: no such link ('hotline link list' shows them)", name);
	else if (r < 0)
		hl_desk_fail(e, 503, "%s: the store failed: %s", name, hl_store_errmsg(d->st));
	return r == 0;
}

static int index_link(void *ctx, const struct hl_link *l)
{
	struct hl_desk *d = ctx;
	uint64_t added = 0;

	return hl_index_update(d->st, d->me, l, &added);
}

bool hl_desk_index(struct hl_desk *d, struct hl_desk_err *e)
{
	int r = hl_store_link_each(d->st, index_link, d);

	if (r < 0)
		hl_desk_fail(e, 503, "indexing new messages: %s", r == -HL_ESTORE ?
			     hl_store_errmsg(d->st) : hl_strerror(r));
	return r == 0;
}

struct find {
	struct hl_desk *d;
	const char *name, *only;
	uint64_t number, seq;
	char link[HL_NAME_MAX + 1];	/* where it was found */
	unsigned found;
};

/* A case opened by us may be on any link; one the peer opened is on the
 * link whose card bears the opener's name. */
static int find_on(void *ctx, const struct hl_link *l)
{
	struct find *f = ctx;
	bool ours = strcmp(f->name, f->d->me->card.name) == 0;
	uint64_t seq = 0;
	int r;

	if (f->only && strcmp(f->only, l->name) != 0)
		return 0;
	if (!ours && strcmp(f->name, l->card.name) != 0)
		return 0;
	r = hl_store_case_find(f->d->st, l->id, ours ? HL_OURS : HL_THEIRS, f->number, &seq);
	if (r == -HL_ENOTFOUND)
		return 0;
	if (r < 0)
		return r;
	if (!f->found++) {
		snprintf(f->link, sizeof(f->link), "%s", l->name);
		f->seq = seq;
	}
	return 0;
}

/* The case NAME#N: the one notify of this party's links that opened it. */
static int find_case(struct hl_desk *d, const char *id, const char *only_link,
		     struct hl_link *l, struct hl_case *c, struct hl_desk_err *e)
{
	char name[HL_NAME_MAX + 1];
	struct find f = {d, name, only_link, 0, 0, "", 0};
	int r;

	if (!hl_case_id_parse(id, name, &f.number)) {
		hl_desk_fail(e, 400, "%s: not a case (NAME#N) or a message (LINK/N, LINK/out/N)", id);
		return -HL_ESYNTAX;
	}
	r = hl_store_link_each(d->st, find_on, &f);
	if (r == 0 && f.found > 1) {
		hl_desk_fail(e, 400, "%s: this party opened a case of that number on %u links: "
			     "name one with --link", id, f.found);
		return -HL_ESYNTAX;
	}
	if (r == 0 && !f.found)
		r = -HL_ENOTFOUND;
	if (r == 0)
		r = hl_store_link_get(d->st, f.link, l);
	if (r == 0)
		r = hl_case_load(d->st, d->me->card.name, l,
				 strcmp(name, d->me->card.name) == 0 ? HL_OURS : HL_THEIRS,
				 f.seq, c);
	return r;
}

bool hl_desk_case_open(struct hl_desk *d, const char *id, const char *only_link,
		       struct hl_link *l, struct hl_case *c, struct hl_desk_err *e)
{
	char name[HL_NAME_MAX + 1];
	int side = HL_THEIRS, r;
	uint64_t seq;

	memset(c, 0, sizeof(*c));
	memset(l, 0, sizeof(*l));
	if (strchr(id, '/')) {
		/* A message id: the case its notify opens. */
		if (!hl_msgid_parse(id, name, &side, &seq)) {
			hl_desk_fail(e, 400, "%s: not a case (NAME#N) or a message "
				     "(LINK/N, LINK/out/N)", id);
			return false;
		}
		r = hl_store_link_get(d->st, name, l);
		if (r == 0)
			r = hl_case_load(d->st, d->me->card.name, l, side, seq, c);
	} else {
		r = find_case(d, id, only_link, l, c, e);
		if (r == -HL_ESYNTAX)
			return false;
	}
	if (r == -HL_ENOTFOUND || r == -HL_ENOLINK)
		hl_desk_fail(e, 404, "%s: no such case ('hotline case list' lists them)", id);
	else if (r < 0)
		hl_desk_fail_code(e, r, id);
	if (r < 0)
		hl_link_free(l);
	return r == 0;
}

int hl_desk_ref(struct hl_desk *d, const struct hl_link *l, int side, uint64_t seq,
		struct hl_ref *ref)
{
	struct hl_buf raw;
	int r;

	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	r = hl_store_envelope_get(d->st, l->id, side, seq, &raw, ref->leaf);
	hl_buf_free(&raw);
	if (r < 0)
		return r;
	snprintf(ref->from, sizeof(ref->from), "%s",
		 side == HL_OURS ? d->me->card.name : l->card.name);
	ref->seq = seq;
	return 0;
}

int hl_desk_open_content(struct hl_desk *d, const struct hl_link *l, int side,
			 uint64_t seq, struct hl_buf *plain, struct hl_content *c)
{
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	const struct hl_party *p = d->me;
	struct hl_envelope env;
	struct hl_buf raw;
	int r = key ? 0 : -ENOMEM;

	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	plain->len = 0;
	if (r == 0)
		r = hl_store_envelope_get(d->st, l->id, side, seq, &raw, NULL);
	if (r == 0)
		r = hl_envelope_parse(raw.data, raw.len, &env);
	if (r == 0)
		r = hl_party_unwrap(p, &env, key);
	if (r == 0)
		r = hl_envelope_decrypt(&env, key, plain);
	if (r == 0)
		r = hl_content_parse(plain->data, plain->len, c);
	sodium_free(key);
	hl_buf_free(&raw);
	return r;
}

bool hl_desk_fields_valid(const char *category, const char *tlp, const char *severity,
			  struct hl_desk_err *e)
{
	if (category && !hl_vocab_find(HL_VOCAB_CATEGORY, category))
		hl_desk_fail(e, 400, "%s: not a category of the Reference Security Incident "
			     "Taxonomy ('hotline send --category list' prints them)", category);
	else if (tlp && !hl_vocab_find(HL_VOCAB_TLP, tlp))
		hl_desk_fail(e, 400, "%s: not a TLP 2.0 label (TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
			     "TLP:AMBER+STRICT, TLP:RED)", tlp);
	else if (severity && !hl_vocab_find(HL_VOCAB_SEVERITY, severity))
		hl_desk_fail(e, 400, "%s: severity low, medium, high or critical", severity);
	else
		return true;
	return false;
}

bool hl_desk_stix_valid(const json_t *bundle, struct hl_desk_err *e)
{
	struct hl_stix_error bad = {{0}, {0}};

	if (hl_stix_check((json_t *)bundle, &bad) == 0)
		return true;
	if (bad.id[0])
		hl_desk_fail(e, 400, "stix: not a valid STIX 2.1 bundle: %s: %s", bad.id,
			     bad.reason);
	else
		hl_desk_fail(e, 400, "stix: not a valid STIX 2.1 bundle: %s", bad.reason);
	return false;
}

void hl_desk_case_number_release(struct hl_desk *d, uint64_t n)
{
	pthread_mutex_lock(&d->shared->lock);
	if (d->shared->case_next == n + 1)
		d->shared->case_next = n;
	pthread_mutex_unlock(&d->shared->lock);
}

/* Writes c's content and hands it to the writer for our log on l. */
static int seal(struct hl_desk *d, const struct hl_link *l, const struct hl_content *c,
		struct hl_send *msg, uint64_t *seq)
{
	struct hl_buf content;
	int r;

	hl_buf_init(&content, 2 * HL_PLAIN_MAX);
	r = hl_content_write(c, &content);
	if (r == 0) {
		msg->plain = content.data;
		msg->plain_len = content.len;
		r = hl_writer_send(d->writer, l->name, msg, seq);
	}
	if (content.data)
		sodium_memzero(content.data, content.cap);
	hl_buf_free(&content);
	return r;
}

int hl_desk_case_number(struct hl_desk *d, uint64_t *n)
{
	struct hl_desk_shared *s = d->shared;
	uint64_t db = 0;
	int r = hl_store_case_number_next(d->st, &db);

	pthread_mutex_lock(&s->lock);
	if (r == 0) {
		*n = db > s->case_next ? db : s->case_next;
		s->case_next = *n + 1;
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

bool hl_desk_post(struct hl_desk *d, const struct hl_desk_req *q, enum hl_right right,
		  const struct hl_link *l, struct hl_content *c, enum hl_precedence prec,
		  uint64_t *seq, struct hl_desk_err *e)
{
	struct hl_send msg = {.precedence = prec, .kind = c->type, .now = q->now};
	int r, tries = 0;

	hl_desk_sign_as(q, right, c);
	do {
		r = 0;
		if (!strcmp(c->type, "notify")) {
			c->has_number = true;
			r = hl_desk_case_number(d, &c->number);
			msg.case_no = c->number;
		}
		if (r == 0)
			r = seal(d, l, c, &msg, seq);
	} while (r == -EAGAIN && ++tries < 16);
	if (r == -HL_EUTF8)
		hl_desk_fail(e, 400, "the message is not UTF-8 text");
	else if (r < 0)
		hl_desk_fail_code(e, r, l->name);
	if (r == 0 && (c->text.len || c->has_summary))
		hl_desk_lang_note(d, l, q->now, c->text.lang,
				  c->has_summary ? c->summary.lang : NULL);
	return r == 0;
}

/* cases.c - naming cases and messages, and sending about them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cases.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "stix.h"
#include "text.h"
#include "transcript.h"

struct find {
	struct hl_store *st;
	const struct hl_party *p;
	const char *name, *only;
	uint64_t number, seq;
	char link[HL_NAME_MAX + 1];	/* where it was found */
	unsigned found;
};

/* A case opened by us may be on any link; one the peer opened is on the
 * link whose card bears the opener's name.  Each log numbers its cases
 * (the first notify of a number opens it, index.c). */
static int find_on(void *ctx, const struct hl_link *l)
{
	struct find *f = ctx;
	bool ours = strcmp(f->name, f->p->card.name) == 0;
	uint64_t seq = 0;
	int r;

	if (f->only && strcmp(f->only, l->name) != 0)
		return 0;
	if (!ours && strcmp(f->name, l->card.name) != 0)
		return 0;
	r = hl_store_case_find(f->st, l->id, ours ? HL_OURS : HL_THEIRS, f->number, &seq);
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
static int find_case(struct hl_store *st, const struct hl_party *p, const char *id,
		     const char *only_link, struct hl_link *l, struct hl_case *c)
{
	char name[HL_NAME_MAX + 1];
	struct find f = {st, p, name, only_link, 0, 0, "", 0};
	int r;

	if (!hl_case_id_parse(id, name, &f.number)) {
		cli_err(_("%s: not a case (NAME#N) or a message (LINK/N, LINK/out/N)"), id);
		return -HL_ESYNTAX;
	}
	r = hl_store_link_each(st, find_on, &f);
	if (r == 0 && f.found > 1) {
		/* Only cases numbered before numbers were party-wide: the
		 * notify's seq on each link. */
		cli_err(_("%s: this party opened a case of that number on %u links: "
			  "name one with --link"), id, f.found);
		return -HL_ESYNTAX;
	}
	if (r == 0 && !f.found)
		r = -HL_ENOTFOUND;
	if (r == 0)
		r = hl_store_link_get(st, f.link, l);
	if (r == 0)
		r = hl_case_load(st, p->card.name, l,
				 strcmp(name, p->card.name) == 0 ? HL_OURS : HL_THEIRS, f.seq, c);
	return r;
}

int cli_case_open(struct hl_store *st, const struct hl_party *p, const char *id,
		  const char *only_link, struct hl_link *l, struct hl_case *c)
{
	char name[HL_NAME_MAX + 1];
	int side = HL_THEIRS, r;
	uint64_t seq;

	memset(c, 0, sizeof(*c));
	if (strchr(id, '/')) {
		/* A message id: the case its notify opens. */
		if (!cli_parse_id(id, name, sizeof(name), &side, &seq)) {
			cli_err(_("%s: not a case (NAME#N) or a message (LINK/N, LINK/out/N)"), id);
			return -HL_ESYNTAX;
		}
		if (cli_link(st, name, l) < 0)
			return -HL_ENOLINK;
		r = hl_case_load(st, p->card.name, l, side, seq, c);
	} else {
		r = find_case(st, p, id, only_link, l, c);
		if (r == -HL_ESYNTAX)
			return r;
	}
	if (r == -HL_ENOTFOUND || r == -HL_ENOLINK)
		cli_err(_("%s: no such case ('hotline case list' lists them)"), id);
	else if (r < 0)
		cli_store_err(st, id, r);
	if (r < 0)
		hl_link_free(l);
	return r;
}

int cli_ref(struct hl_store *st, const struct hl_party *p, const struct hl_link *l,
	    int side, uint64_t seq, struct hl_ref *ref)
{
	struct hl_buf raw;
	int r;

	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	r = hl_store_envelope_get(st, l->id, side, seq, &raw, ref->leaf);
	hl_buf_free(&raw);
	if (r < 0)
		return r;
	snprintf(ref->from, sizeof(ref->from), "%s",
		 side == HL_OURS ? p->card.name : l->card.name);
	ref->seq = seq;
	return 0;
}

int cli_text(const char *arg, const char *lang, struct hl_buf *buf, struct hl_text *t)
{
	buf->len = 0;
	if (arg && strcmp(arg, "-") == 0) {
		if (cli_read(NULL, HL_PLAIN_MAX, buf) < 0)
			return -HL_ETOOBIG;
	} else if (arg && hl_buf_append(buf, arg, strlen(arg)) < 0) {
		cli_err(_("message too long"));
		return -HL_ETOOBIG;
	}
	if (lang && !hl_lang_valid(lang, strlen(lang))) {
		cli_err(_("%s: not a BCP 47 language tag (such as ar, en, zh-Hans, es-419)"),
			lang);
		return -HL_ELANG;
	}
	if (lang)
		snprintf(t->lang, sizeof(t->lang), "%s", lang);
	else
		cli_locale_lang(t->lang);
	t->text = buf->len ? (const char *)buf->data : "";
	t->len = buf->len;
	return 0;
}

/* Writes c's content and appends it to our log on l. */
static int seal(struct hl_store *st, const struct hl_party *p, const struct hl_link *l,
		const struct hl_content *c, struct hl_send *msg, uint64_t *seq)
{
	struct hl_buf content;
	int r;

	hl_buf_init(&content, 2 * HL_PLAIN_MAX);
	r = hl_content_write(c, &content);
	if (r == -HL_EUTF8)
		cli_err(_("the message is not UTF-8 text"));
	else if (r < 0)
		cli_err(_("cannot compose the message: %s"), cli_strerror(r));
	if (r == 0) {
		msg->plain = content.data;
		msg->plain_len = content.len;
		r = hl_transcript_send(st, p, l, msg, seq);
		if (r < 0 && r != -EAGAIN)
			cli_store_err(st, l->name, r);
	}
	if (content.data)
		sodium_memzero(content.data, content.cap);
	hl_buf_free(&content);
	return r;
}

int cli_post(struct hl_store *st, const struct hl_party *p, const struct hl_link *l,
	     struct hl_content *c, enum hl_precedence prec, uint64_t *seq)
{
	struct hl_send msg = {.precedence = prec, .kind = c->type, .now = cli_now()};
	struct hl_buf reply;
	int r, tries = 0;

	do {
		/* A notify numbers its case above every number this party
		 * gave; if hotlined took that one meanwhile, the next. */
		r = 0;
		if (!strcmp(c->type, "notify")) {
			c->has_number = true;
			r = hl_store_case_number_next(st, &c->number);
			if (r < 0)
				cli_store_err(st, l->name, r);
			msg.case_no = c->number;
		}
		if (r == 0)
			r = seal(st, p, l, c, &msg, seq);
	} while (r == -EAGAIN && ++tries < 16);
	if (r == -EAGAIN)
		cli_store_err(st, l->name, r);
	if (r < 0)
		return r;
	printf(_("sent to %s as %s/out/%llu (%s, %s): stored, awaiting the peer's receipt\n"),
	       l->name, l->name, (unsigned long long)*seq,
	       cli_field(HL_VOCAB_PRECEDENCE, hl_precedence_name(prec)),
	       cli_field(HL_VOCAB_KIND, c->type));
	hl_buf_init(&reply, 4096);
	if (cli_api(p, "POST", "/v1/wake", &reply) < 0)
		fprintf(stderr, _("hotline: hotlined is not running: the message waits in "
				  "the outbox until it starts (or use 'hotline batch')\n"));
	hl_buf_free(&reply);
	return 0;
}

int cli_open_content(struct hl_store *st, const struct hl_party *p,
		     const struct hl_link *l, int side, uint64_t seq,
		     struct hl_buf *plain, struct hl_content *c)
{
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	struct hl_envelope env;
	struct hl_buf raw;
	int r = key ? 0 : -ENOMEM;

	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	plain->len = 0;
	if (r == 0)
		r = hl_store_envelope_get(st, l->id, side, seq, &raw, NULL);
	if (r == 0)
		r = hl_envelope_parse(raw.data, raw.len, &env);
	if (r == 0)
		r = hl_envelope_unwrap(&env, p->card.name, p->card.box_pk, p->box_sk, key);
	if (r == 0)
		r = hl_envelope_decrypt(&env, key, plain);
	if (r == 0)
		r = hl_content_parse(plain->data, plain->len, c);
	sodium_free(key);
	hl_buf_free(&raw);
	return r;
}

bool cli_fields_valid(const char *category, const char *tlp, const char *severity)
{
	if (category && !hl_vocab_find(HL_VOCAB_CATEGORY, category)) {
		cli_err(_("%s: not a category of the Reference Security Incident Taxonomy "
			  "('hotline send --category list' prints them)"), category);
		return false;
	}
	if (tlp && !hl_vocab_find(HL_VOCAB_TLP, tlp)) {
		cli_err(_("%s: not a TLP 2.0 label (TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
			  "TLP:AMBER+STRICT, TLP:RED)"), tlp);
		return false;
	}
	if (severity && !hl_vocab_find(HL_VOCAB_SEVERITY, severity)) {
		cli_err(_("%s: severity low, medium, high or critical"), severity);
		return false;
	}
	return true;
}

int cli_stix_file(const char *path, json_t **out)
{
	struct hl_stix_error err = {{0}, {0}};
	struct hl_buf b;
	json_error_t je;
	json_t *j;

	hl_buf_init(&b, HL_PLAIN_MAX);
	if (cli_read(path, HL_PLAIN_MAX, &b) < 0) {
		hl_buf_free(&b);
		return -HL_ETOOBIG;
	}
	j = json_loadb((const char *)b.data, b.len, JSON_REJECT_DUPLICATES, &je);
	hl_buf_free(&b);
	if (!j) {
		cli_err(_("%s: not JSON: %s (line %d)"), path, je.text, je.line);
		return -HL_ESTIX;
	}
	if (hl_stix_check(j, &err) < 0) {
		if (err.id[0])
			cli_err(_("%s: not a valid STIX 2.1 bundle: %s: %s"), path, err.id,
				err.reason);
		else
			cli_err(_("%s: not a valid STIX 2.1 bundle: %s"), path, err.reason);
		json_decref(j);
		return -HL_ESTIX;
	}
	*out = j;
	return 0;
}

/* cases.c - naming cases and opening their messages; what the commands
 * that act through the desk share. */
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

int cli_text_arg(json_t *args, const char *key, const char *arg)
{
	struct hl_buf b;
	json_t *v = NULL;
	int r = 0;

	hl_buf_init(&b, HL_PLAIN_MAX);
	if (arg && strcmp(arg, "-") == 0)
		r = cli_read(NULL, HL_PLAIN_MAX, &b);
	else if (arg && hl_buf_append(&b, arg, strlen(arg)) < 0) {
		cli_err(_("message too long"));
		r = -HL_ETOOBIG;
	}
	if (r == 0) {
		v = json_stringn(b.len ? (const char *)b.data : "", b.len);
		if (!v)
			cli_err(_("the message is not UTF-8 text"));
	}
	if (b.data)
		sodium_memzero(b.data, b.cap);
	hl_buf_free(&b);
	if (r == 0 && !v)
		r = -HL_EUTF8;
	if (r == 0)
		json_object_set_new(args, key, v);
	return r;
}

void cli_lang_arg(json_t *args, const char *key, const char *lang)
{
	char tag[HL_LANG_MAX + 1];

	if (!lang)
		cli_locale_lang(tag);
	json_object_set_new(args, key, json_string(lang ? lang : tag));
}

int cli_stix_arg(json_t *args, const char *path)
{
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
	json_object_set_new(args, "stix", j);
	return 0;
}

int cli_act(const struct hl_party *p, const char *path, json_t *args, json_t **reply)
{
	int r = cli_call(p, "POST", path, args, reply);

	if (r == 0)
		return CLI_OK;
	/* A request the desk finds malformed (400) is a usage error, as it
	 * was when the CLI checked it; a refusal of what it names (404, 409,
	 * 422, 403), a failure. */
	return r == 400 ? CLI_USAGE : CLI_FAIL;
}

void cli_print_sent(const json_t *reply)
{
	const char *link = json_string_value(json_object_get(reply, "link"));
	const char *prec = json_string_value(json_object_get(reply, "precedence"));
	const char *kind = json_string_value(json_object_get(reply, "kind"));
	json_int_t seq = json_integer_value(json_object_get(reply, "seq"));

	if (!link || !prec || !kind)
		return;
	printf(_("sent to %s as %s/out/%llu (%s, %s): stored, awaiting the peer's receipt\n"),
	       link, link, (unsigned long long)seq, cli_field(HL_VOCAB_PRECEDENCE, prec),
	       cli_field(HL_VOCAB_KIND, kind));
}

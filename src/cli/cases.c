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
	const char *note = r == 0 ? json_string_value(json_object_get(*reply, "note")) : NULL;

	/* The desk's hint (the working languages of the link's terms):
	 * the action is done, so on standard error, beside its answer. */
	if (note)
		fprintf(stderr, "note: %s\n", note);
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

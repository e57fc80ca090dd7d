/* cmd_rekey.c - a new key by voice after a loss (docs/protocol.md 9.15):
 * hotline card rekey, our own new keys, and hotline link rekey, the
 * peer's new card kept until its fingerprint is confirmed by voice. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "cli.h"
#include "i18n.h"

static const char card_synopsis[] = "card rekey [--lang TAG] [--json] TEXT";
static const char link_synopsis[] = "link rekey NAME --card FILE [--json]";

struct args {
	const char *lang, *card;
	bool json;
};

static int options(int argc, char **argv, struct args *a, const char *cmd,
		   const char *synopsis)
{
	static const struct option opts[] = {
		{"lang", required_argument, NULL, 'L'},
		{"card", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	optind = 0;	/* GNU: start again, after the caller's options */
	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'L': a->lang = optarg; break;
		case 'c': a->card = optarg; break;
		case 'j': a->json = true; break;
		case 'H': cli_home = optarg; break;
		default: return cli_usage(cmd, synopsis);
		}
	}
	return argc - optind == 1 ? CLI_OK : cli_usage(cmd, synopsis);
}

/* Calls hotlined and prints its answer as JSON or with report(). */
static int call(const char *path, json_t *args, bool json, void (*report)(json_t *res))
{
	struct hl_party *p = cli_party(HL_PARTY_PUBLIC);
	json_t *res = NULL;
	int r;

	if (!p || !args) {
		hl_party_free(p);
		return CLI_FAIL;
	}
	r = cli_call(p, "POST", path, args, &res) == 0 ? CLI_OK : CLI_FAIL;
	if (r == CLI_OK && json)
		r = cli_json_print(json_incref(res)) < 0 ? CLI_FAIL : CLI_OK;
	else if (r == CLI_OK)
		report(res);
	json_decref(res);
	hl_party_free(p);
	return r;
}

static void card_report(json_t *res)
{
	const char *fp = json_string_value(json_object_get(res, "fingerprint"));
	json_t *v;
	size_t i;

	printf(_("new card in force, fingerprint %s\n"
		 "read it by voice to each peer below: its supervisor runs 'hotline link "
		 "rekey' with this card and 'hotline link confirm' with these digits\n"),
	       fp ? fp : "?");
	json_array_foreach(json_object_get(res, "links"), i, v)
		printf(_("  %s: sent as %s (our key era %lld)\n"),
		       json_string_value(json_object_get(v, "link")),
		       json_string_value(json_object_get(v, "id")),
		       (long long)json_integer_value(json_object_get(v, "era")));
	if (json_string_value(json_object_get(res, "note")))
		fprintf(stderr, "hotline: %s\n", json_string_value(json_object_get(res, "note")));
}

int card_rekey_main(int argc, char **argv)
{
	struct args a = {0};
	json_t *args;
	int r = options(argc, argv, &a, "card", card_synopsis);

	if (r != CLI_OK)
		return r;
	if (a.card)
		return cli_usage("card", card_synopsis);
	args = json_object();
	if (args && cli_text_arg(args, "text", argv[optind]) < 0) {
		json_decref(args);
		return CLI_FAIL;
	}
	if (args)
		cli_lang_arg(args, "lang", a.lang);
	r = call("/v1/card/rekey", args, a.json, card_report);
	json_decref(args);
	return r;
}

static void link_report(json_t *res)
{
	const char *name = json_string_value(json_object_get(res, "name"));
	const char *fp = json_string_value(json_object_get(json_object_get(res, "pending_card"),
							   "fingerprint"));

	printf(_("New card of %s kept, fingerprint %s\n"
		 "Read it with %s by voice, then run: hotline link confirm %s\n"),
	       name ? name : "?", fp ? fp : "?", name ? name : "?", name ? name : "?");
}

int link_rekey_main(int argc, char **argv)
{
	struct args a = {0};
	struct hl_buf text;
	json_t *args;
	int r = options(argc, argv, &a, "link", link_synopsis);

	if (r != CLI_OK)
		return r;
	if (!a.card || a.lang)
		return cli_usage("link", link_synopsis);
	if (cli_read(a.card, HL_CARD_MAX, &text) < 0)
		return CLI_FAIL;
	args = json_pack("{s:s, s:s%}", "name", argv[optind],
			 "card", text.data ? (const char *)text.data : "", text.len);
	hl_buf_free(&text);
	r = call("/v1/link/rekey", args, a.json, link_report);
	json_decref(args);
	return r;
}

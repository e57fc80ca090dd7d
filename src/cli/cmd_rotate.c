/* cmd_rotate.c - hotline card rotate: a change of this party's own keys,
 * made by hotlined (it alone holds them) on every live link at once. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "cli.h"
#include "i18n.h"

static const char synopsis[] =
	"card rotate [--sign] [--box] [--tls] [--endpoint URL] [--revoke USES] [--lang TAG] "
	"[--json] TEXT | card tls-switch";

struct args {
	bool sign, box, tls, json;
	const char *endpoint, *revoke, *lang;
};

static int options(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"sign", no_argument, NULL, 's'},
		{"box", no_argument, NULL, 'b'},
		{"tls", no_argument, NULL, 't'},
		{"endpoint", required_argument, NULL, 'e'},
		{"revoke", required_argument, NULL, 'r'},
		{"lang", required_argument, NULL, 'L'},
		{"json", no_argument, NULL, 'j'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	optind = 1;
	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 's': a->sign = true; break;
		case 'b': a->box = true; break;
		case 't': a->tls = true; break;
		case 'e': a->endpoint = optarg; break;
		case 'r': a->revoke = optarg; break;
		case 'L': a->lang = optarg; break;
		case 'j': a->json = true; break;
		case 'H': cli_home = optarg; break;
		default: return cli_usage("card", synopsis);
		}
	}
	return argc - optind == 1 ? CLI_OK : cli_usage("card", synopsis);
}

static json_t *request(const struct args *a, const char *text)
{
	json_t *j = json_object();

	if (j && a->sign)
		json_object_set_new(j, "sign", json_true());
	if (j && a->box)
		json_object_set_new(j, "box", json_true());
	if (j && a->tls)
		json_object_set_new(j, "tls", json_true());
	if (j && a->endpoint)
		json_object_set_new(j, "endpoint", json_string(a->endpoint));
	if (j && a->revoke)
		json_object_set_new(j, "revoke", json_string(a->revoke));
	if (j && cli_text_arg(j, "text", text) < 0) {
		json_decref(j);
		return NULL;
	}
	if (j)
		cli_lang_arg(j, "lang", a->lang);
	return j;
}

static void report(json_t *res)
{
	json_t *v;
	size_t i;

	printf(_("new card in force, fingerprint %s\n"),
	       json_string_value(json_object_get(res, "fingerprint")));
	json_array_foreach(json_object_get(res, "links"), i, v)
		printf(_("  %s: sent as %s (our key era %lld)\n"),
		       json_string_value(json_object_get(v, "link")),
		       json_string_value(json_object_get(v, "id")),
		       (long long)json_integer_value(json_object_get(v, "era")));
	if (json_is_string(json_object_get(res, "tls_switch")))
		printf(_("the new TLS key goes into use once every peer has receipted the new "
			 "card ('hotline card tls-switch' at once)\n"));
	if (json_string_value(json_object_get(res, "note")))
		fprintf(stderr, "hotline: %s\n", json_string_value(json_object_get(res, "note")));
}

int card_rotate_main(int argc, char **argv)
{
	struct args a = {0};
	struct hl_party *p;
	json_t *args, *res = NULL;
	int r = options(argc, argv, &a);

	if (r != CLI_OK)
		return r;
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	args = request(&a, argv[optind]);
	r = args && cli_call(p, "POST", "/v1/card/rotate", args, &res) == 0 ? CLI_OK : CLI_FAIL;
	if (r == CLI_OK && a.json)
		r = cli_json_print(json_incref(res)) < 0 ? CLI_FAIL : CLI_OK;
	else if (r == CLI_OK)
		report(res);
	json_decref(res);
	json_decref(args);
	hl_party_free(p);
	return r;
}

int card_tls_switch_main(int argc, char **argv)
{
	struct hl_party *p;
	json_t *res = NULL;
	int r;

	if (argc != 1 || strcmp(argv[0], "tls-switch") != 0)
		return cli_usage("card", synopsis);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	r = cli_call(p, "POST", "/v1/card/tls-switch", NULL, &res) == 0 ? CLI_OK : CLI_FAIL;
	if (r == CLI_OK)
		printf(_("our new TLS key is in use\n"));
	json_decref(res);
	hl_party_free(p);
	return r;
}

/* cmd_tls.c - hotline card tls-renew: our TLS certificate issued again
 * for the same key, by hotlined (POST /v1/card/tls-renew, tlsdesk.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "cli.h"
#include "i18n.h"
#include "text.h"

/* argv[0] is "tls-renew"; --home was taken by card_main. */
int card_tls_renew_main(int argc, char **argv)
{
	static const char synopsis[] = "card tls-renew [--json]";
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	char when[HL_TIME_LEN + 1];
	struct hl_party *p;
	json_t *res = NULL;
	bool json = false;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 'j')
			return cli_usage("card", synopsis);
		json = true;
	}
	if (optind != argc)
		return cli_usage("card", synopsis);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	r = cli_act(p, "/v1/card/tls-renew", NULL, &res);
	if (r == CLI_OK && json) {
		r = cli_json_print(json_incref(res)) < 0 ? CLI_FAIL : CLI_OK;
	} else if (r == CLI_OK) {
		hl_time_format((int64_t)json_integer_value(json_object_get(res, "not_after")),
			       when);
		printf(_("TLS certificate renewed for the same key, valid until %s: the pin "
			 "is unchanged, the peers need nothing\n"), when);
	}
	json_decref(res);
	hl_party_free(p);
	return r;
}

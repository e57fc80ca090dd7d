/* cmd_feed.c - hotline feed token: the tokens with which tools (MISP,
 * OpenCTI) read the TAXII 2.1 feed, through hotlined's operator API
 * (docs/api.md, "The TAXII feed's tokens"; docs/feeds.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "i18n.h"
#include "text.h"

const char feed_help[] =
	N_("NAME\n"
	"    hotline feed - the tokens of the TAXII 2.1 feed\n\n"
	"SYNOPSIS\n"
	"    hotline feed token add OPERATOR TOOL [--tlp LEVEL] [--json]\n"
	"    hotline feed token list [--json]\n"
	"    hotline feed token revoke OPERATOR TOOL\n\n"
	"DESCRIPTION\n"
	"    hotlined serves the STIX objects of its links as a TAXII 2.1 feed\n"
	"    on the console's HTTPS listener, under /taxii2/ (docs/feeds.md).  A\n"
	"    tool reads it with a token that an admin issues for one operator\n"
	"    with the right to read (duty, supervisor or auditor) and one tool:\n"
	"    HTTP Basic with the operator's name and the token's secret, or\n"
	"    'Authorization: Bearer SECRET'.  The tool reads as that operator,\n"
	"    up to the token's TLP level, and each read is in the audit trail.\n\n"
	"    add       issues a token and prints its secret, once: hotlined\n"
	"              keeps only its hash.  One live token per operator and\n"
	"              tool\n"
	"    list      every token, live and revoked, without secrets\n"
	"    revoke    ends the operator's token for the tool at once\n\n"
	"    The three need the admin role.  This command is a client of\n"
	"    hotlined: it needs hotlined running.\n\n"
	"OPTIONS\n"
	"    --tlp LEVEL the highest TLP the tool reads: clear, green, amber,\n"
	"                amber+strict (the default) or red\n"
	"    --json      print the operator API's answer (docs/cli-json.md)\n"
	"    --home DIR  this party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 done, 1 refused or hotlined not running, 2 usage error.\n");

static const char synopsis[] =
	"feed token add OPERATOR TOOL [--tlp LEVEL] [--json] | feed token list [--json] |"
	" feed token revoke OPERATOR TOOL";

struct opts {
	const char *tlp;
	bool json;
};

/* Options anywhere; the words left in argv[1..*n]. */
static int options(int argc, char **argv, struct opts *o, int *n)
{
	static const struct option opts[] = {
		{"tlp", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;	/* getopt starts afresh */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't')
			o->tlp = optarg;
		else if (c == 'j')
			o->json = true;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage("feed", synopsis);
	}
	*n = argc - optind;
	memmove(argv + 1, argv + optind, (size_t)*n * sizeof(*argv));
	return CLI_OK;
}

static void print_added(json_t *t)
{
	printf(_("Feed token of %s for %s, up to TLP:%s.  Its secret, shown once:\n"),
	       cli_str(t, "operator"), cli_str(t, "tool"), cli_str(t, "tlp"));
	printf("%s\n", cli_str(t, "secret"));
}

static void print_list(json_t *r)
{
	char c[HL_TIME_LEN + 1], v[HL_TIME_LEN + 1];
	json_t *t;
	size_t i;

	printf("%-20s %-20s %-13s %-20s %-20s %s\n", _("OPERATOR"), _("TOOL"), _("TLP"),
	       _("CREATED"), _("REVOKED"), _("BY"));
	json_array_foreach(json_object_get(r, "tokens"), i, t) {
		cli_when(t, "created", c);
		cli_when(t, "revoked", v);
		printf("%-20s %-20s %-13s %-20s %-20s %s\n", cli_str(t, "operator"),
		       cli_str(t, "tool"), cli_str(t, "tlp"), c, v, cli_str(t, "created_by"));
	}
}

static void print_revoked(json_t *t)
{
	printf(_("revoked the feed token of %s for %s\n"), cli_str(t, "operator"),
	       cli_str(t, "tool"));
}

static int token(const char *word, int n, char **argv, const struct opts *o)
{
	json_t *args;

	if (strcmp(word, "add") == 0 && n == 2) {
		args = json_pack("{s:s, s:s}", "operator", argv[1], "tool", argv[2]);
		if (o->tlp)
			json_object_set_new(args, "tlp", json_string(o->tlp));
		return cli_reply(cli_route("POST", "/v1/feed/token/add", args), o->json,
				 print_added);
	}
	if (strcmp(word, "list") == 0 && n == 0 && !o->tlp)
		return cli_reply(cli_route("GET", "/v1/feed/token/list", NULL), o->json,
				 print_list);
	if (strcmp(word, "revoke") == 0 && n == 2 && !o->tlp)
		return cli_reply(cli_route("POST", "/v1/feed/token/revoke",
					   json_pack("{s:s, s:s}", "operator", argv[1], "tool",
						     argv[2])), o->json, print_revoked);
	return cli_usage("feed", synopsis);
}

int feed_main(int argc, char **argv)
{
	struct opts o = {0};
	const char *word;
	int n = 0, r;

	if (argc < 3 || strcmp(argv[1], "token") != 0)
		return cli_usage("feed", synopsis);
	word = argv[2];
	r = options(argc - 2, argv + 2, &o, &n);
	if (r != CLI_OK)
		return r;
	return token(word, n, argv + 2, &o);
}

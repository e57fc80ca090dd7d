/* cmd_suspend.c - hotline link suspend|resume|archive, and hotline
 * held: the messages that wait while a link is suspended. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "cli.h"
#include "envelope.h"
#include "i18n.h"
#include "text.h"

const char held_help[] =
	N_("NAME\n"
	"    hotline held - the messages waiting while a link is suspended\n\n"
	"SYNOPSIS\n"
	"    hotline held LINK [--json]\n"
	"    hotline held drop LINK/held/N\n\n"
	"DESCRIPTION\n"
	"    While a link is suspended (by either party: 'hotline link\n"
	"    suspend'), a new case (a notification) or a request sent on it is\n"
	"    not sealed: it is held, and hotlined sends every held message, in\n"
	"    the order held, exactly once, as soon as no suspension is in force\n"
	"    any more.  A held notification has its case number already, so its\n"
	"    case keeps its name.  Acknowledgments, answers, updates, checks\n"
	"    and the receipts go on as usual; a supervisor may send a new case\n"
	"    at once with 'hotline send --override-suspension'.\n\n"
	"    'held LINK' lists what waits on LINK; 'held drop' removes one\n"
	"    message that has not been sent (who held it, or a supervisor).\n\n"
	"OPTIONS\n"
	"    --json             print the listing as JSON, one object a line\n"
	"    --home DIR         this party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 done; 1 failed (an unknown link or held message, no right to\n"
	"    drop it); 2 usage error.\n");

static const char held_synopsis[] = "held LINK [--json] | held drop LINK/held/N";
static const char link_synopsis[] =
	"link suspend LINK [--lang TAG] TEXT | link resume LINK [--lang TAG] [TEXT] |"
	" link archive LINK [--now] [--lang TAG] TEXT";

struct args {
	const char *lang;
	bool json, now;
};

static int options(int argc, char **argv, struct args *a, const char *cmd,
		   const char *synopsis)
{
	static const struct option opts[] = {
		{"lang", required_argument, NULL, 'L'},
		{"json", no_argument, NULL, 'j'},
		{"home", required_argument, NULL, 'H'},
		{"now", no_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			return CLI_OK;
		if (c == 'L')
			a->lang = optarg;
		else if (c == 'j')
			a->json = true;
		else if (c == 'n')
			a->now = true;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage(cmd, synopsis);
	}
}

void cli_print_suspended(const json_t *v, const char *indent)
{
	json_t *s, *reason, *op;
	char when[HL_TIME_LEN + 1];
	size_t i;

	json_array_foreach(json_object_get(v, "suspended"), i, s) {
		reason = json_object_get(s, "reason");
		op = json_object_get(s, "operator");
		hl_time_format((int64_t)json_integer_value(json_object_get(s, "since")), when);
		printf(_("%sSUSPENDED by %s since %s (%s%s%s): \"%s\" [%s]\n"), indent,
		       json_string_value(json_object_get(s, "by")), when,
		       json_string_value(json_object_get(s, "message")), op ? _(", by ") : "",
		       op ? json_string_value(json_object_get(op, "name")) : "",
		       reason ? json_string_value(json_object_get(reason, "text")) : "?",
		       reason ? json_string_value(json_object_get(reason, "lang")) : "?");
	}
	if (json_integer_value(json_object_get(v, "held")) > 0)
		printf(_("%s%lld new case(s) or request(s) held until the resumption "
			 "('hotline held %s')\n"), indent,
		       (long long)json_integer_value(json_object_get(v, "held")),
		       json_string_value(json_object_get(v, "name")));
}

/* What the daemon's answer to a link action says. */
static void print_done(const char *verb, const char *link, json_t *res)
{
	const char *id = json_string_value(json_object_get(res, "id"));
	const char *as = json_string_value(json_object_get(res, "archived_as"));

	if (strcmp(verb, "suspend") == 0)
		printf(_("suspended %s: %s; new cases and requests wait until we resume it\n"),
		       link, id);
	else if (strcmp(verb, "resume") == 0)
		printf(_("resumed %s: %s; both cards checked; held messages follow\n"), link, id);
	else if (as)
		printf(_("archived %s as %s: nothing more is sent on it; its transcript is kept\n"),
		       link, as);
	else
		printf(_("archiving %s: %s is its last message; archived once %s receipts it\n"),
		       link, id, link);
}

/* hotline link suspend|resume|archive ...: argv[0] is the verb. */
int suspend_main(int argc, char **argv)
{
	bool text_needed = strcmp(argv[0], "resume") != 0;
	struct args a = {0};
	struct hl_party *p;
	json_t *args, *res = NULL;
	char path[32];
	int r = options(argc, argv, &a, "link", link_synopsis);

	if (r != CLI_OK)
		return r;
	if (argc - optind != 2 && (text_needed || argc - optind != 1))
		return cli_usage("link", link_synopsis);
	if (a.now && strcmp(argv[0], "archive") != 0)
		return cli_usage("link", link_synopsis);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	args = json_pack("{s:s}", "name", argv[optind]);
	if (args && optind + 1 < argc && cli_text_arg(args, "text", argv[optind + 1]) < 0)
		r = CLI_FAIL;
	if (args && a.now)
		json_object_set_new(args, "now", json_true());
	if (args && r == CLI_OK) {
		cli_lang_arg(args, "lang", a.lang);
		snprintf(path, sizeof(path), "/v1/link/%s", argv[0]);
		r = cli_call(p, "POST", path, args, &res) == 0 ? CLI_OK : CLI_FAIL;
	}
	if (r == CLI_OK)
		print_done(argv[0], argv[optind], res);
	json_decref(res);
	json_decref(args);
	hl_party_free(p);
	return args ? r : CLI_FAIL;
}

static int held_row(void *ctx, json_t *v)
{
	const struct args *a = ctx;
	json_t *content = json_object_get(v, "content");
	const char *text = json_string_value(json_object_get(json_object_get(content, "text"),
							     "text"));
	char when[HL_TIME_LEN + 1];

	if (a->json)
		return cli_json_print(json_incref(v)) < 0 ? -ENOMEM : 0;
	hl_time_format((int64_t)json_integer_value(json_object_get(v, "queued")), when);
	printf("%-24s %s  %-9s %-10s %s: %.60s\n",
	       json_string_value(json_object_get(v, "id")), when,
	       cli_field(HL_VOCAB_PRECEDENCE,
			 json_string_value(json_object_get(v, "precedence"))),
	       cli_field(HL_VOCAB_KIND, json_string_value(json_object_get(v, "kind"))),
	       json_string_value(json_object_get(json_object_get(v, "operator"), "name")),
	       text ? text : "");
	return 0;
}

static int held_list(const struct hl_party *p, const struct args *a, const char *link)
{
	json_t *args = json_pack("{s:s}", "link", link), *res = NULL, *v;
	size_t i;
	int r = args ? cli_call(p, "GET", "/v1/held", args, &res) : -ENOMEM;

	json_decref(args);
	if (r != 0)
		return CLI_FAIL;
	if (!a->json && !json_array_size(json_object_get(res, "items")))
		printf(_("nothing held on %s\n"), link);
	json_array_foreach(json_object_get(res, "items"), i, v)
		held_row((void *)a, v);
	json_decref(res);
	return CLI_OK;
}

int held_main(int argc, char **argv)
{
	struct args a = {0};
	struct hl_party *p;
	json_t *args, *res = NULL;
	int r = options(argc, argv, &a, "held", held_synopsis);
	bool drop;

	if (r != CLI_OK)
		return r;
	drop = argc - optind == 2 && strcmp(argv[optind], "drop") == 0;
	if (!drop && argc - optind != 1)
		return cli_usage("held", held_synopsis);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	if (!drop) {
		r = held_list(p, &a, argv[optind]);
	} else {
		args = json_pack("{s:s}", "id", argv[optind + 1]);
		r = args && cli_call(p, "POST", "/v1/held/drop", args, &res) == 0 ? CLI_OK :
									      CLI_FAIL;
		if (r == CLI_OK)
			printf(_("dropped %s: it will not be sent\n"), argv[optind + 1]);
		json_decref(res);
		json_decref(args);
	}
	hl_party_free(p);
	return r;
}

/* cmd_answer.c - hotline answer, retract, correct: messages that name
 * another message of a case. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"

const char answer_help[] =
	N_("NAME\n"
	"    hotline answer - answer a request\n\n"
	"SYNOPSIS\n"
	"    hotline answer LINK/N accepted|declined|done [--lang TAG]\n"
	"                   [--stix FILE] [TEXT|-]\n\n"
	"DESCRIPTION\n"
	"    Answers the request LINK/N received from the peer: accepted (work\n"
	"    has started), declined (TEXT gives the reason) or done (TEXT gives\n"
	"    the result; --stix FILE may attach indicators as a STIX 2.1\n"
	"    bundle).  A request is answered once declined or done; accepted\n"
	"    may be followed by done.  The answer travels at the request's\n"
	"    precedence and names it by its leaf hash.\n\n"
	"    Refused: a message that is not a request, this party's own\n"
	"    request, a withdrawn (retracted) request, a request already\n"
	"    declined or done, a request of a closed case.\n\n"
	"    hotlined must be running: it signs the answer as you (the\n"
	"    operator, who needs the duty or supervisor role).  With hotlined\n"
	"    down the command fails at once and nothing is sent.\n\n"
	"EXIT STATUS\n"
	"    0 sent; 1 refused or failed; 2 usage error.\n");

const char retract_help[] =
	N_("NAME\n"
	"    hotline retract - withdraw a message this party sent\n\n"
	"SYNOPSIS\n"
	"    hotline retract LINK/out/N [--lang TAG] [TEXT|-]\n\n"
	"DESCRIPTION\n"
	"    Nothing is ever deleted: a retraction is a new signed message\n"
	"    that names one of this party's messages and says why (TEXT).\n"
	"    Both parties' case views then mark the message RETRACTED and stop\n"
	"    counting it: a retracted request is withdrawn, a retracted close\n"
	"    reopens the case, a retracted notification leaves the case\n"
	"    retracted.  The retracted message stays in both logs and in every\n"
	"    proof.\n\n"
	"    A retraction needs the supervisor role.  hotlined must be running:\n"
	"    it signs the retraction as you; with hotlined down the command\n"
	"    fails at once and nothing is sent.\n\n"
	"EXIT STATUS\n"
	"    0 sent; 1 refused or failed; 2 usage error.\n");

const char correct_help[] =
	N_("NAME\n"
	"    hotline correct - correct a message this party sent\n\n"
	"SYNOPSIS\n"
	"    hotline correct LINK/out/N [--category C] [--tlp T] [--severity S]\n"
	"                    [--lang TAG] TEXT|-\n\n"
	"DESCRIPTION\n"
	"    Sends a correction of one of this party's messages: TEXT replaces\n"
	"    its text, and the fields given replace its category, TLP or\n"
	"    severity (for a notification or an update).  The original stays\n"
	"    in the logs; case views show both, the original marked as\n"
	"    corrected.  The last correction counts.\n\n"
	"    hotlined must be running: it signs the correction as you (the\n"
	"    operator); with hotlined down the command fails at once and\n"
	"    nothing is sent.\n\n"
	"EXIT STATUS\n"
	"    0 sent; 1 refused or failed; 2 usage error.\n");

struct args {
	const char *lang, *stix, *category, *tlp, *severity, *text, *id;
	const char *answer;
};

static int parse(int argc, char **argv, const char *cmd, const char *syn, bool fields,
		 struct args *a)
{
	static const struct option opts[] = {
		{"lang", required_argument, NULL, 'L'},
		{"stix", required_argument, NULL, 's'},
		{"category", required_argument, NULL, 'c'},
		{"tlp", required_argument, NULL, 't'},
		{"severity", required_argument, NULL, 'v'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'L': a->lang = optarg; break;
		case 'H': cli_home = optarg; break;
		case 's': a->stix = optarg; break;
		case 'c': a->category = optarg; break;
		case 't': a->tlp = optarg; break;
		case 'v': a->severity = optarg; break;
		default: return cli_usage(cmd, syn);
		}
		if ((c == 'c' || c == 't' || c == 'v') && !fields)
			return cli_usage(cmd, syn);
		if (c == 's' && strcmp(cmd, "answer") != 0)
			return cli_usage(cmd, syn);
	}
	if (argc - optind < 1)
		return cli_usage(cmd, syn);
	a->id = argv[optind++];
	if (!strcmp(cmd, "answer")) {
		if (argc - optind < 1)
			return cli_usage(cmd, syn);
		a->answer = argv[optind++];
	}
	if (argc - optind > 1)
		return cli_usage(cmd, syn);
	a->text = argc - optind == 1 ? argv[optind] : NULL;
	return CLI_OK;
}

/* The request's arguments: what the options and operands say. */
static int request(const struct args *a, json_t *args)
{
	const struct {
		const char *key, *val;
	} str[] = {
		{"id", a->id}, {"answer", a->answer}, {"category", a->category},
		{"tlp", a->tlp}, {"severity", a->severity},
	};

	for (size_t i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		if (str[i].val)
			json_object_set_new(args, str[i].key, json_string(str[i].val));
	cli_lang_arg(args, "lang", a->lang);
	if ((a->text && cli_text_arg(args, "text", a->text) < 0) ||
	    (a->stix && cli_stix_arg(args, a->stix) < 0))
		return -1;
	return 0;
}

/* Calls the desk's route path with what argv says; prints its reply. */
static int act(int argc, char **argv, const char *cmd, const char *syn, bool fields,
	       const char *path)
{
	struct args a = {0};
	json_t *args = json_object(), *reply = NULL;
	struct hl_party *p = NULL;
	int r = parse(argc, argv, cmd, syn, fields, &a);

	if (r == CLI_OK) {
		r = CLI_FAIL;
		p = cli_party(HL_PARTY_PUBLIC);
		if (p && request(&a, args) == 0)
			r = cli_act(p, path, args, &reply);
	}
	if (reply) {
		const char *c = json_string_value(json_object_get(reply, "case"));

		cli_print_sent(reply);
		if (a.answer)
			printf(_("answered %s in case %s: %s\n"), a.id, c ? c : "-",
			       cli_label(HL_VOCAB_ANSWER, a.answer));
		else
			printf(fields ? _("corrected %s\n") : _("retracted %s\n"), a.id);
	}
	json_decref(reply);
	json_decref(args);
	hl_party_free(p);
	return r;
}

int answer_main(int argc, char **argv)
{
	return act(argc, argv, "answer", "answer LINK/N accepted|declined|done [TEXT|-]", false,
		   "/v1/answer");
}

int retract_main(int argc, char **argv)
{
	return act(argc, argv, "retract", "retract LINK/out/N [TEXT|-]", false, "/v1/retract");
}

int correct_main(int argc, char **argv)
{
	return act(argc, argv, "correct",
		   "correct LINK/out/N [--category C] [--tlp T] [--severity S] TEXT|-", true,
		   "/v1/correct");
}

/* cmd_send.c - hotline send: seal a message into this party's log. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "cli.h"
#include "content.h"
#include "envelope.h"
#include "error.h"
#include "i18n.h"
#include "text.h"

const char send_help[] =
	N_("NAME\n"
	"    hotline send - send a message on a link\n\n"
	"SYNOPSIS\n"
	"    hotline send --to LINK [--precedence P] [--category C] [--tlp T]\n"
	"                 [--severity S] [--stix FILE] [--lang TAG]\n"
	"                 [--summary TEXT [--summary-lang TAG]] TEXT|-\n"
	"    hotline send --case CASE [--action A[,A...]] [...] TEXT|-\n"
	"    hotline send --group GROUP [--kind check] [...] TEXT|-\n\n"
	"DESCRIPTION\n"
	"    Asks hotlined, which must be running, to seal TEXT ('-' reads\n"
	"    standard input, UTF-8) for the peer of LINK, signed as you (the\n"
	"    operator), and append the envelope to this party's log on the\n"
	"    link with the next sequence number, durably, before reporting it;\n"
	"    hotlined then delivers it.  It stays in the outbox ('hotline\n"
	"    outbox') until the peer's cosignature, the receipt, comes back;\n"
	"    where no network reaches the peer, carry it with 'hotline batch'.\n"
	"    With hotlined down the command fails at once and nothing is\n"
	"    stored.  The link must be confirmed.  A duty officer sends up to\n"
	"    the precedence the admin set; above it, a supervisor sends.\n\n"
	"    Without --case it is a notification, which opens a case, named\n"
	"    by this party's name and a number that no other case of this\n"
	"    party has, on any link (eg-cert#12), with a category, a TLP\n"
	"    label and a severity.  With --case it is an update of that case\n"
	"    (new fields, new facts), or, with --action, a request that the\n"
	"    peer act; the peer answers it with 'hotline answer'.  A closed\n"
	"    case takes neither.\n\n"
	"    The text travels with its language's BCP 47 tag (--lang, else the\n"
	"    locale's, else 'und') and is never translated; --summary adds a\n"
	"    short text, typically in the peer's working language.  Categories,\n"
	"    TLP, severity and actions travel as codes and are shown to each\n"
	"    reader in the reader's language.\n\n"
	"OPTIONS\n"
	"    --to LINK          the link (the peer's name); implied by --case\n"
	"    --group GROUP      every member of GROUP ('hotline group'), each on\n"
	"                       its own link with its own envelope, sealed for\n"
	"                       that member alone; all carry one group message\n"
	"                       id, and a notification one case name, the same\n"
	"                       at every member.  A confidential group's members\n"
	"                       learn nothing of each other; an open group's\n"
	"                       message names them all.  A member whose link is\n"
	"                       suspended has it held; one line per member\n"
	"                       says what became of its envelope\n"
	"    --case CASE        the case (NAME#N) an update or request is about;\n"
	"                       --to (or --link) names its link when this\n"
	"                       party opened NAME#N on two (before case numbers\n"
	"                       were party-wide)\n"
	"    --precedence P     flash, immediate, priority or routine (default)\n"
	"    --category C       the incident's class and type in the Reference\n"
	"                       Security Incident Taxonomy, such as\n"
	"                       malicious-code/c2-server, availability/ddos,\n"
	"                       intrusions/system-compromise; '--category list'\n"
	"                       prints them all\n"
	"    --tlp T            TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT\n"
	"                       or TLP:RED (TLP 2.0): who may be told\n"
	"    --severity S       low, medium, high or critical\n"
	"    --action A         with --case: a request for investigate, mitigate,\n"
	"                       take-down, block, preserve-evidence,\n"
	"                       share-indicators, identify-actor (repeat the\n"
	"                       option or separate with commas)\n"
	"    --stix FILE        a STIX 2.1 bundle of indicators to carry (not\n"
	"                       with --action); checked first: a malformed\n"
	"                       object is refused with its id and the reason\n"
	"    --kind KIND        another message type, a-z and '-' (check, ...)\n"
	"    --lang TAG         the text's language: ar, en, es, fr, ru, zh, ...\n"
	"    --summary TEXT     a short summary to go with it\n"
	"    --summary-lang TAG the summary's language (default: --lang's)\n"
	"    --override-suspension  a supervisor sends a new case or request at\n"
	"                       once on a suspended link, instead of holding it\n"
	"                       until the link is resumed ('hotline held')\n"
	"    --home DIR         this party's home folder\n\n"
	"    Acknowledgments, answers, closes, retractions and corrections have\n"
	"    their own commands: ack, answer, case close, retract, correct.\n\n"
	"EXIT STATUS\n"
	"    0 stored in the log, or held while the link is suspended (with\n"
	"    --group: for every member); 1 failed, nothing stored (with --group:\n"
	"    for one member at least, the others' stored); 2 usage error.\n");

static const char synopsis[] =
	"send --to LINK [--precedence P] [--category C] [--tlp T] [--severity S] "
	"[--stix FILE] [--lang TAG] [--summary TEXT] TEXT|-\n"
	"       hotline send --case CASE [--action A] ... TEXT|-\n"
	"       hotline send --group GROUP ... TEXT|-";

struct args {
	const char *to, *group, *lang, *summary, *summary_lang, *kind, *case_id, *stix;
	const char *category, *tlp, *severity, *prec;
	json_t *actions;	/* the --action values, as given */
	bool override;
};

static void list_categories(void)
{
	size_t n;
	const struct hl_term *all = hl_vocab_terms(HL_VOCAB_CATEGORY, &n);

	for (size_t i = 0; i < n; i++)
		printf("%-70s %s\n", all[i].code, cli_label(HL_VOCAB_CATEGORY, all[i].code));
}

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"to", required_argument, NULL, 't'},
		{"link", required_argument, NULL, 't'},
		{"group", required_argument, NULL, 'g'},
		{"case", required_argument, NULL, 'c'},
		{"lang", required_argument, NULL, 'L'},
		{"summary", required_argument, NULL, 'S'},
		{"summary-lang", required_argument, NULL, 'T'},
		{"precedence", required_argument, NULL, 'p'},
		{"kind", required_argument, NULL, 'k'},
		{"category", required_argument, NULL, 'C'},
		{"tlp", required_argument, NULL, 'P'},
		{"severity", required_argument, NULL, 'V'},
		{"action", required_argument, NULL, 'A'},
		{"stix", required_argument, NULL, 'X'},
		{"home", required_argument, NULL, 'H'},
		{"override-suspension", no_argument, NULL, 'O'},
		{NULL, 0, NULL, 0},
	};
	enum hl_precedence prec;

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 't': a->to = optarg; break;
		case 'g': a->group = optarg; break;
		case 'c': a->case_id = optarg; break;
		case 'L': a->lang = optarg; break;
		case 'S': a->summary = optarg; break;
		case 'T': a->summary_lang = optarg; break;
		case 'k': a->kind = optarg; break;
		case 'C': a->category = optarg; break;
		case 'P': a->tlp = optarg; break;
		case 'V': a->severity = optarg; break;
		case 'X': a->stix = optarg; break;
		case 'H': cli_home = optarg; break;
		case 'O': a->override = true; break;
		case 'A': json_array_append_new(a->actions, json_string(optarg)); break;
		case 'p':
			if (!cli_opt_precedence(optarg, &prec))
				return CLI_USAGE;
			a->prec = optarg;
			break;
		default:
			return cli_usage("send", synopsis);
		}
	}
	if (a->category && !strcmp(a->category, "list")) {
		list_categories();
		return -1;
	}
	if ((!a->to && !a->case_id && !a->group) || (a->group && (a->to || a->case_id)) ||
	    argc - optind != 1)
		return cli_usage("send", synopsis);
	return CLI_OK;
}

/* The request's arguments (desk: POST /v1/send). */
static int request(const struct args *a, const char *text, json_t *args)
{
	const struct {
		const char *key, *val;
	} str[] = {
		{"to", a->to}, {"group", a->group}, {"case", a->case_id}, {"kind", a->kind}, {"precedence", a->prec},
		{"category", a->category}, {"tlp", a->tlp}, {"severity", a->severity},
		{"summary_lang", a->summary_lang},
	};

	for (size_t i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		if (str[i].val)
			json_object_set_new(args, str[i].key, json_string(str[i].val));
	if (json_array_size(a->actions))
		json_object_set(args, "actions", a->actions);
	if (a->override)
		json_object_set_new(args, "override", json_true());
	cli_lang_arg(args, "lang", a->lang);
	if (cli_text_arg(args, "text", text) < 0 ||
	    (a->summary && cli_text_arg(args, "summary", a->summary) < 0) ||
	    (a->stix && cli_stix_arg(args, a->stix) < 0))
		return -1;
	return 0;
}

/* "case eg-cert#12 opened", or "update of case eg-cert#12". */
static void print_case(const json_t *reply)
{
	const char *id = json_string_value(json_object_get(reply, "case"));
	const char *kind = json_string_value(json_object_get(reply, "kind"));
	const char *hash = id ? strrchr(id, '#') : NULL;
	char name[HL_NAME_MAX + 1];
	uint64_t n = 0;

	if (!hash || !kind)
		return;
	if (strcmp(kind, "notify") != 0) {
		printf(_("%s of case %s\n"), cli_label(HL_VOCAB_KIND, kind), id);
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(hash - id), id);
	if (hl_parse_u64(hash + 1, strlen(hash + 1), UINT64_MAX, &n) == 0)
		printf(_("case %s#%llu opened\n"), name, (unsigned long long)n);
}

int cli_print_group(const json_t *reply)
{
	const json_t *members = json_object_get(reply, "members"), *m;
	json_int_t failed = json_integer_value(json_object_get(reply, "failed"));
	const char *kind = json_string_value(json_object_get(reply, "kind"));
	size_t i;

	json_array_foreach(members, i, m) {
		const char *link = json_string_value(json_object_get(m, "link"));

		if (json_object_get(m, "error"))
			printf(_("%s: NOT SENT: %s\n"), link,
			       json_string_value(json_object_get(m, "error")));
		else if (json_object_get(m, "held"))
			printf(_("%s: held while the link is suspended (%s)\n"), link,
			       json_string_value(json_object_get(m, "held")));
		else
			printf(_("%s: sent as %s\n"), link,
			       json_string_value(json_object_get(m, "id")));
	}
	printf(_("group %s: %lld sent, %lld held, %lld not sent, of %zu members (message %s)\n"),
	       json_string_value(json_object_get(reply, "group")),
	       (long long)json_integer_value(json_object_get(reply, "sent")),
	       (long long)json_integer_value(json_object_get(reply, "held")), (long long)failed,
	       json_array_size(members), json_string_value(json_object_get(reply, "id")));
	if (json_object_get(reply, "case") && kind && !strcmp(kind, "notify"))
		printf(_("case %s opened at every member\n"),
		       json_string_value(json_object_get(reply, "case")));
	return failed ? CLI_FAIL : CLI_OK;
}

int send_main(int argc, char **argv)
{
	struct args a = {.actions = json_array()};
	json_t *args = json_object(), *reply = NULL;
	struct hl_party *p = NULL;
	int r = parse(argc, argv, &a);

	if (r < 0)
		r = CLI_OK;
	else if (r == CLI_OK) {
		r = CLI_FAIL;
		p = cli_party(HL_PARTY_PUBLIC);
		if (p && request(&a, argv[optind], args) == 0)
			r = cli_act(p, "/v1/send", args, &reply);
	}
	if (reply && json_object_get(reply, "group")) {
		r = cli_print_group(reply);
	} else if (reply && json_object_get(reply, "held")) {
		printf(_("held: %s is suspended; sent when resumed (%s)\n"),
		       json_string_value(json_object_get(reply, "link")),
		       json_string_value(json_object_get(reply, "held")));
		if (json_object_get(reply, "case"))
			printf(_("case %s: held until the link is resumed\n"),
			       json_string_value(json_object_get(reply, "case")));
	} else if (reply) {
		cli_print_sent(reply);
		print_case(reply);
	}
	json_decref(reply);
	json_decref(args);
	json_decref(a.actions);
	hl_party_free(p);
	return r;
}

/* cmd_send.c - hotline send: seal a message into this party's log. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "cli.h"
#include "content.h"
#include "error.h"
#include "i18n.h"
#include "text.h"
#include "transcript.h"

const char send_help[] =
	N_("NAME\n"
	"    hotline send - send a message on a link\n\n"
	"SYNOPSIS\n"
	"    hotline send --to LINK [--precedence P] [--category C] [--tlp T]\n"
	"                 [--severity S] [--stix FILE] [--lang TAG]\n"
	"                 [--summary TEXT [--summary-lang TAG]] TEXT|-\n"
	"    hotline send --case CASE [--action A[,A...]] [...] TEXT|-\n\n"
	"DESCRIPTION\n"
	"    Seals TEXT ('-' reads standard input, UTF-8) for the peer of LINK\n"
	"    and appends the envelope to this party's log on the link with the\n"
	"    next sequence number, durably, before reporting it, and tells\n"
	"    hotlined to deliver it now.  It stays in the outbox ('hotline\n"
	"    outbox') until the peer's cosignature, the receipt, comes back.\n"
	"    When hotlined is not running it waits there until it starts;\n"
	"    where no network reaches the peer, carry it with 'hotline batch'.\n"
	"    The link must be confirmed.\n\n"
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
	"    --home DIR         this party's home folder\n\n"
	"    Acknowledgments, answers, closes, retractions and corrections have\n"
	"    their own commands: ack, answer, case close, retract, correct.\n\n"
	"EXIT STATUS\n"
	"    0 stored in the log; 1 failed, nothing stored; 2 usage error.\n");

static const char synopsis[] =
	"send --to LINK [--precedence P] [--category C] [--tlp T] [--severity S] "
	"[--stix FILE] [--lang TAG] [--summary TEXT] TEXT|-\n"
	"       hotline send --case CASE [--action A] ... TEXT|-";

struct args {
	const char *to, *lang, *summary, *summary_lang, *kind, *case_id, *stix;
	const char *category, *tlp, *severity;
	unsigned actions;
	enum hl_precedence prec;
};

/* "investigate,take-down" into the action bits. */
static bool parse_actions(const char *arg, unsigned *mask)
{
	while (*arg) {
		size_t len = strcspn(arg, ",");
		int i = hl_vocab_index(HL_VOCAB_ACTION, arg, len);

		if (i < 0) {
			cli_err(_("%.*s: not an action (investigate, mitigate, take-down, block, "
				  "preserve-evidence, share-indicators, identify-actor)"),
				(int)len, arg);
			return false;
		}
		*mask |= 1u << i;
		arg += len + (arg[len] == ',');
	}
	return true;
}

static void list_categories(void)
{
	size_t n;
	const struct hl_term *all = hl_vocab_terms(HL_VOCAB_CATEGORY, &n);

	for (size_t i = 0; i < n; i++)
		printf("%-70s %s\n", all[i].code, cli_label(HL_VOCAB_CATEGORY, all[i].code));
}

/* Refuses what has its own command, and codes not in the vocabularies. */
static int check_args(const struct args *a)
{
	static const struct {
		const char *kind, *command;
	} own[] = {
		{"ack", "hotline ack"}, {"check-reply", "hotline ack"},
		{"answer", "hotline answer"}, {"close", "hotline case close"},
		{"retract", "hotline retract"}, {"correct", "hotline correct"},
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		if (!strcmp(a->kind, own[i].kind)) {
			cli_err(_("a message of type %s is sent with '%s'"), a->kind, own[i].command);
			return CLI_USAGE;
		}
	}
	if (!hl_kind_valid(a->kind, strlen(a->kind))) {
		cli_err(_("--kind: use a-z and '-'"));
		return CLI_USAGE;
	}
	if ((a->lang && !hl_lang_valid(a->lang, strlen(a->lang))) ||
	    (a->summary_lang && !hl_lang_valid(a->summary_lang, strlen(a->summary_lang)))) {
		cli_err(_("%s: not a BCP 47 language tag (such as ar, en, zh-Hans, es-419)"),
			a->lang && !hl_lang_valid(a->lang, strlen(a->lang)) ? a->lang :
			a->summary_lang);
		return CLI_USAGE;
	}
	if (!cli_fields_valid(a->category, a->tlp, a->severity))
		return CLI_USAGE;
	if (!a->case_id && (!strcmp(a->kind, "update") || !strcmp(a->kind, "request"))) {
		cli_err(_("an update or a request is about a case: give --case"));
		return CLI_USAGE;
	}
	if (a->case_id && strcmp(a->kind, "update") && strcmp(a->kind, "request")) {
		cli_err(_("--case makes an update or, with --action, a request"));
		return CLI_USAGE;
	}
	if (a->actions && strcmp(a->kind, "request")) {
		cli_err(_("--action makes a request, which is about a case: give --case"));
		return CLI_USAGE;
	}
	if (!strcmp(a->kind, "request") && (a->category || a->severity)) {
		cli_err(_("a request carries actions, not a category or severity: send an "
			  "update for those"));
		return CLI_USAGE;
	}
	if (a->stix && !strcmp(a->kind, "request")) {
		cli_err(_("--stix rides in a notification or an update"));
		return CLI_USAGE;
	}
	if (strcmp(a->kind, "notify") && strcmp(a->kind, "update") && strcmp(a->kind, "request") &&
	    (a->category || a->tlp || a->severity || a->stix)) {
		cli_err(_("a message of type %s carries no category, TLP, severity or STIX"),
			a->kind);
		return CLI_USAGE;
	}
	return CLI_OK;
}

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"to", required_argument, NULL, 't'},
		{"link", required_argument, NULL, 't'},
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
		{NULL, 0, NULL, 0},
	};
	bool kind = false;

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 't': a->to = optarg; break;
		case 'c': a->case_id = optarg; break;
		case 'L': a->lang = optarg; break;
		case 'S': a->summary = optarg; break;
		case 'T': a->summary_lang = optarg; break;
		case 'k': a->kind = optarg; kind = true; break;
		case 'C': a->category = optarg; break;
		case 'P': a->tlp = optarg; break;
		case 'V': a->severity = optarg; break;
		case 'X': a->stix = optarg; break;
		case 'H': cli_home = optarg; break;
		case 'A':
			if (!parse_actions(optarg, &a->actions))
				return CLI_USAGE;
			break;
		case 'p':
			if (!cli_opt_precedence(optarg, &a->prec))
				return CLI_USAGE;
			break;
		default:
			return cli_usage("send", synopsis);
		}
	}
	if (a->category && !strcmp(a->category, "list")) {
		list_categories();
		return -1;
	}
	if (!kind && a->case_id)
		a->kind = a->actions ? "request" : "update";
	if ((!a->to && !a->case_id) || argc - optind != 1)
		return cli_usage("send", synopsis);
	return check_args(a);
}

/* The link and the case (or none), the case open. */
static int where(struct hl_store *st, const struct hl_party *p, const struct args *a,
		 struct hl_link *l, struct hl_case *c, struct hl_content *m)
{
	if (!a->case_id)
		return cli_link(st, a->to, l) < 0 ? -1 : 0;
	if (cli_case_open(st, p, a->case_id, a->to, l, c) < 0)
		return -1;
	if (strcmp(c->state, "open") != 0) {
		cli_err(_("case %s is %s: it takes no more updates or requests"), c->id,
			cli_label(HL_VOCAB_STATE, c->state));
		return -1;
	}
	m->has_case = true;
	return cli_ref(st, p, l, c->side, c->seq, &m->case_ref);
}

int send_main(int argc, char **argv)
{
	struct args a = {.kind = "notify", .prec = HL_ROUTINE};
	struct hl_content m = {0};
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	struct hl_link l = {0};
	struct hl_case c = {0};
	struct hl_buf text, sum;
	json_t *stix = NULL;
	uint64_t seq = 0;
	int r = parse(argc, argv, &a);

	if (r < 0)
		return CLI_OK;
	if (r != CLI_OK)
		return r;
	hl_buf_init(&text, HL_PLAIN_MAX);
	hl_buf_init(&sum, HL_PLAIN_MAX);
	r = -1;
	snprintf(m.type, sizeof(m.type), "%s", a.kind);
	if (cli_text(argv[optind], a.lang, &text, &m.text) < 0)
		goto out;
	if (a.summary) {
		m.has_summary = true;
		if (cli_text(a.summary, a.summary_lang ? a.summary_lang : m.text.lang, &sum,
			     &m.summary) < 0)
			goto out;
	}
	if (a.stix && cli_stix_file(a.stix, &stix) < 0)
		goto out;
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	/* A notify's number is above those of the index too (8.10). */
	if (!st || cli_index(st, p) < 0 || where(st, p, &a, &l, &c, &m) < 0)
		goto out;
	m.category = a.category;
	m.tlp = a.tlp;
	m.severity = a.severity;
	m.actions = a.actions;
	m.stix = stix;
	r = cli_post(st, p, &l, &m, a.prec, &seq);
	if (r == 0 && !strcmp(a.kind, "notify"))
		printf(_("case %s#%llu opened\n"), p->card.name, (unsigned long long)m.number);
	else if (r == 0 && c.n)
		printf(_("%s of case %s\n"), cli_label(HL_VOCAB_KIND, a.kind), c.id);
out:
	json_decref(stix);
	hl_case_free(&c);
	hl_link_free(&l);
	hl_store_close(st);
	hl_party_free(p);
	hl_buf_free(&text);
	hl_buf_free(&sum);
	return r < 0 ? CLI_FAIL : CLI_OK;
}

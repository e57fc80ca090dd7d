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
#include "index.h"
#include "text.h"

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
		if (!hl_vocab_find(HL_VOCAB_ANSWER, a->answer)) {
			cli_err(_("%s: answer accepted, declined or done"), a->answer);
			return CLI_USAGE;
		}
	}
	if (argc - optind > 1)
		return cli_usage(cmd, syn);
	a->text = argc - optind == 1 ? argv[optind] : NULL;
	return CLI_OK;
}

/* The message named by id, which must be on side want: its link,
 * its index entry and its case (c->n == 0 when it has none). */
static int target(struct hl_store *st, const struct hl_party *p, const char *id, int want,
		  struct hl_link *l, struct hl_item *it, struct hl_case *c)
{
	char name[HL_NAME_MAX + 1];
	uint64_t seq = 0;
	int side = HL_THEIRS, r;

	memset(c, 0, sizeof(*c));
	if (!cli_parse_id(id, name, sizeof(name), &side, &seq)) {
		cli_err(_("%s: name a message as LINK/N (received) or LINK/out/N (sent)"), id);
		return -HL_ESYNTAX;
	}
	if (side != want) {
		cli_err(want == HL_OURS ?
			_("%s: a message the peer sent; only its sender may retract or "
			  "correct it") :
			_("%s: a message this party sent; answer a request received"), id);
		return -HL_ESYNTAX;
	}
	if (cli_link(st, name, l) < 0)
		return -HL_ENOLINK;
	r = hl_store_item_get(st, l->id, side, seq, it);
	if (r == -HL_ENOTFOUND)
		cli_err(_("%s: no such message"), id);
	else if (r < 0)
		cli_store_err(st, id, r);
	if (r == 0 && it->case_side >= 0) {
		r = hl_case_load(st, p->card.name, l, it->case_side, it->case_seq, c);
		if (r < 0)
			cli_store_err(st, id, r);
	}
	if (r < 0)
		hl_link_free(l);
	return r;
}

int answer_main(int argc, char **argv)
{
	static const char syn[] = "answer LINK/N accepted|declined|done [TEXT|-]";
	struct hl_content m = {.type = "answer", .has_ref = true, .has_case = true};
	struct args a = {0};
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	struct hl_link l = {0};
	struct hl_case c = {0};
	struct hl_item it = {0};
	enum hl_precedence prec = HL_ROUTINE;
	struct hl_buf buf;
	uint64_t seq = 0;
	json_t *stix = NULL;
	int r = parse(argc, argv, "answer", syn, false, &a), i;

	if (r != CLI_OK)
		return r;
	if (strcmp(a.answer, "accepted") && (!a.text || !*a.text)) {
		cli_err(strcmp(a.answer, "declined") ?
			_("a 'done' answer says the result: give TEXT") :
			_("a 'declined' answer says why: give TEXT"));
		return CLI_USAGE;
	}
	hl_buf_init(&buf, HL_PLAIN_MAX);
	r = -1;
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (!st || cli_index(st, p) < 0 || target(st, p, a.id, HL_THEIRS, &l, &it, &c) < 0)
		goto out;
	i = hl_case_find(&c, it.side, it.seq);
	if (strcmp(it.type, "request") != 0 || i < 0)
		cli_err(_("%s is not a request (it is a %s): only requests are answered"), a.id,
			cli_label(HL_VOCAB_KIND, it.type));
	else if (strcmp(c.state, "open") != 0)
		cli_err(_("case %s is %s: its requests take no more answers"), c.id,
			cli_label(HL_VOCAB_STATE, c.state));
	else if (c.ev[i].flags & HL_EV_RETRACTED)
		cli_err(_("%s was withdrawn by its sender"), a.id);
	else if (!strcmp(c.ev[i].state, "declined") || !strcmp(c.ev[i].state, "done") ||
		 !strcmp(c.ev[i].state, a.answer))
		cli_err(_("%s was already answered: %s"), a.id,
			cli_label(HL_VOCAB_STATE, c.ev[i].state));
	else
		r = 0;
	if (r == 0 && a.stix)
		r = cli_stix_file(a.stix, &stix);
	if (r == 0)
		r = cli_ref(st, p, &l, it.side, it.seq, &m.ref);
	if (r == 0)
		r = cli_ref(st, p, &l, c.side, c.seq, &m.case_ref);
	if (r == 0)
		r = cli_text(a.text, a.lang, &buf, &m.text);
	if (r == 0) {
		m.answer = a.answer;
		m.stix = stix;
		hl_precedence_parse(it.precedence, &prec);
		r = cli_post(st, p, &l, &m, prec, &seq);
	}
	if (r == 0)
		printf(_("answered %s in case %s: %s\n"), a.id, c.id,
		       cli_label(HL_VOCAB_ANSWER, a.answer));
out:
	json_decref(stix);
	hl_buf_free(&buf);
	hl_case_free(&c);
	hl_link_free(&l);
	hl_store_close(st);
	hl_party_free(p);
	return r == 0 ? CLI_OK : CLI_FAIL;
}

/* retract and correct: a message naming one of our own. */
static int amend(int argc, char **argv, const char *cmd, const char *syn)
{
	struct hl_content m = {.has_ref = true};
	struct args a = {0};
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	struct hl_link l = {0};
	struct hl_case c = {0};
	struct hl_item it = {0};
	enum hl_precedence prec = HL_ROUTINE;
	struct hl_buf buf;
	uint64_t seq = 0;
	bool correct = !strcmp(cmd, "correct");
	int r = parse(argc, argv, cmd, syn, correct, &a);

	if (r != CLI_OK)
		return r;
	if (correct && !a.text) {
		cli_err(_("a correction gives the corrected text: give TEXT (or - to read it)"));
		return CLI_USAGE;
	}
	snprintf(m.type, sizeof(m.type), "%s", cmd);
	hl_buf_init(&buf, HL_PLAIN_MAX);
	r = -1;
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (!st || cli_index(st, p) < 0 || target(st, p, a.id, HL_OURS, &l, &it, &c) < 0)
		goto out;
	if (!strcmp(it.type, "retract") || !strcmp(it.type, "correct") ||
	    !strcmp(it.type, "ack") || !strcmp(it.type, "check-reply") ||
	    !strcmp(it.type, "check"))
		cli_err(_("%s is a %s: it cannot be retracted or corrected"), a.id,
			cli_label(HL_VOCAB_KIND, it.type));
	else if (correct && (a.category || a.tlp || a.severity) &&
		 strcmp(it.type, "notify") && strcmp(it.type, "update"))
		cli_err(_("%s is a %s: only a notification's or an update's category, TLP "
			  "and severity can be corrected"), a.id, cli_label(HL_VOCAB_KIND, it.type));
	else if (cli_fields_valid(a.category, a.tlp, a.severity))
		r = 0;
	if (r == 0)
		r = cli_ref(st, p, &l, it.side, it.seq, &m.ref);
	if (r == 0 && c.n) {
		m.has_case = true;
		r = cli_ref(st, p, &l, c.side, c.seq, &m.case_ref);
	}
	if (r == 0)
		r = cli_text(a.text, a.lang, &buf, &m.text);
	if (r == 0) {
		m.category = a.category;
		m.tlp = a.tlp;
		m.severity = a.severity;
		hl_precedence_parse(it.precedence, &prec);
		r = cli_post(st, p, &l, &m, prec, &seq);
	}
	if (r == 0)
		printf(correct ? _("corrected %s\n") : _("retracted %s\n"), a.id);
out:
	hl_buf_free(&buf);
	hl_case_free(&c);
	hl_link_free(&l);
	hl_store_close(st);
	hl_party_free(p);
	return r == 0 ? CLI_OK : CLI_FAIL;
}

int retract_main(int argc, char **argv)
{
	return amend(argc, argv, "retract", "retract LINK/out/N [TEXT|-]");
}

int correct_main(int argc, char **argv)
{
	return amend(argc, argv, "correct",
		     "correct LINK/out/N [--category C] [--tlp T] [--severity S] TEXT|-");
}

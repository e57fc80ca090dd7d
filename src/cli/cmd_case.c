/* cmd_case.c - hotline case list|show|close: cases and their state. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cases.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "index.h"
#include "text.h"

const char case_help[] =
	N_("NAME\n"
	"    hotline case - the cases on this party's links\n\n"
	"SYNOPSIS\n"
	"    hotline case list [--open] [--category C] [--link L] [--json]\n"
	"    hotline case show CASE [--link L] [--json]\n"
	"    hotline case close CASE [--link L] [--precedence P] [--lang TAG] [TEXT|-]\n\n"
	"DESCRIPTION\n"
	"    A notification ('hotline send') opens a case; requests, updates,\n"
	"    answers, retractions, corrections and acknowledgments follow it.\n"
	"    A case is named by who opened it and a number that party gives\n"
	"    none of its other cases, on any of its links: eg-cert#12, the\n"
	"    same name on both sides.  Its state is computed from the signed\n"
	"    messages alone, in the order their senders dated them, so both\n"
	"    parties see the same state (docs/protocol.md 8.10).\n\n"
	"    list     one line per case: its link, state, severity, TLP, category,\n"
	"             requests pending of all, and whether the notification was\n"
	"             acknowledged in time (OVERDUE when not).  --open keeps the\n"
	"             open ones, --category the ones of a category (a code such\n"
	"             as malicious-code/c2-server, or its class: malicious-code).\n"
	"    show     the case's state, then one timeline of both sides: each\n"
	"             message with its type, fields and text, its language tag\n"
	"             beside it; retracted messages are marked, corrections\n"
	"             shown with what they correct, and a message that did not\n"
	"             count (an answer after the close) says why; one signed\n"
	"             with a key its sender revoked soon after says SUSPECT\n"
	"             ('hotline help show').\n"

	"    close    sends a closing message (ROUTINE unless --precedence)\n"
	"             with TEXT, the outcome.  A closed case takes no more\n"
	"             requests, updates or answers; retracting the close\n"
	"             reopens it.  It needs the supervisor role, and hotlined\n"
	"             running (it signs the close as you); with hotlined\n"
	"             down it fails at once and nothing is sent.\n\n"
	"    A notification to a group ('hotline send --group') opens one case,\n"
	"    the same name at every member, where each member sees its own\n"
	"    case with this party.  Here, its sender, it is one group case:\n"
	"    list shows it once (LINK: the group and how many links), show\n"
	"    gives each member's state and every link's messages in one\n"
	"    timeline, and 'hotline send --case' and close go to every link\n"
	"    that holds it and is a member now (one removed since receives\n"
	"    nothing).  --link L names one member's case alone.\n\n"
	"    --json   prints the state as JSON, a line per case, in the words\n"
	"             of both parties (names, not 'in' and 'out'; \"to\" is\n"
	"             the party the opener notified, so with the opener it\n"
	"             names the link): the same bytes on both sides once\n"
	"             everything is delivered.\n"
	"    CASE is NAME#N, or the notification as LINK/N or LINK/out/N.\n"
	"    Cases this party opened before case numbers were party-wide are\n"
	"    named by the notification's number on its link, so one name may\n"
	"    be on two links: --link names the one meant.\n\n"
	"EXIT STATUS\n"
	"    0 done; 1 failed (no such case, the case is closed); 2 usage error.\n");

static const char synopsis[] =
	"case list [--open] [--category C] [--link L] [--json] | case show CASE | "
	"case close CASE [TEXT]";

struct opts {
	bool open, json;
	const char *category, *link, *lang;
	enum hl_precedence prec;
	const char *prec_name;	/* as given */
};

/* ---- list ---- */

static int wider(int w, const char *s)
{
	return cli_width(s) > w ? cli_width(s) : w;
}

static const char *str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "";
}

static int64_t num(const json_t *j, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(j, key));
}

/* w at least as wide as the translated labels of vocabulary v (codes,
 * shown in English, keep the widths they always had). */
static int labels_width(int w, enum hl_vocab v,
			const char *(*show)(enum hl_vocab, const char *))
{
	size_t n;
	const struct hl_term *all = hl_vocab_terms(v, &n);

	for (size_t i = 0; i < n; i++)
		if (show(v, all[i].code) != all[i].code)
			w = wider(w, show(v, all[i].code));
	return w;
}

/* The widest acknowledgment state, "OVERDUE 23h59m" in English. */
static int ack_width(int w)
{
	char span[64], s[128];

	snprintf(span, sizeof(span), _("%lldh%02lldm"), 23LL, 59LL);
	snprintf(s, sizeof(s), _("acked +%s"), span);
	w = wider(w, s);
	snprintf(s, sizeof(s), _("due in %s"), span);
	w = wider(w, s);
	snprintf(s, sizeof(s), _("OVERDUE %s"), span);
	return wider(w, s);
}

/* A row's link, or for a group case its group and how many links its
 * notify went to. */
static const char *where(const json_t *it, char *buf, size_t cap)
{
	const json_t *g = json_object_get(it, "group");

	if (!g)
		return str(it, "link");
	/* TRANSLATORS: case list's LINK column for a group case: the
	 * group's name and how many links its notification went to. */
	snprintf(buf, cap, _("%s: %lld links"), str(g, "name"), (long long)num(it, "members"));
	return buf;
}

/* The columns of case list: at least the English widths, and enough
 * for the translated headings and words and the links' names. */
static void list_widths(int w[7], const json_t *items)
{
	size_t i;
	json_t *it;

	/* TRANSLATORS: the headings of 'hotline case list' (STATE, PREC,
	 * SEVERITY, REQ, ACK, CASE, OPENED, CATEGORY): keep them short, in
	 * capitals where the script has them. */
	w[0] = labels_width(wider(10, _("STATE")), HL_VOCAB_STATE, cli_label);
	/* TRANSLATORS: PREC: the notification's precedence. */
	w[1] = labels_width(wider(9, _("PREC")), HL_VOCAB_PRECEDENCE, cli_field);
	w[2] = labels_width(wider(8, _("SEVERITY")), HL_VOCAB_SEVERITY, cli_label);
	/* TRANSLATORS: REQ: the requests, pending of all ("1/3"). */
	w[3] = wider(5, _("REQ"));
	/* TRANSLATORS: ACK: where the notification's acknowledgment
	 * stands ("acked +4m", "OVERDUE 1h05m"). */
	w[4] = ack_width(wider(14, _("ACK")));
	w[5] = wider(20, _("CASE"));
	/* TRANSLATORS: LINK: the link a case is on (the peer's name). */
	w[6] = wider(12, _("LINK"));
	json_array_foreach(items, i, it) {
		char buf[HL_NAME_MAX + 64];

		w[6] = wider(w[6], where(it, buf, sizeof(buf)));
	}
}

static void list_head(const int w[7])
{
	cli_col(_("CASE"), w[5]);
	putchar(' ');
	cli_col(_("LINK"), w[6]);
	putchar(' ');
	cli_col(_("STATE"), w[0]);
	putchar(' ');
	cli_col(_("OPENED"), 20);
	putchar(' ');
	cli_col(_("PREC"), w[1]);
	putchar(' ');
	cli_col(_("SEVERITY"), w[2]);
	printf(" %-16s ", "TLP");
	cli_col(_("REQ"), w[3]);
	putchar(' ');
	cli_col(_("ACK"), w[4]);
	printf(" %s\n", _("CATEGORY"));
}

/* One case of the desk's list (docs/api.md), as a line and its title. */
static void list_row(const int w[7], const json_t *it, int64_t now)
{
	const json_t *c = json_object_get(it, "case");
	const char *state = str(c, "state"), *sev = str(c, "severity"), *tlp = str(c, "tlp");
	const char *cat = str(c, "category"), *name = str(it, "title");
	char ack[128], opened[HL_TIME_LEN + 1], reqs[48], buf[HL_NAME_MAX + 64];
	struct cli_ack a;

	cli_ack_from_json(json_object_get(it, "ack"), &a);
	cli_ack_text(&a, num(c, "opened"), now, ack, sizeof(ack));
	hl_time_format(num(c, "opened"), opened);
	snprintf(reqs, sizeof(reqs), "%lld/%lld", (long long)num(it, "pending"),
		 (long long)num(it, "requests"));
	cli_col(str(c, "id"), w[5]);
	putchar(' ');
	cli_col(where(it, buf, sizeof(buf)), w[6]);
	putchar(' ');
	cli_col(cli_label(HL_VOCAB_STATE, state), w[0]);
	printf(" %s ", opened);
	cli_col(cli_field(HL_VOCAB_PRECEDENCE, str(it, "precedence")), w[1]);
	putchar(' ');
	cli_col(sev[0] ? cli_label(HL_VOCAB_SEVERITY, sev) : "-", w[2]);
	printf(" %-16s ", tlp[0] ? tlp : "-");
	cli_col(reqs, w[3]);
	putchar(' ');
	cli_col(strcmp(state, "open") ? "-" : ack, w[4]);
	printf(" %s\n", cat[0] ? cat : "-");
	if (name[0]) {
		printf("    ");
		cli_print_text((const unsigned char *)name, strlen(name));
		putchar('\n');
	}
}

static int keep(void *ctx, json_t *item)
{
	return json_array_append(ctx, item) ? -ENOMEM : 0;
}

/* Every page of GET /v1/case/list, then the table (its widths need
 * every row) or a line of JSON per case, as hl_case_json wrote it. */
static int list(const struct opts *o)
{
	struct hl_party *p = cli_party(HL_PARTY_PUBLIC);
	json_t *args = json_object(), *items = json_array(), *it;
	int64_t now = cli_now();
	int r = CLI_FAIL, w[7] = {0};
	size_t i;

	if (o->open)
		json_object_set_new(args, "open", json_true());
	if (o->category)
		json_object_set_new(args, "category", json_string(o->category));
	if (o->link)
		json_object_set_new(args, "link", json_string(o->link));
	if (p && cli_list(p, "/v1/case/list", args, keep, items) == 0)
		r = CLI_OK;
	if (r == CLI_OK && !o->json) {
		list_widths(w, items);
		list_head(w);
	}
	json_array_foreach(items, i, it) {
		if (r != CLI_OK)
			break;
		if (o->json)
			cli_json_print(json_incref(json_object_get(it, "case")));
		else
			list_row(w, it, now);
	}
	if (r == CLI_OK && !json_array_size(items) && !o->json)
		printf("%s\n", o->open || o->category ? _("no cases match") : _("no cases"));
	json_decref(items);
	json_decref(args);
	hl_party_free(p);
	return r;
}

/* ---- show ---- */

static void print_field(const char *label, enum hl_vocab v, const char *code)
{
	if (!code || !code[0])
		return;
	printf("  %s: %s", label, cli_label(v, code));
	/* The code beside its translation, what the peer's officer reads. */
	if (strncmp(cli_label(v, code), code, strlen(code)) != 0)
		printf(" (%s)", code);
	putchar('\n');
}

static void print_actions(const json_t *codes)
{
	const char *sep = "";
	size_t i;
	json_t *a;

	if (!json_array_size(codes))
		return;
	printf("  %s: ", _("actions"));
	json_array_foreach(codes, i, a) {
		printf("%s%s", sep, cli_label(HL_VOCAB_ACTION, json_string_value(a)));
		sep = ", ";
	}
	putchar('\n');
}

/* Free text of the content JSON ({"lang", "text"}), indented, each line
 * as sent (escaped on a terminal). */
static void print_body(const json_t *t, const char *label)
{
	const char *s = str(t, "text");
	const char *end = s + json_string_length(json_object_get(t, "text"));

	/* The msgid of cli_print_content's label and language tag. */
	printf("  ");
	printf(_("%s [%s]:\n"), label, str(t, "lang"));
	do {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		printf("    ");
		cli_print_text((const unsigned char *)s, n);
		putchar('\n');
		s += n + (nl != NULL);
	} while (s < end);
}

/* One event of the desk's timeline (docs/api.md), with its content. */
static void show_event(const json_t *e)
{
	const json_t *m = json_object_get(e, "content");
	const char *type = str(e, "type"), *why = str(e, "not_counted");
	const char *stix = str(e, "stix"), *fix = str(e, "corrected_by");
	char when[HL_TIME_LEN + 1];

	hl_time_format(num(e, "time"), when);
	printf("\n%s  %s  %-18s %s", when, str(e, "from"), str(e, "id"),
	       cli_label(HL_VOCAB_KIND, type));
	printf(" (%s)", cli_field(HL_VOCAB_PRECEDENCE, str(e, "precedence")));
	if (json_is_true(json_object_get(e, "retracted")))
		printf("  %s", _("RETRACTED"));
	putchar('\n');
	if (str(e, "about")[0]) {
		printf("  %s: %s", _("about"), str(e, "about"));
		if (str(e, "about_type")[0])
			printf(" (%s)", cli_label(HL_VOCAB_KIND, str(e, "about_type")));
		putchar('\n');
	}
	cli_print_by("  ", str(json_object_get(e, "by"), "name"),
		     str(json_object_get(e, "by"), "role"));
	cli_print_suspect(json_object_get(e, "suspect"), str(e, "from"), "  ");
	if (why[0])
		printf("  %s: %s\n", _("NOT COUNTED"), _(why));
	print_field(_("category"), HL_VOCAB_CATEGORY, str(e, "category"));
	print_field("TLP", HL_VOCAB_TLP, str(e, "tlp"));
	print_field(_("severity"), HL_VOCAB_SEVERITY, str(e, "severity"));
	print_actions(json_object_get(e, "actions"));
	print_field(_("answer"), HL_VOCAB_ANSWER, str(e, "answer"));
	print_field(_("state"), HL_VOCAB_STATE, str(e, "state"));
	if (stix[0])
		printf("  STIX: %s\n", strcmp(stix, "valid") ? stix : _("a valid bundle"));
	if (fix[0])
		printf("  %s %s\n", _("corrected by"), fix);
	if (!json_is_object(m)) {
		printf("  %s\n", _("(cannot be opened)"));
		return;
	}
	if (json_object_get(m, "summary"))
		print_body(json_object_get(m, "summary"), _("summary"));
	if (json_string_length(json_object_get(json_object_get(m, "text"), "text")) ||
	    !strcmp(type, "notify"))
		print_body(json_object_get(m, "text"), _("text"));
}

/* A group case's links, each with its own case's state. */
static void show_members(const json_t *res)
{
	const json_t *m;
	size_t i;

	printf("  %s:\n", _("members"));
	json_array_foreach(json_object_get(res, "members"), i, m) {
		printf("    %-20s ", str(m, "link"));
		if (str(m, "held")[0])
			printf(_("held while the link is suspended (%s)"), str(m, "held"));
		else
			printf(_("%s, requests: %u, %u of them pending"),
			       cli_label(HL_VOCAB_STATE, str(m, "state")),
			       (unsigned)num(m, "requests"), (unsigned)num(m, "pending"));
		if (!json_is_true(json_object_get(m, "member")))
			printf("  %s", _("(no longer a member)"));
		putchar('\n');
	}
}

/* GET /v1/case/show: the case's state and its timeline, or for --json
 * the state as hl_case_json wrote it. */
static int show(const char *id, const struct opts *o)
{
	struct hl_party *p = cli_party(HL_PARTY_PUBLIC);
	json_t *args = json_pack("{s:s}", "id", id), *res = NULL, *c, *e;
	char opened[HL_TIME_LEN + 1], closed[HL_TIME_LEN + 1];
	size_t i;

	if (o->link)
		json_object_set_new(args, "link", json_string(o->link));
	if (!p || cli_call(p, "GET", "/v1/case/show", args, &res) != 0) {
		json_decref(args);
		hl_party_free(p);
		return CLI_FAIL;
	}
	c = json_object_get(res, "case");
	if (o->json) {
		cli_json_print(json_incref(c));
	} else {
		hl_time_format(num(c, "opened"), opened);
		if (json_object_get(res, "group"))
			printf(_("case %s (group %s)\n"), str(c, "id"),
			       str(json_object_get(res, "group"), "name"));
		else
			printf(_("case %s (link %s)\n"), str(c, "id"), str(res, "link"));
		printf("  %s: %s\n", _("state"), cli_label(HL_VOCAB_STATE, str(c, "state")));
		print_field(_("category"), HL_VOCAB_CATEGORY, str(c, "category"));
		print_field("TLP", HL_VOCAB_TLP, str(c, "tlp"));
		print_field(_("severity"), HL_VOCAB_SEVERITY, str(c, "severity"));
		printf("  %s: %s\n", _("opened"), opened);
		if (num(c, "closed")) {
			hl_time_format(num(c, "closed"), closed);
			printf("  %s: %s\n", _("closed"), closed);
		}
		printf(_("  requests: %u, %u of them pending\n"), (unsigned)num(res, "requests"),
		       (unsigned)num(res, "pending"));
		if (json_object_get(res, "group"))
			show_members(res);
		json_array_foreach(json_object_get(res, "events"), i, e)
			show_event(e);
	}
	json_decref(res);
	json_decref(args);
	hl_party_free(p);
	return CLI_OK;
}

/* ---- close ---- */

/* Through the desk (POST /v1/case/close): hotlined signs the close. */
static int close_case(const char *id, const char *text, const struct opts *o)
{
	json_t *args = json_pack("{s:s}", "case", id), *reply = NULL;
	struct hl_party *p = cli_party(HL_PARTY_PUBLIC);
	int r = CLI_FAIL;

	if (o->link)
		json_object_set_new(args, "link", json_string(o->link));
	if (o->prec_name)
		json_object_set_new(args, "precedence", json_string(o->prec_name));
	cli_lang_arg(args, "lang", o->lang);
	if (p && (!text || cli_text_arg(args, "text", text) == 0))
		r = cli_act(p, "/v1/case/close", args, &reply);
	if (reply && json_object_get(reply, "group"))
		r = cli_print_group(reply);
	else if (reply)
		cli_print_sent(reply);
	if (reply)
		printf(_("case %s closed\n"), json_string_value(json_object_get(reply, "case")));
	json_decref(reply);
	json_decref(args);
	hl_party_free(p);
	return r;
}

int case_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"open", no_argument, NULL, 'o'},
		{"json", no_argument, NULL, 'j'},
		{"category", required_argument, NULL, 'c'},
		{"link", required_argument, NULL, 'l'},
		{"lang", required_argument, NULL, 'L'},
		{"precedence", required_argument, NULL, 'p'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.prec = HL_ROUTINE};
	const char *verb;
	int args;

	if (argc < 2 || (strcmp(argv[1], "list") && strcmp(argv[1], "show") &&
			 strcmp(argv[1], "close")))
		return cli_usage("case", synopsis);
	verb = argv[1];
	argc--;
	argv++;
	for (;;) {
		int c = getopt_long(argc, argv, "", longopts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'o': o.open = true; break;
		case 'j': o.json = true; break;
		case 'c': o.category = optarg; break;
		case 'l': o.link = optarg; break;
		case 'L': o.lang = optarg; break;
		case 'H': cli_home = optarg; break;
		case 'p':
			if (!cli_opt_precedence(optarg, &o.prec))
				return CLI_USAGE;
			o.prec_name = optarg;
			break;
		default:
			return cli_usage("case", synopsis);
		}
	}
	args = argc - optind;
	if ((!strcmp(verb, "list") && args != 0) || (!strcmp(verb, "show") && args != 1) ||
	    (!strcmp(verb, "close") && (args < 1 || args > 2)))
		return cli_usage("case", synopsis);
	if (!strcmp(verb, "list"))
		return list(&o);
	if (!strcmp(verb, "show"))
		return show(argv[optind], &o);
	return close_case(argv[optind], args == 2 ? argv[optind + 1] : NULL, &o);
}

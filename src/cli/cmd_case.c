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
	"             count (an answer after the close) says why.\n"
	"    close    sends a closing message (ROUTINE unless --precedence)\n"
	"             with TEXT, the outcome.  A closed case takes no more\n"
	"             requests, updates or answers; retracting the close\n"
	"             reopens it.  It needs the supervisor role, and hotlined\n"
	"             running (it signs the close as you); with hotlined\n"
	"             down it fails at once and nothing is sent.\n\n"
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

struct lister {
	struct hl_store *st;
	const struct hl_party *p;
	const struct opts *o;
	const struct hl_link *l;
	int64_t now;
	unsigned shown;
	int err;
	int w[7];	/* STATE, PREC, SEVERITY, REQ, ACK, CASE and LINK */
};

static int wider(int w, const char *s)
{
	return cli_width(s) > w ? cli_width(s) : w;
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

/* The columns of case list: at least the English widths, and enough
 * for the translated headings and words. */
static void list_widths(struct lister *ls)
{
	int *w = ls->w;

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
}

/* LINK as wide as the longest link name. */
static int link_width(void *ctx, const struct hl_link *l)
{
	struct lister *ls = ctx;

	ls->w[6] = wider(ls->w[6], l->name);
	return 0;
}

static bool category_matches(const char *want, const char *have)
{
	size_t n = strlen(want);

	if (!want[0])
		return true;
	return strcmp(want, have) == 0 || (strncmp(want, have, n) == 0 && have[n] == '/');
}

/* At most cap - 1 bytes of s, cut before a UTF-8 continuation byte. */
static void cut(const char *s, size_t n, char *out, size_t cap)
{
	if (n > cap - 1) {
		n = cap - 1;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = 0;
}

/* The first line of the notify's summary, else of its text: a title. */
static void title(const struct lister *ls, const struct hl_case *c, char *out, size_t cap)
{
	struct hl_content m;
	struct hl_buf plain;
	const struct hl_text *t;
	size_t n;

	out[0] = 0;
	hl_buf_init(&plain, HL_PLAIN_MAX);
	if (cli_open_content(ls->st, ls->p, ls->l, c->side, c->seq, &plain, &m) == 0) {
		t = m.has_summary ? &m.summary : &m.text;
		const char *nl = memchr(t->text, '\n', t->len);

		n = nl ? (size_t)(nl - t->text) : t->len;
		cut(t->text, n, out, cap);
		hl_content_free(&m);
	}
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	hl_buf_free(&plain);
}

static int list_one(void *ctx, const struct hl_item *it)
{
	struct lister *ls = ctx;
	char ack[128], opened[HL_TIME_LEN + 1], reqs[24], name[96];
	enum hl_precedence prec = HL_ROUTINE;
	struct hl_case c;
	int r;

	r = hl_case_load(ls->st, ls->p->card.name, ls->l, it->side, it->seq, &c);
	if (r < 0)
		return r;
	if ((ls->o->open && strcmp(c.state, "open") != 0) ||
	    (ls->o->category && !category_matches(ls->o->category, c.category))) {
		hl_case_free(&c);
		return 0;
	}
	ls->shown++;
	if (ls->o->json) {
		char *s = hl_case_json(&c);

		if (s)
			puts(s);
		free(s);
		hl_case_free(&c);
		return s ? 0 : -ENOMEM;
	}
	hl_precedence_parse(it->precedence, &prec);
	cli_ack_state(&ls->p->conf, ls->st, ls->l, it->side, it->seq, "notify", prec,
		      it->time, ls->now, ack, sizeof(ack));
	hl_time_format(c.opened, opened);
	snprintf(reqs, sizeof(reqs), "%u/%u", c.pending, c.requests);
	title(ls, &c, name, sizeof(name));
	cli_col(c.id, ls->w[5]);
	putchar(' ');
	cli_col(ls->l->name, ls->w[6]);
	putchar(' ');
	cli_col(cli_label(HL_VOCAB_STATE, c.state), ls->w[0]);
	printf(" %s ", opened);
	cli_col(cli_field(HL_VOCAB_PRECEDENCE, it->precedence), ls->w[1]);
	putchar(' ');
	cli_col(c.severity[0] ? cli_label(HL_VOCAB_SEVERITY, c.severity) : "-", ls->w[2]);
	printf(" %-16s ", c.tlp[0] ? c.tlp : "-");
	cli_col(reqs, ls->w[3]);
	putchar(' ');
	cli_col(strcmp(c.state, "open") ? "-" : ack, ls->w[4]);
	printf(" %s\n", c.category[0] ? c.category : "-");
	if (name[0]) {
		printf("    ");
		cli_print_text((const unsigned char *)name, strlen(name));
		putchar('\n');
	}
	hl_case_free(&c);
	return 0;
}

static int list_link(void *ctx, const struct hl_link *l)
{
	struct lister *ls = ctx;

	if (ls->o->link && strcmp(ls->o->link, l->name) != 0)
		return 0;
	ls->l = l;
	return hl_store_case_each(ls->st, l->id, list_one, ls);
}

static int list(struct hl_store *st, const struct hl_party *p, const struct opts *o)
{
	struct lister ls = {st, p, o, NULL, cli_now(), 0, 0, {0}};
	struct hl_link l = {0};
	int r;

	if (o->link && cli_link(st, o->link, &l) < 0)
		return CLI_FAIL;
	hl_link_free(&l);
	if (!o->json) {
		list_widths(&ls);
		hl_store_link_each(st, link_width, &ls);
		cli_col(_("CASE"), ls.w[5]);
		putchar(' ');
		cli_col(_("LINK"), ls.w[6]);
		putchar(' ');
		cli_col(_("STATE"), ls.w[0]);
		putchar(' ');
		cli_col(_("OPENED"), 20);
		putchar(' ');
		cli_col(_("PREC"), ls.w[1]);
		putchar(' ');
		cli_col(_("SEVERITY"), ls.w[2]);
		printf(" %-16s ", "TLP");
		cli_col(_("REQ"), ls.w[3]);
		putchar(' ');
		cli_col(_("ACK"), ls.w[4]);
		printf(" %s\n", _("CATEGORY"));
	}
	r = hl_store_link_each(st, list_link, &ls);
	if (r < 0) {
		cli_store_err(st, _("listing cases"), r);
		return CLI_FAIL;
	}
	if (!ls.shown && !o->json)
		printf("%s\n", o->open || o->category ? _("no cases match") : _("no cases"));
	return CLI_OK;
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

static void print_actions(unsigned mask)
{
	size_t n;
	const struct hl_term *all = hl_vocab_terms(HL_VOCAB_ACTION, &n);
	const char *sep = "";

	if (!mask)
		return;
	printf("  %s: ", _("actions"));
	for (size_t i = 0; i < n; i++) {
		if (mask & (1u << i)) {
			printf("%s%s", sep, cli_label(HL_VOCAB_ACTION, all[i].code));
			sep = ", ";
		}
	}
	putchar('\n');
}

/* Free text, indented, each line as sent (escaped on a terminal). */
static void print_body(const struct hl_text *t, const char *label)
{
	const char *s = t->text, *end = t->text + t->len;

	/* The msgid of cli_print_content's label and language tag. */
	printf("  ");
	printf(_("%s [%s]:\n"), label, t->lang);
	do {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		printf("    ");
		cli_print_text((const unsigned char *)s, n);
		putchar('\n');
		s += n + (nl != NULL);
	} while (s < end);
}

static void show_event(struct hl_store *st, const struct hl_party *p,
		       const struct hl_link *l, const struct hl_case *c,
		       const struct hl_case_event *e)
{
	char when[HL_TIME_LEN + 1], id[CLI_ID_MAX + 1], ref[CLI_ID_MAX + 1];
	struct hl_content m;
	struct hl_buf plain;

	hl_time_format(e->time, when);
	cli_format_id(l->name, e->side, e->seq, id);
	printf("\n%s  %s  %-18s %s", when, e->from, id, cli_label(HL_VOCAB_KIND, e->type));
	printf(" (%s)", cli_field(HL_VOCAB_PRECEDENCE, e->precedence));
	if (e->flags & HL_EV_RETRACTED)
		printf("  %s", _("RETRACTED"));
	putchar('\n');
	if (e->ref_side >= 0) {
		int t = hl_case_find(c, e->ref_side, e->ref_seq);

		cli_format_id(l->name, e->ref_side, e->ref_seq, ref);
		printf("  %s: %s", _("about"), ref);
		if (t >= 0)
			printf(" (%s)", cli_label(HL_VOCAB_KIND, c->ev[t].type));
		putchar('\n');
	}
	if (e->flags & HL_EV_IGNORED)
		printf("  %s: %s\n", _("NOT COUNTED"), _(e->why));
	print_field(_("category"), HL_VOCAB_CATEGORY, e->category);
	print_field("TLP", HL_VOCAB_TLP, e->tlp);
	print_field(_("severity"), HL_VOCAB_SEVERITY, e->severity);
	print_actions(e->actions);
	print_field(_("answer"), HL_VOCAB_ANSWER, e->answer);
	if (!strcmp(e->type, "request") && e->state[0])
		print_field(_("state"), HL_VOCAB_STATE, e->state);
	if (e->stix[0])
		printf("  STIX: %s\n", strcmp(e->stix, "valid") ? e->stix : _("a valid bundle"));
	if (e->corrected_by >= 0) {
		cli_format_id(l->name, c->ev[e->corrected_by].side, c->ev[e->corrected_by].seq,
			      ref);
		printf("  %s %s\n", _("corrected by"), ref);
	}
	hl_buf_init(&plain, HL_PLAIN_MAX);
	if (cli_open_content(st, p, l, e->side, e->seq, &plain, &m) == 0) {
		if (m.has_summary)
			print_body(&m.summary, _("summary"));
		if (m.text.len || !strcmp(e->type, "notify"))
			print_body(&m.text, _("text"));
		hl_content_free(&m);
	} else {
		printf("  %s\n", _("(cannot be opened)"));
	}
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	hl_buf_free(&plain);
}

static int show(struct hl_store *st, const struct hl_party *p, const char *id,
		const struct opts *o)
{
	char opened[HL_TIME_LEN + 1], closed[HL_TIME_LEN + 1];
	struct hl_link l = {0};
	struct hl_case c;

	if (cli_case_open(st, p, id, o->link, &l, &c) < 0)
		return CLI_FAIL;
	if (o->json) {
		char *s = hl_case_json(&c);

		if (s)
			puts(s);
		free(s);
		hl_case_free(&c);
		hl_link_free(&l);
		return s ? CLI_OK : CLI_FAIL;
	}
	hl_time_format(c.opened, opened);
	printf(_("case %s (link %s)\n"), c.id, l.name);
	printf("  %s: %s\n", _("state"), cli_label(HL_VOCAB_STATE, c.state));
	print_field(_("category"), HL_VOCAB_CATEGORY, c.category);
	print_field("TLP", HL_VOCAB_TLP, c.tlp);
	print_field(_("severity"), HL_VOCAB_SEVERITY, c.severity);
	printf("  %s: %s\n", _("opened"), opened);
	if (c.closed) {
		hl_time_format(c.closed, closed);
		printf("  %s: %s\n", _("closed"), closed);
	}
	printf(_("  requests: %u, %u of them pending\n"), c.requests, c.pending);
	for (size_t i = 0; i < c.n; i++)
		show_event(st, p, &l, &c, &c.ev[i]);
	hl_case_free(&c);
	hl_link_free(&l);
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
	if (reply) {
		cli_print_sent(reply);
		printf(_("case %s closed\n"), json_string_value(json_object_get(reply, "case")));
	}
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
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	const char *verb;
	int r, args;

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
	if (!strcmp(verb, "close"))
		return close_case(argv[optind], args == 2 ? argv[optind + 1] : NULL, &o);
	r = CLI_FAIL;
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (st && cli_index(st, p) == 0) {
		if (!strcmp(verb, "list"))
			r = list(st, p, &o);
		else
			r = show(st, p, argv[optind], &o);
	}
	hl_store_close(st);
	hl_party_free(p);
	return r;
}

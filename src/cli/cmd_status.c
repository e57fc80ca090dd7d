/* cmd_status.c - hotline status and hotline outbox: delivery per link. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "case.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"

const char status_help[] =
	N_("NAME\n"
	"    hotline status - each link's delivery at a glance\n\n"
	"SYNOPSIS\n"
	"    hotline status\n\n"
	"DESCRIPTION\n"
	"    For every link: whether it is confirmed, whether the peer was\n"
	"    reachable at hotlined's last attempt, how many messages wait for\n"
	"    the peer's receipt, when the last receipt came, and how many\n"
	"    messages were received; with the last delivery error, if any, and\n"
	"    the messages past their acknowledgment deadline, on either side;\n"
	"    and the open cases, with their requests not yet done or declined.\n"
	"    A peer that presents a TLS key other than its card's is 'PIN\n"
	"    MISMATCH', with the pin the card gives and the pin seen; when the\n"
	"    last escalation step's hooks failed, a last line says so:\n"
	"    'escalation hook failing: command exit 1 (step 2 of ack-overdue,\n"
	"    TIME)'.\n"
	"    Reachability comes from the running hotlined; without one, the\n"
	"    rest is read from the store and hotlined is reported not running.\n\n"
	"EXIT STATUS\n"
	"    0 printed; 1 the store cannot be read; 2 usage error.\n");

const char outbox_help[] =
	N_("NAME\n"
	"    hotline outbox - messages that wait for the peer's receipt\n\n"
	"SYNOPSIS\n"
	"    hotline outbox [--link LINK]\n\n"
	"DESCRIPTION\n"
	"    Lists, per link, the messages this party sent that the peer has\n"
	"    not yet receipted, oldest first, with hotlined's delivery\n"
	"    attempts and last error for the link.  Messages stay here, durably,\n"
	"    until their receipt comes back; nothing is dropped.\n\n"
	"EXIT STATUS\n"
	"    0 printed; 1 the store cannot be read; 2 usage error.\n");

struct view {
	const struct hl_config *conf;
	const char *me;		/* this party's name */
	struct hl_store *st;
	json_t *daemon;		/* hotlined's /v1/status, or NULL */
	const char *only;
	int w[5];	/* STATE, REACHABLE, OUTBOX, RECEIVED; outbox's precedence */
};

static int wider(int w, const char *s)
{
	return cli_width(s) > w ? cli_width(s) : w;
}

/* The widths of the columns: at least the English ones, and enough for
 * the translated headings and words. */
static void widths(struct view *v)
{
	static const char *const reach[] = {
		N_("no endpoint"), N_("not tried"), N_("yes"), N_("NO"), N_("PIN MISMATCH"),
	};
	size_t n;
	const struct hl_term *prec = hl_vocab_terms(HL_VOCAB_PRECEDENCE, &n);

	v->w[0] = wider(wider(wider(11, _("STATE")), _("confirmed")), _("UNCONFIRMED"));
	v->w[1] = wider(11, _("REACHABLE"));
	for (size_t i = 0; i < sizeof(reach) / sizeof(reach[0]); i++)
		v->w[1] = wider(v->w[1], _(reach[i]));
	v->w[2] = wider(6, _("OUTBOX"));
	v->w[3] = wider(8, _("RECEIVED"));
	v->w[4] = 9;
	for (size_t i = 0; i < n; i++)
		v->w[4] = wider(v->w[4], cli_field(HL_VOCAB_PRECEDENCE, prec[i].code));
}

static json_t *daemon_link(const struct view *v, const char *name)
{
	json_t *links = v->daemon ? json_object_get(v->daemon, "links") : NULL;
	size_t i;
	json_t *l;

	json_array_foreach(links, i, l) {
		const char *n = json_string_value(json_object_get(l, "name"));

		if (n && strcmp(n, name) == 0)
			return l;
	}
	return NULL;
}

static const char *reach(const struct view *v, const struct hl_link *l)
{
	json_t *d = daemon_link(v, l->name);

	if (!v->daemon)
		return "?";
	if (!l->endpoint[0])
		return _("no endpoint");
	if (!d || json_integer_value(json_object_get(d, "last_attempt")) == 0)
		return _("not tried");
	if (json_object_get(d, "pin_mismatch"))
		return _("PIN MISMATCH");
	return json_is_true(json_object_get(d, "reachable")) ? _("yes") : _("NO");
}

/* The pins of a TLS key pin mismatch, when the link is in that alarm. */
static void pin_line(json_t *d)
{
	json_t *pm = d ? json_object_get(d, "pin_mismatch") : NULL;
	const char *seen = json_string_value(json_object_get(pm, "seen"));

	if (pm)
		printf(_("    TLS KEY PIN MISMATCH: the card pins %s, the peer presents %s\n"),
		       json_string_value(json_object_get(pm, "expected")),
		       seen && *seen ? seen : "?");
}

/* The escalation hooks' last run, when it failed (the store's record). */
static void hook_line(struct hl_store *st)
{
	struct hl_escalation e;
	char when[HL_TIME_LEN + 1];

	if (hl_store_escalation_failing(st, &e) < 0)
		return;
	hl_time_format(e.fired, when);
	printf(_("escalation hook failing: %s (step %u of %s, %s)\n"), e.outcome, e.step + 1,
	       e.event, when);
}

struct overdue {
	const struct hl_config *conf;
	struct hl_store *st;
	const struct hl_link *l;
	int side;
	int64_t now;
	uint64_t count;
};

static int count_overdue(void *ctx, const struct hl_message *m)
{
	struct overdue *o = ctx;
	enum hl_precedence p = HL_ROUTINE;
	char state[128];

	hl_precedence_parse(m->precedence, &p);
	if (cli_ack_state(o->conf, o->st, o->l, o->side, m->seq, m->kind, p, m->time, o->now,
			  state, sizeof(state)))
		o->count++;
	return 0;
}

/* Messages past their acknowledgment deadline: ours to answer (side
 * THEIRS) or the peer's (side OURS). */
static uint64_t overdue(const struct hl_config *conf, struct hl_store *st,
			const struct hl_link *l, int side)
{
	struct overdue o = {conf, st, l, side, cli_now(), 0};

	hl_store_message_each(st, l->id, side, 0, count_overdue, &o);
	return o.count;
}

struct cases {
	struct hl_store *st;
	const char *me;
	const struct hl_link *l;
	unsigned open, pending;
};

static int count_case(void *ctx, const struct hl_item *it)
{
	struct cases *cs = ctx;
	struct hl_case c;

	if (hl_case_load(cs->st, cs->me, cs->l, it->side, it->seq, &c) < 0)
		return 0;
	if (!strcmp(c.state, "open")) {
		cs->open++;
		cs->pending += c.pending;
	}
	hl_case_free(&c);
	return 0;
}

/* The link's open cases and their requests not yet done or declined,
 * for a supervisor's glance. */
static void open_cases(const struct view *v, const struct hl_link *l)
{
	struct cases cs = {v->st, v->me, l, 0, 0};

	if (!v->me || hl_store_case_each(v->st, l->id, count_case, &cs) < 0 || !cs.open)
		return;
	printf(_("    cases: %u open, %u request(s) not yet done or declined "
		 "('hotline case list --open')\n"), cs.open, cs.pending);
}

static int status_one(void *ctx, const struct hl_link *l)
{
	struct view *v = ctx;
	uint64_t sent = 0, acked = 0, got = 0, ours, theirs;
	int64_t when = 0;
	char last[HL_TIME_LEN + 1], num[24];
	json_t *d = daemon_link(v, l->name);
	const char *err = d ? json_string_value(json_object_get(d, "last_error")) : NULL;

	hl_store_log_size(v->st, l->id, HL_OURS, &sent);
	hl_store_cosigned_size(v->st, l->id, HL_OURS, &acked);
	hl_store_log_size(v->st, l->id, HL_THEIRS, &got);
	/* TRANSLATORS: no receipt came yet, in the LAST RECEIPT column. */
	snprintf(last, sizeof(last), "%s", _("never"));
	if (acked && hl_store_checkpoint_get(v->st, l->id, HL_OURS, acked, NULL, NULL,
					     &when) == 0 && when)
		hl_time_format(when, last);
	printf("%-20s ", l->name);
	cli_col(l->confirmed ? _("confirmed") : _("UNCONFIRMED"), v->w[0]);
	putchar(' ');
	cli_col(reach(v, l), v->w[1]);
	putchar(' ');
	snprintf(num, sizeof(num), "%llu", (unsigned long long)(sent - acked));
	cli_rcol(num, v->w[2]);
	printf("  ");
	cli_col(last, 20);
	putchar(' ');
	snprintf(num, sizeof(num), "%llu", (unsigned long long)got);
	cli_rcol(num, v->w[3]);
	putchar('\n');
	if (err && *err)
		printf(_("    last error: %s (attempt %lld)\n"), err,
		       (long long)json_integer_value(json_object_get(d, "attempts")));
	pin_line(d);
	ours = overdue(v->conf, v->st, l, HL_THEIRS);
	theirs = overdue(v->conf, v->st, l, HL_OURS);
	if (ours)
		printf(_("    OVERDUE: %llu received message(s) not acknowledged in time "
			 "('hotline inbox')\n"), (unsigned long long)ours);
	if (theirs)
		printf(_("    OVERDUE: %llu of our messages not acknowledged by %s in time\n"),
		       (unsigned long long)theirs, l->name);
	open_cases(v, l);
	return 0;
}

static json_t *daemon_status(const struct hl_party *p)
{
	struct hl_buf out;
	json_t *j = NULL;

	hl_buf_init(&out, 1 << 20);
	if (cli_api(p, "GET", "/v1/status", &out) == 0)
		j = json_loadb((const char *)out.data, out.len, 0, NULL);
	hl_buf_free(&out);
	return j;
}

/* Opens what both commands need; returns CLI_OK or a status. */
static int open_view(int argc, char **argv, const char *cmd, const char *syn,
		     struct hl_party **p, struct view *v)
{
	static const struct option opts[] = {
		{"link", required_argument, NULL, 'l'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'l' && strcmp(cmd, "outbox") == 0)
			v->only = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage(cmd, syn);
	}
	if (optind != argc)
		return cli_usage(cmd, syn);
	*p = cli_party(HL_PARTY_SECRETS);
	v->st = *p ? cli_store(*p) : NULL;
	v->conf = *p ? &(*p)->conf : NULL;
	v->me = *p ? (*p)->card.name : NULL;
	if (!v->st || cli_index(v->st, *p) < 0)
		return CLI_FAIL;
	v->daemon = daemon_status(*p);
	return CLI_OK;
}

static void close_view(struct hl_party *p, struct view *v)
{
	json_decref(v->daemon);
	hl_store_close(v->st);
	hl_party_free(p);
}

int status_main(int argc, char **argv)
{
	struct hl_party *p = NULL;
	struct view v = {0};
	int r = open_view(argc, argv, "status", "status", &p, &v);

	if (r != CLI_OK) {
		close_view(p, &v);
		return r;
	}
	printf("hotlined: %s\n", v.daemon ? _("running") :
	       _("NOT RUNNING (nothing is delivered)"));
	widths(&v);
	/* TRANSLATORS: the headings of 'hotline status': keep them short,
	 * in capitals where the script has them. */
	cli_col(_("LINK"), 20);
	putchar(' ');
	cli_col(_("STATE"), v.w[0]);
	putchar(' ');
	cli_col(_("REACHABLE"), v.w[1]);
	putchar(' ');
	cli_rcol(_("OUTBOX"), v.w[2]);
	printf("  ");
	cli_col(_("LAST RECEIPT"), 20);
	putchar(' ');
	cli_rcol(_("RECEIVED"), v.w[3]);
	putchar('\n');
	if (hl_store_link_each(v.st, status_one, &v) < 0) {
		cli_store_err(v.st, _("links"), -HL_ESTORE);
		r = CLI_FAIL;
	}
	hook_line(v.st);
	close_view(p, &v);
	return r;
}

struct outbox {
	const char *link;
	int w;		/* the precedence column's */
};

static int outbox_msg(void *ctx, const struct hl_message *m)
{
	const struct outbox *o = ctx;
	char when[HL_TIME_LEN + 1];

	hl_time_format(m->time, when);
	printf("  %s/out/%-6llu %s  ", o->link, (unsigned long long)m->seq, when);
	cli_col(cli_field(HL_VOCAB_PRECEDENCE, m->precedence), o->w);
	printf(" %s\n", cli_field(HL_VOCAB_KIND, m->kind));
	return 0;
}

static int outbox_one(void *ctx, const struct hl_link *l)
{
	struct view *v = ctx;
	struct outbox o = {l->name, v->w[4]};
	uint64_t sent = 0, acked = 0;
	json_t *d = daemon_link(v, l->name);
	const char *err = d ? json_string_value(json_object_get(d, "last_error")) : NULL;

	if (v->only && strcmp(v->only, l->name) != 0)
		return 0;
	hl_store_log_size(v->st, l->id, HL_OURS, &sent);
	hl_store_cosigned_size(v->st, l->id, HL_OURS, &acked);
	/* TRANSLATORS: 'hotline outbox' per link, a line in up to three
	 * parts: "us-cert: 5 awaiting receipt, 3 failed attempt(s), last
	 * error: Couldn't connect to server" (the error is not translated). */
	printf(_("%s: %llu awaiting receipt"), l->name, (unsigned long long)(sent - acked));
	if (d)
		printf(_(", %lld failed attempt(s)"),
		       (long long)json_integer_value(json_object_get(d, "attempts")));
	if (err && *err)
		printf(_(", last error: %s"), err);
	putchar('\n');
	return hl_store_message_each(v->st, l->id, HL_OURS, acked, outbox_msg, &o);
}

int outbox_main(int argc, char **argv)
{
	struct hl_party *p = NULL;
	struct view v = {0};
	int r = open_view(argc, argv, "outbox", "outbox [--link LINK]", &p, &v);

	if (r != CLI_OK) {
		close_view(p, &v);
		return r;
	}
	if (!v.daemon)
		printf("hotlined: %s\n", _("NOT RUNNING (nothing is delivered)"));
	widths(&v);
	if (hl_store_link_each(v.st, outbox_one, &v) < 0) {
		cli_store_err(v.st, _("outbox"), -HL_ESTORE);
		r = CLI_FAIL;
	}
	close_view(p, &v);
	return r;
}

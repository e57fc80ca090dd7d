/* cmd_status.c - hotline status and hotline outbox: delivery per link. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "case.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "transcript.h"

const char status_help[] =
	N_("NAME\n"
	"    hotline status - each link's delivery at a glance\n\n"
	"SYNOPSIS\n"
	"    hotline status [--json]\n\n"
	"DESCRIPTION\n"
	"    For every link: whether it is confirmed, whether the peer was\n"
	"    reachable at hotlined's last attempt, how many messages wait for\n"
	"    the peer's receipt, when the last receipt came, and how many\n"
	"    messages were received; with the last delivery error, if any, and\n"
	"    the messages past their acknowledgment deadline, on either side;\n"
	"    our messages past their receipt deadline; any evidence that the\n"
	"    peer signed two different messages for one number (an ALARM);\n"
	"    and the open cases, with their requests not yet done or declined;\n"
	"    a STORE LOSS line when this store was proven to have lost messages\n"
	"    it had receipted (the peer sent them again; 9.5 of protocol.md).\n"
	"    A peer that presents a TLS key other than its card's is 'PIN\n"
	"    MISMATCH', with the pin the card gives and the pin seen; when the\n"
	"    last escalation step's hooks failed, a last line says so:\n"
	"    'escalation hook failing: command exit 1 (step 2 of ack-overdue,\n"
	"    TIME)'.\n"
	"    Reachability comes from the running hotlined; without one, the\n"
	"    rest is read from the store and hotlined is reported not running.\n\n"
	"    --json  prints the same as one JSON object (docs/cli-json.md).\n\n"
	"EXIT STATUS\n"
	"    As a monitoring plugin's, so that status can run as one:\n"
	"    0 OK: hotlined runs and nothing is late;\n"
	"    1 WARNING: something is late: a message past its acknowledgment\n"
	"      deadline (either side), one of ours past its receipt deadline,\n"
	"      or a peer that was not reachable at the last attempt; or a\n"
	"      store loss;\n"
	"    2 CRITICAL: a link in alarm (evidence of equivocation, or a TLS\n"
	"      key pin mismatch) or escalation hooks failing;\n"
	"    3 UNKNOWN: hotlined is not running, the store cannot be read, or\n"
	"      a usage error.\n"
	"    When several apply, the first of 2, 3, 1 is given.\n");

const char outbox_help[] =
	N_("NAME\n"
	"    hotline outbox - messages that wait for the peer's receipt\n\n"
	"SYNOPSIS\n"
	"    hotline outbox [--link LINK] [--json]\n\n"
	"DESCRIPTION\n"
	"    Lists, per link, the messages this party sent that the peer has\n"
	"    not yet receipted, oldest first, with hotlined's delivery\n"
	"    attempts and last error for the link.  Messages stay here, durably,\n"
	"    until their receipt comes back; nothing is dropped.\n\n"
	"    --json  prints a JSON object per link, one a line, with its\n"
	"    messages (docs/cli-json.md).\n\n"
	"EXIT STATUS\n"
	"    0 printed; 1 the store cannot be read; 2 usage error.\n");

/* hotline status's exit status, as a monitoring plugin's. */
enum { STATUS_OK, STATUS_WARNING, STATUS_CRITICAL, STATUS_UNKNOWN };

struct view {
	const struct hl_config *conf;
	const char *me;		/* this party's name */
	struct hl_store *st;
	json_t *daemon;		/* hotlined's /v1/status, or NULL */
	const char *only;
	bool json;		/* --json */
	int w[5];	/* STATE, REACHABLE, OUTBOX, RECEIVED; outbox's precedence */
};

static int wider(int w, const char *s)
{
	return cli_width(s) > w ? cli_width(s) : w;
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

/* Where a link's peer stands at hotlined's last attempt. */
enum reach {
	REACH_UNKNOWN, REACH_NO_ENDPOINT, REACH_NOT_TRIED, REACH_YES, REACH_NO,
	REACH_PIN_MISMATCH,
};

static enum reach reach(const struct view *v, const struct hl_link *l)
{
	json_t *d = daemon_link(v, l->name);

	if (!v->daemon)
		return REACH_UNKNOWN;
	if (!l->endpoint[0])
		return REACH_NO_ENDPOINT;
	if (!d || json_integer_value(json_object_get(d, "last_attempt")) == 0)
		return REACH_NOT_TRIED;
	if (json_object_get(d, "pin_mismatch"))
		return REACH_PIN_MISMATCH;
	return json_is_true(json_object_get(d, "reachable")) ? REACH_YES : REACH_NO;
}

static const char *reach_text(enum reach r)
{
	static const char *const t[] = {
		"?", N_("no endpoint"), N_("not tried"), N_("yes"), N_("NO"),
		N_("PIN MISMATCH"),
	};

	return r == REACH_UNKNOWN ? t[0] : _(t[r]);
}

/* The widths of the columns: at least the English ones, and enough for
 * the translated headings and words. */
static void widths(struct view *v)
{
	size_t n;
	const struct hl_term *prec = hl_vocab_terms(HL_VOCAB_PRECEDENCE, &n);

	v->w[0] = wider(wider(wider(11, _("STATE")), _("confirmed")), _("UNCONFIRMED"));
	v->w[1] = wider(11, _("REACHABLE"));
	for (int r = REACH_UNKNOWN; r <= REACH_PIN_MISMATCH; r++)
		v->w[1] = wider(v->w[1], reach_text((enum reach)r));
	v->w[2] = wider(6, _("OUTBOX"));
	v->w[3] = wider(8, _("RECEIVED"));
	v->w[4] = 9;
	for (size_t i = 0; i < n; i++)
		v->w[4] = wider(v->w[4], cli_field(HL_VOCAB_PRECEDENCE, prec[i].code));
}

/* What 'hotline status' knows of one link: gathered once by
 * link_status_get, printed by link_status_print and, for --json, by
 * link_status_json.  level is the monitoring level it gives. */
struct link_status {
	const struct hl_link *l;
	enum reach reach;
	uint64_t outbox, received, evidence;
	uint64_t losses, lost_to;	/* store losses proven, the largest */
	int64_t last_receipt;
	const char *last_error;		/* hotlined's, or NULL */
	const char *pin_expected, *pin_seen;	/* a pin mismatch, or NULL */
	long long attempts;
	uint64_t overdue_ours, overdue_theirs, late_receipts;
	unsigned cases_open, requests_pending;
	int level;
};

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
	struct cli_ack a;

	hl_precedence_parse(m->precedence, &p);
	cli_ack_get(o->conf, o->st, o->l, o->side, m->seq, m->kind, p, m->time, o->now, &a);
	o->count += a.state == CLI_ACK_OVERDUE;
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

static int count_late_receipt(void *ctx, const struct hl_message *m)
{
	struct overdue *o = ctx;
	enum hl_precedence p = HL_ROUTINE;

	hl_precedence_parse(m->precedence, &p);
	o->count += o->now > m->time + hl_config_receipt_due(o->conf, o->l->name, p);
	return 0;
}

/* Our messages after the receipted ones, past their receipt deadline. */
static uint64_t late_receipts(const struct hl_config *conf, struct hl_store *st,
			      const struct hl_link *l, uint64_t acked)
{
	struct overdue o = {conf, st, l, HL_OURS, cli_now(), 0};

	hl_store_message_each(st, l->id, HL_OURS, acked, count_late_receipt, &o);
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
static void open_cases(const struct view *v, struct link_status *ls)
{
	struct cases cs = {v->st, v->me, ls->l, 0, 0};

	if (!v->me || hl_store_case_each(v->st, ls->l->id, count_case, &cs) < 0)
		return;
	ls->cases_open = cs.open;
	ls->requests_pending = cs.pending;
}

static int count_loss(void *ctx, int side, uint64_t seq, int64_t when)
{
	struct link_status *ls = ctx;

	(void)side;
	(void)when;
	ls->losses++;
	if (seq > ls->lost_to)
		ls->lost_to = seq;
	return 0;
}

static void link_status_get(const struct view *v, const struct hl_link *l,
			    struct link_status *ls)
{
	uint64_t sent = 0, acked = 0;
	json_t *d = daemon_link(v, l->name);

	*ls = (struct link_status){.l = l, .reach = reach(v, l)};
	hl_store_log_size(v->st, l->id, HL_OURS, &sent);
	hl_store_cosigned_size(v->st, l->id, HL_OURS, &acked);
	hl_store_log_size(v->st, l->id, HL_THEIRS, &ls->received);
	hl_store_evidence_count(v->st, l->id, &ls->evidence);
	hl_store_event_each(v->st, l->id, HL_EVENT_STORE_LOSS, count_loss, ls);
	ls->outbox = sent - acked;
	if (acked)
		hl_store_checkpoint_get(v->st, l->id, HL_OURS, acked, NULL, NULL,
					&ls->last_receipt);
	ls->last_error = d ? json_string_value(json_object_get(d, "last_error")) : NULL;
	if (ls->last_error && !*ls->last_error)
		ls->last_error = NULL;
	ls->attempts = d ? (long long)json_integer_value(json_object_get(d, "attempts")) : 0;
	if (ls->reach == REACH_PIN_MISMATCH) {
		json_t *pm = json_object_get(d, "pin_mismatch");

		ls->pin_expected = json_string_value(json_object_get(pm, "expected"));
		ls->pin_seen = json_string_value(json_object_get(pm, "seen"));
	}
	ls->overdue_ours = overdue(v->conf, v->st, l, HL_THEIRS);
	ls->overdue_theirs = overdue(v->conf, v->st, l, HL_OURS);
	ls->late_receipts = late_receipts(v->conf, v->st, l, acked);
	open_cases(v, ls);
	if (ls->overdue_ours || ls->overdue_theirs || ls->late_receipts ||
	    ls->reach == REACH_NO || ls->losses)
		ls->level = STATUS_WARNING;
	if (ls->evidence || ls->reach == REACH_PIN_MISMATCH)
		ls->level = STATUS_CRITICAL;
}

static void link_status_print(const struct view *v, const struct link_status *ls)
{
	char last[HL_TIME_LEN + 1], num[24];

	/* TRANSLATORS: no receipt came yet, in the LAST RECEIPT column. */
	snprintf(last, sizeof(last), "%s", _("never"));
	if (ls->last_receipt)
		hl_time_format(ls->last_receipt, last);
	printf("%-20s ", ls->l->name);
	cli_col(ls->l->confirmed ? _("confirmed") : _("UNCONFIRMED"), v->w[0]);
	putchar(' ');
	cli_col(reach_text(ls->reach), v->w[1]);
	putchar(' ');
	snprintf(num, sizeof(num), "%llu", (unsigned long long)ls->outbox);
	cli_rcol(num, v->w[2]);
	printf("  ");
	cli_col(last, 20);
	putchar(' ');
	snprintf(num, sizeof(num), "%llu", (unsigned long long)ls->received);
	cli_rcol(num, v->w[3]);
	putchar('\n');
	if (ls->evidence)
		printf(_("    ALARM: %llu equivocation record(s): the peer signed two "
			 "messages for one number ('hotline link show %s')\n"),
		       (unsigned long long)ls->evidence, ls->l->name);
	if (ls->losses)
		printf(_("    STORE LOSS: this store had lost messages of %s it had receipted "
			 "(up to %llu); the peer sent them again ('hotline log verify')\n"),
		       ls->l->name, (unsigned long long)ls->lost_to);
	if (ls->last_error)
		printf(_("    last error: %s (attempt %lld)\n"), ls->last_error, ls->attempts);
	if (ls->reach == REACH_PIN_MISMATCH)
		printf(_("    TLS KEY PIN MISMATCH: the card pins %s, the peer presents %s\n"),
		       ls->pin_expected ? ls->pin_expected : "?",
		       ls->pin_seen && *ls->pin_seen ? ls->pin_seen : "?");
	if (ls->overdue_ours)
		printf(_("    OVERDUE: %llu received message(s) not acknowledged in time "
			 "('hotline inbox')\n"), (unsigned long long)ls->overdue_ours);
	if (ls->overdue_theirs)
		printf(_("    OVERDUE: %llu of our messages not acknowledged by %s in time\n"),
		       (unsigned long long)ls->overdue_theirs, ls->l->name);
	if (ls->late_receipts)
		printf(_("    LATE: %llu of our messages not receipted in time ('hotline outbox')\n"),
		       (unsigned long long)ls->late_receipts);
	if (ls->cases_open)
		printf(_("    cases: %u open, %u request(s) not yet done or declined "
			 "('hotline case list --open')\n"), ls->cases_open, ls->requests_pending);
}

static const char *const level_name[] = {"ok", "warning", "critical", "unknown"};

static json_t *link_status_json(const struct link_status *ls)
{
	static const char *const reach_name[] = {
		"unknown", "no-endpoint", "not-tried", "yes", "no", "pin-mismatch",
	};
	json_t *j = json_object();

	json_object_set_new(j, "name", json_string(ls->l->name));
	json_object_set_new(j, "peer", json_string(ls->l->card.name));
	json_object_set_new(j, "confirmed", json_boolean(ls->l->confirmed));
	json_object_set_new(j, "reachable", json_string(reach_name[ls->reach]));
	json_object_set_new(j, "outbox", json_integer((json_int_t)ls->outbox));
	json_object_set_new(j, "received", json_integer((json_int_t)ls->received));
	json_object_set_new(j, "last_receipt", cli_json_time(ls->last_receipt));
	json_object_set_new(j, "last_error", ls->last_error ? json_string(ls->last_error) :
			    json_null());
	json_object_set_new(j, "attempts", json_integer(ls->attempts));
	if (ls->reach == REACH_PIN_MISMATCH)
		json_object_set_new(j, "pin_mismatch",
				    json_pack("{s:s?, s:s?}", "expected", ls->pin_expected,
					      "seen", ls->pin_seen));
	json_object_set_new(j, "evidence", json_integer((json_int_t)ls->evidence));
	json_object_set_new(j, "store_losses", json_integer((json_int_t)ls->losses));
	json_object_set_new(j, "overdue_received", json_integer((json_int_t)ls->overdue_ours));
	json_object_set_new(j, "overdue_sent", json_integer((json_int_t)ls->overdue_theirs));
	json_object_set_new(j, "late_receipts", json_integer((json_int_t)ls->late_receipts));
	json_object_set_new(j, "cases_open", json_integer(ls->cases_open));
	json_object_set_new(j, "requests_pending", json_integer(ls->requests_pending));
	json_object_set_new(j, "level", json_string(level_name[ls->level]));
	return j;
}

/* The escalation hooks' last run, when it failed (the store's record):
 * raises the level, printed as a last line or as JSON. */
static json_t *hook_failing(struct hl_store *st, bool print, int *level)
{
	struct hl_escalation e;
	char when[HL_TIME_LEN + 1];

	if (hl_store_escalation_failing(st, &e) < 0)
		return json_null();
	*level = STATUS_CRITICAL;
	hl_time_format(e.fired, when);
	if (print)
		printf(_("escalation hook failing: %s (step %u of %s, %s)\n"), e.outcome,
		       e.step + 1, e.event, when);
	return json_pack("{s:s, s:i, s:s, s:I}", "outcome", e.outcome, "step", (int)e.step + 1,
			 "event", e.event, "time", (json_int_t)e.fired);
}

struct status_walk {
	struct view *v;
	json_t *links;		/* --json: the links' objects; else NULL */
	int level;
};

static int status_one(void *ctx, const struct hl_link *l)
{
	struct status_walk *w = ctx;
	struct link_status ls;

	link_status_get(w->v, l, &ls);
	if (ls.level > w->level)
		w->level = ls.level;
	if (w->links)
		json_array_append_new(w->links, link_status_json(&ls));
	else
		link_status_print(w->v, &ls);
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
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'l' && strcmp(cmd, "outbox") == 0)
			v->only = optarg;
		else if (c == 'j')
			v->json = true;
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

static void status_head(struct view *v)
{
	printf("hotlined: %s\n", v->daemon ? _("running") :
	       _("NOT RUNNING (nothing is delivered)"));
	/* TRANSLATORS: the headings of 'hotline status': keep them short,
	 * in capitals where the script has them. */
	cli_col(_("LINK"), 20);
	putchar(' ');
	cli_col(_("STATE"), v->w[0]);
	putchar(' ');
	cli_col(_("REACHABLE"), v->w[1]);
	putchar(' ');
	cli_rcol(_("OUTBOX"), v->w[2]);
	printf("  ");
	cli_col(_("LAST RECEIPT"), 20);
	putchar(' ');
	cli_rcol(_("RECEIVED"), v->w[3]);
	putchar('\n');
}

/* The exit status is the first that applies: CRITICAL (a link in
 * alarm), UNKNOWN (hotlined does not run, the store cannot be read),
 * WARNING (something late), OK. */
int status_main(int argc, char **argv)
{
	struct hl_party *p = NULL;
	struct view v = {0};
	struct status_walk w = {&v, NULL, STATUS_OK};
	json_t *hook;
	int r = open_view(argc, argv, "status", "status [--json]", &p, &v);

	if (r != CLI_OK) {
		close_view(p, &v);
		return STATUS_UNKNOWN;
	}
	widths(&v);
	if (v.json)
		w.links = json_array();
	else
		status_head(&v);
	if (hl_store_link_each(v.st, status_one, &w) < 0) {
		cli_store_err(v.st, _("links"), -HL_ESTORE);
		w.level = STATUS_UNKNOWN;
	}
	hook = hook_failing(v.st, !v.json, &w.level);
	/* An alarm is never hidden by not knowing the rest. */
	if (!v.daemon && w.level != STATUS_CRITICAL)
		w.level = STATUS_UNKNOWN;
	if (v.json)
		cli_json_print(json_pack("{s:s, s:b, s:s, s:o, s:o}", "party", v.me,
					 "hotlined", v.daemon != NULL,
					 "level", level_name[w.level], "links", w.links,
					 "hook_failing", hook));
	else
		json_decref(hook);
	close_view(p, &v);
	return w.level;
}

struct outbox {
	const char *link;
	int w;		/* the precedence column's */
	json_t *msgs;	/* --json: the messages' objects; else NULL */
};

/* One message of the outbox: {"id", "seq", "sent", "precedence", "kind"}. */
static json_t *outbox_msg_json(const char *link, const struct hl_message *m)
{
	char id[CLI_ID_MAX + 1];

	cli_format_id(link, HL_OURS, m->seq, id);
	return json_pack("{s:s, s:I, s:I, s:s, s:s}", "id", id, "seq", (json_int_t)m->seq,
			 "sent", (json_int_t)m->time, "precedence", m->precedence,
			 "kind", m->kind);
}

static int outbox_msg(void *ctx, const struct hl_message *m)
{
	const struct outbox *o = ctx;
	char when[HL_TIME_LEN + 1];

	if (o->msgs)
		return json_array_append_new(o->msgs, outbox_msg_json(o->link, m)) ? -ENOMEM : 0;
	hl_time_format(m->time, when);
	printf("  %s/out/%-6llu %s  ", o->link, (unsigned long long)m->seq, when);
	cli_col(cli_field(HL_VOCAB_PRECEDENCE, m->precedence), o->w);
	printf(" %s\n", cli_field(HL_VOCAB_KIND, m->kind));
	return 0;
}

static void outbox_link_print(const char *name, uint64_t waiting, const json_t *d,
			      const char *err)
{
	/* TRANSLATORS: 'hotline outbox' per link, a line in up to three
	 * parts: "us-cert: 5 awaiting receipt, 3 failed attempt(s), last
	 * error: Couldn't connect to server" (the error is not translated). */
	printf(_("%s: %llu awaiting receipt"), name, (unsigned long long)waiting);
	if (d)
		printf(_(", %lld failed attempt(s)"),
		       (long long)json_integer_value(json_object_get(d, "attempts")));
	if (err && *err)
		printf(_(", last error: %s"), err);
	putchar('\n');
}

/* A link of the outbox, for --json: {"link", "awaiting", "attempts",
 * "last_error", "messages": [...]}, one line per link. */
static json_t *outbox_link_json(const char *name, uint64_t waiting, const json_t *d,
				const char *err)
{
	return json_pack("{s:s, s:I, s:I, s:o, s:[]}", "link", name,
			 "awaiting", (json_int_t)waiting,
			 "attempts", d ? json_integer_value(json_object_get(d, "attempts")) : 0,
			 "last_error", err && *err ? json_string(err) : json_null(),
			 "messages");
}

static int outbox_one(void *ctx, const struct hl_link *l)
{
	struct view *v = ctx;
	struct outbox o = {l->name, v->w[4], NULL};
	uint64_t sent = 0, acked = 0;
	json_t *d = daemon_link(v, l->name), *j = NULL;
	const char *err = d ? json_string_value(json_object_get(d, "last_error")) : NULL;
	int r;

	if (v->only && strcmp(v->only, l->name) != 0)
		return 0;
	hl_store_log_size(v->st, l->id, HL_OURS, &sent);
	hl_store_cosigned_size(v->st, l->id, HL_OURS, &acked);
	if (v->json) {
		j = outbox_link_json(l->name, sent - acked, d, err);
		o.msgs = json_object_get(j, "messages");
	} else {
		outbox_link_print(l->name, sent - acked, d, err);
	}
	r = hl_store_message_each(v->st, l->id, HL_OURS, acked, outbox_msg, &o);
	if (j)
		cli_json_print(j);
	return r;
}

int outbox_main(int argc, char **argv)
{
	struct hl_party *p = NULL;
	struct view v = {0};
	int r = open_view(argc, argv, "outbox", "outbox [--link LINK] [--json]", &p, &v);

	if (r != CLI_OK) {
		close_view(p, &v);
		return r;
	}
	if (!v.daemon && !v.json)
		printf("hotlined: %s\n", _("NOT RUNNING (nothing is delivered)"));
	widths(&v);
	if (hl_store_link_each(v.st, outbox_one, &v) < 0) {
		cli_store_err(v.st, _("outbox"), -HL_ESTORE);
		r = CLI_FAIL;
	}
	close_view(p, &v);
	return r;
}

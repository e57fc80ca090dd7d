/* cmd_status.c - hotline status and hotline outbox: delivery per link. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "case.h"
#include "cli.h"
#include "error.h"
#include "db.h"
#include "i18n.h"
#include "lease.h"
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
	"    For the suspect window after a party revoked its signing key,\n"
	"    'KEY REVOKED by ru-cert at T: N suspect message(s)': what that key\n"
	"    signed in the window before T is marked SUSPECT (9.14).\n"
	"    A peer that presents a TLS key other than its card's is 'PIN\n"
	"    MISMATCH', with the pin the card gives and the pin seen; when the\n"
	"    last escalation step's hooks failed, a last line says so:\n"
	"    'escalation hook failing: command exit 1 (step 2 of ack-overdue,\n"
	"    TIME)'.\n"
	"    It asks the running hotlined (GET /v1/status, docs/api.md); without\n"
	"    one it says 'hotlined: NOT RUNNING' and exits 3 (UNKNOWN).\n"
	"    When two nodes share a PostgreSQL store (hotline.conf's store), a\n"
	"    last line, read from the store, says which one holds the lease:\n"
	"    'node: a is active since TIME (epoch 7)'.  A standby's hotlined\n"
	"    answers no API until it takes over, so there status says NOT\n"
	"    RUNNING, and the node line names the active node.\n\n"
	"    --json  prints the same as one JSON object (docs/cli-json.md).\n\n"
	"EXIT STATUS\n"
	"    As a monitoring plugin's, so that status can run as one:\n"
	"    0 OK: hotlined runs and nothing is late;\n"
	"    1 WARNING: something is late: a message past its acknowledgment\n"
	"      deadline (either side), one of ours past its receipt deadline,\n"
	"      or a peer that was not reachable at the last attempt; or a\n"
	"      store loss; or a signing key revoked within its suspect window;\n"
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
	"    until their receipt comes back; nothing is dropped.  A message\n"
	"    signed with a key this party revoked soon after ends with SUSPECT\n"
	"    ('hotline help show').\n\n"
	"    --json  prints a JSON object per link, one a line, with its\n"
	"    messages (docs/cli-json.md).\n\n"
	"    It asks the running hotlined (GET /v1/outbox, docs/api.md); without\n"
	"    one it fails at once.\n\n"
	"EXIT STATUS\n"
	"    0 printed; 1 hotlined is not running, or refused; 2 usage error.\n");

/* hotline status's exit status, as a monitoring plugin's. */
enum { STATUS_OK, STATUS_WARNING, STATUS_CRITICAL, STATUS_UNKNOWN };

static int wider(int w, const char *s)
{
	return cli_width(s) > w ? cli_width(s) : w;
}

static const char *str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "";
}

static unsigned long long num(const json_t *j, const char *key)
{
	return (unsigned long long)json_integer_value(json_object_get(j, key));
}

/* The REACHABLE column: the desk's word (docs/cli-json.md) in the
 * operator's language. */
static const char *reach_text(const char *reach)
{
	static const struct {
		const char *code, *text;
	} t[] = {
		{"no-endpoint", N_("no endpoint")}, {"not-tried", N_("not tried")},
		{"yes", N_("yes")}, {"no", N_("NO")}, {"pin-mismatch", N_("PIN MISMATCH")},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(reach, t[i].code))
			return _(t[i].text);
	return "?";
}

/* The widths of the columns: at least the English ones, and enough for
 * the translated headings and words. */
static void widths(int w[5])
{
	static const char *const reach[] = {"?", "no-endpoint", "not-tried", "yes", "no",
					    "pin-mismatch"};
	size_t n;
	const struct hl_term *prec = hl_vocab_terms(HL_VOCAB_PRECEDENCE, &n);

	w[0] = wider(wider(wider(11, _("STATE")), _("confirmed")), _("UNCONFIRMED"));
	w[1] = wider(11, _("REACHABLE"));
	for (size_t r = 0; r < sizeof(reach) / sizeof(reach[0]); r++)
		w[1] = wider(w[1], reach_text(reach[r]));
	w[2] = wider(6, _("OUTBOX"));
	w[3] = wider(8, _("RECEIVED"));
	w[4] = 9;
	for (size_t i = 0; i < n; i++)
		w[4] = wider(w[4], cli_field(HL_VOCAB_PRECEDENCE, prec[i].code));
}

/* A sign key revoked less than its suspect window ago, each a line. */
static void key_revoked(const json_t *a)
{
	char when[HL_TIME_LEN + 1];
	const json_t *k;
	size_t i;

	json_array_foreach(a, i, k) {
		hl_time_format((int64_t)num(k, "revoked"), when);
		printf(_("    KEY REVOKED by %s at %s: %llu suspect message(s) "
			 "('hotline inbox')\n"), str(k, "by"), when, num(k, "suspect"));
	}
}

/* The lines under a link that say what is wrong with it. */
static void link_alarms(const json_t *ls)
{
	const char *name = str(ls, "name");
	const json_t *pm = json_object_get(ls, "pin_mismatch");

	if (num(ls, "evidence"))
		printf(_("    ALARM: %llu equivocation record(s): the peer signed two "
			 "messages for one number ('hotline link show %s')\n"),
		       num(ls, "evidence"), name);
	if (num(ls, "store_losses"))
		printf(_("    STORE LOSS: this store had lost messages of %s it had receipted "
			 "(up to %llu); the peer sent them again ('hotline log verify')\n"),
		       name, num(ls, "store_lost_to"));
	if (json_is_string(json_object_get(ls, "last_error")))
		printf(_("    last error: %s (attempt %lld)\n"), str(ls, "last_error"),
		       (long long)num(ls, "attempts"));
	if (pm)
		printf(_("    TLS KEY PIN MISMATCH: the card pins %s, the peer presents %s\n"),
		       str(pm, "expected")[0] ? str(pm, "expected") : "?",
		       str(pm, "seen")[0] ? str(pm, "seen") : "?");
	if (num(ls, "overdue_received"))
		printf(_("    OVERDUE: %llu received message(s) not acknowledged in time "
			 "('hotline inbox')\n"), num(ls, "overdue_received"));
	if (num(ls, "overdue_sent"))
		printf(_("    OVERDUE: %llu of our messages not acknowledged by %s in time\n"),
		       num(ls, "overdue_sent"), name);
	if (num(ls, "late_receipts"))
		printf(_("    LATE: %llu of our messages not receipted in time ('hotline outbox')\n"),
		       num(ls, "late_receipts"));
	if (num(ls, "cases_open"))
		printf(_("    cases: %u open, %u request(s) not yet done or declined "
			 "('hotline case list --open')\n"), (unsigned)num(ls, "cases_open"),
		       (unsigned)num(ls, "requests_pending"));
	key_revoked(json_object_get(ls, "key_revoked"));
	cli_print_suspended(ls, "    ");
}

/* One link of the desk's status (docs/cli-json.md), as the table's row. */
static void link_status_print(const int w[5], const json_t *ls)
{
	char last[HL_TIME_LEN + 1], n[24];
	const json_t *receipt = json_object_get(ls, "last_receipt");

	/* TRANSLATORS: no receipt came yet, in the LAST RECEIPT column. */
	snprintf(last, sizeof(last), "%s", _("never"));
	if (json_is_integer(receipt))
		hl_time_format(json_integer_value(receipt), last);
	printf("%-20s ", str(ls, "name"));
	cli_col(json_is_true(json_object_get(ls, "confirmed")) ? _("confirmed") :
		_("UNCONFIRMED"), w[0]);
	putchar(' ');
	cli_col(reach_text(str(ls, "reachable")), w[1]);
	putchar(' ');
	snprintf(n, sizeof(n), "%llu", num(ls, "outbox"));
	cli_rcol(n, w[2]);
	printf("  ");
	cli_col(last, 20);
	putchar(' ');
	snprintf(n, sizeof(n), "%llu", num(ls, "received"));
	cli_rcol(n, w[3]);
	putchar('\n');
	link_alarms(ls);
}

static void status_head(const int w[5], bool running)
{
	printf("hotlined: %s\n", running ? _("running") :
	       _("NOT RUNNING (nothing is delivered)"));
	if (!running)
		return;
	/* TRANSLATORS: the headings of 'hotline status': keep them short,
	 * in capitals where the script has them. */
	cli_col(_("LINK"), 20);
	putchar(' ');
	cli_col(_("STATE"), w[0]);
	putchar(' ');
	cli_col(_("REACHABLE"), w[1]);
	putchar(' ');
	cli_rcol(_("OUTBOX"), w[2]);
	printf("  ");
	cli_col(_("LAST RECEIPT"), 20);
	putchar(' ');
	cli_rcol(_("RECEIVED"), w[3]);
	putchar('\n');
}

/* Options of both commands, no operand; CLI_OK or a usage status. */
static int options(int argc, char **argv, const char *cmd, const char *syn,
		   const char **only, bool *json)
{
	int r = cli_opt_listing(argc, argv, cmd, syn, only, json);

	if (r == CLI_OK && optind != argc)
		r = cli_usage(cmd, syn);
	return r;
}

static const char *const level_name[] = {"ok", "warning", "critical", "unknown"};

static int level_of(const json_t *st)
{
	const char *l = str(st, "level");

	for (int i = 0; i < 4; i++)
		if (!strcmp(l, level_name[i]))
			return i;
	return STATUS_UNKNOWN;
}

/* Our TLS certificate, from 90 days before it expires (tlsdesk.c). */
static void tls_print(const json_t *tls)
{
	char when[HL_TIME_LEN + 1];

	if (!json_is_true(json_object_get(tls, "renew")))
		return;
	hl_time_format((int64_t)num(tls, "not_after"), when);
	printf(_("our TLS certificate expires %s: 'hotline card tls-renew'\n"), when);
}

/* The desk's status printed as a table, or as it came for --json. */
static void status_print(json_t *st, bool json)
{
	const json_t *hook = json_object_get(st, "hook_failing");
	size_t i;
	json_t *ls;
	int w[5];

	if (json) {
		json_object_del(st, "version");
		cli_json_print(json_incref(st));
		return;
	}
	widths(w);
	status_head(w, true);
	json_array_foreach(json_object_get(st, "links"), i, ls)
		link_status_print(w, ls);
	if (json_is_object(hook)) {
		char when[HL_TIME_LEN + 1];

		hl_time_format((int64_t)num(hook, "time"), when);
		printf(_("escalation hook failing: %s (step %u of %s, %s)\n"), str(hook, "outcome"),
		       (unsigned)num(hook, "step"), str(hook, "event"), when);
	}
	tls_print(json_object_get(st, "tls"));
}

/* When two nodes share the store: which one is active, read from the
 * store, so that a standby's status (whose hotlined answers no API)
 * says it too.  NULL for a store of one node, or one that cannot say. */
static json_t *node_json(const struct hl_party *p)
{
	char node[HL_NODE_MAX + 1];
	struct hl_store *st;
	int64_t epoch, since;
	json_t *j = NULL;

	/* A file is this node's alone, and the operators' commands never
	 * open it (DESIGN.md decision 9). */
	if (!hl_db_is_postgresql(p->conf.store))
		return NULL;
	st = cli_store_open(p);
	if (st && hl_store_shared(st) && hl_store_lease_holder(st, node, &epoch, &since) == 0)
		j = json_pack("{s:s?, s:I, s:I}", "active", node[0] ? node : NULL, "epoch",
			      (json_int_t)epoch, "since", (json_int_t)since);
	hl_store_close(st);
	return j;
}

static void node_print(const json_t *n)
{
	char when[HL_TIME_LEN + 1];
	const char *active = json_string_value(json_object_get(n, "active"));

	if (!n)
		return;
	hl_time_format(json_integer_value(json_object_get(n, "since")), when);
	if (active)
		printf(_("node: %s is active since %s (epoch %lld)\n"), active, when,
		       (long long)json_integer_value(json_object_get(n, "epoch")));
	else
		printf(_("node: NONE IS ACTIVE (no node holds the lease)\n"));
}

/* The exit status is the level the desk gives (CRITICAL, WARNING, OK;
 * UNKNOWN when the store cannot be read); UNKNOWN when hotlined does
 * not run or refuses. */
int status_main(int argc, char **argv)
{
	struct hl_party *p = NULL;
	json_t *st = NULL, *node = NULL;
	bool json = false;
	int r = options(argc, argv, "status", "status [--json]", NULL, &json), level;

	if (r != CLI_OK)
		return STATUS_UNKNOWN;
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return STATUS_UNKNOWN;
	node = node_json(p);
	r = cli_call(p, "GET", "/v1/status", NULL, &st);
	if (r == 0) {
		level = level_of(st);
		if (json && node)
			json_object_set(st, "node", node);
		status_print(st, json);
	} else {
		level = STATUS_UNKNOWN;
		if (json) {
			json_t *j = json_pack("{s:s, s:b, s:s, s:[], s:n, s:n}", "party",
					      p->card.name, "hotlined", r > 0, "level", "unknown",
					      "links", "hook_failing", "tls");

			if (j && node)
				json_object_set(j, "node", node);
			cli_json_print(j);
		}
		else if (r < 0)
			status_head(NULL, false);
	}
	if (!json)
		node_print(node);
	json_decref(node);
	json_decref(st);
	hl_party_free(p);
	return level;
}

/* One message of the outbox (docs/cli-json.md), as a line. */
static void outbox_msg_print(const char *link, const json_t *m, int w)
{
	char when[HL_TIME_LEN + 1];

	hl_time_format((int64_t)num(m, "sent"), when);
	printf("  %s/out/%-6llu %s  ", link, num(m, "seq"), when);
	cli_col(cli_field(HL_VOCAB_PRECEDENCE, str(m, "precedence")), w);
	printf(" %s", cli_field(HL_VOCAB_KIND, str(m, "kind")));
	if (json_is_object(json_object_get(m, "suspect")))
		printf("  %s", _("SUSPECT"));
	putchar('\n');
}

/* A link of the outbox: a line, then its messages; or its JSON. */
static int outbox_link(void *ctx, json_t *ol)
{
	const int *w = ctx;
	const char *err = json_string_value(json_object_get(ol, "last_error"));
	size_t i;
	json_t *m;

	if (w[5])
		return cli_json_print(json_incref(ol));
	/* TRANSLATORS: 'hotline outbox' per link, a line in up to three
	 * parts: "us-cert: 5 awaiting receipt, 3 failed attempt(s), last
	 * error: Couldn't connect to server" (the error is not translated). */
	printf(_("%s: %llu awaiting receipt"), str(ol, "link"), num(ol, "awaiting"));
	printf(_(", %lld failed attempt(s)"), (long long)num(ol, "attempts"));
	if (err && *err)
		printf(_(", last error: %s"), err);
	putchar('\n');
	json_array_foreach(json_object_get(ol, "messages"), i, m)
		outbox_msg_print(str(ol, "link"), m, w[4]);
	return 0;
}

int outbox_main(int argc, char **argv)
{
	static const char syn[] = "outbox [--link LINK] [--json]";
	const char *only = NULL;
	struct hl_party *p = NULL;
	bool json = false;
	json_t *args;
	int w[6], r = options(argc, argv, "outbox", syn, &only, &json);

	if (r != CLI_OK)
		return r;
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	widths(w);
	w[5] = json;
	args = only ? json_pack("{s:s}", "link", only) : json_object();
	r = cli_list(p, "/v1/outbox", args, outbox_link, w) == 0 ? CLI_OK : CLI_FAIL;
	json_decref(args);
	hl_party_free(p);
	return r;
}

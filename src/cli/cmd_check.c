/* cmd_check.c - hotline check run|report: communication checks. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "check.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "index.h"

#define SILENT_AFTER (7 * 24 * 3600)	/* no sign of life for a week */

const char check_help[] =
	N_("NAME\n"
	"    hotline check - communication checks\n\n"
	"SYNOPSIS\n"
	"    hotline check run LINK [--precedence P]\n"
	"    hotline check report LINK [--json]\n\n"
	"DESCRIPTION\n"
	"    A communication check is a test message that must be receipted\n"
	"    by the peer's machine and answered by a person in time, so both\n"
	"    parties know the line works before it is needed.\n\n"
	"    run      sends a check (precedence IMMEDIATE unless given: a\n"
	"             person must answer within the hour) through hotlined,\n"
	"             which must be running: it signs the check as you and\n"
	"             delivers it now (with hotlined down, run fails at once\n"
	"             and nothing is sent).  The peer's duty officer answers\n"
	"             it with 'hotline ack'.\n"
	"    report   lists the checks sent on LINK: when each was sent, how\n"
	"             long the machine receipt took, how long the person's\n"
	"             answer took, and MISSED for one not answered in time\n"
	"             (\"MISSED, not receipted\" when the peer's machine never\n"
	"             receipted it either); the count of checks not receipted\n"
	"             by their receipt deadline (the peer may be unreachable);\n"
	"             the schedule and when the next check is due; then the\n"
	"             peer's last sign of life (its last receipt or message),\n"
	"             and SILENT when there was none for a week.  With --json,\n"
	"             the same as one JSON object (docs/cli-json.md).\n\n"
	"SCHEDULE\n"
	"    With check.every in hotline.conf (for all links, or\n"
	"    link.LINK.check.every for one; none turns it off), hotlined sends\n"
	"    a check on each confirmed link when none was sent on it for that\n"
	"    long, at check.precedence (immediate unless set), and logs\n"
	"    \"check sent to LINK as LINK/out/N\".  A check run by hand counts.\n"
	"    The answer is due by ack.<precedence> and the receipt by\n"
	"    receipt.<precedence>, or their link.LINK. values; one late is\n"
	"    escalated like any message (escalate.* in hotline.conf).\n\n"
	"EXIT STATUS\n"
	"    0 sent or reported; 1 failed; 2 usage error.\n");

static const char synopsis[] =
	"check run LINK [--precedence P] | check report LINK [--json]";

/* Through the desk (POST /v1/check/run): hotlined signs the check. */
static int run(const char *link, const char *prec)
{
	json_t *args = json_pack("{s:s}", "link", link), *reply = NULL;
	struct hl_party *p = cli_party(HL_PARTY_PUBLIC);
	int r = CLI_FAIL;

	if (prec)
		json_object_set_new(args, "precedence", json_string(prec));
	if (p)
		r = cli_act(p, "/v1/check/run", args, &reply);
	if (reply) {
		const char *l = json_string_value(json_object_get(reply, "link"));
		const char *pr = json_string_value(json_object_get(reply, "precedence"));

		printf(_("check sent to %s as %s/out/%llu (%s): the peer answers it with "
			 "'hotline ack'\n"), l, l,
		       (unsigned long long)json_integer_value(json_object_get(reply, "seq")),
		       cli_field(HL_VOCAB_PRECEDENCE, pr ? pr : "immediate"));
	}
	json_decref(reply);
	json_decref(args);
	hl_party_free(p);
	return r;
}

/* Where a check stands; check_state_name is its --json code. */
enum check_state {
	CHECK_ANSWERED, CHECK_LATE, CHECK_MISSED, CHECK_MISSED_UNRECEIPTED,
	CHECK_UNRECEIPTED, CHECK_AWAITING, CHECK_NOT_YET,
};
static const char *const check_state_name[] = {
	"answered", "answered-late", "missed", "missed-not-receipted",
	"not-receipted-in-time", "awaiting-answer", "not-yet-receipted",
};

/* One check of the report, as a table row and as JSON. */
struct check_row {
	const struct hl_message *m;
	int64_t receipt, answer;	/* when, or 0 */
	enum check_state state;
	bool lost, missed;
};

struct report {
	const struct hl_config *conf;
	struct hl_store *st;
	const struct hl_link *l;
	int64_t now;
	unsigned checks, missed, unreceipted;
	int64_t last;		/* when the last check was sent */
	json_t *rows;		/* --json: the checks' objects; else NULL */
	int w[3];		/* PRECEDENCE, RECEIPT, ANSWER */
};

/* 3s, 12m, 1h05m: the span from a to b, or "-" when b is 0. */
static void span(int64_t a, int64_t b, char *out, size_t cap)
{
	int64_t s = b - a;

	if (!b)
		snprintf(out, cap, "-");
	else if (s < 60)
		snprintf(out, cap, _("%llds"), (long long)(s < 0 ? 0 : s));
	else if (s < 3600)
		/* TRANSLATORS: a span of time, compact: 12m05s (minutes
		 * and seconds). */
		snprintf(out, cap, _("%lldm%02llds"), (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(out, cap, _("%lldh%02lldm"), (long long)(s / 3600), (long long)(s / 60 % 60));
}

static int wider(int w, const char *s)
{
	return cli_width(s) > w ? cli_width(s) : w;
}

/* When the peer's receipt for our message seq came, or 0. */
static int64_t receipt_time(struct hl_store *st, const struct hl_link *l, uint64_t seq)
{
	uint64_t size = 0;
	int64_t when = 0;

	if (hl_store_cosigned_covering(st, l->id, HL_OURS, seq, &size) < 0 ||
	    hl_store_checkpoint_get(st, l->id, HL_OURS, size, NULL, NULL, &when) < 0)
		return 0;
	return when;
}

static void check_row_get(const struct report *rp, const struct hl_message *m,
			  struct check_row *row)
{
	enum hl_precedence p = HL_ROUTINE;
	uint64_t ack_seq = 0;
	int64_t ack_due;

	hl_precedence_parse(m->precedence, &p);
	row->m = m;
	row->receipt = receipt_time(rp->st, rp->l, m->seq);
	if (hl_store_acked(rp->st, rp->l->id, HL_OURS, m->seq, &ack_seq, &row->answer) < 0)
		row->answer = 0;
	ack_due = m->time + hl_config_ack_due(rp->conf, rp->l->name, p);
	/* Never receipted, though it should have been by now: the peer's
	 * machine did not get it, which no person there can answer. */
	row->lost = !row->receipt && !row->answer &&
		    rp->now > m->time + hl_config_receipt_due(rp->conf, rp->l->name, p);
	row->missed = (row->answer && row->answer > ack_due) ||
		      (!row->answer && rp->now > ack_due);
	if (row->answer)
		row->state = row->answer <= ack_due ? CHECK_ANSWERED : CHECK_LATE;
	else if (rp->now > ack_due)
		row->state = row->lost ? CHECK_MISSED_UNRECEIPTED : CHECK_MISSED;
	else if (row->lost)
		row->state = CHECK_UNRECEIPTED;
	else
		row->state = row->receipt ? CHECK_AWAITING : CHECK_NOT_YET;
}

static void check_row_print(const struct report *rp, const struct check_row *row)
{
	/* TRANSLATORS: where a check stands, in the STATE column of
	 * 'hotline check report'; capitals flag what went wrong. */
	const char *const verdict[] = {
		N_("answered"), N_("answered LATE"), N_("MISSED"), N_("MISSED, not receipted"),
		N_("not receipted in time"), N_("receipted, awaiting an answer"),
		N_("not yet receipted"),
	};
	char when[HL_TIME_LEN + 1], got[64], answered[64], id[CLI_ID_MAX + 1];

	hl_time_format(row->m->time, when);
	span(row->m->time, row->receipt, got, sizeof(got));
	span(row->m->time, row->answer, answered, sizeof(answered));
	cli_format_id(rp->l->name, HL_OURS, row->m->seq, id);
	printf("%-22s %s  ", id, when);
	cli_col(cli_field(HL_VOCAB_PRECEDENCE, row->m->precedence), rp->w[0]);
	putchar(' ');
	cli_col(got, rp->w[1]);
	putchar(' ');
	cli_col(answered, rp->w[2]);
	printf(" %s\n", _(verdict[row->state]));
}

static json_t *check_row_json(const struct report *rp, const struct check_row *row)
{
	char id[CLI_ID_MAX + 1];

	cli_format_id(rp->l->name, HL_OURS, row->m->seq, id);
	return json_pack("{s:s, s:I, s:I, s:s, s:o, s:o, s:s}", "id", id,
			 "seq", (json_int_t)row->m->seq, "sent", (json_int_t)row->m->time,
			 "precedence", row->m->precedence, "receipt", cli_json_time(row->receipt),
			 "answer", cli_json_time(row->answer),
			 "state", check_state_name[row->state]);
}

static int report_one(void *ctx, const struct hl_message *m)
{
	struct report *rp = ctx;
	struct check_row row;

	if (strcmp(m->kind, "check") != 0)
		return 0;
	check_row_get(rp, m, &row);
	rp->checks++;
	rp->last = m->time;
	rp->unreceipted += row.lost;
	rp->missed += row.missed;
	if (rp->rows)
		return json_array_append_new(rp->rows, check_row_json(rp, &row)) ? -1 : 0;
	check_row_print(rp, &row);
	return 0;
}

/* The peer's last sign of life: its last receipt or last message. */
static int64_t last_heard(struct hl_store *st, const struct hl_link *l)
{
	uint64_t acked = 0, got = 0;
	int64_t a = 0, b = 0;
	struct hl_buf env;
	struct hl_envelope e;

	if (hl_store_cosigned_size(st, l->id, HL_OURS, &acked) == 0 && acked)
		hl_store_checkpoint_get(st, l->id, HL_OURS, acked, NULL, NULL, &a);
	hl_buf_init(&env, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	if (hl_store_log_size(st, l->id, HL_THEIRS, &got) == 0 && got &&
	    hl_store_envelope_get(st, l->id, HL_THEIRS, got, &env, NULL) == 0 &&
	    hl_envelope_parse(env.data, env.len, &e) == 0)
		b = e.time;
	hl_buf_free(&env);
	return a > b ? a : b;
}

/* "checks every 7d; next due <time>" from check.every and the last check. */
static void schedule_line(const struct hl_config *conf, const struct hl_link *l,
			  const struct report *rp)
{
	int64_t every = hl_config_check_every(conf, l->name);
	char each[32], next[HL_TIME_LEN + 1];

	if (!every) {
		printf(_("no scheduled checks on %s (check.every in hotline.conf)\n"), l->name);
		return;
	}
	/* TRANSLATORS: the span is as hotline.conf's check.every writes it
	 * (7d, 12h, 30m, 4s), not translated. */
	hl_duration_format(every, each, sizeof(each));
	if (!rp->last || rp->last + every <= rp->now) {
		printf(_("checks every %s; next due now (hotlined sends it)\n"), each);
		return;
	}
	hl_time_format(rp->last + every, next);
	printf(_("checks every %s; next due %s\n"), each, next);
}

static void report_head(struct report *rp)
{
	size_t n;
	const struct hl_term *prec = hl_vocab_terms(HL_VOCAB_PRECEDENCE, &n);

	/* TRANSLATORS: the headings of 'hotline check report': keep them
	 * short, in capitals where the script has them. */
	rp->w[0] = wider(rp->w[0], _("PRECEDENCE"));
	for (size_t i = 0; i < n; i++)
		rp->w[0] = wider(rp->w[0], cli_field(HL_VOCAB_PRECEDENCE, prec[i].code));
	rp->w[1] = wider(rp->w[1], _("RECEIPT"));
	rp->w[2] = wider(rp->w[2], _("ANSWER"));
	cli_col(_("CHECK"), 22);
	putchar(' ');
	cli_col(C_("time", "SENT"), 20);
	printf("  ");
	cli_col(_("PRECEDENCE"), rp->w[0]);
	putchar(' ');
	cli_col(_("RECEIPT"), rp->w[1]);
	putchar(' ');
	cli_col(_("ANSWER"), rp->w[2]);
	printf(" %s\n", _("STATE"));
}

static void report_tail(const struct report *rp, int64_t heard)
{
	const struct hl_link *l = rp->l;
	char last[HL_TIME_LEN + 1], since[64];

	if (!rp->checks)
		printf(_("no checks sent to %s yet ('hotline check run %s')\n"), l->name, l->name);
	printf(_("%u check(s), %u missed or answered late\n"), rp->checks, rp->missed);
	if (rp->unreceipted)
		printf(_("%u not receipted: peer unreachable?\n"), rp->unreceipted);
	schedule_line(rp->conf, l, rp);
	if (heard) {
		hl_time_format(heard, last);
		span(heard, rp->now, since, sizeof(since));
		printf(_("last sign of life from %s: %s (%s ago)\n"), l->name, last, since);
	} else {
		printf(_("last sign of life from %s: never\n"), l->name);
	}
	if (!heard || rp->now - heard > SILENT_AFTER)
		printf(_("%s is SILENT: no receipt or message for more than a week\n"), l->name);
}

/* The report as one object: the checks and the lines below them. */
static json_t *report_json(const struct report *rp, int64_t heard)
{
	int64_t every = hl_config_check_every(rp->conf, rp->l->name);
	int64_t next = !every ? 0 : !rp->last || rp->last + every <= rp->now ? rp->now :
		       rp->last + every;

	return json_pack("{s:s, s:O, s:i, s:i, s:i, s:o, s:o, s:o, s:b}", "link", rp->l->name,
			 "checks", rp->rows, "count", (int)rp->checks, "missed", (int)rp->missed,
			 "unreceipted", (int)rp->unreceipted,
			 "every", every ? json_integer(every) : json_null(),
			 "next_due", cli_json_time(next), "last_heard", cli_json_time(heard),
			 "silent", !heard || rp->now - heard > SILENT_AFTER);
}

static int report(const struct hl_config *conf, struct hl_store *st,
		  const struct hl_link *l, bool json)
{
	struct report rp = {conf, st, l, cli_now(), 0, 0, 0, 0, NULL, {10, 9, 9}};
	int64_t heard;
	int r = CLI_OK;

	if (json)
		rp.rows = json_array();
	else
		report_head(&rp);
	if (hl_store_message_each(st, l->id, HL_OURS, 0, report_one, &rp) < 0) {
		cli_store_err(st, l->name, -HL_ESTORE);
		r = CLI_FAIL;
	}
	heard = last_heard(st, l);
	if (r == CLI_OK && json)
		r = cli_json_print(report_json(&rp, heard)) < 0 ? CLI_FAIL : CLI_OK;
	else if (r == CLI_OK)
		report_tail(&rp, heard);
	json_decref(rp.rows);
	return r;
}

int check_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"precedence", required_argument, NULL, 'p'},
		{"home", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	enum hl_precedence prec = HL_IMMEDIATE;
	const char *prec_name = NULL;
	bool json = false;
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	struct hl_link l = {0};
	const char *verb;
	int r;

	if (argc < 2 || (strcmp(argv[1], "run") && strcmp(argv[1], "report")))
		return cli_usage("check", synopsis);
	verb = argv[1];
	argc--;
	argv++;
	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'p' && cli_opt_precedence(optarg, &prec)) {
			prec_name = optarg;
			continue;
		}
		if (c == 'H') {
			cli_home = optarg;
			continue;
		}
		if (c == 'j' && !strcmp(verb, "report")) {
			json = true;
			continue;
		}
		return c == 'p' ? CLI_USAGE : cli_usage("check", synopsis);
	}
	if (argc - optind != 1)
		return cli_usage("check", synopsis);
	if (strcmp(verb, "run") == 0)
		return run(argv[optind], prec_name);
	r = CLI_FAIL;
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (st && cli_link(st, argv[optind], &l) == 0 && cli_index(st, p) == 0)
		r = report(&p->conf, st, &l, json);
	hl_link_free(&l);
	hl_store_close(st);
	hl_party_free(p);
	return r;
}

/* cmd_check.c - hotline check run|report: communication checks. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"

const char check_help[] =
	N_("NAME\n"
	"    hotline check - communication checks\n\n"
	"SYNOPSIS\n"
	"    hotline check run LINK [--precedence P]\n"
	"    hotline check run --group GROUP [--precedence P]\n"
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
	"             it with 'hotline ack'.  With --group, a check to every\n"
	"             member of GROUP, each on its own link, all with one\n"
	"             group message id; one line per member.\n"
	"    report   lists the checks sent on LINK: when each was sent, how\n"
	"             long the machine receipt took, how long the person's\n"
	"             answer took, and MISSED for one not answered in time\n"
	"             (\"MISSED, not receipted\" when the peer's machine never\n"
	"             receipted it either); the count of checks not receipted\n"
	"             by their receipt deadline (the peer may be unreachable);\n"
	"             the schedule and when the next check is due; then the\n"
	"             peer's last sign of life (its last receipt or message),\n"
	"             and SILENT when there was none for a week.  With --json,\n"
	"             the same as one JSON object (docs/cli-json.md).  hotlined\n"
	"             must be running: the report comes from it.\n\n"
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
	"check run LINK|--group GROUP [--precedence P] | check report LINK [--json]";

/* Through the desk (POST /v1/check/run): hotlined signs the check. */
static int run(const char *link, const char *group, const char *prec)
{
	json_t *args = json_pack("{s:s}", group ? "group" : "link", group ? group : link);
	json_t *reply = NULL;
	struct hl_party *p = cli_party(HL_PARTY_PUBLIC);
	int r = CLI_FAIL;

	if (prec)
		json_object_set_new(args, "precedence", json_string(prec));
	if (p)
		r = cli_act(p, "/v1/check/run", args, &reply);
	if (reply && group) {
		r = cli_print_group(reply);
	} else if (reply) {
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

static int64_t jtime(const json_t *j, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(j, key));
}

/* A check's state (the desk's code) for a person. */
static const char *verdict(const char *state)
{
	/* TRANSLATORS: where a check stands, in the STATE column of
	 * 'hotline check report'; capitals flag what went wrong. */
	static const struct {
		const char *code, *words;
	} v[] = {
		{"answered", N_("answered")}, {"answered-late", N_("answered LATE")},
		{"missed", N_("MISSED")}, {"missed-not-receipted", N_("MISSED, not receipted")},
		{"not-receipted-in-time", N_("not receipted in time")},
		{"awaiting-answer", N_("receipted, awaiting an answer")},
		{"not-yet-receipted", N_("not yet receipted")},
	};

	for (size_t i = 0; state && i < sizeof(v) / sizeof(v[0]); i++)
		if (!strcmp(state, v[i].code))
			return _(v[i].words);
	return state ? state : "?";
}

static void report_head(int w[3])
{
	size_t n;
	const struct hl_term *prec = hl_vocab_terms(HL_VOCAB_PRECEDENCE, &n);

	/* TRANSLATORS: the headings of 'hotline check report': keep them
	 * short, in capitals where the script has them. */
	w[0] = wider(w[0], _("PRECEDENCE"));
	for (size_t i = 0; i < n; i++)
		w[0] = wider(w[0], cli_field(HL_VOCAB_PRECEDENCE, prec[i].code));
	w[1] = wider(w[1], _("RECEIPT"));
	w[2] = wider(w[2], _("ANSWER"));
	cli_col(_("CHECK"), 22);
	putchar(' ');
	cli_col(C_("time", "SENT"), 20);
	printf("  ");
	cli_col(_("PRECEDENCE"), w[0]);
	putchar(' ');
	cli_col(_("RECEIPT"), w[1]);
	putchar(' ');
	cli_col(_("ANSWER"), w[2]);
	printf(" %s\n", _("STATE"));
}

static void report_row(const json_t *row, const int w[3])
{
	const char *id = json_string_value(json_object_get(row, "id"));
	const char *prec = json_string_value(json_object_get(row, "precedence"));
	int64_t sent = jtime(row, "sent");
	char when[HL_TIME_LEN + 1], got[64], answered[64];

	hl_time_format(sent, when);
	span(sent, jtime(row, "receipt"), got, sizeof(got));
	span(sent, jtime(row, "answer"), answered, sizeof(answered));
	printf("%-22s %s  ", id ? id : "?", when);
	cli_col(cli_field(HL_VOCAB_PRECEDENCE, prec ? prec : "?"), w[0]);
	putchar(' ');
	cli_col(got, w[1]);
	putchar(' ');
	cli_col(answered, w[2]);
	printf(" %s\n", verdict(json_string_value(json_object_get(row, "state"))));
}

/* "checks every 7d; next due <time>" from check.every and the next due. */
static void schedule_line(const char *link, const json_t *j, int64_t now)
{
	int64_t every = jtime(j, "every"), next = jtime(j, "next_due");
	char each[32], when[HL_TIME_LEN + 1];

	if (!every) {
		printf(_("no scheduled checks on %s (check.every in hotline.conf)\n"), link);
		return;
	}
	/* TRANSLATORS: the span is as hotline.conf's check.every writes it
	 * (7d, 12h, 30m, 4s), not translated. */
	hl_duration_format(every, each, sizeof(each));
	if (next <= now) {
		printf(_("checks every %s; next due now (hotlined sends it)\n"), each);
		return;
	}
	hl_time_format(next, when);
	printf(_("checks every %s; next due %s\n"), each, when);
}

static void report_tail(const char *link, const json_t *j, int64_t now)
{
	int64_t heard = jtime(j, "last_heard");
	char last[HL_TIME_LEN + 1], since[64];
	unsigned count = (unsigned)json_integer_value(json_object_get(j, "count"));
	unsigned lost = (unsigned)json_integer_value(json_object_get(j, "unreceipted"));

	if (!count)
		printf(_("no checks sent to %s yet ('hotline check run %s')\n"), link, link);
	printf(_("%u check(s), %u missed or answered late\n"), count,
	       (unsigned)json_integer_value(json_object_get(j, "missed")));
	if (lost)
		printf(_("%u not receipted: peer unreachable?\n"), lost);
	schedule_line(link, j, now);
	if (heard) {
		hl_time_format(heard, last);
		span(heard, now, since, sizeof(since));
		printf(_("last sign of life from %s: %s (%s ago)\n"), link, last, since);
	} else {
		printf(_("last sign of life from %s: never\n"), link);
	}
	if (json_is_true(json_object_get(j, "silent")))
		printf(_("%s is SILENT: no receipt or message for more than a week\n"), link);
}

/* Through the desk (GET /v1/check/report): the table, or its JSON. */
static int report(const char *link, bool json)
{
	json_t *args = json_pack("{s:s}", "link", link), *j = NULL, *row;
	struct hl_party *p = cli_party(HL_PARTY_PUBLIC);
	int w[3] = {10, 9, 9}, r = CLI_FAIL;
	const char *name;
	size_t i;

	if (p && cli_call(p, "GET", "/v1/check/report", args, &j) == 0)
		r = CLI_OK;
	name = json_string_value(json_object_get(j, "link"));
	if (r == CLI_OK && json) {
		r = cli_json_print(j) < 0 ? CLI_FAIL : CLI_OK;
		j = NULL;
	} else if (r == CLI_OK) {
		report_head(w);
		json_array_foreach(json_object_get(j, "checks"), i, row)
			report_row(row, w);
		report_tail(name ? name : link, j, cli_now());
	}
	json_decref(j);
	json_decref(args);
	hl_party_free(p);
	return r;
}

int check_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"precedence", required_argument, NULL, 'p'},
		{"home", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{"group", required_argument, NULL, 'g'},
		{NULL, 0, NULL, 0},
	};
	const char *group = NULL;
	enum hl_precedence prec = HL_IMMEDIATE;
	const char *prec_name = NULL;
	bool json = false;
	const char *verb;

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
		if (c == 'g' && !strcmp(verb, "run")) {
			group = optarg;
			continue;
		}
		if (c == 'j' && !strcmp(verb, "report")) {
			json = true;
			continue;
		}
		return c == 'p' ? CLI_USAGE : cli_usage("check", synopsis);
	}
	if (argc - optind != (group ? 0 : 1))
		return cli_usage("check", synopsis);
	if (strcmp(verb, "run") == 0)
		return run(group ? NULL : argv[optind], group, prec_name);
	return report(argv[optind], json);
}

/* cmd_inbox.c - hotline inbox and hotline show: reading messages. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "content.h"
#include "error.h"
#include "i18n.h"
#include "config.h"
#include "msgid.h"
#include "text.h"

const char inbox_help[] =
	N_("NAME\n"
	"    hotline inbox - messages received from peers\n\n"
	"SYNOPSIS\n"
	"    hotline inbox [--link LINK] [--json]\n\n"
	"DESCRIPTION\n"
	"    Lists the messages received on every link (or one), oldest first,\n"
	"    with the ID that 'hotline show' and 'hotline ack' take: LINK/SEQ.\n"
	"    Every message listed was verified and stored durably, and\n"
	"    receipted to its sender, before it appears here.\n\n"
	"    The last column says where its human acknowledgment stands:\n"
	"    'acked +4m' (sent four minutes after the message), 'due in 12m',\n"
	"    or 'OVERDUE 1h05m' past the time its precedence allows (FLASH\n"
	"    15 minutes, IMMEDIATE 1 hour, PRIORITY 24 hours, ROUTINE 72), or\n"
	"    '-' for a message that needs none ('hotline help ack').  A message\n"
	"    signed with a key its sender revoked soon after ends with SUSPECT\n"
	"    ('hotline show' says which key and when).\n\n"
	"    --json  prints a JSON object per message, one a line, with the\n"
	"    same columns as data (docs/cli-json.md).\n\n"
	"    It asks the running hotlined (GET /v1/inbox, docs/api.md), which\n"
	"    alone holds the keys; without one it fails at once.\n\n"
	"EXIT STATUS\n"
	"    0 printed; 1 hotlined is not running, or refused; 2 usage error.\n");

const char show_help[] =
	N_("NAME\n"
	"    hotline show - open and print one message\n\n"
	"SYNOPSIS\n"
	"    hotline show LINK/SEQ [--json]\n"
	"    hotline show LINK/out/SEQ [--json]\n\n"
	"DESCRIPTION\n"
	"    Verifies and decrypts one message and prints its header and its\n"
	"    content: LINK/SEQ is message SEQ received from LINK's peer (as\n"
	"    'hotline inbox' lists them), LINK/out/SEQ message SEQ this party\n"
	"    sent.  On a terminal, control characters in the content are shown\n"
	"    escaped.\n\n"
	"    A message signed with a key its sender revoked within the suspect\n"
	"    window after (the link's terms, else terms.suspect of\n"
	"    hotline.conf; docs/protocol.md 9.14) shows a line SUSPECT: the key,\n"
	"    when it was revoked and the window.\n\n"
	"    --json  prints the header and the content JSON as sent, as one\n"
	"    JSON object (docs/cli-json.md).\n\n"
	"    It asks the running hotlined (GET /v1/show, docs/api.md), which\n"
	"    alone holds the keys; without one it fails at once.\n\n"
	"EXIT STATUS\n"
	"    0 printed; 1 no such message, it does not verify, or hotlined is\n"
	"    not running; 2 usage.\n");

struct inbox {
	uint64_t overdue;
	int64_t now;
	bool json;
	int w[3];	/* PRECEDENCE, KIND, CASE */
};

/* A column's width: at least min and its heading's, and wide enough
 * for the translated labels of vocabulary v (codes, shown in English,
 * keep the widths they always had). */
static int field_width(enum hl_vocab v, const char *head, int min)
{
	size_t n;
	const struct hl_term *all = hl_vocab_terms(v, &n);
	int w = cli_width(head) > min ? cli_width(head) : min;

	for (size_t i = 0; i < n; i++) {
		const char *f = cli_field(v, all[i].code);

		if (f != all[i].code && cli_width(f) > w)
			w = cli_width(f);
	}
	return w;
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

/* One row of the desk's inbox (docs/api.md), as a line of the table. */
static void inbox_row_print(const struct inbox *in, const json_t *row)
{
	char when[HL_TIME_LEN + 1], ack[128];
	int64_t sent = num(row, "sent");
	const char *kase = json_string_value(json_object_get(row, "case"));
	struct cli_ack a;

	cli_ack_from_json(json_object_get(row, "ack"), &a);
	hl_time_format(sent, when);
	cli_ack_text(&a, sent, in->now, ack, sizeof(ack));
	printf("%-24s %s  ", str(row, "id"), when);
	cli_col(cli_field(HL_VOCAB_PRECEDENCE, str(row, "precedence")), in->w[0]);
	putchar(' ');
	cli_col(cli_field(HL_VOCAB_KIND, str(row, "kind")), in->w[1]);
	putchar(' ');
	cli_col(kase ? kase : "-", in->w[2]);
	printf(" %s", ack);
	/* TRANSLATORS: a flag after a message signed with a key revoked
	 * soon after; in capitals where the script has them. */
	if (json_is_object(json_object_get(row, "suspect")))
		printf("  %s", _("SUSPECT"));
	putchar('\n');
}

static int inbox_msg(void *ctx, json_t *row)
{
	struct inbox *in = ctx;

	in->overdue += !strcmp(str(json_object_get(row, "ack"), "state"), "overdue");
	if (in->json)
		return cli_json_print(json_incref(row));
	inbox_row_print(in, row);
	return 0;
}

static void inbox_head(struct inbox *in)
{
	/* TRANSLATORS: the headings of 'hotline inbox': keep them
	 * short, in capitals where the script has them. */
	in->w[0] = field_width(HL_VOCAB_PRECEDENCE, _("PRECEDENCE"), 10);
	in->w[1] = field_width(HL_VOCAB_KIND, _("KIND"), 8);
	in->w[2] = cli_width(_("CASE")) > 16 ? cli_width(_("CASE")) : 16;
	if (in->json)
		return;
	cli_col(_("ID"), 24);
	putchar(' ');
	cli_col(C_("time", "SENT"), 20);
	printf("  ");
	cli_col(_("PRECEDENCE"), in->w[0]);
	putchar(' ');
	cli_col(_("KIND"), in->w[1]);
	putchar(' ');
	cli_col(_("CASE"), in->w[2]);
	printf(" %s\n", _("ACKNOWLEDGMENT"));
}

/* The desk's inbox, page after page; the heading once the first answer
 * came, so that hotlined down prints only why. */
struct inbox_first {
	struct inbox *in;
	bool headed;
};

static int inbox_item(void *ctx, json_t *row)
{
	struct inbox_first *f = ctx;

	if (!f->headed)
		inbox_head(f->in);
	f->headed = true;
	return inbox_msg(f->in, row);
}

int inbox_main(int argc, char **argv)
{
	static const char syn[] = "inbox [--link LINK] [--json]";
	const char *only = NULL;
	struct inbox in = {0};
	struct inbox_first f = {&in, false};
	struct hl_party *p;
	json_t *args;
	int r = cli_opt_listing(argc, argv, "inbox", syn, &only, &in.json);

	if (r != CLI_OK)
		return r;
	if (optind != argc)
		return cli_usage("inbox", syn);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	in.now = cli_now();
	args = only ? json_pack("{s:s}", "link", only) : json_object();
	r = cli_list(p, "/v1/inbox", args, inbox_item, &f) == 0 ? CLI_OK : CLI_FAIL;
	json_decref(args);
	if (r == CLI_OK && !f.headed)
		inbox_head(&in);
	if (r == CLI_OK && in.overdue && !in.json)
		printf(_("\n%llu message(s) OVERDUE for acknowledgment: "
			 "'hotline ack LINK/SEQ' when read\n"),
		       (unsigned long long)in.overdue);
	hl_party_free(p);
	return r;
}

void cli_print_suspect(const json_t *sus, const char *from, const char *indent)
{
	char when[HL_TIME_LEN + 1], w[32];

	if (!json_is_object(sus))
		return;
	hl_time_format(num(sus, "revoked"), when);
	hl_duration_format(num(sus, "window"), w, sizeof(w));
	/* TRANSLATORS: the console says it too, without the newline. */
	printf("%s", indent);
	printf(_("SUSPECT: signed with %s's key %s, revoked at %s (window %s)"), from,
	       str(sus, "key"), when, w);
	putchar('\n');
}

/* The desk's show (docs/api.md): the envelope's facts, then its
 * content as cli_print_content prints every message. */
static void shown_print(const json_t *m)
{
	char when[HL_TIME_LEN + 1], ack[128];
	const json_t *content = json_object_get(m, "content");
	const char *raw = json_string_value(json_object_get(m, "raw"));
	int64_t sent = num(m, "sent");
	struct cli_ack a;
	char *doc;

	cli_ack_from_json(json_object_get(m, "ack"), &a);
	hl_time_format(sent, when);
	cli_ack_text(&a, sent, cli_now(), ack, sizeof(ack));
	/* TRANSLATORS: the header of 'hotline show'; align the values. */
	printf(_("from:       %s\n"
		 "to:         %s\n"
		 "seq:        %llu\n"
		 "sent:       %s\n"
		 "precedence: %s\n"
		 "kind:       %s\n"
		 "receipted:  %s\n"
		 "acknowledgment: %s\n\n"),
	       str(m, "from"), str(m, "to"), (unsigned long long)num(m, "seq"), when,
	       cli_field(HL_VOCAB_PRECEDENCE, str(m, "precedence")),
	       cli_field(HL_VOCAB_KIND, str(m, "kind")),
	       json_is_true(json_object_get(m, "receipted")) ? _("yes") : _("not yet"), ack);
	cli_print_suspect(json_object_get(m, "suspect"), str(m, "from"), "");
	if (json_is_object(json_object_get(m, "suspect")))
		putchar('\n');
	doc = json_is_object(content) ? json_dumps(content, JSON_COMPACT) : NULL;
	if (doc)
		cli_print_content((const unsigned char *)doc, strlen(doc));
	else
		cli_print_content((const unsigned char *)(raw ? raw : ""), raw ? strlen(raw) : 0);
	free(doc);
}

int show_main(int argc, char **argv)
{
	static const char syn[] = "show LINK/SEQ | LINK/out/SEQ [--json]";
	char name[HL_NAME_MAX + 1];
	struct hl_party *p = NULL;
	json_t *args, *reply = NULL;
	uint64_t seq = 0;
	bool json = false;
	int side = HL_THEIRS, r = cli_opt_listing(argc, argv, "show", syn, NULL, &json);

	if (r != CLI_OK)
		return r;
	if (argc - optind != 1 || !hl_msgid_parse(argv[optind], name, &side, &seq))
		return cli_usage("show", syn);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	args = json_pack("{s:s}", "id", argv[optind]);
	r = cli_call(p, "GET", "/v1/show", args, &reply) == 0 ? CLI_OK : CLI_FAIL;
	if (r == CLI_OK && json)
		r = cli_json_print(json_incref(reply)) == 0 ? CLI_OK : CLI_FAIL;
	else if (r == CLI_OK)
		shown_print(reply);
	json_decref(reply);
	json_decref(args);
	hl_party_free(p);
	return r;
}

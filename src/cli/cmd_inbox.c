/* cmd_inbox.c - hotline inbox and hotline show: reading messages. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "case.h"
#include "cli.h"
#include "content.h"
#include "error.h"
#include "i18n.h"
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
	"    '-' for a message that needs none ('hotline help ack').\n\n"
	"    --json  prints a JSON object per message, one a line, with the\n"
	"    same columns as data (docs/cli-json.md).\n\n"
	"EXIT STATUS\n"
	"    0 printed; 1 the store cannot be read; 2 usage error.\n");

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
	"    --json  prints the header and the content JSON as sent, as one\n"
	"    JSON object (docs/cli-json.md).\n\n"
	"EXIT STATUS\n"
	"    0 printed; 1 no such message, or it does not verify; 2 usage.\n");

static int link_opt(int argc, char **argv, const char *cmd, const char *syn,
		    const char **link, bool *json)
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
		if (c == 'j')
			*json = true;
		else if (c == 'l' && link)
			*link = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage(cmd, syn);
	}
	return CLI_OK;
}

struct inbox {
	const struct hl_config *conf;
	struct hl_store *st;
	const char *only;
	const struct hl_link *l;
	int64_t now;
	uint64_t overdue;
	const char *me;		/* this party's name, for case IDs */
	bool json;
	int w[3];	/* PRECEDENCE, KIND, CASE */
};

/* One message of the inbox, as a table row and as JSON. */
struct inbox_row {
	char id[CLI_ID_MAX + 1];
	const char *link;
	const struct hl_message *m;
	char kase[HL_CASE_ID_MAX + 1];	/* "-" when in none */
	struct cli_ack ack;
};

/* The case a received message belongs to, "opener#N", or "-". */
static void case_of(const struct inbox *in, uint64_t seq, char out[HL_CASE_ID_MAX + 1])
{
	struct hl_item it;

	if (hl_store_item_get(in->st, in->l->id, HL_THEIRS, seq, &it) < 0 ||
	    it.case_side < 0 || it.case_no == 0) {
		snprintf(out, HL_CASE_ID_MAX + 1, "-");
		return;
	}
	hl_case_id(it.case_side == HL_OURS ? in->me : in->l->card.name, it.case_no, out);
}

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

static void inbox_row_get(struct inbox *in, const struct hl_message *m, struct inbox_row *row)
{
	enum hl_precedence p = HL_ROUTINE;

	hl_precedence_parse(m->precedence, &p);
	row->m = m;
	row->link = in->l->name;
	cli_format_id(in->l->name, HL_THEIRS, m->seq, row->id);
	case_of(in, m->seq, row->kase);
	cli_ack_get(in->conf, in->st, in->l, HL_THEIRS, m->seq, m->kind, p, m->time, in->now,
		    &row->ack);
}

static void inbox_row_print(const struct inbox *in, const struct inbox_row *row)
{
	char when[HL_TIME_LEN + 1], ack[128];

	hl_time_format(row->m->time, when);
	cli_ack_text(&row->ack, row->m->time, in->now, ack, sizeof(ack));
	printf("%-24s %s  ", row->id, when);
	cli_col(cli_field(HL_VOCAB_PRECEDENCE, row->m->precedence), in->w[0]);
	putchar(' ');
	cli_col(cli_field(HL_VOCAB_KIND, row->m->kind), in->w[1]);
	putchar(' ');
	cli_col(row->kase, in->w[2]);
	printf(" %s\n", ack);
}

static json_t *inbox_row_json(const struct inbox_row *row)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:o, s:o}", "id", row->id,
			 "link", row->link, "seq", (json_int_t)row->m->seq,
			 "sent", (json_int_t)row->m->time, "precedence", row->m->precedence,
			 "kind", row->m->kind,
			 "case", strcmp(row->kase, "-") ? json_string(row->kase) : json_null(),
			 "ack", cli_ack_json(&row->ack));
}

static int inbox_msg(void *ctx, const struct hl_message *m)
{
	struct inbox *in = ctx;
	struct inbox_row row;

	inbox_row_get(in, m, &row);
	in->overdue += row.ack.state == CLI_ACK_OVERDUE;
	if (in->json)
		return cli_json_print(inbox_row_json(&row));
	inbox_row_print(in, &row);
	return 0;
}

static int inbox_one(void *ctx, const struct hl_link *l)
{
	struct inbox *in = ctx;

	if (in->only && strcmp(in->only, l->name) != 0)
		return 0;
	in->l = l;
	return hl_store_message_each(in->st, l->id, HL_THEIRS, 0, inbox_msg, in);
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

int inbox_main(int argc, char **argv)
{
	static const char syn[] = "inbox [--link LINK] [--json]";
	struct inbox in = {0};
	struct hl_party *p;
	int r = link_opt(argc, argv, "inbox", syn, &in.only, &in.json);

	if (r != CLI_OK)
		return r;
	if (optind != argc)
		return cli_usage("inbox", syn);
	p = cli_party(HL_PARTY_SECRETS);
	in.st = p ? cli_store(p) : NULL;
	in.conf = p ? &p->conf : NULL;
	in.me = p ? p->card.name : NULL;
	in.now = cli_now();
	r = CLI_FAIL;
	if (in.st && cli_index(in.st, p) == 0) {
		inbox_head(&in);
		r = hl_store_link_each(in.st, inbox_one, &in) < 0 ? CLI_FAIL : CLI_OK;
		if (r != CLI_OK)
			cli_store_err(in.st, _("inbox"), -HL_ESTORE);
		if (in.overdue && !in.json)
			printf(_("\n%llu message(s) OVERDUE for acknowledgment: "
				 "'hotline ack LINK/SEQ' when read\n"),
			       (unsigned long long)in.overdue);
	}
	hl_store_close(in.st);
	hl_party_free(p);
	return r;
}

/* One message opened, as show prints it and --json writes it. */
struct shown {
	const struct hl_link *l;
	int side;
	const struct hl_envelope *e;
	bool receipted;
	struct cli_ack ack;
	const struct hl_buf *plain;
};

static void shown_print(const struct shown *m)
{
	const struct hl_envelope *e = m->e;
	char when[HL_TIME_LEN + 1], ack[128];

	hl_time_format(e->time, when);
	cli_ack_text(&m->ack, e->time, cli_now(), ack, sizeof(ack));
	/* TRANSLATORS: the header of 'hotline show'; align the values. */
	printf(_("from:       %s\n"
		 "to:         %s\n"
		 "seq:        %llu\n"
		 "sent:       %s\n"
		 "precedence: %s\n"
		 "kind:       %s\n"
		 "receipted:  %s\n"
		 "acknowledgment: %s\n\n"),
	       e->from, e->to, (unsigned long long)e->seq, when,
	       cli_field(HL_VOCAB_PRECEDENCE, hl_precedence_name(e->precedence)),
	       cli_field(HL_VOCAB_KIND, e->kind),
	       m->receipted ? _("yes") : _("not yet"), ack);
	cli_print_content(m->plain->data, m->plain->len);
}

/* The content as sent when it is hotline JSON ("content"); else its
 * bytes as a string when they are UTF-8 ("raw"), else neither. */
static json_t *shown_json(const struct shown *m)
{
	const struct hl_envelope *e = m->e;
	char id[CLI_ID_MAX + 1];
	struct hl_content c;
	json_t *j, *content = NULL, *raw = NULL;

	cli_format_id(m->l->name, m->side, e->seq, id);
	if (hl_content_parse(m->plain->data, m->plain->len, &c) == 0) {
		content = json_incref(c.json);
		hl_content_free(&c);
	} else if (hl_utf8_valid(m->plain->data, m->plain->len)) {
		raw = json_stringn((const char *)m->plain->data, m->plain->len);
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:b, s:o}", "id", id,
		      "link", m->l->name, "from", e->from, "to", e->to, "seq",
		      (json_int_t)e->seq, "sent", (json_int_t)e->time,
		      "precedence", hl_precedence_name(e->precedence), "kind", e->kind,
		      "receipted", m->receipted, "ack", cli_ack_json(&m->ack));
	json_object_set_new(j, "content", content ? content : json_null());
	json_object_set_new(j, "raw", raw ? raw : json_null());
	return j;
}

static int show_one(struct hl_store *st, const struct hl_party *p,
		    const struct hl_link *l, int side, uint64_t seq, bool json)
{
	const struct hl_card *sender = side == HL_OURS ? &p->card : &l->card;
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	struct hl_buf raw, plain;
	struct hl_envelope env;
	uint64_t acked = 0;
	int r = key ? 0 : -ENOMEM;

	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	hl_buf_init(&plain, HL_PLAIN_MAX);
	if (r == 0)
		r = hl_store_envelope_get(st, l->id, side, seq, &raw, NULL);
	if (r == 0)
		r = hl_envelope_parse(raw.data, raw.len, &env);
	if (r == 0)
		r = hl_envelope_verify(&env, sender);
	if (r == 0)
		r = hl_envelope_unwrap(&env, p->card.name, p->card.box_pk, p->box_sk, key);
	if (r == 0)
		r = hl_envelope_decrypt(&env, key, &plain);
	if (r == 0) {
		struct shown m = {l, side, &env, false, {0}, &plain};

		hl_store_cosigned_size(st, l->id, side, &acked);
		m.receipted = env.seq <= acked;
		cli_ack_get(&p->conf, st, l, side, env.seq, env.kind, env.precedence, env.time,
			    cli_now(), &m.ack);
		if (json)
			r = cli_json_print(shown_json(&m));
		else
			shown_print(&m);
	}
	sodium_free(key);
	if (plain.data)
		sodium_memzero(plain.data, plain.len);
	hl_buf_free(&plain);
	hl_buf_free(&raw);
	return r;
}

int show_main(int argc, char **argv)
{
	static const char syn[] = "show LINK/SEQ | LINK/out/SEQ [--json]";
	char name[HL_NAME_MAX + 1];
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	struct hl_link l = {0};
	uint64_t seq = 0;
	bool json = false;
	int side = HL_THEIRS, r = link_opt(argc, argv, "show", syn, NULL, &json);

	if (r != CLI_OK)
		return r;
	if (argc - optind != 1 || !cli_parse_id(argv[optind], name, sizeof(name), &side, &seq))
		return cli_usage("show", syn);
	r = CLI_FAIL;
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (st && cli_link(st, name, &l) == 0 && cli_index(st, p) == 0) {
		int e = show_one(st, p, &l, side, seq, json);

		if (e == -HL_ENOTFOUND)
			cli_err(_("%s: no such message"), argv[optind]);
		else if (e < 0)
			cli_store_err(st, argv[optind], e);
		r = e < 0 ? CLI_FAIL : CLI_OK;
	}
	hl_link_free(&l);
	hl_store_close(st);
	hl_party_free(p);
	return r;
}

/* cmd_ack.c - hotline ack: a person acknowledges a received message. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "cli.h"
#include "content.h"
#include "error.h"
#include "i18n.h"
#include "index.h"
#include "transcript.h"

const char ack_help[] =
	N_("NAME\n"
	"    hotline ack - acknowledge a received message\n\n"
	"SYNOPSIS\n"
	"    hotline ack [--lang TAG] LINK/SEQ [TEXT]\n\n"
	"DESCRIPTION\n"
	"    Says, as a signed message of this party's own log, that a person\n"
	"    has read and accepted message LINK/SEQ (as 'hotline inbox' lists\n"
	"    it).  The machine's receipt only says the message arrived; the\n"
	"    acknowledgment is the human answer the precedence calls for, due\n"
	"    15 minutes after a FLASH, 1 hour after an IMMEDIATE, 24 hours\n"
	"    after a PRIORITY and 72 hours after a ROUTINE message.\n\n"
	"    The acknowledgment names the message by its sender, sequence\n"
	"    number and leaf hash, so it cannot be taken for one of another\n"
	"    message, and travels with the message's own precedence.  TEXT is\n"
	"    an optional note, with its language tag (--lang, else the\n"
	"    locale's).  A message is acknowledged once: a second ack says\n"
	"    when the first was sent.\n\n"
	"    A notification, a request, a check and an update at FLASH or\n"
	"    IMMEDIATE need one; an answer, a correction, a retraction, a close,\n"
	"    a check reply and a lower update need none, and are refused here.\n"
	"    Answering a request ('hotline answer') acknowledges it, and\n"
	"    closing a case acknowledges what the peer had sent in it.\n\n"
	"EXIT STATUS\n"
	"    0 acknowledged (or already); 1 no such message, or it cannot be\n"
	"    acknowledged; 2 usage error.\n");

static const char synopsis[] = "ack [--lang TAG] LINK/SEQ [TEXT]";

struct ack {
	char link[HL_NAME_MAX + 1];
	uint64_t seq;
	const char *lang, *text;
};

static int parse(int argc, char **argv, struct ack *a)
{
	static const struct option opts[] = {
		{"lang", required_argument, NULL, 'L'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	int side = HL_THEIRS;

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'L')
			a->lang = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage("ack", synopsis);
	}
	if (argc - optind < 1 || argc - optind > 2 ||
	    !cli_parse_id(argv[optind], a->link, sizeof(a->link), &side, &a->seq))
		return cli_usage("ack", synopsis);
	if (side != HL_THEIRS) {
		cli_err(_("%s: that is a message this party sent; acknowledge what you "
			  "received"), argv[optind]);
		return CLI_USAGE;
	}
	if (a->lang && !hl_lang_valid(a->lang, strlen(a->lang))) {
		cli_err("%s", cli_strerror(-HL_ELANG));
		return CLI_USAGE;
	}
	a->text = argc - optind == 2 ? argv[optind + 1] : "";
	return CLI_OK;
}

/* The ack's content, of type `type`: a ref to the message, its case if
 * it has one (a check has none), and the person's note. */
static int compose(struct hl_store *st, const struct hl_party *p, const struct ack *a,
		   const struct hl_link *l, const hl_hash leaf, const char *type,
		   struct hl_buf *out)
{
	struct hl_content c = {.text = {{0}, a->text, strlen(a->text)}, .has_ref = true};
	struct hl_item it;

	snprintf(c.type, sizeof(c.type), "%s", type);
	if (a->lang)
		snprintf(c.text.lang, sizeof(c.text.lang), "%s", a->lang);
	else
		cli_locale_lang(c.text.lang);
	c.ref.seq = a->seq;
	memcpy(c.ref.from, l->card.name, sizeof(c.ref.from));
	memcpy(c.ref.leaf, leaf, sizeof(c.ref.leaf));
	if (hl_store_item_get(st, l->id, HL_THEIRS, a->seq, &it) == 0 && it.case_side >= 0) {
		c.has_case = true;
		if (cli_ref(st, p, l, it.case_side, it.case_seq, &c.case_ref) < 0)
			return -HL_ESTORE;
	}
	return hl_content_write(&c, out);
}

static int acknowledge(struct hl_store *st, const struct hl_party *p,
		       const struct hl_link *l, const struct ack *a)
{
	struct hl_send msg = {.kind = "ack"};
	struct hl_buf raw, content;
	struct hl_envelope env;
	uint64_t ack_seq = 0, seq = 0;
	int64_t when = 0;
	hl_hash leaf;
	int r;

	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	hl_buf_init(&content, HL_PLAIN_MAX);
	r = hl_store_envelope_get(st, l->id, HL_THEIRS, a->seq, &raw, leaf);
	if (r == -HL_ENOTFOUND)
		cli_err(_("%s/%llu: no such message ('hotline inbox' lists them)"), l->name,
			(unsigned long long)a->seq);
	if (r == 0)
		r = hl_envelope_parse(raw.data, raw.len, &env);
	if (r == 0 && !hl_kind_needs_ack(env.kind, env.precedence)) {
		cli_err(_("%s/%llu needs no acknowledgment (a %s)"), l->name,
			(unsigned long long)a->seq, cli_label(HL_VOCAB_KIND, env.kind));
		r = -HL_ESYNTAX;
	}
	if (r == 0 && hl_store_acked(st, l->id, HL_THEIRS, a->seq, &ack_seq, &when) == 0) {
		char t[HL_TIME_LEN + 1];

		hl_time_format(when, t);
		printf(_("%s/%llu was already acknowledged at %s (%s/out/%llu)\n"), l->name,
		       (unsigned long long)a->seq, t, l->name, (unsigned long long)ack_seq);
		goto out;
	}
	/* A check is answered with a check-reply. */
	if (r == 0 && !strcmp(env.kind, "check"))
		msg.kind = "check-reply";
	if (r == 0)
		r = compose(st, p, a, l, leaf, msg.kind, &content);
	if (r == 0) {
		msg.precedence = env.precedence;
		msg.plain = content.data;
		msg.plain_len = content.len;
		msg.now = cli_now();
		r = hl_transcript_send(st, p, l, &msg, &seq);
		if (r < 0)
			cli_store_err(st, l->name, r);
	}
	if (r == 0)
		printf(_("acknowledged %s/%llu (%s): sent as %s/out/%llu\n"), l->name,
		       (unsigned long long)a->seq,
		       cli_field(HL_VOCAB_PRECEDENCE, hl_precedence_name(env.precedence)),
		       l->name, (unsigned long long)seq);
out:
	hl_buf_free(&raw);
	hl_buf_free(&content);
	return r;
}

int ack_main(int argc, char **argv)
{
	struct ack a = {0};
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	struct hl_link l = {0};
	struct hl_buf reply;
	int r = parse(argc, argv, &a);

	if (r != CLI_OK)
		return r;
	r = CLI_FAIL;
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (st && cli_link(st, a.link, &l) == 0 && cli_index(st, p) == 0 &&
	    acknowledge(st, p, &l, &a) == 0) {
		r = CLI_OK;
		hl_buf_init(&reply, 4096);
		if (cli_api(p, "POST", "/v1/wake", &reply) < 0)
			fprintf(stderr, _("hotline: hotlined is not running: the "
					  "acknowledgment waits in the outbox until it starts\n"));
		hl_buf_free(&reply);
	}
	hl_link_free(&l);
	hl_store_close(st);
	hl_party_free(p);
	return r;
}

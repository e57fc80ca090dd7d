/* cmd_send.c - hotline send: seal a message into this party's log. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "content.h"
#include "error.h"
#include "transcript.h"

const char send_help[] =
	"NAME\n"
	"    hotline send - send a message on a link\n\n"
	"SYNOPSIS\n"
	"    hotline send --to LINK [--precedence P] [--kind KIND] [--lang TAG]\n"
	"                 [--summary TEXT [--summary-lang TAG]] TEXT|-\n\n"
	"DESCRIPTION\n"
	"    Seals TEXT ('-' reads standard input, UTF-8) for the peer of LINK\n"
	"    and appends the envelope to this party's log on the link with the\n"
	"    next sequence number, durably, before reporting it, and tells\n"
	"    hotlined to deliver it now.  It stays in the outbox ('hotline\n"
	"    outbox') until the peer's cosignature, the receipt, comes back.\n"
	"    When hotlined is not running it waits there until it starts;\n"
	"    where no network reaches the peer, carry it with 'hotline batch'.\n"
	"    The link must be confirmed.\n\n"
	"    The text travels with its language's BCP 47 tag (--lang, else the\n"
	"    locale's, else 'und') and is never translated; --summary adds a\n"
	"    short text, typically in the peer's working language.\n\n"
	"OPTIONS\n"
	"    --to LINK          the link (the peer's name)\n"
	"    --precedence P     flash, immediate, priority or routine (default)\n"
	"    --kind KIND        message kind, a-z and '-' (default notify)\n"
	"    --lang TAG         the text's language: ar, en, es, fr, ru, zh, ...\n"
	"    --summary TEXT     a short summary to go with it\n"
	"    --summary-lang TAG the summary's language (default: --lang's)\n"
	"    --home DIR         this party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 stored in the log; 1 failed, nothing stored; 2 usage error.\n";

static const char synopsis[] =
	"send --to LINK [--precedence P] [--kind KIND] [--lang TAG] [--summary TEXT] TEXT|-";

struct args {
	const char *to, *lang, *summary, *summary_lang;
};

static int parse(int argc, char **argv, struct args *a, struct hl_send *msg)
{
	static const struct option opts[] = {
		{"to", required_argument, NULL, 't'},
		{"lang", required_argument, NULL, 'L'},
		{"summary", required_argument, NULL, 'S'},
		{"summary-lang", required_argument, NULL, 'T'},
		{"precedence", required_argument, NULL, 'p'},
		{"kind", required_argument, NULL, 'k'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 't') {
			a->to = optarg;
		} else if (c == 'L') {
			a->lang = optarg;
		} else if (c == 'S') {
			a->summary = optarg;
		} else if (c == 'T') {
			a->summary_lang = optarg;
		} else if (c == 'k') {
			msg->kind = optarg;
		} else if (c == 'H') {
			cli_home = optarg;
		} else if (c == 'p' && !cli_opt_precedence(optarg, &msg->precedence)) {
			return CLI_USAGE;
		} else if (c != 'p') {
			return cli_usage("send", synopsis);
		}
	}
	if (!a->to || argc - optind != 1)
		return cli_usage("send", synopsis);
	if ((a->lang && !hl_lang_valid(a->lang, strlen(a->lang))) ||
	    (a->summary_lang && !hl_lang_valid(a->summary_lang, strlen(a->summary_lang)))) {
		cli_err("%s", hl_strerror(-HL_ELANG));
		return CLI_USAGE;
	}
	if (!hl_kind_valid(msg->kind, strlen(msg->kind))) {
		cli_err("--kind: use a-z and '-'");
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* The content JSON of the message: text and summary with their tags. */
static int compose(const struct args *a, const char *kind, const struct hl_buf *text,
		   struct hl_buf *out)
{
	struct hl_text t = {{0}, (const char *)text->data, text->len}, s = {{0}, 0, 0};
	int r;

	if (a->lang)
		snprintf(t.lang, sizeof(t.lang), "%s", a->lang);
	else
		cli_locale_lang(t.lang);
	if (a->summary) {
		snprintf(s.lang, sizeof(s.lang), "%s", a->summary_lang ? a->summary_lang : t.lang);
		s.text = a->summary;
		s.len = strlen(a->summary);
	}
	if (!t.text)
		t.text = "";
	r = hl_content_encode(kind, &t, a->summary ? &s : NULL, NULL, out);
	if (r == -HL_EUTF8)
		cli_err("the message is not UTF-8 text");
	else if (r < 0)
		cli_err("cannot compose the message: %s", hl_strerror(r));
	return r;
}

int send_main(int argc, char **argv)
{
	struct hl_send msg = {.precedence = HL_ROUTINE, .kind = "notify"};
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	struct hl_link l = {0};
	struct hl_buf text, content;
	struct args a = {0};
	const char *to;
	uint64_t seq = 0;
	int r = parse(argc, argv, &a, &msg);

	hl_buf_init(&text, HL_PLAIN_MAX);
	hl_buf_init(&content, 2 * HL_PLAIN_MAX);
	if (r != CLI_OK)
		return r;
	to = a.to;
	r = CLI_FAIL;
	if (strcmp(argv[optind], "-") == 0) {
		if (cli_read(NULL, HL_PLAIN_MAX, &text) < 0)
			goto out;
	} else if (hl_buf_puts(&text, argv[optind]) < 0) {
		cli_err("message too long");
		goto out;
	}
	if (compose(&a, msg.kind, &text, &content) < 0)
		goto out;
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (!st || cli_link(st, to, &l) < 0)
		goto out;
	msg.plain = content.data;
	msg.plain_len = content.len;
	msg.now = cli_now();
	r = hl_transcript_send(st, p, &l, &msg, &seq);
	if (r < 0) {
		cli_store_err(st, to, r);
		r = CLI_FAIL;
		goto out;
	}
	printf("sent %s seq %llu (%s, %s): stored, awaiting the peer's receipt\n",
	       to, (unsigned long long)seq, hl_precedence_name(msg.precedence), msg.kind);
	{
		struct hl_buf reply;

		hl_buf_init(&reply, 4096);
		if (cli_api(p, "POST", "/v1/wake", &reply) < 0)
			fprintf(stderr, "hotline: hotlined is not running: the message "
				"waits in the outbox until it starts (or use 'hotline batch')\n");
		hl_buf_free(&reply);
	}
	r = CLI_OK;
out:
	hl_link_free(&l);
	hl_store_close(st);
	hl_party_free(p);
	hl_buf_free(&text);
	hl_buf_free(&content);
	return r;
}

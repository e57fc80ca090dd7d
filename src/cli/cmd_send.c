/* cmd_send.c - hotline send: seal a message into this party's log. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "transcript.h"

const char send_help[] =
	"NAME\n"
	"    hotline send - send a message on a link\n\n"
	"SYNOPSIS\n"
	"    hotline send --to LINK [--precedence P] [--kind KIND] TEXT|-\n\n"
	"DESCRIPTION\n"
	"    Seals TEXT ('-' reads standard input) for the peer of LINK and\n"
	"    appends the envelope to this party's log on the link with the\n"
	"    next sequence number, durably, before reporting it, and tells\n"
	"    hotlined to deliver it now.  It stays in the outbox ('hotline\n"
	"    outbox') until the peer's cosignature, the receipt, comes back.\n"
	"    When hotlined is not running it waits there until it starts;\n"
	"    where no network reaches the peer, carry it with 'hotline batch'.\n"
	"    The link must be confirmed.\n\n"
	"OPTIONS\n"
	"    --to LINK          the link (the peer's name)\n"
	"    --precedence P     flash, immediate, priority or routine (default)\n"
	"    --kind KIND        message kind, a-z and '-' (default notify)\n"
	"    --home DIR         this party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 stored in the log; 1 failed, nothing stored; 2 usage error.\n";

static const char synopsis[] = "send --to LINK [--precedence P] [--kind KIND] TEXT|-";

static int parse(int argc, char **argv, const char **to, struct hl_send *msg)
{
	static const struct option opts[] = {
		{"to", required_argument, NULL, 't'},
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
			*to = optarg;
		} else if (c == 'k') {
			msg->kind = optarg;
		} else if (c == 'H') {
			cli_home = optarg;
		} else if (c == 'p' && hl_precedence_parse(optarg, &msg->precedence) < 0) {
			cli_err("--precedence: want flash, immediate, priority or routine");
			return CLI_USAGE;
		} else if (c != 'p') {
			return cli_usage("send", synopsis);
		}
	}
	if (!*to || argc - optind != 1)
		return cli_usage("send", synopsis);
	if (!hl_kind_valid(msg->kind, strlen(msg->kind))) {
		cli_err("--kind: use a-z and '-'");
		return CLI_USAGE;
	}
	return CLI_OK;
}

int send_main(int argc, char **argv)
{
	struct hl_send msg = {.precedence = HL_ROUTINE, .kind = "notify"};
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	struct hl_link l = {0};
	struct hl_buf text;
	const char *to = NULL;
	uint64_t seq = 0;
	int r = parse(argc, argv, &to, &msg);

	hl_buf_init(&text, HL_PLAIN_MAX);
	if (r != CLI_OK)
		return r;
	r = CLI_FAIL;
	if (strcmp(argv[optind], "-") == 0) {
		if (cli_read(NULL, HL_PLAIN_MAX, &text) < 0)
			goto out;
	} else if (hl_buf_puts(&text, argv[optind]) < 0) {
		cli_err("message too long");
		goto out;
	}
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (!st || cli_link(st, to, &l) < 0)
		goto out;
	msg.plain = text.data;
	msg.plain_len = text.len;
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
	return r;
}

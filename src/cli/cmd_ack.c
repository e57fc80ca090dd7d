/* cmd_ack.c - hotline ack: a person acknowledges a received message. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "cli.h"
#include "content.h"
#include "error.h"
#include "i18n.h"
#include "msgid.h"
#include "text.h"

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
	"    hotlined must be running: it signs the acknowledgment as you (the\n"
	"    operator, who needs the duty or supervisor role) and delivers it.\n"
	"    With hotlined down the command fails at once and nothing is sent.\n\n"
	"EXIT STATUS\n"
	"    0 acknowledged (or already); 1 no such message, or it cannot be\n"
	"    acknowledged; 2 usage error.\n");

static const char synopsis[] = "ack [--lang TAG] LINK/SEQ [TEXT]";

static int parse(int argc, char **argv, const char **lang)
{
	static const struct option opts[] = {
		{"lang", required_argument, NULL, 'L'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	char link[HL_NAME_MAX + 1];
	int side = HL_THEIRS;
	uint64_t seq;

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'L')
			*lang = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage("ack", synopsis);
	}
	if (argc - optind < 1 || argc - optind > 2 ||
	    !hl_msgid_parse(argv[optind], link, &side, &seq))
		return cli_usage("ack", synopsis);
	return CLI_OK;
}

static void print_ack(const json_t *j)
{
	const char *link = json_string_value(json_object_get(j, "link"));
	const char *acked = json_string_value(json_object_get(j, "acked"));
	const char *prec = json_string_value(json_object_get(j, "precedence"));
	unsigned long long seq = (unsigned long long)json_integer_value(json_object_get(j, "seq"));
	char t[HL_TIME_LEN + 1], name[HL_NAME_MAX + 1];
	uint64_t n = 0;
	int side;

	if (!link || !prec || !acked || !hl_msgid_parse(acked, name, &side, &n))
		return;
	if (json_is_true(json_object_get(j, "already"))) {
		hl_time_format(json_integer_value(json_object_get(j, "at")), t);
		printf(_("%s/%llu was already acknowledged at %s (%s/out/%llu)\n"), name,
		       (unsigned long long)n, t, link, seq);
	} else {
		printf(_("acknowledged %s/%llu (%s): sent as %s/out/%llu\n"), name,
		       (unsigned long long)n, cli_field(HL_VOCAB_PRECEDENCE, prec), link, seq);
	}
}

int ack_main(int argc, char **argv)
{
	const char *lang = NULL;
	json_t *args = json_object(), *reply = NULL;
	struct hl_party *p = NULL;
	int r = parse(argc, argv, &lang);

	if (r == CLI_OK) {
		r = CLI_FAIL;
		json_object_set_new(args, "id", json_string(argv[optind]));
		cli_lang_arg(args, "lang", lang);
		p = cli_party(HL_PARTY_PUBLIC);
		if (p && cli_text_arg(args, "text", argc - optind == 2 ? argv[optind + 1] : "") == 0)
			r = cli_act(p, "/v1/ack", args, &reply);
	}
	if (reply)
		print_ack(reply);
	json_decref(reply);
	json_decref(args);
	hl_party_free(p);
	return r;
}

/* hotline.c - the operator's command-line tool: dispatch to subcommands. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <gnutls/gnutls.h>

#include "cli.h"
#include "i18n.h"
#include "version.h"

const struct cli_cmd cli_cmds[] = {
	{"init", init_main, N_("create this party: keys, TLS certificate, card"), init_help},
	{"card", card_main, N_("print this party's card, or verify one"), card_help},
	{"fingerprint", fingerprint_main, N_("print a card's fingerprint to read aloud"), fingerprint_help},
	{"envelope", envelope_main, N_("seal, open or verify one envelope"), envelope_help},
	{"link", link_main, N_("add, confirm, suspend and resume links to peers"), link_help},
	{"group", group_main, N_("groups of links: one message to many parties"), group_help},
	{"send", send_main, N_("send a message on a link"), send_help},
	{"inbox", inbox_main, N_("list the messages received"), inbox_help},
	{"show", show_main, N_("open and print one message"), show_help},
	{"ack", ack_main, N_("acknowledge a received message"), ack_help},
	{"case", case_main, N_("list, show and close cases"), case_help},
	{"answer", answer_main, N_("answer a request: accepted, declined, done"), answer_help},
	{"retract", retract_main, N_("withdraw a message this party sent"), retract_help},
	{"correct", correct_main, N_("correct a message this party sent"), correct_help},
	{"search", search_main, N_("find the cases that mention an indicator"), search_help},
	{"export", export_main, N_("write a case's indicators as a STIX bundle or a MISP event"), export_help},
	{"check", check_main, N_("run and report communication checks"), check_help},
	{"outbox", outbox_main, N_("list the messages awaiting a receipt"), outbox_help},
	{"held", held_main, N_("the messages waiting while a link is suspended"), held_help},
	{"watch", watch_main, N_("print live changes as they happen"), watch_help},
	{"status", status_main, N_("each link's delivery at a glance"), status_help},
	{"batch", batch_main, N_("carry a link's messages and receipts as files"), batch_help},
	{"log", log_main, N_("check a link's logs, checkpoints and receipts"), log_help},
	{"proof", proof_main, N_("export or verify a proof of one message"), proof_help},
	{"operator", operator_main, N_("the people who use this party, and their roles"), operator_help},
	{"feed", feed_main, N_("tokens for tools that read the TAXII 2.1 feed"), feed_help},
	{"audit", audit_main, N_("list, verify and prove the audit trail"), audit_help},
	{"rebuild", rebuild_main, N_("recompute the indexes from the logs"), rebuild_help},
	{"store", store_main, N_("move the store to PostgreSQL"), store_help},
	{"help", help_main, N_("describe a command"), help_help},
	{"version", version_main, N_("print the version"), version_help},
	{NULL, NULL, NULL, NULL},
};

/* The commands that need no hotlined (DESIGN.md decision 9): they read
 * the party's files themselves.  proof is local for verify only, and
 * says so in its own manual. */
static const char *const local_cmds[] = {
	"init", "card", "fingerprint", "envelope", "batch", "log", "rebuild", "store",
	"help", "version", NULL,
};

static bool is_local(const char *name)
{
	for (size_t i = 0; local_cmds[i]; i++)
		if (strcmp(local_cmds[i], name) == 0)
			return true;
	return false;
}

static void overview(FILE *f)
{
	fputs(_("usage: hotline [--home DIR] [--lang LANG] COMMAND [ARGS]\n\n"
		"A secure hotline between parties that respond to computer attacks.\n\n"
		"Commands:\n"), f);
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, _(c->summary));
	fputs(_("\nThe party's home is --home DIR, else $HOTLINE_HOME, else ~/.hotline.\n"
		"Messages are in the language of --lang LANG (ar, en, es, fr, ru, zh),\n"
		"else of LC_ALL, LC_MESSAGES, LANG or LANGUAGE.\n"
		"'hotline help COMMAND' describes a command.\n"), f);
	fputs(_("\nAll but init, card, fingerprint, envelope, batch, log, rebuild, store\n"
		"and proof verify ask the running hotlined, which alone reads the keys\n"
		"and the store; without it they fail at once and change nothing.\n"), f);
}

int help_main(int argc, char **argv)
{
	if (argc < 2) {
		overview(stdout);
		return CLI_OK;
	}
	for (const struct cli_cmd *c = cli_cmds; c->name; c++) {
		if (strcmp(c->name, argv[1]) == 0) {
			fputs(_(c->help), stdout);
			if (is_local(c->name))
				fputs(_("\nLOCAL\n"
					"    This command reads the party's files itself: it needs\n"
					"    no hotlined running.\n"), stdout);
			return CLI_OK;
		}
	}
	cli_err(_("no such command: %s"), argv[1]);
	return CLI_USAGE;
}

const char help_help[] =
	N_("NAME\n"
	"    hotline help - describe a command\n\n"
	"SYNOPSIS\n"
	"    hotline help [COMMAND]\n\n"
	"DESCRIPTION\n"
	"    Without COMMAND, lists the commands.  With one, prints its manual:\n"
	"    what it does, its options, its files and its exit status.\n");

int version_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("hotline %s (libsodium %s, GnuTLS %s)\n", HL_VERSION,
	       sodium_version_string(), gnutls_check_version(NULL));
	return CLI_OK;
}

const char version_help[] =
	N_("NAME\n"
	"    hotline version - print the version\n\n"
	"SYNOPSIS\n"
	"    hotline version\n"
	"    hotline --version\n\n"
	"DESCRIPTION\n"
	"    Prints Hotline's version and those of the crypto and TLS libraries\n"
	"    it runs with.\n");

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{"lang", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *lang = NULL;
	int what = 0, r;

	/* Options first, so that even their errors are in the language
	 * asked for (getopt's own are in libc's). */
	while (!what) {
		int c = getopt_long(argc, argv, "+h", opts, NULL);

		if (c == -1)
			break;
		if (c == 'H')
			cli_home = optarg;
		else if (c == 'L')
			lang = optarg;
		else
			what = c;
	}
	r = cli_i18n_init(lang);
	if (r < 0) {
		cli_i18n_init(NULL);
		cli_err(_("--lang: want a language such as ar, en, es, fr, ru or zh"));
		return CLI_USAGE;
	}
	if (r > 0)
		cli_err(_("--lang %s: no messages in that language; using English"), lang);
	if (sodium_init() < 0) {
		cli_err(_("cannot initialise libsodium"));
		return CLI_FAIL;
	}
	if (what == 'h') {
		overview(stdout);
		return CLI_OK;
	}
	if (what == 'V')
		return version_main(0, NULL);
	if (what || optind >= argc) {
		overview(stderr);
		return CLI_USAGE;
	}
	for (const struct cli_cmd *cmd = cli_cmds; cmd->name; cmd++) {
		if (strcmp(cmd->name, argv[optind]) == 0) {
			int first = optind;

			optind = 0;	/* the subcommand parses its own options */
			return cmd->main(argc - first, argv + first);
		}
	}
	cli_err(_("unknown command '%s'; 'hotline help' lists them"), argv[optind]);
	return CLI_USAGE;
}

/* hotline.c - the operator's command-line tool: dispatch to subcommands. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <gnutls/gnutls.h>

#include "cli.h"
#include "version.h"

const struct cli_cmd cli_cmds[] = {
	{"init", init_main, "create this party: keys, TLS certificate, card", init_help},
	{"card", card_main, "print this party's card, or verify one", card_help},
	{"fingerprint", fingerprint_main, "print a card's fingerprint to read aloud", fingerprint_help},
	{"envelope", envelope_main, "seal, open or verify one envelope", envelope_help},
	{"link", link_main, "add, list, show and confirm links to peers", link_help},
	{"send", send_main, "send a message on a link", send_help},
	{"inbox", inbox_main, "list the messages received", inbox_help},
	{"show", show_main, "open and print one message", show_help},
	{"ack", ack_main, "acknowledge a received message", ack_help},
	{"check", check_main, "run and report communication checks", check_help},
	{"outbox", outbox_main, "list the messages awaiting a receipt", outbox_help},
	{"status", status_main, "each link's delivery at a glance", status_help},
	{"batch", batch_main, "carry a link's messages and receipts as files", batch_help},
	{"log", log_main, "check a link's logs, checkpoints and receipts", log_help},
	{"proof", proof_main, "export or verify a proof of one message", proof_help},
	{"rebuild", rebuild_main, "recompute the indexes from the logs", rebuild_help},
	{"help", help_main, "describe a command", help_help},
	{"version", version_main, "print the version", version_help},
	{NULL, NULL, NULL, NULL},
};

static void overview(FILE *f)
{
	fputs("usage: hotline [--home DIR] COMMAND [ARGS]\n\n"
	      "A secure hotline between parties that respond to computer attacks.\n\n"
	      "Commands:\n", f);
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fputs("\nThe party's home is --home DIR, else $HOTLINE_HOME, else ~/.hotline.\n"
	      "'hotline help COMMAND' describes a command.\n", f);
}

int help_main(int argc, char **argv)
{
	if (argc < 2) {
		overview(stdout);
		return CLI_OK;
	}
	for (const struct cli_cmd *c = cli_cmds; c->name; c++) {
		if (strcmp(c->name, argv[1]) == 0) {
			fputs(c->help, stdout);
			return CLI_OK;
		}
	}
	cli_err("no such command: %s", argv[1]);
	return CLI_USAGE;
}

const char help_help[] =
	"NAME\n"
	"    hotline help - describe a command\n\n"
	"SYNOPSIS\n"
	"    hotline help [COMMAND]\n\n"
	"DESCRIPTION\n"
	"    Without COMMAND, lists the commands.  With one, prints its manual:\n"
	"    what it does, its options, its files and its exit status.\n";

int version_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("hotline %s (libsodium %s, GnuTLS %s)\n", HL_VERSION,
	       sodium_version_string(), gnutls_check_version(NULL));
	return CLI_OK;
}

const char version_help[] =
	"NAME\n"
	"    hotline version - print the version\n\n"
	"SYNOPSIS\n"
	"    hotline version\n"
	"    hotline --version\n\n"
	"DESCRIPTION\n"
	"    Prints Hotline's version and those of the crypto and TLS libraries\n"
	"    it runs with.\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	if (sodium_init() < 0) {
		cli_err("cannot initialise libsodium");
		return CLI_FAIL;
	}
	for (;;) {
		int c = getopt_long(argc, argv, "+h", opts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'H':
			cli_home = optarg;
			break;
		case 'h':
			overview(stdout);
			return CLI_OK;
		case 'V':
			return version_main(0, NULL);
		default:
			overview(stderr);
			return CLI_USAGE;
		}
	}
	if (optind >= argc) {
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
	cli_err("unknown command '%s'; 'hotline help' lists them", argv[optind]);
	return CLI_USAGE;
}

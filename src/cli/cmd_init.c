/* cmd_init.c - hotline init: create this party. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "error.h"
#include "i18n.h"
#include "text.h"

/* The default listen address is spelt out, since a catalogue's msgid
 * cannot hold a macro: keep it equal to config.h's HL_DEFAULT_LISTEN. */
const char init_help[] =
	N_("NAME\n"
	"    hotline init - create this party: keys, TLS certificate, card\n\n"
	"SYNOPSIS\n"
	"    hotline init --name NAME [--endpoint URL|none] [--listen HOST:PORT]\n"
	"                 [--home DIR]\n\n"
	"DESCRIPTION\n"
	"    Creates a party in its home folder (--home, else $HOTLINE_HOME,\n"
	"    else ~/.hotline; made 0700 if missing):\n\n"
	"      identity.key  Ed25519 identity key; it signs cards and messages\n"
	"      box.key       X25519 key that content keys are sealed to\n"
	"      tls.key       TLS private key (ECDSA P-256)\n"
	"      tls.crt       self-signed TLS certificate, pinned on the card\n"
	"      card          this party's signed card, to give to peers\n"
	"      hotline.conf  settings: name, endpoint, listen\n\n"
	"    Secret files are created mode 0600 and never overwritten: init\n"
	"    refuses to run where a party already exists.  Give the card to\n"
	"    each peer out of band and read the fingerprint to them by voice.\n\n"
	"OPTIONS\n"
	"    --name NAME        the party's name: 1-63 of a-z, 0-9, '.', '-'\n"
	"    --endpoint URL     where peers reach this party (https://...), or\n"
	"                       'none' when peers cannot connect to it;\n"
	"                       default: https:// and the listen address,\n"
	"                       which must then not be 0.0.0.0 or [::]\n"
	"    --listen ADDR      peer server address, default 127.0.0.1:7443\n"
	"    --home DIR         the party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 created, 1 failed (nothing is overwritten), 2 usage error.\n");

static const char synopsis[] = "init --name NAME [--endpoint URL] [--listen ADDR] [--home DIR]";

static int parse(int argc, char **argv, struct hl_config *conf, const char **endpoint)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"endpoint", required_argument, NULL, 'e'},
		{"listen", required_argument, NULL, 'l'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'n' && strlen(optarg) < sizeof(conf->name))
			memcpy(conf->name, optarg, strlen(optarg) + 1);
		else if (c == 'n')
			conf->name[0] = '!';	/* fails the name check below */
		else if (c == 'e')
			*endpoint = optarg;
		else if (c == 'l')
			snprintf(conf->listen, sizeof(conf->listen), "%s", optarg);
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage("init", synopsis);
	}
	if (optind != argc || !conf->name[0])
		return cli_usage("init", synopsis);
	return CLI_OK;
}

/* 0.0.0.0:P or [::]:P: every address of this host, and none a peer can
 * dial, so never an endpoint to sign into the card. */
static bool wildcard(const char *listen)
{
	size_t n = strrchr(listen, ':') - listen;

	return (n == 7 && memcmp(listen, "0.0.0.0", 7) == 0) ||
	       (n == 4 && memcmp(listen, "[::]", 4) == 0);
}

static int check(struct hl_config *conf, const char *endpoint)
{
	int n;

	if (!hl_name_valid(conf->name, strlen(conf->name))) {
		cli_err("--name: %s", cli_strerror(-HL_ENAME));
		return CLI_USAGE;
	}
	if (hl_listen_check(conf->listen) < 0) {
		cli_err(_("--listen: want HOST:PORT, got '%s'"), conf->listen);
		return CLI_USAGE;
	}
	if (!endpoint && wildcard(conf->listen)) {
		cli_err(_("--listen %s: no peer can reach that address; pass --endpoint "
			  "https://HOST:%s with the name or address peers use"),
			conf->listen, strrchr(conf->listen, ':') + 1);
		return CLI_USAGE;
	}
	if (!endpoint)
		n = snprintf(conf->endpoint, sizeof(conf->endpoint), "https://%s", conf->listen);
	else if (strcmp(endpoint, "none") == 0)
		n = 0;
	else
		n = snprintf(conf->endpoint, sizeof(conf->endpoint), "%s", endpoint);
	if (n >= (int)sizeof(conf->endpoint) || hl_endpoint_check(conf->endpoint) < 0) {
		cli_err(_("--endpoint: want https://HOST:PORT or none"));
		return CLI_USAGE;
	}
	return CLI_OK;
}

int init_main(int argc, char **argv)
{
	struct hl_config conf;
	struct hl_party *p;
	char home[PATH_MAX], why[PATH_MAX + 64] = "", fp[HL_FINGERPRINT_LEN + 1];
	const char *endpoint = NULL;
	int r;

	hl_config_defaults(&conf);
	r = parse(argc, argv, &conf, &endpoint);
	if (r == CLI_OK)
		r = check(&conf, endpoint);
	if (r != CLI_OK)
		return r;
	if (hl_home_resolve(cli_home, home, sizeof(home)) < 0) {
		cli_err(_("no home folder: give --home DIR or set HOTLINE_HOME"));
		return CLI_FAIL;
	}
	r = hl_party_create(home, &conf, cli_now(), why, sizeof(why));
	if (r == -HL_EEXIST) {
		cli_err(_("%s: %s; nothing was changed"), home, cli_strerror(r));
		return CLI_FAIL;
	}
	if (r < 0) {
		cli_err("%s: %s: %s", home, why, cli_strerror(r));
		return CLI_FAIL;
	}
	cli_home = home;
	p = cli_party(HL_PARTY_SECRETS);
	if (!p)
		return CLI_FAIL;
	hl_card_fingerprint(&p->card, fp);
	printf(_("Created party %s in %s\n"
		 "Card:        %s/card (give it to each peer)\n"
		 "Fingerprint: %s (read it to them by voice)\n"),
	       p->card.name, home, home, fp);
	hl_party_free(p);
	return CLI_OK;
}

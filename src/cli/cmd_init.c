/* cmd_init.c - hotline init: create this party. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "desk.h"
#include "error.h"
#include "i18n.h"
#include "operators.h"
#include "text.h"

/* The default listen address is spelt out, since a catalogue's msgid
 * cannot hold a macro: keep it equal to config.h's HL_DEFAULT_LISTEN. */
const char init_help[] =
	N_("NAME\n"
	"    hotline init - create this party: keys, TLS certificate, card\n\n"
	"SYNOPSIS\n"
	"    hotline init --name NAME [--endpoint URL|none] [--listen HOST:PORT]\n"
	"                 [--operator NAME] [--home DIR]\n\n"
	"DESCRIPTION\n"
	"    Creates a party in its home folder (--home, else $HOTLINE_HOME,\n"
	"    else ~/.hotline; made 0700 if missing):\n\n"
	"      identity.key  Ed25519 identity key; it signs cards and messages\n"
	"      box.key       X25519 key that content keys are sealed to\n"
	"      tls.key       TLS private key (ECDSA P-256)\n"
	"      tls.crt       self-signed TLS certificate, pinned on the card\n"
	"      card          this party's signed card, to give to peers\n"
	"      hotline.conf  settings: name, endpoint, listen\n"
	"      hotline.db    the store, holding the first operator\n\n"
	"    Secret files are created mode 0600 and never overwritten: init\n"
	"    refuses to run where a party already exists.  Give the card to\n"
	"    each peer out of band and read the fingerprint to them by voice.\n\n"
	"    The first operator holds every role and is mapped to the Unix user\n"
	"    running init and to root, so that 'hotline' works from the shell\n"
	"    at once; add the others with 'hotline operator add'.  init is a\n"
	"    local command: it needs no hotlined.\n\n"
	"OPTIONS\n"
	"    --name NAME        the party's name: 1-63 of a-z, 0-9, '.', '-'\n"
	"    --endpoint URL     where peers reach this party (https://...), or\n"
	"                       'none' when peers cannot connect to it;\n"
	"                       default: https:// and the listen address,\n"
	"                       which must then not be 0.0.0.0 or [::]\n"
	"    --listen ADDR      peer server address, default 127.0.0.1:7443\n"
	"    --operator NAME    the first operator's name (as a party name);\n"
	"                       default: the Unix user running init\n"
	"    --home DIR         the party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 created, 1 failed (nothing is overwritten), 2 usage error.\n");

static const char synopsis[] =
	"init --name NAME [--endpoint URL] [--listen ADDR] [--operator NAME] [--home DIR]";

struct init_opts {
	const char *endpoint;
	const char *op;		/* --operator, or NULL */
};

static int parse(int argc, char **argv, struct hl_config *conf, struct init_opts *o)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"endpoint", required_argument, NULL, 'e'},
		{"listen", required_argument, NULL, 'l'},
		{"home", required_argument, NULL, 'H'},
		{"operator", required_argument, NULL, 'o'},
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
			o->endpoint = optarg;
		else if (c == 'o')
			o->op = optarg;
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

/* The first operator's name: --operator, else the Unix user's; user
 * gets the Unix user's name. */
static int op_name(const struct init_opts *o, char user[HL_UNIX_NAME_MAX + 1],
		   char name[HL_NAME_MAX + 1])
{
	char buf[4096];
	struct passwd pw, *res = NULL;

	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) != 0 || !res ||
	    !hl_unix_name_valid(res->pw_name)) {
		cli_err(_("the Unix user running init has no name this party can map"));
		return CLI_FAIL;
	}
	snprintf(user, HL_UNIX_NAME_MAX + 1, "%s", res->pw_name);
	snprintf(name, HL_NAME_MAX + 1, "%s", o->op ? o->op : res->pw_name);
	if (!hl_name_valid(name, strlen(name)) || (o->op && strlen(o->op) > HL_NAME_MAX)) {
		cli_err(_("--operator %s: %s; give one with --operator NAME"), name,
			cli_strerror(-HL_ENAME));
		return CLI_USAGE;
	}
	return CLI_OK;
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

/* The store with its first operator: every role, mapped to the Unix
 * user running init and to root. */
static int first_operator(const struct hl_party *p, const char *name, const char *user)
{
	struct hl_store *st = cli_store_open(p);
	int r;

	if (!st)
		return -HL_ESTORE;
	r = hl_store_begin(st);
	if (r == 0)
		r = hl_store_op_add(st, name, HL_ROLES_ALL, HL_FLASH, cli_now());
	if (r == 0)
		r = hl_store_op_map(st, user, name);
	if (r == 0 && strcmp(user, "root") != 0)
		r = hl_store_op_map(st, "root", name);
	if (r == 0)
		r = hl_store_commit(st);
	else
		hl_store_rollback(st);
	if (r < 0)
		cli_store_err(st, _("first operator"), r);
	hl_store_close(st);
	return r;
}

int init_main(int argc, char **argv)
{
	struct hl_config conf;
	struct hl_party *p;
	char home[PATH_MAX], why[PATH_MAX + 64] = "", fp[HL_FINGERPRINT_LEN + 1];
	char user[HL_UNIX_NAME_MAX + 1], opname[HL_NAME_MAX + 1];
	struct init_opts o = {0};
	int r;

	hl_config_defaults(&conf);
	r = parse(argc, argv, &conf, &o);
	if (r == CLI_OK)
		r = check(&conf, o.endpoint);
	if (r == CLI_OK)
		r = op_name(&o, user, opname);
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
	if (first_operator(p, opname, user) < 0) {
		hl_party_free(p);
		return CLI_FAIL;
	}
	hl_card_fingerprint(&p->card, fp);
	printf(_("Created party %s in %s\n"
		 "Card:        %s/card (give it to each peer)\n"
		 "Fingerprint: %s (read it to them by voice)\n"),
	       p->card.name, home, home, fp);
	printf(_("Operator:    %s, every role, mapped to Unix users %s%s\n"), opname, user,
	       strcmp(user, "root") ? " root" : "");
	hl_party_free(p);
	return CLI_OK;
}

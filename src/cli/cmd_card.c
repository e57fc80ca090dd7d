/* cmd_card.c - hotline card and hotline fingerprint. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "i18n.h"

const char card_help[] =
	N_("NAME\n"
	"    hotline card - print this party's card, or verify one\n\n"
	"SYNOPSIS\n"
	"    hotline card [--home DIR]\n"
	"    hotline card verify FILE\n"
	"    hotline card show [--json]\n"
	"    hotline card rotate [--sign] [--box] [--tls] [--endpoint URL]\n"
	"                        [--revoke USES] [--lang TAG] [--json] TEXT\n"
	"    hotline card tls-switch\n"
	"    hotline card rekey [--lang TAG] [--json] TEXT\n"
	"    hotline card tls-renew [--json]\n\n"
	"DESCRIPTION\n"
	"    A card is a party's public identity: its name, Ed25519 signing\n"
	"    key, X25519 encryption key, TLS key pin and endpoint, signed by\n"
	"    the signing key as a C2SP signed note (first line hotline.card/v1).\n\n"
	"    Without arguments, prints this party's card exactly as signed;\n"
	"    send it to a peer out of band.  'card verify FILE' checks a card's\n"
	"    format and self-signature ('-' reads standard input) and prints\n"
	"    what it says and its fingerprint.  A valid self-signature proves\n"
	"    only that the card is whole: compare the fingerprint by voice\n"
	"    with the party it claims to be before trusting it.\n\n"
	"    'card show' asks the running hotlined for the card in force, its\n"
	"    fingerprint and its key history on every link ('hotline link\n"
	"    keys' shows both sides of one link); --json prints it as JSON.\n\n"
	"    'card rotate' (an admin) changes this party's own keys: a new\n"
	"    signing key (--sign), encryption key (--box), TLS key (--tls) or\n"
	"    endpoint (--endpoint URL), saying why (TEXT).  hotlined makes the\n"
	"    new keys, signs the new card with the new key and with the old\n"
	"    one, and sends\n"
	"    it on every live link in one transaction; each peer accepts it\n"
	"    without a new voice confirmation, because the old key vouches for\n"
	"    it, and uses the new keys from that message on.  Old messages,\n"
	"    receipts and proofs keep verifying with the keys of their time:\n"
	"    retired keys are kept in the home's keys/ folder.  --revoke sign\n"
	"    or --revoke box (or sign,box) also announces that the old key must\n"
	"    not be trusted for anything dated after the change.  A link that\n"
	"    is added but not confirmed blocks a change.  A new TLS key waits\n"
	"    in tls-next.key while the peers accept both keys: hotlined puts it\n"
	"    in use once every peer has receipted the new card, or at once with\n"
	"    'card tls-switch' (a peer that has not then refuses us until it\n"
	"    has the card).\n\n"
	"    'card rekey' (an admin) is for a lost or stolen signing key: the\n"
	"    old key must not vouch for anything any more.  hotlined makes a new\n"
	"    signing and encryption key and a card signed by the new key alone,\n"
	"    and sends it on every live link as a 'rekey' message signed by the\n"
	"    new key, which revokes the old keys from its time (TEXT says why).\n"
	"    The TLS key stays.  Nothing but a voice vouches for the new card:\n"
	"    send it to each peer and read its fingerprint to them; their\n"
	"    supervisor runs 'hotline link rekey NAME --card FILE' and 'hotline\n"
	"    link confirm NAME --fingerprint DIGITS'.  Until then the peer\n"
	"    takes nothing more from this party (it answers 'waiting for the\n"
	"    voice confirmation of NAME's new card'); afterwards everything\n"
	"    queued goes through.\n\n"
	"    'card tls-renew' (an admin) asks hotlined, which must be running,\n"
	"    to issue this party's TLS certificate (tls.crt) again for the same\n"
	"    key, valid for 20 years, and to restart its peer server on it\n"
	"    (the console's HTTPS door takes it at the next start).  Peers pin\n"
	"    the key, not the certificate, and never look at its dates: the\n"
	"    pin stays, so no message is sent and no peer needs to do\n"
	"    anything.  'hotline status' says when to do it, from 90 days\n"
	"    before the certificate expires, for the tools outside Hotline\n"
	"    that look at dates.\n\n"
	"EXIT STATUS\n"
	"    0 printed, valid, changed or renewed, 1 not valid, not readable or\n"
	"    refused, 2 usage error.\n");

const char fingerprint_help[] =
	N_("NAME\n"
	"    hotline fingerprint - print a card's fingerprint to read aloud\n\n"
	"SYNOPSIS\n"
	"    hotline fingerprint [--home DIR] [FILE]\n\n"
	"DESCRIPTION\n"
	"    Prints six groups of five digits derived from the card's name and\n"
	"    signing key: this party's own card, or the card in FILE after\n"
	"    verifying it.  Two duty officers read them to each other over the\n"
	"    phone; if every digit matches, the card is the party's own.  The\n"
	"    fingerprint stays the same when the encryption key, TLS\n"
	"    certificate or endpoint on the card change.\n\n"
	"EXIT STATUS\n"
	"    0 printed, 1 the card is not valid or not readable, 2 usage error.\n");

static int home_opt(int argc, char **argv, const char *cmd, const char *synopsis)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "+", opts, NULL);

		if (c == -1)
			break;
		if (c != 'H')
			return cli_usage(cmd, synopsis);
		cli_home = optarg;
	}
	return CLI_OK;
}

static int card_verify(const char *path)
{
	struct hl_card card;
	struct hl_buf text;
	char fp[HL_FINGERPRINT_LEN + 1], when[HL_TIME_LEN + 1];

	if (cli_card(path, &card, &text) < 0)
		return CLI_FAIL;
	hl_card_fingerprint(&card, fp);
	hl_time_format(card.created, when);
	/* TRANSLATORS: "none" is a value, as written in hotline.conf. */
	printf(_("card OK\n"
		 "name:        %s\n"
		 "endpoint:    %s\n"
		 "created:     %s\n"
		 "fingerprint: %s\n"),
	       card.name, card.endpoint[0] ? card.endpoint : "none", when, fp);
	hl_buf_free(&text);
	return CLI_OK;
}

int card_main(int argc, char **argv)
{
	static const char synopsis[] =
		"card [--home DIR] | card verify FILE | card show [--json] |"
		" card rotate [OPTIONS] TEXT | card tls-switch | card rekey [--lang TAG] TEXT |"
		" card tls-renew [--json]";
	struct hl_party *p;
	int r = home_opt(argc, argv, "card", synopsis);

	if (r != CLI_OK)
		return r;
	if (optind < argc && strcmp(argv[optind], "show") == 0)
		return card_show_main(argc - optind, argv + optind);
	if (optind < argc && strcmp(argv[optind], "rotate") == 0)
		return card_rotate_main(argc - optind, argv + optind);
	if (optind < argc && strcmp(argv[optind], "tls-switch") == 0)
		return card_tls_switch_main(argc - optind, argv + optind);
	if (optind < argc && strcmp(argv[optind], "rekey") == 0)
		return card_rekey_main(argc - optind, argv + optind);
	if (optind < argc && strcmp(argv[optind], "verify") == 0) {
		if (argc - optind != 2)
			return cli_usage("card", synopsis);
		return card_verify(argv[optind + 1]);
	}
	if (optind < argc && strcmp(argv[optind], "tls-renew") == 0)
		return card_tls_renew_main(argc - optind, argv + optind);
	if (optind != argc)
		return cli_usage("card", synopsis);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	r = cli_write(NULL, p->card_text.data, p->card_text.len) < 0 ? CLI_FAIL : CLI_OK;
	hl_party_free(p);
	return r;
}

int fingerprint_main(int argc, char **argv)
{
	static const char synopsis[] = "fingerprint [--home DIR] [FILE]";
	char fp[HL_FINGERPRINT_LEN + 1];
	struct hl_party *p;
	struct hl_card card;
	struct hl_buf text;
	int r = home_opt(argc, argv, "fingerprint", synopsis);

	if (r != CLI_OK)
		return r;
	if (argc - optind > 1)
		return cli_usage("fingerprint", synopsis);
	if (optind < argc) {
		if (cli_card(argv[optind], &card, &text) < 0)
			return CLI_FAIL;
		hl_buf_free(&text);
	} else {
		p = cli_party(HL_PARTY_PUBLIC);
		if (!p)
			return CLI_FAIL;
		card = p->card;
		hl_party_free(p);
	}
	hl_card_fingerprint(&card, fp);
	printf("%s  %s\n", fp, card.name);
	return CLI_OK;
}

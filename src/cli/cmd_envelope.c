/* cmd_envelope.c - hotline envelope seal|open|verify. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "keyring.h"
#include "cli.h"
#include "envelope.h"
#include "error.h"
#include "i18n.h"

const char envelope_help[] =
	N_("NAME\n"
	"    hotline envelope - seal, open or verify one envelope\n\n"
	"SYNOPSIS\n"
	"    hotline envelope seal --to CARD [--seq N] [--precedence P]\n"
	"                          [--kind KIND] [--out FILE] [FILE]\n"
	"    hotline envelope open [--from CARD] [FILE]\n"
	"    hotline envelope verify --from CARD [FILE]\n\n"
	"DESCRIPTION\n"
	"    An envelope is one message from this party to a peer: a header\n"
	"    signed by the sender (a C2SP signed note, first line\n"
	"    hotline.envelope/v1) followed by the body encrypted with\n"
	"    XChaCha20-Poly1305 under a fresh content key.  That key is sealed\n"
	"    to the recipient and to the sender, and committed in the header,\n"
	"    so revealing it discloses this one message to a third party.\n"
	"    These commands work on single envelopes in files; delivery\n"
	"    between parties is hotlined's job.\n\n"
	"    seal     encrypts FILE (or standard input) for the party whose\n"
	"             card is CARD and writes the envelope to --out or\n"
	"             standard output (not to a terminal).\n"
	"    open     verifies the envelope in FILE (or standard input) and\n"
	"             prints its content; this party must be its recipient or\n"
	"             sender.  The sender's card is --from, or this party's\n"
	"             own when it sent the envelope.  On a terminal, control\n"
	"             characters in the content are shown escaped.\n"
	"    verify   checks the envelope's signature against the sender's\n"
	"             card and its body against the signed hash; needs no\n"
	"             secret key, so anyone holding the card can run it.\n\n"
	"OPTIONS\n"
	"    --to CARD          the recipient's card file\n"
	"    --from CARD        the sender's card file\n"
	"    --seq N            sequence number on the link (default 1)\n"
	"    --precedence P     flash, immediate, priority or routine (default)\n"
	"    --kind KIND        message kind, a-z and '-' (default notify)\n"
	"    --out FILE         where seal writes the envelope\n"
	"    --home DIR         this party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 done or valid; 1 not valid, not for this party, or unreadable;\n"
	"    2 usage error.\n");

static const char synopsis[] =
	"envelope seal --to CARD [--seq N] [--precedence P] [--kind K] [--out FILE] [FILE]\n"
	"       hotline envelope open [--from CARD] [FILE]\n"
	"       hotline envelope verify --from CARD [FILE]";

#define ENVELOPE_FILE_MAX (HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX)

struct args {
	const char *to, *from, *out, *in, *kind;
	uint64_t seq;
	enum hl_precedence precedence;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"to", required_argument, NULL, 't'},
		{"from", required_argument, NULL, 'f'},
		{"seq", required_argument, NULL, 's'},
		{"precedence", required_argument, NULL, 'p'},
		{"kind", required_argument, NULL, 'k'},
		{"out", required_argument, NULL, 'o'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 't': a->to = optarg; break;
		case 'f': a->from = optarg; break;
		case 'o': a->out = optarg; break;
		case 'k': a->kind = optarg; break;
		case 'H': cli_home = optarg; break;
		case 's':
			if (!cli_opt_seq(optarg, &a->seq))
				return CLI_USAGE;
			break;
		case 'p':
			if (!cli_opt_precedence(optarg, &a->precedence))
				return CLI_USAGE;
			break;
		default:
			return cli_usage("envelope", synopsis);
		}
	}
	if (argc - optind > 1)
		return cli_usage("envelope", synopsis);
	a->in = optind < argc ? argv[optind] : NULL;
	return CLI_OK;
}

static int seal(const struct args *a)
{
	struct hl_party *p = NULL;
	struct hl_card to;
	struct hl_buf card_text, plain, out;
	int r = CLI_FAIL;

	hl_buf_init(&out, ENVELOPE_FILE_MAX);
	hl_buf_init(&plain, 0);
	if (!a->to)
		return cli_usage("envelope", synopsis);
	if ((!a->out || strcmp(a->out, "-") == 0) && isatty(STDOUT_FILENO)) {
		cli_err(_("an envelope is binary; give --out FILE or redirect the output"));
		return CLI_USAGE;
	}
	if (cli_card(a->to, &to, &card_text) < 0)
		return CLI_FAIL;
	hl_buf_free(&card_text);
	if (cli_read(a->in, HL_PLAIN_MAX, &plain) < 0)
		goto out;
	p = cli_party(HL_PARTY_SECRETS);
	if (!p)
		goto out;
	{
		const struct hl_seal_params sp = {
			.from = &p->card, .sign_sk = p->sign_sk, .to = &to,
			.seq = a->seq, .time = cli_now(),
			.precedence = a->precedence, .kind = a->kind,
		};
		int e = hl_envelope_seal(&sp, plain.data, plain.len, &out);

		if (e < 0)
			cli_err(_("cannot seal: %s"), cli_strerror(e));
		else if (cli_write(a->out, out.data, out.len) == 0)
			r = CLI_OK;
	}
out:
	hl_party_free(p);
	hl_buf_free(&plain);
	hl_buf_free(&out);
	return r;
}

static void describe(const struct hl_envelope *e, const char *verdict)
{
	char when[HL_TIME_LEN + 1];

	hl_time_format(e->time, when);
	/* TRANSLATORS: sender, recipient, sequence number, precedence,
	 * kind, time sent, then "verified" or "signature and body OK". */
	fprintf(stderr, _("envelope %s -> %s, seq %llu, %s, %s, %s: %s\n"),
		e->from, e->to, (unsigned long long)e->seq,
		cli_field(HL_VOCAB_PRECEDENCE, hl_precedence_name(e->precedence)),
		cli_field(HL_VOCAB_KIND, e->kind), when, verdict);
}

/* Reads and parses an envelope; env points into raw. */
static int load(const char *path, struct hl_buf *raw, struct hl_envelope *env)
{
	int r = cli_read(path, ENVELOPE_FILE_MAX, raw);

	if (r < 0)
		return r;
	r = hl_envelope_parse(raw->data, raw->len, env);
	if (r < 0)
		cli_err(_("%s: not a valid envelope: %s"), path ? path : _("standard input"),
			cli_strerror(r));
	return r;
}

static int check(const struct hl_envelope *env, const struct hl_card *sender,
		 const char *path)
{
	int r = hl_envelope_verify(env, sender);

	if (r < 0) {
		if (strcmp(env->from, sender->name) != 0)
			cli_err(_("%s: sent by %s, but the card given is %s's"),
				path ? path : _("envelope"), env->from, sender->name);
		else
			cli_err("%s: %s", path ? path : _("envelope"), cli_strerror(r));
	}
	return r;
}

static int verify(const struct args *a)
{
	struct hl_card from;
	struct hl_buf card_text, raw;
	struct hl_envelope env;
	int r = CLI_FAIL;

	if (!a->from)
		return cli_usage("envelope", synopsis);
	if (cli_card(a->from, &from, &card_text) < 0)
		return CLI_FAIL;
	hl_buf_free(&card_text);
	if (load(a->in, &raw, &env) < 0)
		goto out;
	if (check(&env, &from, a->in) == 0) {
		describe(&env, _("signature and body OK"));
		r = CLI_OK;
	}
out:
	hl_buf_free(&raw);
	return r;
}

/* The sender's card: --from, or our own for what we sent. */
static int sender_card(const struct args *a, const struct hl_party *p,
		       const struct hl_envelope *env, struct hl_card *out)
{
	struct hl_buf text;

	if (a->from) {
		if (cli_card(a->from, out, &text) < 0)
			return -1;
		hl_buf_free(&text);
		return 0;
	}
	if (strcmp(env->from, p->card.name) == 0) {
		*out = p->card;
		return 0;
	}
	cli_err(_("sent by %s: give its card with --from CARD to verify it"), env->from);
	return -1;
}

static int open_env(const struct args *a)
{
	struct hl_party *p = NULL;
	struct hl_card from;
	struct hl_buf raw, plain;
	struct hl_envelope env;
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	int r = CLI_FAIL, e;

	hl_buf_init(&plain, HL_PLAIN_MAX);
	hl_buf_init(&raw, 0);
	if (!key || load(a->in, &raw, &env) < 0)
		goto out;
	p = cli_party(HL_PARTY_SECRETS);
	if (!p || sender_card(a, p, &env, &from) < 0 || check(&env, &from, a->in) < 0)
		goto out;
	e = hl_party_unwrap(p, &env, key);
	if (e == 0)
		e = hl_envelope_decrypt(&env, key, &plain);
	if (e < 0) {
		cli_err("%s: %s", a->in ? a->in : _("envelope"), cli_strerror(e));
		goto out;
	}
	describe(&env, _("verified"));
	cli_print_text(plain.data, plain.len);
	r = CLI_OK;
out:
	sodium_free(key);
	hl_party_free(p);
	hl_buf_free(&raw);
	if (plain.data)
		sodium_memzero(plain.data, plain.len);
	hl_buf_free(&plain);
	return r;
}

int envelope_main(int argc, char **argv)
{
	struct args a = {.seq = 1, .precedence = HL_ROUTINE, .kind = "notify"};
	const char *verb;
	int r;

	if (argc < 2)
		return cli_usage("envelope", synopsis);
	verb = argv[1];
	r = parse(argc - 1, argv + 1, &a);
	if (r != CLI_OK)
		return r;
	if (strcmp(verb, "seal") == 0)
		return seal(&a);
	if (strcmp(verb, "open") == 0)
		return open_env(&a);
	if (strcmp(verb, "verify") == 0)
		return verify(&a);
	return cli_usage("envelope", synopsis);
}

/* cmd_proof.c - hotline proof export|verify. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "i18n.h"
#include "error.h"
#include "proof.h"
#include "transcript.h"

const char proof_help[] =
	N_("NAME\n"
	"    hotline proof - export or verify a proof of one message\n\n"
	"SYNOPSIS\n"
	"    hotline proof export --link LINK --seq N [--received] [--disclose]\n"
	"                         [--out FILE]\n"
	"    hotline proof verify --card CARD --card CARD FILE\n\n"
	"DESCRIPTION\n"
	"    A proof convinces a third party, an auditor or a mediator, that\n"
	"    one message was sent by one party and receipted by the other,\n"
	"    without showing any other message.  It holds the envelope, its\n"
	"    Merkle inclusion proof, the sender's signed checkpoint and the\n"
	"    recipient's cosignature (a C2SP tlog-proof inside).\n\n"
	"    export   writes the proof of message N that this party sent on\n"
	"             LINK, or with --received of message N the peer sent.\n"
	"             The message must be receipted.  --disclose adds that one\n"
	"             message's content key, so the reader can decrypt it and\n"
	"             nothing else.  The running hotlined makes the proof (only\n"
	"             it holds the keys): without it, export fails at once\n"
	"             (verify needs none).\n"
	"    verify   checks a proof offline with the two parties' cards alone\n"
	"             and prints what it proves, and the message if disclosed,\n"
	"             with the operator who made it and their role (\"by ana\n"
	"             (duty officer)\"): an acknowledgment's proof shows who\n"
	"             read the message.  It needs no hotlined.\n\n"
	"OPTIONS\n"
	"    --link LINK        the link (the peer's name)\n"
	"    --seq N            the message's sequence number in its log\n"
	"    --received         a message the peer sent (default: one we sent)\n"
	"    --disclose         include the message's content key\n"
	"    --card CARD        a party's card (give both)\n"
	"    --out FILE         where to write (default: standard output)\n"
	"    --home DIR         this party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 written or valid; 1 refused, not valid or unreadable; 2 usage.\n");

static const char synopsis[] =
	"proof export --link LINK --seq N [--received] [--disclose] [--out FILE]\n"
	"       hotline proof verify --card CARD --card CARD FILE";

struct args {
	const char *link, *out, *in, *cards[2];
	size_t ncards;
	uint64_t seq;
	int side;
	bool disclose;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"link", required_argument, NULL, 'l'},
		{"seq", required_argument, NULL, 's'},
		{"received", no_argument, NULL, 'r'},
		{"disclose", no_argument, NULL, 'd'},
		{"card", required_argument, NULL, 'c'},
		{"out", required_argument, NULL, 'o'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'l': a->link = optarg; break;
		case 'r': a->side = HL_THEIRS; break;
		case 'd': a->disclose = true; break;
		case 'o': a->out = optarg; break;
		case 'H': cli_home = optarg; break;
		case 'c':
			if (a->ncards == 2)
				return cli_usage("proof", synopsis);
			a->cards[a->ncards++] = optarg;
			break;
		case 's':
			if (!cli_opt_seq(optarg, &a->seq))
				return CLI_USAGE;
			break;
		default:
			return cli_usage("proof", synopsis);
		}
	}
	if (argc - optind > 1)
		return cli_usage("proof", synopsis);
	a->in = optind < argc ? argv[optind] : NULL;
	return CLI_OK;
}

/* Writes the proof the desk made (base64 in "proof") to a->out. */
static int write_proof(const struct args *a, json_t *res)
{
	const char *b64 = json_string_value(json_object_get(res, "proof"));
	size_t n = b64 ? strlen(b64) : 0, len = 0;
	unsigned char *bin = malloc(n / 4 * 3 + 3);
	int r = CLI_FAIL;

	if (!bin || !b64 || sodium_base642bin(bin, n / 4 * 3 + 3, b64, n, NULL, &len, NULL,
					      sodium_base64_VARIANT_ORIGINAL) < 0)
		cli_err(_("hotlined's operator API gave no answer: %s"), _("not a proof"));
	else if (cli_write(a->out, bin, len) == 0)
		r = CLI_OK;
	if (bin)
		sodium_memzero(bin, n / 4 * 3 + 3);
	free(bin);
	return r;
}

/* The proof is made by hotlined: a disclosed one needs the content key,
 * which only the party's secret key unwraps. */
static int export(const struct args *a)
{
	struct hl_party *p;
	json_t *args, *res = NULL;
	int r;

	if (!a->link || !a->seq || a->ncards || a->in)
		return cli_usage("proof", synopsis);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	args = json_pack("{s:s, s:I, s:b, s:b}", "link", a->link, "seq", (json_int_t)a->seq,
			 "received", a->side == HL_THEIRS, "disclose", a->disclose);
	r = args ? cli_call(p, "POST", "/v1/proof/export", args, &res) : -ENOMEM;
	json_decref(args);
	if (r == 0)
		r = write_proof(a, res);
	else
		r = CLI_FAIL;
	json_decref(res);
	hl_party_free(p);
	return r;
}

static void report(const struct hl_proof_result *res, const struct hl_proof *p)
{
	char sent[HL_TIME_LEN + 1], got[HL_TIME_LEN + 1], fa[HL_FINGERPRINT_LEN + 1],
	     fb[HL_FINGERPRINT_LEN + 1];
	const struct hl_envelope *e = &res->env;

	hl_time_format(e->time, sent);
	hl_time_format((int64_t)res->receipt_time, got);
	hl_card_fingerprint(res->sender, fa);
	hl_card_fingerprint(res->recipient, fb);
	/* TRANSLATORS: message: sender, recipient, sequence number,
	 * precedence, kind, time sent. */
	printf(_("proof OK\n"
		 "message:  %s -> %s, seq %llu, %s, %s, sent %s\n"
		 "signed:   by %s (fingerprint %s)\n"
		 "logged:   entry %llu of %s's log of %llu\n"
		 "receipt:  cosigned by %s (fingerprint %s) at %s\n"
		 "content:  %s\n"),
	       e->from, e->to, (unsigned long long)e->seq,
	       cli_field(HL_VOCAB_PRECEDENCE, hl_precedence_name(e->precedence)),
	       cli_field(HL_VOCAB_KIND, e->kind), sent, e->from, fa, (unsigned long long)e->seq, e->from,
	       (unsigned long long)res->cp.size, e->to, fb, got,
	       p->has_key ? _("disclosed, below") : _("not disclosed (no key in the proof)"));
}

static int verify(const struct args *a)
{
	struct hl_proof *p = calloc(1, sizeof(*p));
	struct hl_proof_result res;
	struct hl_card cards[2];
	struct hl_buf text[2] = {{0}}, in, plain;
	int r = CLI_FAIL, e;

	hl_buf_init(&in, 0);
	hl_buf_init(&plain, HL_PLAIN_MAX);
	if (a->ncards != 2 || !a->in || a->link || a->seq) {
		free(p);
		return cli_usage("proof", synopsis);
	}
	if (!p || cli_card(a->cards[0], &cards[0], &text[0]) < 0 ||
	    cli_card(a->cards[1], &cards[1], &text[1]) < 0 ||
	    cli_read(a->in, HL_PROOF_MAX, &in) < 0)
		goto out;
	e = hl_proof_parse(in.data, in.len, p);
	if (e < 0) {
		cli_err(_("%s: not a valid proof: %s"), a->in, cli_strerror(e));
		goto out;
	}
	e = hl_proof_verify(p, &cards[0], &cards[1], &res);
	if (e == 0 && p->has_key)
		e = hl_envelope_decrypt(&res.env, p->key, &plain);
	if (e < 0) {
		cli_err(_("%s: the proof does not hold: %s"), a->in, cli_strerror(e));
		goto out;
	}
	report(&res, p);
	if (p->has_key)
		cli_print_content(plain.data, plain.len);
	r = CLI_OK;
out:
	if (p)
		sodium_memzero(p->key, sizeof(p->key));
	free(p);
	hl_buf_free(&text[0]);
	hl_buf_free(&text[1]);
	hl_buf_free(&in);
	hl_buf_free(&plain);
	return r;
}

int proof_main(int argc, char **argv)
{
	struct args a = {.side = HL_OURS};
	const char *verb;
	int r;

	if (argc < 2)
		return cli_usage("proof", synopsis);
	verb = argv[1];
	r = parse(argc - 1, argv + 1, &a);
	if (r != CLI_OK)
		return r;
	if (strcmp(verb, "export") == 0)
		return export(&a);
	if (strcmp(verb, "verify") == 0)
		return verify(&a);
	return cli_usage("proof", synopsis);
}

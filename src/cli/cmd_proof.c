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
#include "proof2.h"
#include "transcript.h"

const char proof_help[] =
	N_("NAME\n"
	"    hotline proof - export or verify a proof of one message\n\n"
	"SYNOPSIS\n"
	"    hotline proof export --link LINK --seq N [--received] [--disclose]\n"
	"                         [--terms] [--ack] [--out FILE]\n"
	"    hotline proof verify --card CARD --card CARD [--card CARD...] FILE\n\n"
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
	"             A proof is of version 2 when a party's key changed before\n"
	"             the message (it carries the key chain: the card messages,\n"
	"             disclosed), when the link is of generation 2 or later,\n"
	"             or with --terms (the terms in force, to judge deadlines)\n"
	"             or --ack (the peer's acknowledgment); of version 1\n"
	"             otherwise, which older tools read.\n"
	"    verify   checks a proof offline with the parties' cards alone\n"
	"             and prints what it proves, and the message if disclosed,\n"
	"             with the operator who made it and their role (\"by ana\n"
	"             (duty officer)\"): an acknowledgment's proof shows who\n"
	"             read the message.  It needs no hotlined.  Give at least\n"
	"             one card per party, of any era; a version 2 proof is\n"
	"             trusted forward only, from a card you gave through\n"
	"             rotations its key signed, and also prints the key chain,\n"
	"             the terms, whether the receipt and the acknowledgment\n"
	"             were in time, and SUSPECT when the message's key was\n"
	"             revoked soon after.  A key changed by voice (a rekey)\n"
	"             needs its new card given.\n\n"
	"OPTIONS\n"
	"    --link LINK        the link (the peer's name)\n"
	"    --seq N            the message's sequence number in its log\n"
	"    --received         a message the peer sent (default: one we sent)\n"
	"    --disclose         include the message's content key\n"
	"    --terms            include the terms in force (version 2)\n"
	"    --ack              include the peer's acknowledgment (version 2)\n"
	"    --card CARD        a party's card you trust (at least one each)\n"
	"    --out FILE         where to write (default: standard output)\n"
	"    --home DIR         this party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 written or valid; 1 refused, not valid or unreadable; 2 usage.\n");

static const char synopsis[] =
	"proof export --link LINK --seq N [--received] [--disclose] [--terms] [--ack]\n"
	"                           [--out FILE]\n"
	"       hotline proof verify --card CARD --card CARD [--card CARD...] FILE";

#define CARDS_MAX 16

struct args {
	const char *link, *out, *in, *cards[CARDS_MAX];
	size_t ncards;
	uint64_t seq;
	int side;
	bool disclose, terms, ack;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"link", required_argument, NULL, 'l'},
		{"seq", required_argument, NULL, 's'},
		{"received", no_argument, NULL, 'r'},
		{"disclose", no_argument, NULL, 'd'},
		{"terms", no_argument, NULL, 't'},
		{"ack", no_argument, NULL, 'a'},
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
		case 't': a->terms = true; break;
		case 'a': a->ack = true; break;
		case 'o': a->out = optarg; break;
		case 'H': cli_home = optarg; break;
		case 'c':
			if (a->ncards == CARDS_MAX)
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
	args = json_pack("{s:s, s:I, s:b, s:b, s:b, s:b}", "link", a->link, "seq",
			 (json_int_t)a->seq, "received", a->side == HL_THEIRS, "disclose",
			 a->disclose, "terms", a->terms, "ack", a->ack);
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

static void report(const struct hl_proof_result *res, bool has_key)
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
	       has_key ? _("disclosed, below") : _("not disclosed (no key in the proof)"));
}

/* Reads the --card files; each must parse. */
static int read_cards(const struct args *a, struct hl_card *cards, struct hl_buf *text)
{
	for (size_t i = 0; i < a->ncards; i++)
		if (cli_card(a->cards[i], &cards[i], &text[i]) < 0)
			return -1;
	return 0;
}

/* A v1 proof: the first two of the given cards that verify it. */
static int verify1(const struct args *a, const struct hl_buf *in, const struct hl_card *cards,
		   struct hl_buf *plain)
{
	struct hl_proof *p = calloc(1, sizeof(*p));
	struct hl_proof_result res;
	int r = CLI_FAIL, e = -HL_ENOSIG, first = 0;

	if (!p)
		return CLI_FAIL;
	e = hl_proof_parse(in->data, in->len, p);
	if (e < 0) {
		cli_err(_("%s: not a valid proof: %s"), a->in, cli_strerror(e));
		goto out;
	}
	for (size_t i = 0; i < a->ncards; i++)
		for (size_t j = i + 1; j < a->ncards; j++) {
			e = hl_proof_verify(p, &cards[i], &cards[j], &res);
			if (e == 0)
				goto verified;
			if (!first || (first == -HL_ELINK && e != -HL_ELINK))
				first = e;
		}
	cli_err(_("%s: the proof does not hold: %s"), a->in, cli_strerror(first));
	goto out;
verified:
	e = p->has_key ? hl_envelope_decrypt(&res.env, p->key, plain) : 0;
	if (e < 0) {
		cli_err(_("%s: the proof does not hold: %s"), a->in, cli_strerror(e));
		goto out;
	}
	report(&res, p->has_key);
	if (p->has_key)
		cli_print_content(plain->data, plain->len);
	r = CLI_OK;
out:
	sodium_memzero(p->key, sizeof(p->key));
	free(p);
	return r;
}

static bool given(const struct hl_card *c, const struct hl_card *cards, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cards[i].name, c->name) == 0 &&
		    memcmp(cards[i].sign_pk, c->sign_pk, sizeof(c->sign_pk)) == 0)
			return true;
	return false;
}

/* "; revoked: sign, box": the uses of era k - 1 that the change into
 * era k revoked (at its start). */
static void revoked_uses(const struct hl_keychain *kc, size_t k, char *out, size_t cap)
{
	static const char *const uses[] = {"sign", "box", "tls"};
	const struct hl_era *prev = &kc->era[k - 1];
	size_t n = 0;

	out[0] = '\0';
	for (unsigned u = 0; u < 3 && n < cap; u++)
		if ((prev->revoked & (1u << u)) && prev->revoked_at[u] == kc->era[k].from_time)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : _("; revoked: "),
					      cli_field(HL_VOCAB_KEYUSE, uses[u]));
}

static void print_chain(const struct hl_keychain *kc, const struct hl_card *cards, size_t n)
{
	char when[HL_TIME_LEN + 1], rev[128];

	/* TRANSLATORS: the first era of a party's key chain; %s: a party,
	 * then " (a card you gave)" or nothing. */
	printf(_("key chain: %s era 0%s"), kc->era[0].card.name,
	       given(&kc->era[0].card, cards, n) ? _(" (a card you gave)") : "");
	for (size_t i = 1; i < kc->n; i++) {
		const struct hl_era *e = &kc->era[i];

		hl_time_format(e->from_time, when);
		revoked_uses(kc, i, rev, sizeof(rev));
		/* TRANSLATORS: a later era: number, first seq, time, how
		 * (rotated, rekeyed), the uses of the era before that it
		 * revoked, " (a card you gave)". */
		printf(_(" -> era %zu from seq %llu (%s, %s%s)%s"), i,
		       (unsigned long long)e->from_seq, when,
		       e->how == HL_ERA_REKEYED ? _("rekeyed") : _("rotated"), rev,
		       given(&e->card, cards, n) ? _(" (a card you gave)") : "");
	}
	putchar('\n');
}

/* "in time" or "LATE by 25m". */
static void lateness(int64_t due, int64_t at, char *out, size_t cap)
{
	char d[32];

	if (at <= due) {
		snprintf(out, cap, "%s", _("in time"));
		return;
	}
	cli_span(at - due, d, sizeof(d));
	snprintf(out, cap, _("LATE by %s"), d);
}

static void print_terms(const struct hl_proof2_result *r)
{
	const struct hl_proof2_terms *t = &r->terms;
	char since[HL_TIME_LEN + 1], next[HL_TIME_LEN + 1];

	if (!r->has_terms) {
		printf("%s\n", _("terms: none shown: deadlines cannot be judged"));
		return;
	}
	hl_time_format(t->since, since);
	printf(_("terms: version %llu in force since %s (proposed %s/%llu, accepted %s/%llu)"),
	       (unsigned long long)t->terms.version, since, t->proposed_by,
	       (unsigned long long)t->proposed_seq, t->accepted_by,
	       (unsigned long long)t->accepted_seq);
	if (t->has_next) {
		hl_time_format(t->next_since, next);
		printf(_("; next version accepted %s (after)"), next);
	}
	putchar('\n');
}

static void print_deadlines(const struct hl_proof2_result *r)
{
	const struct hl_envelope *e = &r->main.env;
	const char *prec = hl_precedence_name(e->precedence);
	char due[HL_TIME_LEN + 1], at[HL_TIME_LEN + 1], span[32], verdict[64];
	int64_t d;

	hl_time_format((int64_t)r->main.receipt_time, at);
	if (!r->has_terms) {
		printf(_("receipt: receipted by %s\n"), at);
		if (r->has_ack) {
			hl_time_format(r->ack_time, at);
			printf(_("acknowledgment: acknowledged at %s\n"), at);
		} else {
			printf("%s\n", _("acknowledgment: none shown"));
		}
		return;
	}
	d = e->time + r->terms.terms.receipt[e->precedence];
	hl_time_format(d, due);
	cli_span(r->terms.terms.receipt[e->precedence], span, sizeof(span));
	lateness(d, (int64_t)r->main.receipt_time, verdict, sizeof(verdict));
	/* TRANSLATORS: due time, precedence (flash...), span, receipt
	 * time, "in time" or "LATE by 2m". */
	printf(_("receipt: due %s (receipt.%s %s), receipted by %s: %s\n"), due, prec, span, at,
	       verdict);
	d = e->time + r->terms.terms.ack[e->precedence];
	hl_time_format(d, due);
	cli_span(r->terms.terms.ack[e->precedence], span, sizeof(span));
	if (!r->has_ack) {
		printf(_("acknowledgment: none shown; due at %s\n"), due);
		return;
	}
	hl_time_format(r->ack_time, at);
	lateness(d, r->ack_time, verdict, sizeof(verdict));
	printf(_("acknowledgment: due %s (ack.%s %s), acknowledged at %s: %s\n"), due, prec, span,
	       at, verdict);
}

static void print_suspect(const struct hl_proof2_result *r)
{
	char when[HL_TIME_LEN + 1], w[32];
	const char *name = r->main.env.from;

	if (!r->revoked)
		return;
	hl_time_format(r->revoked_at, when);
	if (r->suspect) {
		cli_span(r->terms.terms.suspect, w, sizeof(w));
		printf(_("SUSPECT: signed with %s's key %08x, revoked at %s, within the %s window\n"),
		       name, (unsigned)r->suspect_keyid, when, w);
	} else {
		printf(_("key: %s's key %08x was revoked later, at %s\n"), name,
		       (unsigned)r->suspect_keyid, when);
	}
}

static void report2(const struct hl_proof2_result *r, const struct hl_card *cards, size_t n)
{
	printf(_("generation: %u\n"), (unsigned)r->generation);
	for (int s = 0; s < 2; s++)
		print_chain(&r->chain[s], cards, n);
	print_terms(r);
	print_deadlines(r);
	print_suspect(r);
}

static int verify2(const struct args *a, const struct hl_buf *in, const struct hl_card *cards,
		   struct hl_buf *plain)
{
	struct hl_proof2 *p = calloc(1, sizeof(*p));
	struct hl_proof2_result *res = calloc(1, sizeof(*res));
	char why[512];
	int r = CLI_FAIL, e;

	if (!p || !res)
		goto out;
	e = hl_proof2_parse(in->data, in->len, p, why, sizeof(why));
	if (e < 0) {
		cli_err(_("%s: not a valid proof: %s (%s)"), a->in, cli_strerror(e), why);
		goto out;
	}
	e = hl_proof2_verify(p, cards, a->ncards, res, why, sizeof(why));
	if (e == 0 && p->main.has_key)
		e = hl_envelope_decrypt(&res->main.env, p->main.key, plain);
	if (e < 0) {
		cli_err(_("%s: the proof does not hold: %s (%s)"), a->in, cli_strerror(e), why);
		goto out;
	}
	report(&res->main, p->main.has_key);
	report2(res, cards, a->ncards);
	if (p->main.has_key)
		cli_print_content(plain->data, plain->len);
	r = CLI_OK;
out:
	if (p)
		sodium_memzero(p, sizeof(*p));
	free(p);
	free(res);
	return r;
}

static bool is_v2(const struct hl_buf *in)
{
	static const char head[] = HL_PROOF2_TYPE "\n";

	return in->len >= sizeof(head) - 1 && memcmp(in->data, head, sizeof(head) - 1) == 0;
}

static int verify(const struct args *a)
{
	struct hl_card cards[CARDS_MAX];
	struct hl_buf text[CARDS_MAX] = {{0}}, in, plain;
	int r = CLI_FAIL;

	if (a->ncards < 2 || !a->in || a->link || a->seq || a->terms || a->ack)
		return cli_usage("proof", synopsis);
	hl_buf_init(&in, 0);
	hl_buf_init(&plain, HL_PLAIN_MAX);
	if (read_cards(a, cards, text) < 0 || cli_read(a->in, HL_PROOF2_MAX, &in) < 0)
		goto out;
	if (is_v2(&in))
		r = verify2(a, &in, cards, &plain);
	else if (in.len > HL_PROOF_MAX)
		cli_err(_("%s: not a valid proof: %s"), a->in, cli_strerror(-HL_ETOOBIG));
	else
		r = verify1(a, &in, cards, &plain);
out:
	for (size_t i = 0; i < CARDS_MAX; i++)
		hl_buf_free(&text[i]);
	hl_buf_free(&in);
	if (plain.data)
		sodium_memzero(plain.data, plain.len);
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

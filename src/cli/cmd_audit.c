/* cmd_audit.c - hotline audit: list, verify and prove the audit trail. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "auditlog.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"

const char audit_help[] =
	N_("NAME\n"
	"    hotline audit - list, verify and prove the audit trail\n\n"
	"SYNOPSIS\n"
	"    hotline audit [--json] [--after N] [--limit N]\n"
	"    hotline audit verify [--json]\n"
	"    hotline audit proof SEQ [-o FILE]\n"
	"    hotline audit check-proof FILE --card CARD\n\n"
	"DESCRIPTION\n"
	"    Every operator action, and every refusal of one, is an entry of\n"
	"    this party's audit trail: an append-only Merkle log whose\n"
	"    checkpoints hotlined signs with the party's key\n"
	"    (docs/protocol.md, 'The audit trail').  It needs the auditor or\n"
	"    the admin role.\n\n"
	"    audit        lists the entries, oldest first, as a table: number,\n"
	"                 time, operator, role, action, HTTP status.  --after N\n"
	"                 starts after entry N, --limit N (1 to 1000, default\n"
	"                 100) caps how many; a last line gives the next\n"
	"                 --after when more follow.  --json prints the reply\n"
	"                 of GET /v1/audit as it is (docs/cli-json.md).\n"
	"    verify       has hotlined sign a checkpoint of the whole trail,\n"
	"                 recompute the tree from the stored entries and check\n"
	"                 every signed checkpoint against it; names the first\n"
	"                 entry that was changed or removed.\n"
	"    proof        writes the proof of entry SEQ: the entry, its\n"
	"                 inclusion proof and a signed checkpoint, in one file\n"
	"                 (to FILE, or standard output).\n"
	"    check-proof  checks such a file offline with the party's card and\n"
	"                 prints the entry.  A local command: it needs no\n"
	"                 hotlined and no party home.\n\n"
	"    All but check-proof ask the running hotlined.\n\n"
	"EXIT STATUS\n"
	"    0 listed, unchanged, written or valid; 1 the trail was changed,\n"
	"    the proof does not hold, refused, or hotlined is not running;\n"
	"    2 usage.\n");

static const char synopsis[] =
	"audit [--json] [--after N] [--limit N]\n"
	"       hotline audit verify [--json]\n"
	"       hotline audit proof SEQ [-o FILE]\n"
	"       hotline audit check-proof FILE --card CARD";

struct args {
	const char *verb, *out, *card, *arg;
	bool json, has_after, has_limit;
	uint64_t after, limit;
};

/* A whole number, 0 included (hl_parse_u64 refuses a leading zero). */
static bool opt_number(const char *s, uint64_t *out)
{
	*out = 0;
	if (strcmp(s, "0") == 0 || hl_parse_u64(s, strlen(s), INT64_MAX, out) == 0)
		return true;
	cli_err(_("%s: not a whole number"), s);
	return false;
}

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"after", required_argument, NULL, 'a'},
		{"limit", required_argument, NULL, 'n'},
		{"out", required_argument, NULL, 'o'},
		{"card", required_argument, NULL, 'c'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "o:", opts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'j': a->json = true; break;
		case 'o': a->out = optarg; break;
		case 'c': a->card = optarg; break;
		case 'H': cli_home = optarg; break;
		case 'a':
			a->has_after = true;
			if (!opt_number(optarg, &a->after))
				return CLI_USAGE;
			break;
		case 'n':
			a->has_limit = true;
			if (!opt_number(optarg, &a->limit))
				return CLI_USAGE;
			break;
		default:
			return cli_usage("audit", synopsis);
		}
	}
	if (argc - optind > 1)
		return cli_usage("audit", synopsis);
	a->arg = optind < argc ? argv[optind] : NULL;
	return CLI_OK;
}

/* Calls one route as this party's operator; 0 with *reply, or CLI_FAIL. */
static int call(const char *method, const char *path, json_t *args, json_t **reply)
{
	struct hl_party *p = cli_party(HL_PARTY_PUBLIC);
	int r = p ? cli_call(p, method, path, args, reply) : -1;

	hl_party_free(p);
	json_decref(args);
	return r == 0 ? CLI_OK : CLI_FAIL;
}

static void print_entry(const json_t *e)
{
	char when[HL_TIME_LEN + 1];
	const char *damaged = json_string_value(json_object_get(e, "damaged"));

	if (damaged) {
		/* TRANSLATORS: an audit entry whose stored bytes cannot be read. */
		printf(_("%-6lld (damaged: %s)\n"),
		       (long long)json_integer_value(json_object_get(e, "seq")), damaged);
		return;
	}
	hl_time_format((int64_t)json_integer_value(json_object_get(e, "time")), when);
	printf("%-6lld %s  %-16s %-10s %-20s %lld\n",
	       (long long)json_integer_value(json_object_get(e, "seq")), when,
	       json_string_value(json_object_get(e, "operator")),
	       json_string_value(json_object_get(e, "role")),
	       json_string_value(json_object_get(e, "action")),
	       (long long)json_integer_value(json_object_get(e, "status")));
}

static int list(const struct args *a)
{
	json_t *args, *reply, *entries, *next, *one;
	size_t i;
	int r;

	if (a->out || a->card || a->arg)
		return cli_usage("audit", synopsis);
	args = json_object();
	if (a->has_after)
		json_object_set_new(args, "after", json_integer((json_int_t)a->after));
	if (a->has_limit)
		json_object_set_new(args, "limit", json_integer((json_int_t)a->limit));
	r = call("GET", "/v1/audit", args, &reply);
	if (r != CLI_OK)
		return r;
	entries = json_object_get(reply, "entries");
	next = json_object_get(reply, "next");
	if (a->json) {
		/* A listing of rows: one entry a line (docs/cli-json.md). */
		json_array_foreach(entries, i, one)
			r = cli_json_print(json_incref(one)) < 0 ? CLI_FAIL : r;
		json_decref(reply);
		return r;
	}
	/* TRANSLATORS: the columns of 'hotline audit'. */
	printf("%-6s %-20s  %-16s %-10s %-20s %s\n", _("SEQ"), _("TIME"), _("OPERATOR"),
	       _("ROLE"), _("ACTION"), _("STATUS"));
	json_array_foreach(entries, i, one)
		print_entry(one);
	if (json_is_integer(next))
		printf(_("more: hotline audit --after %lld\n"), (long long)json_integer_value(next));
	json_decref(reply);
	return CLI_OK;
}

static int verify(const struct args *a)
{
	json_t *reply;
	bool ok;
	int r;

	if (a->out || a->card || a->arg || a->has_after || a->has_limit)
		return cli_usage("audit", synopsis);
	r = call("POST", "/v1/audit/verify", json_object(), &reply);
	if (r != CLI_OK)
		return r;
	ok = json_is_true(json_object_get(reply, "ok"));
	if (a->json) {
		cli_json_print(reply);
		return ok ? CLI_OK : CLI_FAIL;
	}
	if (ok)
		printf(_("audit trail OK: %lld entries, %lld signed checkpoints\n"),
		       (long long)json_integer_value(json_object_get(reply, "entries")),
		       (long long)json_integer_value(json_object_get(reply, "checkpoints")));
	else
		printf(_("audit trail CHANGED: %s\n"),
		       json_string_value(json_object_get(reply, "error")));
	json_decref(reply);
	return ok ? CLI_OK : CLI_FAIL;
}

static int proof(const struct args *a)
{
	uint64_t seq;
	json_t *reply;
	const char *text;
	int r;

	if (!a->arg || a->card || a->json || a->has_after || a->has_limit)
		return cli_usage("audit", synopsis);
	if (!cli_opt_seq(a->arg, &seq))
		return CLI_USAGE;
	r = call("GET", "/v1/audit/proof",
		 json_pack("{s:I}", "seq", (json_int_t)seq), &reply);
	if (r != CLI_OK)
		return r;
	text = json_string_value(json_object_get(reply, "proof"));
	r = text && cli_write(a->out, text, json_string_length(json_object_get(reply, "proof")))
		    == 0 ? CLI_OK : CLI_FAIL;
	json_decref(reply);
	return r;
}

static void report(const struct hl_audit_entry *e, const struct hl_checkpoint *cp,
		   const struct hl_card *card)
{
	char when[HL_TIME_LEN + 1], fp[HL_FINGERPRINT_LEN + 1];

	hl_time_format(e->time, when);
	hl_card_fingerprint(card, fp);
	printf(_("audit proof OK\n"
		 "entry:    %llu of %s's audit trail of %llu (signed, fingerprint %s)\n"
		 "time:     %s\n"
		 "operator: %s (%s), door %s\n"
		 "action:   %s, status %u\n"
		 "detail:   %.*s\n"),
	       (unsigned long long)e->seq, card->name, (unsigned long long)cp->size, fp, when,
	       e->op, e->role, e->door, e->action, e->status, (int)e->detail_len, e->detail);
}

/* A local command: the proof file and the card are all it reads. */
static int check_proof(const struct args *a)
{
	struct hl_audit_proof *p = calloc(1, sizeof(*p));
	struct hl_audit_entry e;
	struct hl_checkpoint cp;
	struct hl_card card;
	struct hl_buf text = {0}, in;
	int r = CLI_FAIL, err;

	hl_buf_init(&in, 0);
	if (!a->arg || !a->card || a->out || a->json || a->has_after || a->has_limit) {
		free(p);
		return cli_usage("audit", synopsis);
	}
	if (!p || cli_card(a->card, &card, &text) < 0 ||
	    cli_read(a->arg, HL_AUDIT_PROOF_MAX, &in) < 0)
		goto out;
	err = hl_audit_proof_parse(in.data, in.len, p);
	if (err < 0) {
		cli_err(_("%s: not a valid audit proof: %s"), a->arg, cli_strerror(err));
		goto out;
	}
	err = hl_audit_proof_verify(p, card.name, card.sign_pk, &e, &cp);
	if (err < 0) {
		cli_err(_("%s: the audit proof does not hold: %s"), a->arg, cli_strerror(err));
		goto out;
	}
	report(&e, &cp, &card);
	r = CLI_OK;
out:
	free(p);
	hl_buf_free(&text);
	hl_buf_free(&in);
	return r;
}

int audit_main(int argc, char **argv)
{
	struct args a = {0};
	int shift = 0, r;

	if (argc >= 2 && argv[1][0] != '-') {
		a.verb = argv[1];
		shift = 1;
	}
	r = parse(argc - shift, argv + shift, &a);
	if (r != CLI_OK)
		return r;
	if (!a.verb)
		return list(&a);
	if (strcmp(a.verb, "verify") == 0)
		return verify(&a);
	if (strcmp(a.verb, "proof") == 0)
		return proof(&a);
	if (strcmp(a.verb, "check-proof") == 0)
		return check_proof(&a);
	return cli_usage("audit", synopsis);
}

/* cmd_log.c - hotline log verify and hotline rebuild. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "i18n.h"
#include "error.h"
#include "logcheck.h"
#include "transcript.h"

const char log_help[] =
	N_("NAME\n"
	"    hotline log - check a link's logs, checkpoints and receipts\n\n"
	"SYNOPSIS\n"
	"    hotline log verify [--link LINK] [--json]\n\n"
	"DESCRIPTION\n"
	"    Recomputes both logs of the link (or of every link) from the\n"
	"    stored envelopes, and checks every envelope's signature, link and\n"
	"    sequence number, every stored Merkle node, every checkpoint's\n"
	"    signature and root, and every receipt (cosignature).  Reports the\n"
	"    first entry that fails, and any equivocation evidence held.\n\n"
	"    Then recomputes, in memory, what 'hotline rebuild' would write\n"
	"    (the message index and the content index) and compares it with\n"
	"    the store, naming each row that differs: its link, log, entry,\n"
	"    index and column.  Nothing is written; 'hotline rebuild' repairs\n"
	"    what this finds.  Needs the party's keys to open the bodies.\n\n"
	"    --json prints one JSON object instead (docs/protocol.md, \"log\n"
	"    verify\"), whatever the outcome.\n\n"
	"EXIT STATUS\n"
	"    0 every check passed and no evidence is held; 1 a check failed\n"
	"    (a log, a receipt or an index does not match the envelopes, or\n"
	"    the store is damaged); 2 usage error; 3 every check passed but\n"
	"    the store holds evidence that the peer equivocated.\n");

const char rebuild_help[] =
	N_("NAME\n"
	"    hotline rebuild - recompute the indexes from the logs\n\n"
	"SYNOPSIS\n"
	"    hotline rebuild\n\n"
	"DESCRIPTION\n"
	"    Everything in the store but the signed envelopes, checkpoints,\n"
	"    receipts and evidence is a projection of them: the message index\n"
	"    (headers) and the content index (what the bodies say, such as\n"
	"    which message an acknowledgment names), later cases, indicators\n"
	"    and link health.  rebuild drops the projections and recomputes\n"
	"    them from the logs, opening every body with this party's key.\n\n"
	"EXIT STATUS\n"
	"    0 rebuilt; 1 failed (nothing changed); 2 usage error.\n");

static const char *const side_name[] = {N_("sent log"), N_("received log")};

enum { VERIFY_EVIDENCE = 3 };	/* exit status: all passed, evidence held */

static void print_link(const struct hl_log_check_link *c)
{
	const struct hl_log_report *rep = &c->rep;
	const char *name = c->link->name;

	printf(_("%s: OK: sent %llu (receipted up to %llu, %llu checkpoints), "
		 "received %llu (receipted up to %llu, %llu checkpoints)\n"), name,
	       (unsigned long long)rep->envelopes[0], (unsigned long long)rep->cosigned[0],
	       (unsigned long long)rep->checkpoints[0], (unsigned long long)rep->envelopes[1],
	       (unsigned long long)rep->cosigned[1], (unsigned long long)rep->checkpoints[1]);
	if (c->ev.count)
		printf(_("%s: EVIDENCE: %llu equivocation record(s) kept\n"), name,
		       (unsigned long long)c->ev.count);
	if (c->ev.unkept)
		printf(_("%s: EVIDENCE: %llu of them past evidence.max, kept by hash only\n"),
		       name, (unsigned long long)c->ev.unkept);
	if (c->losses)
		printf(_("%s: STORE LOSS: this store had lost messages it receipted "
			 "(up to %llu); the peer's resend refilled them\n"), name,
		       (unsigned long long)c->lost_to);
}

static void say_link(void *ctx, const struct hl_log_check_link *c)
{
	char reason[300];

	(void)ctx;
	if (c->result == 0) {
		print_link(c);
		return;
	}
	snprintf(reason, sizeof(reason), "%s%s%s", cli_strerror(c->result),
		 c->result == -HL_ESTORE ? ": " : "",
		 c->result == -HL_ESTORE && c->store_msg ? c->store_msg : "");
	if (c->rep.bad_what)
		cli_err(_("%s: %s, entry %llu: %s: %s"), c->link->name,
			_(side_name[c->rep.bad_side]), (unsigned long long)c->rep.bad_at,
			c->rep.bad_what, reason);
	else
		cli_err("%s: %s", c->link->name, reason);
}

static const char *const problem_text[] = {
	N_("differs from the envelope"), N_("is stored but no envelope gives it"),
	N_("is missing"),
};

static void say_mismatch(void *ctx, const struct hl_store_mismatch *m)
{
	size_t k = m->what[0] == 'd' ? 0 : m->what[0] == 'e' ? 1 : 2;

	(void)ctx;
	if (m->column)
		cli_err(_("%s: %s, entry %llu: %s index, column %s %s"), m->link,
			_(side_name[m->side ? 1 : 0]), (unsigned long long)m->seq, m->table,
			m->column, _(problem_text[k]));
	else
		cli_err(_("%s: %s, entry %llu: %s index row %s"), m->link,
			_(side_name[m->side ? 1 : 0]), (unsigned long long)m->seq, m->table,
			_(problem_text[k]));
}

static void say_fail(void *ctx, const char *what, int err, const char *store_msg)
{
	(void)ctx;
	if (strcmp(what, "links") == 0)
		what = _("links");
	else if (strcmp(what, "indexes") == 0)
		what = _("checking the indexes");
	if (err == -HL_ESTORE)
		cli_err("%s: %s: %s", what, cli_strerror(err), store_msg ? store_msg : "");
	else
		cli_err("%s: %s", what, cli_strerror(err));
}

static int print_json(json_t *j, int status)
{
	char *s;

	json_object_set_new(j, "ok", json_boolean(status == CLI_OK));
	json_object_set_new(j, "exit", json_integer(status));
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!s)
		return CLI_FAIL;
	puts(s);
	free(s);
	return status;
}

/* The checking itself is hl_log_check (logcheck.h), which hotlined's
 * POST /v1/log/verify runs too; this prints what it finds. */
static int verify(const struct hl_party *p, struct hl_store *st, const char *only, bool json)
{
	const struct hl_log_check_ops say = {say_link, say_mismatch, say_fail, NULL};
	struct hl_log_check out;
	char db[PATH_MAX];
	int r = hl_party_store(p->home, &p->conf, db, sizeof(db));

	if (r == 0)
		r = hl_log_check(st, p, db, only, json ? NULL : &say, &out);
	if (r < 0) {
		cli_err("log verify: %s", cli_strerror(r));
		return CLI_FAIL;
	}
	r = out.failed ? CLI_FAIL : out.evidence ? VERIFY_EVIDENCE : CLI_OK;
	if (json) {
		/* Errors that stop a step are said on standard error too. */
		json_t *e = json_object_get(out.report, "error");

		if (json_is_string(e))
			cli_err("%s", json_string_value(e));
		r = print_json(out.report, r);
	}
	json_decref(out.report);
	return r;
}

int log_main(int argc, char **argv)
{
	static const char synopsis[] = "log verify [--link LINK] [--json]";
	const char *only = NULL;
	struct hl_party *p;
	struct hl_store *st;
	bool json = false;
	int r;

	if (argc < 2 || strcmp(argv[1], "verify") != 0)
		return cli_usage("log", synopsis);
	r = cli_opt_listing(argc - 1, argv + 1, "log", synopsis, &only, &json);
	if (r != CLI_OK)
		return r;
	if (optind != argc - 1)
		return cli_usage("log", synopsis);
	r = CLI_FAIL;
	/* The keys open the bodies, to check the content index. */
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (st)
		r = verify(p, st, only, json);
	hl_store_close(st);
	hl_party_free(p);
	return r;
}

int rebuild_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	struct hl_party *p;
	struct hl_store *st;
	uint64_t n = 0;
	int r = CLI_FAIL;

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c != 'H')
			return cli_usage("rebuild", "rebuild");
		cli_home = optarg;
	}
	if (optind != argc)
		return cli_usage("rebuild", "rebuild");
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (st) {
		int e = hl_store_rebuild(st, &n);

		if (e < 0)
			cli_store_err(st, "rebuild", e);
		else if (cli_index(st, p) == 0)
			printf(_("rebuilt the message and content indexes from %llu envelope(s)\n"),
			       (unsigned long long)n);
		else
			e = -1;
		r = e < 0 ? CLI_FAIL : CLI_OK;
	}
	hl_store_close(st);
	hl_party_free(p);
	return r;
}

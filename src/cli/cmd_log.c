/* cmd_log.c - hotline log verify and hotline rebuild. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "i18n.h"
#include "error.h"
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
static const char *const side_key[] = {"sent", "received"};

enum { VERIFY_EVIDENCE = 3 };	/* exit status: all passed, evidence held */

struct verify_ctx {
	struct hl_store *st;
	const struct hl_party *p;
	const char *only;	/* --link, or NULL */
	json_t *json;		/* the --json report, or NULL */
	bool failed;		/* a check failed */
	bool evidence;		/* evidence of equivocation is held */
};

static json_t *side_json(const struct hl_log_report *rep, int side)
{
	return json_pack("{sIsIsI}", "envelopes", (json_int_t)rep->envelopes[side],
			 "receipted", (json_int_t)rep->cosigned[side],
			 "checkpoints", (json_int_t)rep->checkpoints[side]);
}

static json_t *link_json(const struct hl_link *l, const struct hl_log_report *rep,
			 const struct hl_evidence_stats *ev, int r, const char *reason)
{
	json_t *j = json_pack("{sssbsoso}", "link", l->name, "ok", r == 0,
			      "sent", side_json(rep, HL_OURS),
			      "received", side_json(rep, HL_THEIRS));

	if (j && r == 0)
		json_object_set_new(j, "evidence",
				    json_pack("{sIsIsI}", "incidents", (json_int_t)ev->count,
					      "bytes", (json_int_t)ev->bytes,
					      "unkept", (json_int_t)ev->unkept));
	if (j && r < 0 && rep->bad_what)
		json_object_set_new(j, "error",
				    json_pack("{sssIssss}", "log", side_key[rep->bad_side],
					      "entry", (json_int_t)rep->bad_at,
					      "check", rep->bad_what, "reason", reason));
	else if (j && r < 0)
		json_object_set_new(j, "error", json_pack("{ss}", "reason", reason));
	return j;
}

static void print_link(const struct hl_link *l, const struct hl_log_report *rep,
		       const struct hl_evidence_stats *ev)
{
	printf(_("%s: OK: sent %llu (receipted up to %llu, %llu checkpoints), "
		 "received %llu (receipted up to %llu, %llu checkpoints)\n"), l->name,
	       (unsigned long long)rep->envelopes[0], (unsigned long long)rep->cosigned[0],
	       (unsigned long long)rep->checkpoints[0], (unsigned long long)rep->envelopes[1],
	       (unsigned long long)rep->cosigned[1], (unsigned long long)rep->checkpoints[1]);
	if (ev->count)
		printf(_("%s: EVIDENCE: %llu equivocation record(s) kept\n"), l->name,
		       (unsigned long long)ev->count);
	if (ev->unkept)
		printf(_("%s: EVIDENCE: %llu of them past evidence.max, kept by hash only\n"),
		       l->name, (unsigned long long)ev->unkept);
}

struct loss_ctx {
	json_t *json;		/* the array to add to, or NULL */
	uint64_t count, upto;	/* for the text: each push that proved more */
};

/* A store loss the witness proved and recorded (transcript.h): not a
 * failure now that the logs verify, but what an auditor must know. */
static int add_loss(void *ctx, int side, uint64_t seq, int64_t when)
{
	struct loss_ctx *c = ctx;

	(void)side;
	c->count++;
	if (seq > c->upto)
		c->upto = seq;
	if (!c->json)
		return 0;
	return json_array_append_new(c->json, json_pack("{sIsI}", "receipted", (json_int_t)seq,
							"seen", (json_int_t)when));
}

static int verify_one(void *ctx, const struct hl_link *l)
{
	struct verify_ctx *c = ctx;
	struct hl_evidence_stats ev = {0};
	struct hl_log_report rep;
	char reason[300];
	int r = hl_transcript_verify(c->st, c->p, l, &rep);

	if (r == 0)
		r = hl_store_evidence_stats(c->st, l->id, &ev);
	/* JSON is read by programs: its sentences stay in English. */
	snprintf(reason, sizeof(reason), "%s%s%s", c->json ? hl_strerror(r) : cli_strerror(r),
		 r == -HL_ESTORE ? ": " : "",
		 r == -HL_ESTORE ? hl_store_errmsg(c->st) : "");
	c->failed |= r < 0;
	c->evidence |= ev.count > 0;
	if (c->json) {
		json_t *j = link_json(l, &rep, &ev, r, reason);
		struct loss_ctx lc = {json_array(), 0, 0};

		if (r == 0) {
			hl_store_event_each(c->st, l->id, HL_EVENT_STORE_LOSS, add_loss, &lc);
			json_object_set_new(j, "store_loss", lc.json);
		} else {
			json_decref(lc.json);
		}
		json_array_append_new(json_object_get(c->json, "links"), j);
	} else if (r < 0 && rep.bad_what)
		cli_err(_("%s: %s, entry %llu: %s: %s"), l->name, _(side_name[rep.bad_side]),
			(unsigned long long)rep.bad_at, rep.bad_what, reason);
	else if (r < 0)
		cli_store_err(c->st, l->name, r);
	else {
		struct loss_ctx lc = {NULL, 0, 0};

		print_link(l, &rep, &ev);
		hl_store_event_each(c->st, l->id, HL_EVENT_STORE_LOSS, add_loss, &lc);
		if (lc.count)
			printf(_("%s: STORE LOSS: this store had lost messages it receipted "
				 "(up to %llu); the peer's resend refilled them\n"), l->name,
			       (unsigned long long)lc.upto);
	}
	/* Go on with the other links: each is checked on its own. */
	return 0;
}

static const char *const problem_text[] = {
	N_("differs from the envelope"), N_("is stored but no envelope gives it"),
	N_("is missing"),
};

static int on_mismatch(void *ctx, const struct hl_store_mismatch *m)
{
	struct verify_ctx *c = ctx;
	size_t k = m->what[0] == 'd' ? 0 : m->what[0] == 'e' ? 1 : 2;

	if (c->only && strcmp(c->only, m->link) != 0)
		return 0;
	c->failed = true;
	if (c->json) {
		json_t *j = json_pack("{sssssIsssoss}", "link", m->link,
				      "log", side_key[m->side ? 1 : 0], "entry", (json_int_t)m->seq,
				      "index", m->table,
				      "column", m->column ? json_string(m->column) : json_null(),
				      "problem", m->what);

		return json_array_append_new(json_object_get(c->json, "projections"), j);
	}
	if (m->column)
		cli_err(_("%s: %s, entry %llu: %s index, column %s %s"), m->link,
			_(side_name[m->side ? 1 : 0]), (unsigned long long)m->seq, m->table,
			m->column, _(problem_text[k]));
	else
		cli_err(_("%s: %s, entry %llu: %s index row %s"), m->link,
			_(side_name[m->side ? 1 : 0]), (unsigned long long)m->seq, m->table,
			_(problem_text[k]));
	return 0;
}

/* Recomputes the projections on a handle of its own, in memory, and
 * compares them with the stored ones. */
static int check_projections(struct verify_ctx *c)
{
	struct hl_store *st = cli_store(c->p);
	uint64_t n = 0;
	int r = st ? hl_store_shadow(st) : -HL_ESTORE;

	if (r == 0)
		r = hl_store_rebuild(st, &n);
	if (r == 0)
		r = cli_index(st, c->p) < 0 ? 1 : 0;	/* cli_index said why */
	if (r == 0)
		r = hl_store_shadow_diff(st, on_mismatch, c);
	if (r < 0 && st)
		cli_store_err(st, _("checking the indexes"), r);
	hl_store_close(st);
	if (r)
		c->failed = true;
	return r;
}

static int verify(struct verify_ctx *c)
{
	struct hl_link l = {0};
	int r;

	if (!c->only) {
		/* Reading the links themselves may fail too (a damaged store). */
		r = hl_store_link_each(c->st, verify_one, c);
		if (r < 0)
			cli_store_err(c->st, _("links"), r);
	} else {
		r = cli_link(c->st, c->only, &l);
		if (r == 0)
			r = verify_one(c, &l);
	}
	hl_link_free(&l);
	if (r < 0)
		c->failed = true;
	/* Indexes built from damaged logs would say nothing more. */
	if (!c->failed) {
		check_projections(c);
		if (c->json)
			json_object_set_new(c->json, "indexes_checked", json_true());
	}
	return c->failed ? CLI_FAIL : c->evidence ? VERIFY_EVIDENCE : CLI_OK;
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

int log_main(int argc, char **argv)
{
	static const char synopsis[] = "log verify [--link LINK] [--json]";
	struct verify_ctx ctx = {0};
	struct hl_party *p;
	bool json = false;
	int r;

	if (argc < 2 || strcmp(argv[1], "verify") != 0)
		return cli_usage("log", synopsis);
	r = cli_opt_listing(argc - 1, argv + 1, "log", synopsis, &ctx.only, &json);
	if (r != CLI_OK)
		return r;
	if (optind != argc - 1)
		return cli_usage("log", synopsis);
	r = CLI_FAIL;
	/* The keys open the bodies, to check the content index. */
	p = cli_party(HL_PARTY_SECRETS);
	ctx.p = p;
	ctx.st = p ? cli_store(p) : NULL;
	if (ctx.st && json)
		ctx.json = json_pack("{sisosbso}", "version", 1, "links", json_array(),
				     "indexes_checked", 0, "projections", json_array());
	if (ctx.st && (!json || ctx.json))
		r = verify(&ctx);
	if (ctx.json)
		r = print_json(ctx.json, r);
	json_decref(ctx.json);
	hl_store_close(ctx.st);
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

/* cmd_log.c - hotline log verify and hotline rebuild. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "error.h"
#include "transcript.h"

const char log_help[] =
	N_("NAME\n"
	"    hotline log - check a link's logs, checkpoints and receipts\n\n"
	"SYNOPSIS\n"
	"    hotline log verify [--link LINK]\n\n"
	"DESCRIPTION\n"
	"    Recomputes both logs of the link (or of every link) from the\n"
	"    stored envelopes, and checks every envelope's signature, link and\n"
	"    sequence number, every stored Merkle node, every checkpoint's\n"
	"    signature and root, and every receipt (cosignature).  Reports the\n"
	"    first entry that fails, and any equivocation evidence held.\n\n"
	"EXIT STATUS\n"
	"    0 every check passed; 1 a check failed or the store is damaged;\n"
	"    2 usage error.\n");

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

struct verify_ctx {
	struct hl_store *st;
	const struct hl_party *p;
	bool reported;		/* verify_one printed why it failed */
};

static int verify_one(void *ctx, const struct hl_link *l)
{
	struct verify_ctx *c = ctx;
	struct hl_store *st = c->st;
	const struct hl_party *p = c->p;
	struct hl_log_report rep;
	int r = hl_transcript_verify(st, p, l, &rep);

	c->reported = r < 0;
	if (r < 0 && rep.bad_what) {
		cli_err(_("%s: %s, entry %llu: %s: %s"), l->name, _(side_name[rep.bad_side]),
			(unsigned long long)rep.bad_at, rep.bad_what, cli_strerror(r));
		return r;
	}
	if (r < 0) {
		cli_store_err(st, l->name, r);
		return r;
	}
	printf(_("%s: OK: sent %llu (receipted up to %llu, %llu checkpoints), "
		 "received %llu (receipted up to %llu, %llu checkpoints)\n"), l->name,
	       (unsigned long long)rep.envelopes[0], (unsigned long long)rep.cosigned[0],
	       (unsigned long long)rep.checkpoints[0], (unsigned long long)rep.envelopes[1],
	       (unsigned long long)rep.cosigned[1], (unsigned long long)rep.checkpoints[1]);
	if (rep.evidence)
		printf(_("%s: EVIDENCE: %llu equivocation record(s) kept\n"), l->name,
		       (unsigned long long)rep.evidence);
	return 0;
}

int log_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"link", required_argument, NULL, 'l'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	static const char synopsis[] = "log verify [--link LINK]";
	const char *link = NULL;
	struct hl_party *p;
	struct hl_store *st;
	int r = CLI_FAIL;

	if (argc < 2 || strcmp(argv[1], "verify") != 0)
		return cli_usage("log", synopsis);
	for (;;) {
		int c = getopt_long(argc - 1, argv + 1, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'l')
			link = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage("log", synopsis);
	}
	if (optind != argc - 1)
		return cli_usage("log", synopsis);
	p = cli_party(HL_PARTY_PUBLIC);
	st = p ? cli_store(p) : NULL;
	if (st) {
		struct verify_ctx ctx = {st, p, false};
		struct hl_link l = {0};
		int e;

		if (!link) {
			/* Reading the links themselves may fail too (a damaged
			 * store): say so, as verify_one does for one link. */
			e = hl_store_link_each(st, verify_one, &ctx);
			if (e < 0 && !ctx.reported)
				cli_store_err(st, _("links"), e);
			r = e < 0 ? CLI_FAIL : CLI_OK;
		} else if (cli_link(st, link, &l) == 0)
			r = verify_one(&ctx, &l) < 0 ? CLI_FAIL : CLI_OK;
		hl_link_free(&l);
	}
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

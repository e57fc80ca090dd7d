/* cmd_batch.c - hotline batch export|import|receipt: a link by files. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "transcript.h"

const char batch_help[] =
	N_("NAME\n"
	"    hotline batch - carry a link's messages and receipts as files\n\n"
	"SYNOPSIS\n"
	"    hotline batch export --link LINK [--out FILE]\n"
	"    hotline batch import --link LINK [--out RECEIPT] FILE\n"
	"    hotline batch receipt --link LINK FILE\n\n"
	"DESCRIPTION\n"
	"    Where no network joins two parties, their messages travel as\n"
	"    files, exactly as hotlined carries them over HTTPS:\n\n"
	"    export   writes a push: the messages the peer has not receipted\n"
	"             (up to 1024) with a checkpoint of this party's log signed\n"
	"             now and a consistency proof from the last receipt.\n"
	"    import   is the peer's side: it checks every message, the\n"
	"             checkpoint and its consistency with what it receipted\n"
	"             before, stores them durably, and only then cosigns the\n"
	"             checkpoint; the cosigned checkpoint is the receipt, for\n"
	"             every message up to its size.  Importing the same file\n"
	"             again gives the same receipt.  A different message for a\n"
	"             sequence number already taken is kept as evidence and\n"
	"             refused, and so, as hotlined refuses it, is a message\n"
	"             dated more than clock.skew (default 5m) ahead of this\n"
	"             party's clock or before the message before it: a file\n"
	"             carried by hand may be old, never from the future.\n"
	"    receipt  stores the peer's receipt; 'hotline link show' then\n"
	"             shows those messages as receipted.\n\n"
	"OPTIONS\n"
	"    --link LINK        the link (the peer's name)\n"
	"    --out FILE         where to write (default: standard output)\n"
	"    --home DIR         this party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 done; 1 refused or failed (nothing is stored of a refused\n"
	"    import but evidence); 2 usage error.  export with nothing to\n"
	"    send writes nothing and says so.\n");

static const char synopsis[] =
	"batch export --link LINK [--out FILE] | import --link LINK [--out RECEIPT] FILE"
	" | receipt --link LINK FILE";

struct args {
	const char *link, *out, *in;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"link", required_argument, NULL, 'l'},
		{"out", required_argument, NULL, 'o'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'l')
			a->link = optarg;
		else if (c == 'o')
			a->out = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage("batch", synopsis);
	}
	if (!a->link || argc - optind > 1)
		return cli_usage("batch", synopsis);
	a->in = optind < argc ? argv[optind] : NULL;
	return CLI_OK;
}

struct ctx {
	struct hl_party *p;
	struct hl_store *st;
	struct hl_link l;
};

static int export(struct ctx *c, const struct args *a)
{
	struct hl_buf out;
	uint64_t count = 0;
	int r;

	hl_buf_init(&out, HL_BATCH_MAX);
	r = hl_transcript_push(c->st, c->p, &c->l, &out, &count);
	if (r < 0)
		cli_store_err(c->st, a->link, r);
	else if (count == 0)
		fprintf(stderr, _("%s: nothing to send: the peer has receipted everything\n"),
			a->link);
	else if (cli_write(a->out, out.data, out.len) < 0)
		r = -1;
	else
		fprintf(stderr, _("%s: %llu message(s) in the batch\n"), a->link,
			(unsigned long long)count);
	hl_buf_free(&out);
	return r < 0 ? CLI_FAIL : CLI_OK;
}

/* The clock rule's refusal, with both times (docs/protocol.md 9.5). */
static void clock_err(const struct hl_party *p, const char *file,
			  const struct hl_witness_result *res)
{
	char why[160];

	hl_transcript_clock_why(res, p->conf.clock_skew, why, sizeof(why));
	cli_err(_("%s: refused: %s"), file, why);
}

static int import(struct ctx *c, const struct args *a)
{
	struct hl_witness_result res;
	struct hl_buf in, line, receipt;
	int r;

	if (!a->in)
		return cli_usage("batch", synopsis);
	if (cli_read(a->in, HL_BATCH_MAX, &in) < 0)
		return CLI_FAIL;
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	hl_buf_init(&receipt, HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX);
	r = hl_transcript_witness(c->st, c->p, &c->l, in.data, in.len, cli_now(),
				  &line, &res);
	if (r == -HL_EGAP)
		cli_err(_("%s: %s: this party has receipted up to %llu; the peer should "
			  "export again"), a->in, cli_strerror(r), (unsigned long long)res.old);
	else if (r < 0 && res.clock)
		clock_err(c->p, a->in, &res);
	else if (r < 0 && res.why[0])
		cli_err("%s: %s", a->in, res.why);
	else if (r < 0)
		cli_store_err(c->st, a->in, r);
	if (r == 0)
		r = hl_transcript_cosigned(c->st, &c->l, HL_THEIRS, res.size, &receipt);
	if (r == 0 && res.repeat)
		fprintf(stderr, _("%s: already receipted; the same receipt again\n"), a->in);
	else if (r == 0)
		fprintf(stderr, _("%s: %llu new message(s) stored; receipted up to %llu\n"),
			a->in, (unsigned long long)res.added, (unsigned long long)res.size);
	if (r == 0 && cli_write(a->out, receipt.data, receipt.len) < 0)
		r = -1;
	hl_buf_free(&in);
	hl_buf_free(&line);
	hl_buf_free(&receipt);
	return r < 0 ? CLI_FAIL : CLI_OK;
}

static int receipt(struct ctx *c, const struct args *a)
{
	struct hl_buf in;
	uint64_t size = 0;
	int r;

	if (!a->in)
		return cli_usage("batch", synopsis);
	if (cli_read(a->in, HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX, &in) < 0)
		return CLI_FAIL;
	r = hl_transcript_receipt(c->st, c->p, &c->l, in.data, in.len, &size);
	if (r < 0)
		cli_store_err(c->st, a->in, r);
	else
		printf(_("receipted by %s up to seq %llu\n"), c->l.name,
		       (unsigned long long)size);
	hl_buf_free(&in);
	return r < 0 ? CLI_FAIL : CLI_OK;
}

int batch_main(int argc, char **argv)
{
	struct ctx c = {0};
	struct args a = {0};
	const char *verb;
	int r;

	if (argc < 2)
		return cli_usage("batch", synopsis);
	verb = argv[1];
	r = parse(argc - 1, argv + 1, &a);
	if (r != CLI_OK)
		return r;
	if (strcmp(verb, "export") && strcmp(verb, "import") && strcmp(verb, "receipt"))
		return cli_usage("batch", synopsis);
	if (strcmp(verb, "export") == 0 && (!a.out || strcmp(a.out, "-") == 0) &&
	    isatty(STDOUT_FILENO)) {
		cli_err(_("a batch is binary; give --out FILE or redirect the output"));
		return CLI_USAGE;
	}
	r = CLI_FAIL;
	c.p = cli_party(HL_PARTY_SECRETS);
	c.st = c.p ? cli_store(c.p) : NULL;
	if (c.st && cli_link(c.st, a.link, &c.l) == 0) {
		if (strcmp(verb, "export") == 0)
			r = export(&c, &a);
		else if (strcmp(verb, "import") == 0)
			r = import(&c, &a);
		else
			r = receipt(&c, &a);
	}
	hl_link_free(&c.l);
	hl_store_close(c.st);
	hl_party_free(c.p);
	return r;
}

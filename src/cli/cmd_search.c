/* cmd_search.c - hotline search and export: the indicators of cases. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cases.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "stix.h"

const char search_help[] =
	N_("NAME\n"
	"    hotline search - which cases mention an indicator\n\n"
	"SYNOPSIS\n"
	"    hotline search VALUE\n\n"
	"DESCRIPTION\n"
	"    Looks VALUE up among the indicators of every STIX 2.1 bundle sent\n"
	"    or received: the values an indicator's pattern compares with\n"
	"    (addresses, domain names, URLs, file hashes), the values of\n"
	"    observed objects, and the names of malware, threat actors,\n"
	"    intrusion sets, campaigns and tools (docs/stix.md).  The match is\n"
	"    exact, ignoring ASCII case.  Each mention is printed with its\n"
	"    time, its case, its message and the STIX object it is in.\n\n"
	"EXIT STATUS\n"
	"    0 found; 1 not found or failed; 2 usage error.\n");

const char export_help[] =
	N_("NAME\n"
	"    hotline export - write a case's indicators as one STIX bundle\n\n"
	"SYNOPSIS\n"
	"    hotline export --stix CASE [-o FILE]\n\n"
	"DESCRIPTION\n"
	"    Merges the STIX 2.1 bundles of the case's messages, both sides'\n"
	"    and not retracted, into one new bundle: each object once, the\n"
	"    latest version (by 'modified') of each.  The bundle is checked\n"
	"    before it is written, to FILE or standard output.\n\n"
	"EXIT STATUS\n"
	"    0 written; 1 failed (no such case, no indicators); 2 usage error.\n");

struct names {
	int64_t id[64];
	char name[64][HL_NAME_MAX + 1], peer[64][HL_NAME_MAX + 1];
	unsigned n;
};

static int name_link(void *ctx, const struct hl_link *l)
{
	struct names *nm = ctx;

	if (nm->n < 64) {
		nm->id[nm->n] = l->id;
		snprintf(nm->name[nm->n], sizeof(nm->name[0]), "%s", l->name);
		snprintf(nm->peer[nm->n], sizeof(nm->peer[0]), "%s", l->card.name);
		nm->n++;
	}
	return 0;
}

struct search {
	const struct hl_party *p;
	struct names nm;
	unsigned hits;
};

static int hit(void *ctx, const struct hl_term_hit *h)
{
	struct search *s = ctx;
	char when[HL_TIME_LEN + 1], msg[CLI_ID_MAX + 1];
	char kase[HL_CASE_ID_MAX + 1] = "-";
	const char *link = "?", *peer = "?";

	for (unsigned i = 0; i < s->nm.n; i++) {
		if (s->nm.id[i] == h->link) {
			link = s->nm.name[i];
			peer = s->nm.peer[i];
		}
	}
	hl_time_format(h->time, when);
	cli_format_id(link, h->side, h->seq, msg);
	if (h->case_side >= 0 && h->case_no)
		hl_case_id(h->case_side == HL_OURS ? s->p->card.name : peer, h->case_no, kase);
	printf("%s  %-20s %-20s %s (%s)\n", when, kase, msg, h->object, h->kind);
	s->hits++;
	return 0;
}

int search_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	struct search s = {0};
	int r = CLI_FAIL;

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c != 'H')
			return cli_usage("search", "search VALUE");
		cli_home = optarg;
	}
	if (argc - optind != 1 || !argv[optind][0])
		return cli_usage("search", "search VALUE");
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	s.p = p;
	if (st && cli_index(st, p) == 0 && hl_store_link_each(st, name_link, &s.nm) == 0) {
		/* TRANSLATORS: the headings of 'hotline search'. */
		cli_col(_("TIME"), 20);
		printf("  ");
		cli_col(_("CASE"), 20);
		putchar(' ');
		cli_col(_("MESSAGE"), 20);
		printf(" %s\n", _("STIX OBJECT"));
		if (hl_store_term_find(st, argv[optind], hit, &s) < 0)
			cli_store_err(st, _("searching"), -HL_ESTORE);
		else if (!s.hits)
			printf(_("%s: mentioned in no case\n"), argv[optind]);
		else
			r = CLI_OK;
	}
	hl_store_close(st);
	hl_party_free(p);
	return r;
}

/* The bundles of the case's counted messages, merged. */
static int export_case(struct hl_store *st, const struct hl_party *p, const char *id,
		       const char *out)
{
	struct hl_link l = {0};
	struct hl_case c;
	json_t **bundles = NULL, *merged = NULL;
	struct hl_content *m = NULL;
	struct hl_buf plain;
	size_t n = 0;
	char *s = NULL;
	int r = -1;

	if (cli_case_open(st, p, id, NULL, &l, &c) < 0)
		return CLI_FAIL;
	hl_buf_init(&plain, HL_PLAIN_MAX);
	bundles = calloc(c.n + 1, sizeof(*bundles));
	m = calloc(c.n + 1, sizeof(*m));
	for (size_t i = 0; bundles && m && i < c.n; i++) {
		const struct hl_case_event *e = &c.ev[i];

		if (strcmp(e->stix, "valid") || (e->flags & HL_EV_RETRACTED))
			continue;
		if (cli_open_content(st, p, &l, e->side, e->seq, &plain, &m[n]) == 0 &&
		    m[n].stix)
			bundles[n] = m[n].stix, n++;
	}
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	if (!n) {
		cli_err(_("case %s carries no indicators"), c.id);
		goto done;
	}
	merged = hl_stix_merge(bundles, n);
	if (!merged || hl_stix_check(merged, NULL) < 0) {
		cli_err(_("case %s: the merged bundle is not valid STIX 2.1"), c.id);
		goto done;
	}
	s = json_dumps(merged, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (s) {
		struct hl_buf doc;

		hl_buf_init(&doc, 64 * 1024 * 1024);
		if (hl_buf_puts(&doc, s) == 0 && hl_buf_puts(&doc, "\n") == 0 &&
		    cli_write(out, doc.data, doc.len) == 0)
			r = 0;
		hl_buf_free(&doc);
	}
	if (r == 0 && out && strcmp(out, "-"))
		fprintf(stderr, _("wrote %zu bundle(s) of case %s to %s\n"), n, c.id, out);
done:
	free(s);
	json_decref(merged);
	for (size_t i = 0; m && i < n; i++)
		hl_content_free(&m[i]);
	free(m);
	free(bundles);
	hl_buf_free(&plain);
	hl_case_free(&c);
	hl_link_free(&l);
	return r == 0 ? CLI_OK : CLI_FAIL;
}

int export_main(int argc, char **argv)
{
	static const char syn[] = "export --stix CASE [-o FILE]";
	static const struct option opts[] = {
		{"stix", required_argument, NULL, 's'},
		{"output", required_argument, NULL, 'o'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	const char *id = NULL, *out = NULL;
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	int r = CLI_FAIL;

	for (;;) {
		int c = getopt_long(argc, argv, "o:", opts, NULL);

		if (c == -1)
			break;
		if (c == 's')
			id = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage("export", syn);
	}
	if (!id || argc != optind)
		return cli_usage("export", syn);
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	if (st && cli_index(st, p) == 0)
		r = export_case(st, p, id, out);
	hl_store_close(st);
	hl_party_free(p);
	return r;
}

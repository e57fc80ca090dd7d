/* cmd_search.c - hotline search and export: the indicators of cases. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"

const char search_help[] =
	N_("NAME\n"
	"    hotline search - which messages and cases mention a value\n\n"
	"SYNOPSIS\n"
	"    hotline search VALUE [--json]\n\n"
	"DESCRIPTION\n"
	"    Looks VALUE up in every message sent or received, in three places:\n"
	"    the indicators of STIX 2.1 bundles (the values an indicator's\n"
	"    pattern compares with, the values of observed objects, and the\n"
	"    names of malware, threat actors, intrusion sets, campaigns and\n"
	"    tools: docs/stix.md); the structured fields (category, TLP,\n"
	"    severity, action and answer codes, as 'hotline send' takes them);\n"
	"    and the free text and summary of each message.  Indicators and\n"
	"    fields match exactly, ignoring ASCII case; the text matches VALUE's\n"
	"    words in that order, ignoring case and diacritics.\n\n"
	"    An IPv4 or IPv6 address or a CIDR range (203.0.113.0/24,\n"
	"    2001:db8::/32) finds every indicator address inside it, and every\n"
	"    indicator range that holds it; an address is also looked up in\n"
	"    the text.\n\n"
	"    Each mention is printed with its time, its case, its message and\n"
	"    where it was found.  When nothing matches, one line says so.\n\n"
	"    The text is searched through a full-text index kept in the\n"
	"    party's store (hotline.db, readable by its owner only), filled\n"
	"    when messages are opened and rebuilt by 'hotline rebuild'.\n\n"
	"    --json  prints each mention as a JSON object, one a line, and\n"
	"    nothing when there is none (docs/cli-json.md).\n\n"
	"    It asks the running hotlined (GET /v1/search, docs/api.md); without\n"
	"    one it fails at once.\n\n"
	"EXIT STATUS\n"
	"    0 found; 1 not found (as grep), or failed (hotlined is not\n"
	"    running); 2 usage error.\n");

const char export_help[] =
	N_("NAME\n"
	"    hotline export - write a case's indicators as a STIX bundle or a MISP event\n\n"
	"SYNOPSIS\n"
	"    hotline export --stix CASE [-o FILE]\n"
	"    hotline export --misp CASE [-o FILE]\n\n"
	"DESCRIPTION\n"
	"    --stix merges the STIX 2.1 bundles of the case's messages, both\n"
	"    sides' and not retracted, into one new bundle: each object once, the\n"
	"    latest version (by 'modified') of each.  The case's TLP is added\n"
	"    as the TLP 2.0 marking definition that OASIS published for it and\n"
	"    named in every object's object_marking_refs; each party that sent\n"
	"    a bundle is added as an identity, named in created_by_ref by the\n"
	"    objects it sent first (docs/stix.md).  The bundle is checked\n"
	"    before it is written, to FILE or standard output.\n\n"
	"    --misp writes the case as one MISP event (MISP core format), which\n"
	"    MISP imports as it is: the case's title, opener, severity and\n"
	"    state; its TLP and RSIT category as tlp: and rsit: tags; and an\n"
	"    attribute for each indicator value and observable of the merged\n"
	"    bundle (a pattern that is more than equality comparisons joined by\n"
	"    OR stays one stix2-pattern attribute).  An object marked more\n"
	"    strictly than the case keeps its own tlp: tag.  Its uuids are\n"
	"    derived from the case, so a second export updates the same event\n"
	"    (docs/feeds.md).\n\n"
	"    The running hotlined builds either (GET /v1/export, docs/api.md)\n"
	"    and this command writes it; without hotlined it fails at once.\n\n"
	"EXIT STATUS\n"
	"    0 written; 1 failed (no such case, no indicators for --stix,\n"
	"    hotlined is not running); 2 usage error.\n");

static const char *str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "";
}

/* One mention of the desk's search (docs/cli-json.md), as a line. */
static void search_hit_print(const json_t *h)
{
	const char *found_in = str(h, "found_in");
	const char *kase = json_string_value(json_object_get(h, "case"));
	char when[HL_TIME_LEN + 1];

	hl_time_format((int64_t)json_integer_value(json_object_get(h, "time")), when);
	printf("%s  %-20s %-20s ", when, kase ? kase : "-", str(h, "message"));
	if (!strcmp(found_in, "stix"))
		printf("%s (%s)\n", str(h, "object"), str(h, "kind"));
	else if (!strcmp(found_in, "field"))
		printf("%s: %s\n", str(h, "kind"), str(h, "value"));
	else
		printf("%s\n", _("text"));
}

static void search_head(void)
{
	/* TRANSLATORS: the headings of 'hotline search'. */
	cli_col(_("TIME"), 20);
	printf("  ");
	cli_col(_("CASE"), 20);
	putchar(' ');
	cli_col(_("MESSAGE"), 20);
	printf(" %s\n", _("FOUND IN"));
}

struct search {
	bool json;
	unsigned hits;
};

static int hit(void *ctx, json_t *h)
{
	struct search *s = ctx;

	if (!s->json && !s->hits)
		search_head();
	s->hits++;
	if (s->json)
		return cli_json_print(json_incref(h));
	search_hit_print(h);
	return 0;
}

int search_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	static const char syn[] = "search VALUE [--json]";
	struct hl_party *p = NULL;
	struct search s = {0};
	json_t *args;
	int r = CLI_FAIL;

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'j')
			s.json = true;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage("search", syn);
	}
	if (argc - optind != 1 || !argv[optind][0])
		return cli_usage("search", syn);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	args = json_pack("{s:s}", "value", argv[optind]);
	if (cli_list(p, "/v1/search", args, hit, &s) == 0) {
		if (!s.hits && !s.json)
			printf(_("%s: mentioned in no case\n"), argv[optind]);
		r = s.hits ? CLI_OK : CLI_FAIL;
	}
	json_decref(args);
	hl_party_free(p);
	return r;
}

/* Writes what the desk made (key: "bundle" or "event") as the bundle
 * always was: indented, keys sorted, a newline at the end. */
static int write_export(const json_t *res, const char *key, const char *out)
{
	char *s = json_dumps(json_object_get(res, key), JSON_INDENT(2) | JSON_SORT_KEYS);
	struct hl_buf doc;
	int r = -1;

	hl_buf_init(&doc, 64 * 1024 * 1024);
	if (s && hl_buf_puts(&doc, s) == 0 && hl_buf_puts(&doc, "\n") == 0 &&
	    cli_write(out, doc.data, doc.len) == 0)
		r = 0;
	if (r == 0 && out && strcmp(out, "-") && !strcmp(key, "bundle"))
		fprintf(stderr, _("wrote %zu bundle(s) of case %s to %s\n"),
			(size_t)json_integer_value(json_object_get(res, "bundles")),
			str(res, "case"), out);
	else if (r == 0 && out && strcmp(out, "-"))
		fprintf(stderr, _("wrote the MISP event of case %s to %s\n"), str(res, "case"), out);
	hl_buf_free(&doc);
	free(s);
	return r;
}

int export_main(int argc, char **argv)
{
	static const char syn[] = "export --stix|--misp CASE [-o FILE]";
	static const struct option opts[] = {
		{"stix", required_argument, NULL, 's'},
		{"misp", required_argument, NULL, 'm'},
		{"output", required_argument, NULL, 'o'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	const char *id = NULL, *out = NULL, *format = NULL;
	struct hl_party *p = NULL;
	json_t *args, *res = NULL;
	int r = CLI_FAIL;

	for (;;) {
		int c = getopt_long(argc, argv, "o:", opts, NULL);

		if (c == -1)
			break;
		if ((c == 's' || c == 'm') && !format) {
			id = optarg;
			format = c == 's' ? "stix" : "misp";
		} else if (c == 'o') {
			out = optarg;
		} else if (c == 'H') {
			cli_home = optarg;
		} else {
			return cli_usage("export", syn);
		}
	}
	if (!id || argc != optind)
		return cli_usage("export", syn);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	args = json_pack("{s:s}", "case", id);
	if (args && !strcmp(format, "misp"))
		json_object_set_new(args, "format", json_string(format));
	if (cli_call(p, "GET", "/v1/export", args, &res) == 0 &&
	    write_export(res, strcmp(format, "misp") ? "bundle" : "event", out) == 0)
		r = CLI_OK;
	json_decref(res);
	json_decref(args);
	hl_party_free(p);
	return r;
}

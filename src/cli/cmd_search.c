/* cmd_search.c - hotline search and export: the indicators of cases. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cases.h"
#include "cidr.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "stix.h"

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
	"EXIT STATUS\n"
	"    0 found; 1 not found (as grep), or failed; 2 usage error.\n");

const char export_help[] =
	N_("NAME\n"
	"    hotline export - write a case's indicators as one STIX bundle\n\n"
	"SYNOPSIS\n"
	"    hotline export --stix CASE [-o FILE]\n\n"
	"DESCRIPTION\n"
	"    Merges the STIX 2.1 bundles of the case's messages, both sides'\n"
	"    and not retracted, into one new bundle: each object once, the\n"
	"    latest version (by 'modified') of each.  The case's TLP is added\n"
	"    as the TLP 2.0 marking definition that OASIS published for it and\n"
	"    named in every object's object_marking_refs; each party that sent\n"
	"    a bundle is added as an identity, named in created_by_ref by the\n"
	"    objects it sent first (docs/stix.md).  The bundle is checked\n"
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
	const char *value;
	struct hl_cidr range;	/* when value is an address or a range */
	bool json;
	unsigned hits;
};

/* One mention, as the table prints it and --json writes it. */
struct search_hit {
	int64_t time;
	char kase[HL_CASE_ID_MAX + 1];	/* "-" when in no case */
	char msg[CLI_ID_MAX + 1];
	const char *link;
	const char *found_in;		/* "stix", "field" or "text" */
	const char *object, *kind, *value;
};

static void search_hit_get(const struct search *s, const struct hl_term_hit *h,
			   struct search_hit *out)
{
	const char *peer = "?";

	out->link = "?";
	for (unsigned i = 0; i < s->nm.n; i++) {
		if (s->nm.id[i] == h->link) {
			out->link = s->nm.name[i];
			peer = s->nm.peer[i];
		}
	}
	out->time = h->time;
	cli_format_id(out->link, h->side, h->seq, out->msg);
	snprintf(out->kase, sizeof(out->kase), "-");
	if (h->case_side >= 0 && h->case_no)
		hl_case_id(h->case_side == HL_OURS ? s->p->card.name : peer, h->case_no,
			   out->kase);
	out->found_in = !strcmp(h->kind, "text") && !h->object[0] ? "text" :
			h->object[0] ? "stix" : "field";
	out->object = h->object;
	out->kind = h->kind;
	out->value = h->value;
}

static void search_hit_print(const struct search_hit *h)
{
	char when[HL_TIME_LEN + 1];

	hl_time_format(h->time, when);
	printf("%s  %-20s %-20s ", when, h->kase, h->msg);
	if (!strcmp(h->found_in, "stix"))
		printf("%s (%s)\n", h->object, h->kind);
	else if (!strcmp(h->found_in, "field"))
		printf("%s: %s\n", h->kind, h->value);
	else
		printf("%s\n", _("text"));
}

static json_t *search_hit_json(const struct search_hit *h)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:s, s:s}", "time",
			 (json_int_t)h->time, "case",
			 strcmp(h->kase, "-") ? json_string(h->kase) : json_null(),
			 "message", h->msg, "link", h->link, "found_in", h->found_in,
			 "object", h->object[0] ? json_string(h->object) : json_null(),
			 "kind", h->kind, "value", h->value);
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

static int hit(void *ctx, const struct hl_term_hit *h)
{
	struct search *s = ctx;
	struct search_hit row;

	search_hit_get(s, h, &row);
	if (!s->json && !s->hits)
		search_head();
	s->hits++;
	if (s->json)
		return cli_json_print(search_hit_json(&row));
	search_hit_print(&row);
	return 0;
}

/* An indicator address or range that overlaps the one searched. */
static int addr_hit(void *ctx, const struct hl_term_hit *h)
{
	struct search *s = ctx;
	struct hl_cidr c;

	if (!hl_cidr_parse(h->value, &c) || !hl_cidr_overlap(&c, &s->range))
		return 0;
	return hit(ctx, h);
}

static bool addr_kind(const char *kind)
{
	return !strcmp(kind, "ipv4-addr:value") || !strcmp(kind, "ipv6-addr:value");
}

/* An exact match of an address in a term that addr_hit does not see
 * (a pattern's network-traffic:dst_ref[*].value). */
static int other_hit(void *ctx, const struct hl_term_hit *h)
{
	return addr_kind(h->kind) ? 0 : hit(ctx, h);
}

/* Addresses and ranges by containment, other values exactly; the text
 * for all but a range. */
static int find(struct hl_store *st, struct search *s)
{
	bool addr = hl_cidr_parse(s->value, &s->range);
	int r = 0;

	if (addr)
		r = hl_store_term_addrs(st, addr_hit, s);
	if (r == 0)
		r = hl_store_term_find(st, s->value, addr ? other_hit : hit, s);
	if (r == 0 && !hl_cidr_is_range(s->value))
		r = hl_store_text_find(st, s->value, hit, s);
	return r;
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
	struct hl_store *st = NULL;
	struct search s = {0};
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
	s.value = argv[optind];
	p = cli_party(HL_PARTY_SECRETS);
	st = p ? cli_store(p) : NULL;
	s.p = p;
	if (st && cli_index(st, p) == 0 && hl_store_link_each(st, name_link, &s.nm) == 0) {
		int e = find(st, &s);

		if (e < 0)
			cli_store_err(st, _("searching"), e);
		else if (!s.hits && !s.json)
			printf(_("%s: mentioned in no case\n"), s.value);
		else if (s.hits)
			r = CLI_OK;
	}
	hl_store_close(st);
	hl_party_free(p);
	return r;
}

/* TLP 2.0 as STIX 2.1 marking definitions: the objects the OASIS CTI TC
 * published for FIRST's TLP 2.0 (cti-stix-common-objects,
 * extension-definition-specifications/tlp-2.0), whose ids and "created"
 * are fixed so that every tool recognises them by id. */
#define TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
static const struct {
	const char *label, *level, *id;
} tlp2[] = {
	{"TLP:CLEAR", "clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
	{"TLP:GREEN", "green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
	{"TLP:AMBER", "amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
	{"TLP:AMBER+STRICT", "amber+strict",
	 "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
	{"TLP:RED", "red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
};

/* The marking definition of a TLP label, or NULL for none. */
static json_t *tlp_marking(const char *label, const char **id)
{
	for (size_t i = 0; i < sizeof(tlp2) / sizeof(tlp2[0]); i++) {
		if (strcmp(label, tlp2[i].label) != 0)
			continue;
		*id = tlp2[i].id;
		return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:{s:s, s:s}}}",
				 "type", "marking-definition", "spec_version", "2.1",
				 "id", tlp2[i].id, "created", "2022-10-01T00:00:00.000Z",
				 "name", tlp2[i].label, "extensions", TLP2_EXTENSION,
				 "extension_type", "property-extension", "tlp_2_0", tlp2[i].level);
	}
	return NULL;
}

/* A party as a STIX identity.  Its id is derived from the party's
 * signing key (SHA-256, shaped as a version-4 UUID), so every export
 * on either side names the party by one id; its time is the card's. */
static json_t *party_identity(const struct hl_card *card, char id[64])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state sh;
	char when[32];
	size_t j = 10;

	crypto_hash_sha256_init(&sh);
	crypto_hash_sha256_update(&sh, (const unsigned char *)"hotline.stix-identity/v1\n", 25);
	crypto_hash_sha256_update(&sh, card->sign_pk, sizeof(card->sign_pk));
	crypto_hash_sha256_final(&sh, h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x40);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	memcpy(id, "identity--", 10);
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			id[j++] = '-';
		id[j++] = hex[h[i] >> 4];
		id[j++] = hex[h[i] & 15];
	}
	id[j] = 0;
	hl_time_format(card->created, when);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "identity",
			 "spec_version", "2.1", "id", id, "created", when, "modified", when,
			 "name", card->name, "identity_class", "organization");
}

/* Who sent each object first: object id -> the sender's identity id. */
static void note_creators(json_t *creators, const json_t *bundle, const char *who)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(bundle, "objects"), i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));

		if (id && !json_object_get(creators, id))
			json_object_set_new(creators, id, json_string(who));
	}
}

/* Marks every object but the marking with it, and names the creator of
 * each SDO and SRO (those with "created") that names none. */
static void mark_objects(json_t *merged, const json_t *creators, const char *marking)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(merged, "objects"), i, o) {
		const char *type = json_string_value(json_object_get(o, "type"));
		const char *id = json_string_value(json_object_get(o, "id"));
		json_t *by = id ? json_object_get(creators, id) : NULL;
		json_t *refs = json_object_get(o, "object_marking_refs");

		if (type && !strcmp(type, "marking-definition"))
			continue;
		if (by && json_object_get(o, "created") && !json_object_get(o, "created_by_ref"))
			json_object_set(o, "created_by_ref", by);
		if (!marking)
			continue;
		if (!json_is_array(refs)) {
			refs = json_array();
			json_object_set_new(o, "object_marking_refs", refs);
		}
		for (size_t k = 0; k <= json_array_size(refs); k++) {
			if (k == json_array_size(refs)) {
				json_array_append_new(refs, json_string(marking));
				break;
			}
			const char *v = json_string_value(json_array_get(refs, k));

			if (v && !strcmp(v, marking))
				break;
		}
	}
}

/* Whether objs holds an object with this id: a re-sent export already
 * carries the marking and the identities. */
static bool has_id(const json_t *objs, const char *id)
{
	size_t i;
	json_t *o;

	json_array_foreach(objs, i, o) {
		const char *v = json_string_value(json_object_get(o, "id"));

		if (v && !strcmp(v, id))
			return true;
	}
	return false;
}

/* The merged bundle with the case's TLP as a marking and its senders
 * as identities; NULL when it cannot be built. */
static json_t *export_bundle(json_t **bundles, const char **senders, size_t n,
			     const struct hl_party *p, const struct hl_link *l,
			     const struct hl_case *c)
{
	json_t *merged = hl_stix_merge(bundles, n), *creators = json_object(), *objs;
	const struct hl_card *cards[2] = {&p->card, &l->card};
	const char *marking = NULL;
	json_t *mark = c->tlp[0] ? tlp_marking(c->tlp, &marking) : NULL;
	char ids[2][64];

	if (!merged || !creators) {
		json_decref(merged);
		merged = NULL;
		goto out;
	}
	objs = json_object_get(merged, "objects");
	for (int k = 0; k < 2; k++) {
		json_t *who = party_identity(cards[k], ids[k]);
		bool sent = false;

		for (size_t i = 0; i < n; i++)
			sent |= !strcmp(senders[i], cards[k]->name);
		if (sent && !has_id(objs, ids[k]))
			json_array_append_new(objs, who);
		else
			json_decref(who);
	}
	for (size_t i = 0; i < n; i++)
		note_creators(creators, bundles[i],
			      ids[strcmp(senders[i], p->card.name) == 0 ? 0 : 1]);
	if (mark && !has_id(objs, marking)) {
		json_array_insert_new(objs, 0, mark);
		mark = NULL;
	}
	mark_objects(merged, creators, marking);
out:
	json_decref(mark);
	json_decref(creators);
	return merged;
}

/* The bundles of the case's counted messages, merged. */
static int export_case(struct hl_store *st, const struct hl_party *p, const char *id,
		       const char *out)
{
	struct hl_link l = {0};
	struct hl_case c;
	json_t **bundles = NULL, *merged = NULL;
	const char **senders = NULL;
	struct hl_content *m = NULL;
	struct hl_buf plain;
	size_t n = 0;
	char *s = NULL;
	int r = -1;

	if (cli_case_open(st, p, id, NULL, &l, &c) < 0)
		return CLI_FAIL;
	hl_buf_init(&plain, HL_PLAIN_MAX);
	bundles = calloc(c.n + 1, sizeof(*bundles));
	senders = calloc(c.n + 1, sizeof(*senders));
	m = calloc(c.n + 1, sizeof(*m));
	for (size_t i = 0; bundles && senders && m && i < c.n; i++) {
		const struct hl_case_event *e = &c.ev[i];

		if (strcmp(e->stix, "valid") || (e->flags & HL_EV_RETRACTED))
			continue;
		if (cli_open_content(st, p, &l, e->side, e->seq, &plain, &m[n]) == 0 &&
		    m[n].stix) {
			senders[n] = e->from;
			bundles[n] = m[n].stix, n++;
		}
	}
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	if (!n) {
		cli_err(_("case %s carries no indicators"), c.id);
		goto done;
	}
	merged = export_bundle(bundles, senders, n, p, &l, &c);
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
	free(senders);
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

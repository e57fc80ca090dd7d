/* cmd_link.c - hotline link add|list|show|confirm. */
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "i18n.h"
#include "envelope.h"
#include "error.h"

const char link_help[] =
	N_("NAME\n"
	"    hotline link - add, list, show and confirm links to peers\n\n"
	"SYNOPSIS\n"
	"    hotline link add NAME --card FILE [--endpoint URL]\n"
	"    hotline link list [--json]\n"
	"    hotline link show NAME [--json]\n"
	"    hotline link confirm NAME [--fingerprint DIGITS]\n\n"
	"DESCRIPTION\n"
	"    A link is this party's relationship with one peer, configured on\n"
	"    both sides.  'add' records the peer's card (NAME must be the name\n"
	"    on it) after verifying its self-signature; the link starts\n"
	"    unconfirmed, and nothing is sent or accepted on it until it is\n"
	"    confirmed.\n\n"
	"    Confirm a link only after the two duty officers have read the\n"
	"    fingerprints to each other by voice.  'confirm' takes the digits\n"
	"    the peer read out with --fingerprint (spaces do not matter) and\n"
	"    refuses them if they differ from the card's; on a terminal it\n"
	"    asks for them.\n\n"
	"    'list' shows every link with its state and log sizes; 'show' one\n"
	"    link in full: the peer's card, fingerprint, link ID, what each\n"
	"    side has sent and had receipted, and any equivocation evidence.\n"
	"    With --json, 'list' prints a JSON object per link, one a line, and\n"
	"    'show' one object (docs/cli-json.md).\n\n"
	"OPTIONS\n"
	"    --card FILE          the peer's card\n"
	"    --endpoint URL       reach the peer here instead of its card's\n"
	"    --fingerprint DIGITS the fingerprint read out by the peer\n"
	"    --home DIR           this party's home folder\n"
	"    --json               list and show print JSON\n\n"
	"EXIT STATUS\n"
	"    0 done; 1 failed (a bad card, a fingerprint that differs, an\n"
	"    unknown link); 2 usage error.\n");

static const char synopsis[] =
	"link add NAME --card FILE [--endpoint URL] | list [--json] | show NAME [--json] |"
	" confirm NAME";

struct args {
	const char *card, *endpoint, *fingerprint, *name;
	bool json;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"card", required_argument, NULL, 'c'},
		{"endpoint", required_argument, NULL, 'e'},
		{"fingerprint", required_argument, NULL, 'f'},
		{"home", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'j')
			a->json = true;
		else if (c == 'c')
			a->card = optarg;
		else if (c == 'e')
			a->endpoint = optarg;
		else if (c == 'f')
			a->fingerprint = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage("link", synopsis);
	}
	if (argc - optind > 1)
		return cli_usage("link", synopsis);
	a->name = optind < argc ? argv[optind] : NULL;
	return CLI_OK;
}

struct clash {
	const struct hl_card *card;
	const char *with;
};

static int find_clash(void *ctx, const struct hl_link *l)
{
	struct clash *c = ctx;

	if (memcmp(l->card.tls_pin, c->card->tls_pin, 32) != 0 &&
	    memcmp(l->card.sign_pk, c->card->sign_pk, 32) != 0)
		return 0;
	c->with = strdup(l->name);
	return 1;
}

/* A card must not share a key or TLS pin with ours or another link's:
 * pins identify peers to the server, and they are public. */
static bool unique_card(struct hl_store *st, const struct hl_party *p,
			const struct hl_card *card, const char *file)
{
	struct clash c = {card, NULL};

	if (!memcmp(card->tls_pin, p->card.tls_pin, 32) ||
	    !sodium_memcmp(card->sign_pk, p->card.sign_pk, 32)) {
		cli_err(_("%s: it carries this party's own key or TLS pin"), file);
		return false;
	}
	if (hl_store_link_each(st, find_clash, &c) < 0 || c.with) {
		if (c.with && strcmp(c.with, card->name) == 0)
			cli_err(_("%s: a link to that party already exists"), card->name);
		else
			cli_err(_("%s: it carries the key or TLS pin of link %s: refused"), file,
				c.with ? c.with : "?");
		free((void *)c.with);
		return false;
	}
	return true;
}

static int add(struct hl_store *st, const struct hl_party *p, const struct args *a)
{
	unsigned char id[HL_LINK_ID_LEN];
	char fp[HL_FINGERPRINT_LEN + 1];
	struct hl_card card;
	struct hl_buf text;
	const char *ep;
	int r;

	if (!a->name || !a->card)
		return cli_usage("link", synopsis);
	if (a->endpoint && hl_endpoint_check(a->endpoint) < 0) {
		cli_err(_("--endpoint: want https://HOST[:PORT]"));
		return CLI_USAGE;
	}
	if (cli_card(a->card, &card, &text) < 0)
		return CLI_FAIL;
	r = CLI_FAIL;
	if (strcmp(card.name, a->name) != 0)
		cli_err(_("%s: the card is %s's, not %s's"), a->card, card.name, a->name);
	else if (strcmp(card.name, p->card.name) == 0)
		cli_err(_("%s: that is this party's own card"), a->card);
	else if (unique_card(st, p, &card, a->card))
		r = CLI_OK;
	if (r == CLI_OK) {
		hl_link_id(p->card.sign_pk, card.sign_pk, id);
		ep = a->endpoint ? a->endpoint : card.endpoint;
		r = hl_store_link_add(st, a->name, id, text.data, text.len, ep, cli_now());
		if (r == -HL_EDUPLICATE)
			cli_err(_("%s: a link to that party already exists"), a->name);
		else if (r < 0)
			cli_store_err(st, a->name, r);
		r = r < 0 ? CLI_FAIL : CLI_OK;
	}
	if (r == CLI_OK) {
		hl_card_fingerprint(&card, fp);
		printf(_("Added link %s (unconfirmed)\n"
			 "Fingerprint: %s\n"
			 "Read it with %s by voice, then run: hotline link confirm %s\n"),
		       a->name, fp, a->name, a->name);
	}
	hl_buf_free(&text);
	return r;
}

/* The digits of s, without spaces, into out; false if anything else. */
static bool digits_only(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '-' || *s == '\n')
			continue;
		if (*s < '0' || *s > '9' || n + 1 >= cap)
			return false;
		out[n++] = *s;
	}
	out[n] = 0;
	return n > 0;
}

static const char *ask_fingerprint(char *buf, size_t cap)
{
	if (!isatty(STDIN_FILENO))
		return NULL;
	fputs(_("Fingerprint the peer read to you: "), stderr);
	return fgets(buf, (int)cap, stdin);
}

static int confirm(struct hl_store *st, const struct args *a)
{
	char fp[HL_FINGERPRINT_LEN + 1], want[64], got[64], typed[128];
	const char *given = a->fingerprint;
	struct hl_link l;
	int r;

	if (!a->name)
		return cli_usage("link", synopsis);
	if (cli_link(st, a->name, &l) < 0)
		return CLI_FAIL;
	hl_card_fingerprint(&l.card, fp);
	if (!given)
		given = ask_fingerprint(typed, sizeof(typed));
	r = CLI_FAIL;
	if (!given)
		cli_err(_("give the fingerprint the peer read out: --fingerprint DIGITS"));
	else if (!digits_only(fp, want, sizeof(want)) || !digits_only(given, got, sizeof(got)) ||
		 strcmp(want, got) != 0)
		cli_err(_("%s: the fingerprint does not match the card's; the link stays "
			  "unconfirmed. Check with the peer: a different card may have been sent."),
			a->name);
	else if (hl_store_link_confirm(st, l.id, cli_now()) < 0)
		cli_store_err(st, a->name, -HL_ESTORE);
	else
		r = CLI_OK;
	if (r == CLI_OK)
		printf(_("Link %s confirmed (fingerprint %s)\n"), a->name, fp);
	hl_link_free(&l);
	return r;
}

/* What link list and link show say of one link, gathered once by
 * link_view_get and printed as a table row, as the show text, or as
 * JSON by link_view_json. */
struct link_view {
	const struct hl_link *l;
	uint64_t sent, sent_receipted, received, received_receipted, evidence;
	char fp[HL_FINGERPRINT_LEN + 1], link_id[65];
};

/* A damaged store must fail here, not show a link as empty. */
static int link_view_get(struct hl_store *st, const struct hl_link *l, struct link_view *v)
{
	int r;

	*v = (struct link_view){.l = l};
	hl_card_fingerprint(&l->card, v->fp);
	sodium_bin2hex(v->link_id, sizeof(v->link_id), l->link_id, sizeof(l->link_id));
	r = hl_store_log_size(st, l->id, HL_OURS, &v->sent);
	if (r == 0)
		r = hl_store_cosigned_size(st, l->id, HL_OURS, &v->sent_receipted);
	if (r == 0)
		r = hl_store_log_size(st, l->id, HL_THEIRS, &v->received);
	if (r == 0)
		r = hl_store_cosigned_size(st, l->id, HL_THEIRS, &v->received_receipted);
	if (r == 0)
		r = hl_store_evidence_count(st, l->id, &v->evidence);
	return r;
}

static json_t *link_view_json(const struct link_view *v)
{
	const struct hl_link *l = v->l;

	return json_pack("{s:s, s:s, s:o, s:s, s:o, s:s, s:I, s:I, s:I, s:I, s:I}",
			 "name", l->name, "peer", l->card.name,
			 "confirmed", cli_json_time(l->confirmed), "fingerprint", v->fp,
			 "endpoint", l->endpoint[0] ? json_string(l->endpoint) : json_null(),
			 "link_id", v->link_id, "sent", (json_int_t)v->sent,
			 "sent_receipted", (json_int_t)v->sent_receipted,
			 "received", (json_int_t)v->received,
			 "received_receipted", (json_int_t)v->received_receipted,
			 "evidence", (json_int_t)v->evidence);
}

/* The columns of link list; headings and states are translated, so
 * widths are display cells (cli_col), at least the English ones. */
struct list_ctx {
	struct hl_store *st;
	bool json;
	int w[4];	/* STATE, SENT, RECEIPTED, RECEIVED */
};

static void link_view_row(const struct list_ctx *c, const struct link_view *v)
{
	uint64_t col[3] = {v->sent, v->sent_receipted, v->received};
	char num[24];

	printf("%-20s ", v->l->name);
	cli_col(v->l->confirmed ? _("confirmed") : _("UNCONFIRMED"), c->w[0]);
	for (int i = 0; i < 3; i++) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)col[i]);
		putchar(' ');
		cli_rcol(num, c->w[i + 1]);
	}
	printf("  %s\n", v->l->endpoint[0] ? v->l->endpoint : "none");
}

static int list_one(void *ctx, const struct hl_link *l)
{
	const struct list_ctx *c = ctx;
	struct link_view v;
	int r = link_view_get(c->st, l, &v);

	if (r < 0)
		return r;
	if (c->json)
		return cli_json_print(link_view_json(&v));
	link_view_row(c, &v);
	return 0;
}

static int wider(int w, const char *s)
{
	return cli_width(s) > w ? cli_width(s) : w;
}

static int list(struct hl_store *st, const struct args *a)
{
	/* TRANSLATORS: the headings of 'hotline link list': keep them short,
	 * in capitals where the script has them. */
	const char *head[4] = {N_("STATE"), N_("SENT"), N_("RECEIPTED"), N_("RECEIVED")};
	struct list_ctx c = {st, a->json, {11, 6, 8, 8}};
	int r;

	c.w[0] = wider(wider(c.w[0], _("confirmed")), _("UNCONFIRMED"));
	for (int i = 0; i < 4; i++)
		c.w[i] = wider(c.w[i], _(head[i]));
	if (!a->json) {
		cli_col(_("LINK"), 20);
		putchar(' ');
		cli_col(_(head[0]), c.w[0]);
		for (int i = 1; i < 4; i++) {
			putchar(' ');
			cli_rcol(_(head[i]), c.w[i]);
		}
		printf("  %s\n", _("ENDPOINT"));
	}
	r = hl_store_link_each(st, list_one, &c);
	if (r < 0)
		cli_store_err(st, _("links"), r);
	return r < 0 ? CLI_FAIL : CLI_OK;
}

static void link_view_print(const struct link_view *v)
{
	const struct hl_link *l = v->l;
	char when[HL_TIME_LEN + 1];

	printf(_("link:        %s\n"), l->name);
	if (l->confirmed) {
		hl_time_format(l->confirmed, when);
		printf(_("state:       confirmed %s\n"), when);
	} else {
		printf(_("state:       UNCONFIRMED: read the fingerprint aloud, then "
			 "'hotline link confirm %s'\n"), l->name);
	}
	/* TRANSLATORS: "none" is a value, as written in hotline.conf. */
	printf(_("fingerprint: %s\n"
		 "endpoint:    %s\n"
		 "link ID:     %s\n"
		 "sent:        %llu, receipted up to %llu\n"
		 "received:    %llu, receipted up to %llu\n"),
	       v->fp, l->endpoint[0] ? l->endpoint : "none", v->link_id,
	       (unsigned long long)v->sent, (unsigned long long)v->sent_receipted,
	       (unsigned long long)v->received, (unsigned long long)v->received_receipted);
	if (v->evidence)
		printf(_("EVIDENCE:    %llu equivocation record(s): the peer signed two "
			 "different entries for one place\n"), (unsigned long long)v->evidence);
}

static int show(struct hl_store *st, const struct args *a)
{
	struct link_view v;
	struct hl_link l;
	int r;

	if (!a->name)
		return cli_usage("link", synopsis);
	if (cli_link(st, a->name, &l) < 0)
		return CLI_FAIL;
	r = link_view_get(st, &l, &v);
	if (r < 0)
		cli_store_err(st, l.name, r);
	else if (a->json)
		r = cli_json_print(link_view_json(&v));
	else
		link_view_print(&v);
	hl_link_free(&l);
	return r < 0 ? CLI_FAIL : CLI_OK;
}

int link_main(int argc, char **argv)
{
	struct args a = {0};
	struct hl_party *p;
	struct hl_store *st;
	const char *verb;
	int r;

	if (argc < 2)
		return cli_usage("link", synopsis);
	verb = argv[1];
	r = parse(argc - 1, argv + 1, &a);
	if (r != CLI_OK)
		return r;
	if (strcmp(verb, "add") && strcmp(verb, "list") && strcmp(verb, "show") &&
	    strcmp(verb, "confirm"))
		return cli_usage("link", synopsis);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	st = cli_store_open(p);
	r = CLI_FAIL;
	if (st && strcmp(verb, "add") == 0)
		r = add(st, p, &a);
	else if (st && strcmp(verb, "list") == 0)
		r = list(st, &a);
	else if (st && strcmp(verb, "show") == 0)
		r = show(st, &a);
	else if (st)
		r = confirm(st, &a);
	hl_store_close(st);
	hl_party_free(p);
	return r;
}

/* cmd_link.c - hotline link add|list|show|confirm|card (and terms: cmd_terms.c). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "envelope.h"
#include "error.h"

const char link_help[] =
	N_("NAME\n"
	"    hotline link - add, confirm, suspend and resume links to peers\n\n"
	"SYNOPSIS\n"
	"    hotline link add NAME --card FILE [--endpoint URL]\n"
	"    hotline link list [--archived] [--json]\n"
	"    hotline link show NAME [--json]\n"
	"    hotline link confirm NAME [--fingerprint DIGITS]\n"
	"    hotline link rekey NAME --card FILE [--json]\n"
	"    hotline link card NAME [--json]\n"
	"    hotline link keys NAME [--json]\n"
	"    hotline link terms NAME [--json]\n"
	"    hotline link terms propose NAME [--ack D,D,D,D] [--receipt D,D,D,D]\n"
	"            [--check-every D|none] [--check-precedence P]\n"
	"            [--languages TAG,...] [--suspect D] [--lang TAG] [TEXT]\n"
	"    hotline link terms accept NAME/N [--lang TAG] [TEXT]\n"
	"    hotline link terms decline NAME/N [--lang TAG] TEXT\n"
	"    hotline link suspend NAME [--lang TAG] TEXT\n"
	"    hotline link resume NAME [--lang TAG] [TEXT]\n"
	"    hotline link archive NAME [--now] [--lang TAG] TEXT\n\n"
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
	"    'rekey' takes the peer's new card after it lost its key ('hotline\n"
	"    card rekey' at the peer): a card of the same party with a new\n"
	"    signing key, which its old key does not vouch for.  It is kept as\n"
	"    the link's pending card until 'confirm' with the fingerprint the\n"
	"    peer reads out; then the peer's 'rekey' message, signed by the new\n"
	"    key, is taken and the old key is refused for anything dated from\n"
	"    that message on.  It needs the supervisor role.\n\n"
	"    'list' shows every link with its state and log sizes; 'show' one\n"
	"    link in full: the peer's card, fingerprint, link ID, what each\n"
	"    side has sent and had receipted, and any equivocation evidence.\n"
	"    With --json, 'list' prints a JSON object per link, one a line, and\n"
	"    'show' one object (docs/cli-json.md).\n\n"
	"    'card' asks the peer for the card it serves now, over the link's\n"
	"    pinned connection (within 10 seconds), and says whether it is the\n"
	"    card this party holds for the link, byte for byte; a peer whose\n"
	"    card changed (a new key, endpoint or certificate) serves another.\n"
	"    A link with no endpoint (its peer calls us) cannot be asked.\n\n"
	"    'keys' shows each side's key history on the link, a table per\n"
	"    side: era 0 is the card the link was confirmed with, and each\n"
	"    later era a new card that side sent (a key rotation, endorsed by\n"
	"    the key it replaces), with its fingerprint, key ID, the first\n"
	"    message of that side it signs (FROM SEQ), since when, its\n"
	"    endpoint, and what of it was revoked.  Both parties show the same\n"
	"    eras; archived links (NAME~1) keep theirs.\n\n"
	"    The terms of a link are what both parties hold each other to: when\n"
	"    a message's receipt and acknowledgment are due at each precedence,\n"
	"    how often communication checks run, the working languages, and\n"
	"    the window before a key's revocation in which what it signed is\n"
	"    suspect.  One party proposes them, the other accepts or declines,\n"
	"    each as a signed message of the transcript; accepted terms are a\n"
	"    new version, in force from the acceptance on.  'terms NAME' shows\n"
	"    the version in force and every proposal, acceptance and decline\n"
	"    with what it did.  'terms propose' sends this party's defaults for\n"
	"    the link (hotline.conf's deadlines and checks, terms.languages and\n"
	"    terms.suspect), changed by the options, as the next version;\n"
	"    durations are written as in hotline.conf, and --ack and --receipt\n"
	"    take four, FLASH to ROUTINE.  'terms accept' and 'terms decline'\n"
	"    answer the peer's open proposal NAME/N; a decline says why.  They\n"
	"    need the supervisor role.  Both daemons enforce the terms: the\n"
	"    version in force at a message's time sets its receipt and\n"
	"    acknowledgment deadlines, and the version in force now the\n"
	"    scheduled checks; hotline.conf then only gives what this party\n"
	"    proposes, and 'hotlined -n' warns of each link.NAME key it no\n"
	"    longer uses.  A message sent, acknowledged or answered in none of\n"
	"    the working languages (en-GB counts as en), nor with a summary in\n"
	"    one, goes all the same, with a note on standard error.\n\n"
	"    'suspend' freezes the link by this party's decision, saying why\n"
	"    (TEXT), as a signed message of the transcript; only this party can\n"
	"    'resume' it.  While either party's suspension is in force, the\n"
	"    transcript, receipts, acknowledgments, answers, updates and\n"
	"    communication checks go on, and new cases and requests are held\n"
	"    ('hotline held') until no suspension is in force; they are then\n"
	"    sent in order, exactly once.  Before it resumes, hotlined checks\n"
	"    that the peer still serves the card this party holds and that our\n"
	"    TLS certificate is the one our card pins.  'show' and 'status'\n"
	"    say who suspended a link, when and why.  Both need the supervisor\n"
	"    role.\n\n"
	"    'archive' ends a link for good, saying why (TEXT): its archive\n"
	"    message is the last that is sent on it; once the peer receipts it,\n"
	"    or at once with --now (a peer that cannot be reached any more),\n"
	"    the link is archived: renamed NAME~1 (NAME~2 the next time), never\n"
	"    used again, its transcript kept, readable and verifiable.  The\n"
	"    peer archives its side when the message arrives.  A new link to\n"
	"    the same party ('add' again, confirmed again) then starts new\n"
	"    logs under the next link ID.  'list --archived' shows archived\n"
	"    links too.  It needs the supervisor role.\n\n"
	"    Each of these asks the running hotlined (it must run; without it\n"
	"    nothing is done), which keeps the links; the card file is read\n"
	"    here and sent to it.\n\n"
	"OPTIONS\n"
	"    --card FILE          the peer's card\n"
	"    --endpoint URL       reach the peer here instead of its card's\n"
	"    --fingerprint DIGITS the fingerprint read out by the peer\n"
	"    --home DIR           this party's home folder\n"
	"    --json               list, show, card, keys and terms print JSON\n"
	"    --ack, --receipt, --check-every, --check-precedence, --languages,\n"
	"    --suspect            what 'terms propose' changes\n"
	"    --lang TAG           the language of a terms message's, a\n"
	"                         suspension's or an archive's TEXT\n"
	"    --now                archive without waiting for the peer's receipt\n"
	"    --archived           list archived links too\n\n"
	"EXIT STATUS\n"
	"    0 done; 1 failed (a bad card, a fingerprint that differs, an\n"
	"    unknown link, terms that make no sense, no open proposal, a peer\n"
	"    that cannot be reached or serves a card other than the one held);\n"
	"    2 usage error.\n");

static const char synopsis[] =
	"link add NAME --card FILE [--endpoint URL] | list [--json] | show NAME [--json] |"
	" confirm NAME | rekey NAME --card FILE | card NAME [--json] | keys NAME [--json] |"
	" terms [propose|accept|decline] ... |"
	" suspend NAME TEXT | resume NAME [TEXT] | archive NAME [--now] TEXT";

struct args {
	const char *card, *endpoint, *fingerprint, *name;
	bool json, archived;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"card", required_argument, NULL, 'c'},
		{"endpoint", required_argument, NULL, 'e'},
		{"fingerprint", required_argument, NULL, 'f'},
		{"home", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{"archived", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'j')
			a->json = true;
		else if (c == 'a')
			a->archived = true;
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

/* The string member key of j, or "?". */
static const char *str(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "?";
}

static uint64_t num(json_t *j, const char *key)
{
	json_int_t n = json_integer_value(json_object_get(j, key));

	return n > 0 ? (uint64_t)n : 0;
}

static int add(const struct hl_party *p, const struct args *a)
{
	struct hl_buf text;
	json_t *args, *res = NULL;
	int r;

	if (!a->name || !a->card)
		return cli_usage("link", synopsis);
	if (a->endpoint && hl_endpoint_check(a->endpoint) < 0) {
		cli_err(_("--endpoint: want https://HOST[:PORT]"));
		return CLI_USAGE;
	}
	if (cli_read(a->card, HL_CARD_MAX, &text) < 0)
		return CLI_FAIL;
	args = json_pack("{s:s, s:s%}", "name", a->name,
			 "card", text.data ? (const char *)text.data : "", text.len);
	if (args && a->endpoint)
		json_object_set_new(args, "endpoint", json_string(a->endpoint));
	hl_buf_free(&text);
	r = args ? cli_call(p, "POST", "/v1/link/add", args, &res) : -ENOMEM;
	json_decref(args);
	if (r != 0)
		return CLI_FAIL;
	printf(_("Added link %s (unconfirmed)\n"
		 "Fingerprint: %s\n"
		 "Read it with %s by voice, then run: hotline link confirm %s\n"),
	       str(res, "name"), str(res, "fingerprint"), str(res, "name"), str(res, "name"));
	json_decref(res);
	return CLI_OK;
}

static const char *ask_fingerprint(char *buf, size_t cap)
{
	if (!isatty(STDIN_FILENO))
		return NULL;
	fputs(_("Fingerprint the peer read to you: "), stderr);
	return fgets(buf, (int)cap, stdin);
}

static int confirm(const struct hl_party *p, const struct args *a)
{
	const char *given = a->fingerprint;
	char typed[128];
	json_t *args, *res = NULL;
	int r;

	if (!a->name)
		return cli_usage("link", synopsis);
	if (!given)
		given = ask_fingerprint(typed, sizeof(typed));
	if (!given) {
		cli_err(_("give the fingerprint the peer read out: --fingerprint DIGITS"));
		return CLI_FAIL;
	}
	args = json_pack("{s:s, s:s}", "name", a->name, "fingerprint", given);
	r = args ? cli_call(p, "POST", "/v1/link/confirm", args, &res) : -ENOMEM;
	json_decref(args);
	if (r != 0)
		return CLI_FAIL;
	if (json_is_object(json_object_get(res, "pending_card")))
		printf(_("New card of %s confirmed (fingerprint %s)\n"), str(res, "name"),
		       str(json_object_get(res, "pending_card"), "fingerprint"));
	else
		printf(_("Link %s confirmed (fingerprint %s)\n"), str(res, "name"),
		       str(res, "fingerprint"));
	json_decref(res);
	return CLI_OK;
}

/* The columns of link list; headings and states are translated, so
 * widths are display cells (cli_col), at least the English ones. */
struct list_ctx {
	int w[4];	/* STATE, SENT, RECEIPTED, RECEIVED */
};

/* A link's state in a word: archived, being archived, suspended, or
 * whether it is confirmed. */
static const char *state_label(json_t *v)
{
	const char *state = str(v, "state");

	if (strcmp(state, "archived") == 0)
		return _("archived");
	if (strcmp(state, "archiving") == 0)
		return _("being archived");
	if (strcmp(state, "suspended") == 0)
		return _("SUSPENDED");
	return num(v, "confirmed") ? _("confirmed") : _("UNCONFIRMED");
}

static void link_row(const struct list_ctx *c, json_t *v)
{
	uint64_t col[3] = {num(v, "sent"), num(v, "sent_receipted"), num(v, "received")};
	const char *ep = json_string_value(json_object_get(v, "endpoint"));
	char n[24];

	printf("%-20s ", str(v, "name"));
	cli_col(state_label(v), c->w[0]);
	for (int i = 0; i < 3; i++) {
		snprintf(n, sizeof(n), "%llu", (unsigned long long)col[i]);
		putchar(' ');
		cli_rcol(n, c->w[i + 1]);
	}
	printf("  %s\n", ep ? ep : "none");
}

static int wider(int w, const char *s)
{
	return cli_width(s) > w ? cli_width(s) : w;
}

/* TRANSLATORS: the headings of 'hotline link list': keep them short,
 * in capitals where the script has them. */
static const char *const head[4] = {N_("STATE"), N_("SENT"), N_("RECEIPTED"), N_("RECEIVED")};

static void list_head(const struct list_ctx *c)
{
	cli_col(_("LINK"), 20);
	putchar(' ');
	cli_col(_(head[0]), c->w[0]);
	for (int i = 1; i < 4; i++) {
		putchar(' ');
		cli_rcol(_(head[i]), c->w[i]);
	}
	printf("  %s\n", _("ENDPOINT"));
}

/* Every page of GET /v1/links, each link printed as it comes. */
static int list(const struct hl_party *p, const struct args *a)
{
	struct list_ctx c = {{11, 6, 8, 8}};
	json_t *args = json_object(), *res = NULL, *next, *v;
	int r = 0;
	size_t i;

	c.w[0] = wider(wider(c.w[0], _("confirmed")), _("UNCONFIRMED"));
	c.w[0] = wider(wider(wider(c.w[0], _("archived")), _("being archived")), _("SUSPENDED"));
	for (int k = 0; k < 4; k++)
		c.w[k] = wider(c.w[k], _(head[k]));
	if (args && a->archived)
		json_object_set_new(args, "archived", json_true());
	for (bool first = true; r == 0; first = false) {
		r = args ? cli_call(p, "GET", "/v1/links", args, &res) : -ENOMEM;
		if (r != 0)
			break;
		if (first && !a->json)
			list_head(&c);
		json_array_foreach(json_object_get(res, "items"), i, v) {
			if (a->json)
				cli_json_print(json_incref(v));
			else
				link_row(&c, v);
		}
		next = json_object_get(res, "next");
		if (!json_is_string(next)) {
			json_decref(res);
			break;
		}
		json_object_set(args, "after", next);
		json_decref(res);
	}
	json_decref(args);
	return r == 0 ? CLI_OK : CLI_FAIL;
}

/* The peer's new card after a loss (link rekey), if one is pending. */
static void pending_print(const char *name, json_t *p)
{
	char when[HL_TIME_LEN + 1];

	if (!json_is_object(p))
		return;
	if (json_is_integer(json_object_get(p, "confirmed"))) {
		hl_time_format((int64_t)num(p, "confirmed"), when);
		printf(_("NEW CARD:    %s, confirmed by voice %s; its rekey message is "
			 "awaited\n"), str(p, "fingerprint"), when);
	} else {
		printf(_("NEW CARD:    %s: read its fingerprint with the peer, then "
			 "'hotline link confirm %s'\n"), str(p, "fingerprint"), name);
	}
}

static void link_print(json_t *v)
{
	const char *name = str(v, "name"), *ep = json_string_value(json_object_get(v, "endpoint"));
	int64_t confirmed = (int64_t)num(v, "confirmed");
	char when[HL_TIME_LEN + 1];
	uint64_t evidence = num(v, "evidence");

	printf(_("link:        %s\n"), name);
	if (confirmed) {
		hl_time_format(confirmed, when);
		printf(_("state:       confirmed %s\n"), when);
	} else {
		printf(_("state:       UNCONFIRMED: read the fingerprint aloud, then "
			 "'hotline link confirm %s'\n"), name);
	}
	/* TRANSLATORS: "none" is a value, as written in hotline.conf. */
	printf(_("fingerprint: %s\n"
		 "endpoint:    %s\n"
		 "link ID:     %s\n"
		 "sent:        %llu, receipted up to %llu\n"
		 "received:    %llu, receipted up to %llu\n"),
	       str(v, "fingerprint"), ep ? ep : "none", str(v, "link_id"),
	       (unsigned long long)num(v, "sent"), (unsigned long long)num(v, "sent_receipted"),
	       (unsigned long long)num(v, "received"),
	       (unsigned long long)num(v, "received_receipted"));
	if (evidence)
		printf(_("EVIDENCE:    %llu equivocation record(s): the peer signed two "
			 "different entries for one place\n"), (unsigned long long)evidence);
	/* TRANSLATORS: the link ID's generation, 5.1: a new link after an
	 * archive; compared by phone with the peer's. */
	if (num(v, "generation") > 1)
		printf(_("generation:  %llu (a new link after an archive: compare the link ID "
			 "with the peer's)\n"), (unsigned long long)num(v, "generation"));
	if (json_is_true(json_object_get(v, "old_pin")))
		printf(_("TLS key:     changing over: its old key is accepted until it first "
			 "presents its new one\n"));
	pending_print(name, json_object_get(v, "pending_card"));
	if (json_is_integer(json_object_get(v, "archived"))) {
		hl_time_format((int64_t)num(v, "archived"), when);
		printf(_("ARCHIVED:    %s: nothing is sent on it any more; its transcript is "
			 "kept\n"), when);
	} else if (strcmp(str(v, "state"), "archiving") == 0) {
		printf(_("ARCHIVING:   its archive message is sent; archived once the peer "
			 "receipts it\n"));
	}
	cli_print_suspended(v, "");
}

static int show(const struct hl_party *p, const struct args *a)
{
	json_t *args, *res = NULL;
	int r;

	if (!a->name)
		return cli_usage("link", synopsis);
	args = json_pack("{s:s}", "name", a->name);
	r = args ? cli_call(p, "GET", "/v1/link", args, &res) : -ENOMEM;
	json_decref(args);
	if (r != 0)
		return CLI_FAIL;
	if (a->json)
		return cli_json_print(res) < 0 ? CLI_FAIL : CLI_OK;
	link_print(res);
	json_decref(res);
	return CLI_OK;
}

/* Exit 0 when the peer serves the card we hold, 1 when not. */
static int card(const struct hl_party *p, const struct args *a)
{
	json_t *args, *res = NULL;
	char when[HL_TIME_LEN + 1];
	bool current;
	int r;

	if (!a->name)
		return cli_usage("link", synopsis);
	args = json_pack("{s:s}", "name", a->name);
	r = args ? cli_call(p, "GET", "/v1/link/card", args, &res) : -ENOMEM;
	json_decref(args);
	if (r != 0)
		return CLI_FAIL;
	current = json_is_true(json_object_get(res, "current"));
	if (a->json)
		return cli_json_print(res) < 0 || !current ? CLI_FAIL : CLI_OK;
	hl_time_format((int64_t)num(res, "created"), when);
	if (current)
		printf(_("%s serves the card we hold (created %s)\n"), str(res, "link"), when);
	else
		printf(_("%s serves a card other than the one we hold (created %s)\n"),
		       str(res, "link"), when);
	json_decref(res);
	return current ? CLI_OK : CLI_FAIL;
}

int link_main(int argc, char **argv)
{
	struct args a = {0};
	struct hl_party *p;
	const char *verb;
	int r;

	if (argc < 2)
		return cli_usage("link", synopsis);
	verb = argv[1];
	if (strcmp(verb, "terms") == 0)
		return terms_main(argc - 1, argv + 1);
	if (strcmp(verb, "keys") == 0)
		return keys_main(argc - 1, argv + 1);
	if (strcmp(verb, "rekey") == 0)
		return link_rekey_main(argc - 1, argv + 1);
	if (strcmp(verb, "suspend") == 0 || strcmp(verb, "resume") == 0 ||
	    strcmp(verb, "archive") == 0)
		return suspend_main(argc - 1, argv + 1);
	r = parse(argc - 1, argv + 1, &a);
	if (r != CLI_OK)
		return r;
	if (strcmp(verb, "add") && strcmp(verb, "list") && strcmp(verb, "show") &&
	    strcmp(verb, "confirm") && strcmp(verb, "card"))
		return cli_usage("link", synopsis);
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	if (strcmp(verb, "add") == 0)
		r = add(p, &a);
	else if (strcmp(verb, "list") == 0)
		r = list(p, &a);
	else if (strcmp(verb, "show") == 0)
		r = show(p, &a);
	else if (strcmp(verb, "card") == 0)
		r = card(p, &a);
	else
		r = confirm(p, &a);
	hl_party_free(p);
	return r;
}

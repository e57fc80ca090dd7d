/* cmd_group.c - hotline group: groups of links at this party, through
 * hotlined's operator API (docs/api.md, "Groups"). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "i18n.h"
#include "text.h"

const char group_help[] =
	N_("NAME\n"
	"    hotline group - groups of links: one message to many parties\n\n"
	"SYNOPSIS\n"
	"    hotline group create NAME [--open]\n"
	"    hotline group add NAME LINK...\n"
	"    hotline group remove NAME LINK...\n"
	"    hotline group list [--json]\n"
	"    hotline group show NAME [--all] [--json]\n"
	"    hotline group message ID [--json]\n"
	"    hotline group board GID [--json]\n"
	"    hotline group board --group NAME [--json]\n"
	"    hotline group messages NAME [--json]\n\n"
	"DESCRIPTION\n"
	"    A group is a named set of this party's confirmed links, kept here\n"
	"    only.  A message to a group goes as one message on each member's\n"
	"    own link, so each member's transcript, receipts and proofs stay\n"
	"    between it and this party.  A member learns nothing of the other\n"
	"    members, not even how many there are, unless the group is created\n"
	"    --open: then the members' names are part of each signed message.\n\n"
	"    create    a new group, named as a party is ([a-z0-9.-])\n"
	"    add       makes the links members; each must be confirmed, and\n"
	"              neither suspended nor archived; all are added or none\n"
	"    remove    ends the links' membership at once: nothing sent to the\n"
	"              group afterwards reaches them; all or none\n"
	"    list      the groups, with how many members each has now\n"
	"    show      a group's members now; with --all, every membership\n"
	"              ever, removed ones too, with when they were added and\n"
	"              removed\n"
	"    message   which message went to which member for one group\n"
	"              message (ID, as 'hotline send --group' printed it):\n"
	"              each member's LINK/out/N, or its held message\n"
	"    board     where each member stands on one group message (GID, as\n"
	"              'send --group' and 'check run --group' print it), or on\n"
	"              the latest sent to --group NAME: its envelope, the\n"
	"              state (held, sent, receipted, acknowledged, overdue,\n"
	"              escalated, unreachable, late), when it was receipted\n"
	"              and acknowledged and by whom, the deadline passed, the\n"
	"              last escalation step; then the totals, as \"187 of 193\n"
	"              acknowledged, 191 receipted, 4 overdue, 2 unreachable\".\n"
	"              A member removed since that answered after its removal\n"
	"              is shown late, never counted as an answer\n"
	"    messages  the group's messages, newest first, with their totals\n\n"
	"    create, add and remove need the supervisor or the admin role; any\n"
	"    operator may list and show; board and messages need the right to\n"
	"    read.  This command is a client of\n"
	"    hotlined: it needs hotlined running.\n\n"
	"OPTIONS\n"
	"    --open      the members are named in the signed content\n"
	"    --all       removed members too\n"
	"    --group NAME  the group's latest message (board)\n"
	"    --json      print the operator API's answer (docs/cli-json.md)\n"
	"    --home DIR  this party's home folder\n\n"
	"EXIT STATUS\n"
	"    0 done, 1 refused or hotlined not running, 2 usage error.\n");

static const char synopsis[] =
	"group create NAME [--open] | group add|remove NAME LINK... | group list [--json] |"
	" group show NAME [--all] [--json] | group message ID [--json] |"
	" group board GID|--group NAME [--json] | group messages NAME [--json]";

struct opts {
	bool open, all, json;
	const char *group;	/* --group, for board */
};

/* Options anywhere; the words left in argv[1..*n]. */
static int options(int argc, char **argv, struct opts *o, int *n)
{
	static const struct option opts[] = {
		{"open", no_argument, NULL, 'o'},
		{"all", no_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"group", required_argument, NULL, 'g'},
		{"home", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;	/* getopt starts afresh */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			o->open = true;
		else if (c == 'a')
			o->all = true;
		else if (c == 'j')
			o->json = true;
		else if (c == 'g')
			o->group = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage("group", synopsis);
	}
	*n = argc - optind;
	memmove(argv + 1, argv + optind, (size_t)*n * sizeof(*argv));
	return CLI_OK;
}

static const char *membership(json_t *g)
{
	return json_is_true(json_object_get(g, "open")) ?
	       _("open (members named in each message)") : _("confidential");
}

static void print_group(json_t *g)
{
	char t[HL_TIME_LEN + 1];

	cli_when(g, "created", t);
	printf(_("Group:       %s\n"), cli_str(g, "name"));
	printf(_("Membership:  %s\n"), membership(g));
	printf(_("Created:     %s by %s\n"), t, cli_str(g, "created_by"));
	printf(_("Members:     %lld\n"), (long long)json_integer_value(json_object_get(g, "members")));
}

static void print_show(json_t *g)
{
	char a[HL_TIME_LEN + 1], r[HL_TIME_LEN + 1];
	json_t *m;
	size_t i;

	print_group(g);
	if (json_array_size(json_object_get(g, "links")))
		printf("\n%-24s %-20s %s\n", _("LINK"), _("ADDED"), _("REMOVED"));
	json_array_foreach(json_object_get(g, "links"), i, m) {
		cli_when(m, "added", a);
		cli_when(m, "removed", r);
		printf("%-24s %-20s %s\n", cli_str(m, "link"), a, r);
	}
}

static void print_list(json_t *r)
{
	char t[HL_TIME_LEN + 1];
	json_t *g;
	size_t i;

	printf("%-24s %-8s %-12s %-20s %s\n", _("GROUP"), _("MEMBERS"), _("MEMBERSHIP"),
	       _("CREATED"), _("BY"));
	json_array_foreach(json_object_get(r, "groups"), i, g) {
		cli_when(g, "created", t);
		printf("%-24s %-8lld %-12s %-20s %s\n", cli_str(g, "name"),
		       (long long)json_integer_value(json_object_get(g, "members")),
		       json_is_true(json_object_get(g, "open")) ?
		       C_("membership", "open") : _("confidential"),
		       t, cli_str(g, "created_by"));
	}
}

/* "added to osce: us-cert, jp-cert" after an add or a remove. */
static void print_changed(json_t *g)
{
	json_t *links = json_object_get(g, "added"), *v;
	size_t i;

	if (links) {
		printf(_("added to %s:"), cli_str(g, "name"));
	} else {
		links = json_object_get(g, "removed");
		printf(_("removed from %s:"), cli_str(g, "name"));
	}
	json_array_foreach(links, i, v)
		printf("%s %s", i ? "," : "", json_string_value(v));
	printf(_("\n%s has %lld members now\n"), cli_str(g, "name"),
	       (long long)json_integer_value(json_object_get(g, "members")));
}

/* A group message: what went to whom (GET /v1/group/message). */
static void print_message(json_t *g)
{
	char t[HL_TIME_LEN + 1];
	json_t *m;
	size_t i;

	cli_when(g, "time", t);
	printf(_("Group message %s to %s (%s, %s) at %s by %s\n"), cli_str(g, "id"),
	       cli_str(g, "group"), cli_str(g, "kind"), cli_str(g, "precedence"), t,
	       cli_str(g, "operator"));
	if (json_object_get(g, "case"))
		printf(_("Case:        %s\n"), cli_str(g, "case"));
	printf("\n%-24s %s\n", _("LINK"), _("MESSAGE"));
	json_array_foreach(json_object_get(g, "members"), i, m) {
		if (json_object_get(m, "held"))
			printf(_("%-24s held: %s\n"), cli_str(m, "link"), cli_str(m, "held"));
		else
			printf("%-24s %s\n", cli_str(m, "link"), cli_str(m, "id"));
	}
}

static int cmd_create(int n, char **argv, const struct opts *o)
{
	if (n != 1 || o->all || o->json)
		return cli_usage("group", "group create NAME [--open]");
	return cli_reply(cli_route("POST", "/v1/group/create", json_pack("{s:s, s:b}", "name",
				   argv[1], "open", o->open)), false, print_group);
}

static int cmd_change(int n, char **argv, const struct opts *o, const char *path)
{
	json_t *links;

	if (n < 2 || o->open || o->all || o->json)
		return cli_usage("group", "group add|remove NAME LINK...");
	links = json_array();
	for (int i = 2; i <= n; i++)
		json_array_append_new(links, json_string(argv[i]));
	return cli_reply(cli_route("POST", path, json_pack("{s:s, s:o}", "name", argv[1], "links",
						      links)),
			 false, print_changed);
}

int group_main(int argc, char **argv)
{
	const char *word = argc > 1 ? argv[1] : "";
	struct opts o = {0};
	int n = 0, r;

	if (argc < 2)
		return cli_usage("group", synopsis);
	r = options(argc - 1, argv + 1, &o, &n);
	if (r != CLI_OK)
		return r;
	argv++;
	if (strcmp(word, "create") == 0)
		return cmd_create(n, argv, &o);
	if (strcmp(word, "add") == 0)
		return cmd_change(n, argv, &o, "/v1/group/add");
	if (strcmp(word, "remove") == 0)
		return cmd_change(n, argv, &o, "/v1/group/remove");
	if (strcmp(word, "list") == 0 && n == 0 && !o.open && !o.all)
		return cli_reply(cli_route("GET", "/v1/groups", NULL), o.json, print_list);
	if (strcmp(word, "show") == 0 && n == 1 && !o.open)
		return cli_reply(cli_route("GET", "/v1/group", json_pack("{s:s, s:s}", "name",
					   argv[1], "all", o.all ? "1" : "0")), o.json, print_show);
	if (strcmp(word, "message") == 0 && n == 1 && !o.open && !o.all)
		return cli_reply(cli_route("GET", "/v1/group/message",
					   json_pack("{s:s}", "id", argv[1])), o.json, print_message);
	if (strcmp(word, "board") == 0 && n == (o.group ? 0 : 1) && !o.open && !o.all)
		return group_board(o.group ? NULL : argv[1], o.group, o.json);
	if (strcmp(word, "messages") == 0 && n == 1 && !o.open && !o.all && !o.group)
		return group_messages(argv[1], o.json);
	return cli_usage("group", synopsis);
}

/* cmd_operator.c - hotline operator: the party's operators, through
 * hotlined's operator API (docs/api.md, "Operators and roles"). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include <jansson.h>
#include <sodium.h>

#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "text.h"

const char operator_help[] =
	N_("NAME\n"
	"    hotline operator - the people who use this party, and their roles\n\n"
	"SYNOPSIS\n"
	"    hotline operator list [--json]\n"
	"    hotline operator show NAME [--json]\n"
	"    hotline operator add NAME --role ROLES [--max-precedence P]\n"
	"                         [--unix USER]...\n"
	"    hotline operator role NAME ROLES [--max-precedence P]\n"
	"    hotline operator disable NAME\n"
	"    hotline operator enable NAME\n"
	"    hotline operator passwd NAME [--current] [--stdin]\n"
	"    hotline operator totp NAME [--json]\n"
	"    hotline operator ticket NAME [--json]\n"
	"    hotline operator map NAME USER\n"
	"    hotline operator unmap NAME USER\n\n"
	"DESCRIPTION\n"
	"    Every action at this party is done by a named operator holding\n"
	"    roles; the signed content of each message names them.  ROLES is a\n"
	"    comma-separated list of:\n\n"
	"      duty        read, acknowledge, answer, send up to a precedence\n"
	"      supervisor  all that at any precedence; close, retract, links\n"
	"      auditor     read everything and the audit trail, change nothing\n"
	"      admin       operators and configuration, not messages\n\n"
	"    On this machine an operator is the Unix user running 'hotline',\n"
	"    mapped to an operator with 'map' (a user maps to one operator, an\n"
	"    operator may have several users); over the HTTPS console, a\n"
	"    password and a TOTP code from an authenticator app.\n\n"
	"    list, show      the operators (an auditor or an admin)\n"
	"    add             a new operator; --max-precedence caps what a duty\n"
	"                    officer sends (default routine)\n"
	"    role            replaces the operator's roles\n"
	"    disable         refuses everything the operator asks, at once\n"
	"    enable          lets them in again, and lifts a lock after failed\n"
	"                    logins\n"
	"    passwd          sets the console password, read twice from the\n"
	"                    terminal without echo, or once from standard input\n"
	"                    with --stdin; an admin sets anyone's, an operator\n"
	"                    their own with --current (the current one first)\n"
	"    totp            makes a new TOTP secret and prints it once, with an\n"
	"                    otpauth:// URI for authenticator apps\n"
	"    ticket          a one-time login to the console for the operator,\n"
	"                    without password or code: prints the console's\n"
	"                    address holding the ticket, good for one login\n"
	"                    within 10 minutes; hotlined keeps it in memory\n"
	"                    only, and a restart voids it\n"
	"    map, unmap      a Unix user to or from the operator\n\n"
	"    At least one enabled admin always remains.  Everything but list,\n"
	"    show and one's own passwd needs the admin role.  This command is a\n"
	"    client of hotlined: it needs hotlined running.\n\n"
	"    --json  prints the operator API's answer (docs/cli-json.md).\n\n"
	"EXIT STATUS\n"
	"    0 done, 1 refused or hotlined not running, 2 usage error.\n");

#define PW_MAX 1024

/* A subcommand: its word, its function, its route and its synopsis. */
struct sub {
	const char *name;
	int (*fn)(int argc, char **argv, const struct sub *s);
	const char *path;
	const char *use;
};

static const char synopsis[] = "operator list|show|add|role|disable|enable|passwd|totp|ticket|map|unmap ...";

static const char *state(json_t *o)
{
	if (json_is_true(json_object_get(o, "disabled")))
		return _("disabled");
	if (json_is_true(json_object_get(o, "locked")))
		return _("locked");
	return _("enabled");
}

/* "a,b,c" from a JSON array of strings. */
static void joined(json_t *a, char *out, size_t cap)
{
	size_t i, n = 0;
	json_t *x;

	out[0] = 0;
	json_array_foreach(a, i, x) {
		int k = snprintf(out + n, cap - n, "%s%s", i ? "," : "", json_string_value(x));

		if (k < 0 || (size_t)k >= cap - n)
			break;
		n += (size_t)k;
	}
}

static void print_row(json_t *o)
{
	char roles[64], users[256];

	joined(json_object_get(o, "roles"), roles, sizeof(roles));
	joined(json_object_get(o, "unix"), users, sizeof(users));
	printf("%-20s %-30s %-10s %-9s %s\n", json_string_value(json_object_get(o, "name")),
	       roles[0] ? roles : "-", json_string_value(json_object_get(o, "max_precedence")),
	       state(o), users[0] ? users : "-");
}

static bool want_json(int argc, char **argv, int *rest)
{
	bool json = false;

	*rest = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			argv[++*rest] = argv[i];
	}
	return json;
}

static int cmd_list(int argc, char **argv, const struct sub *s)
{
	int n;
	bool json = want_json(argc, argv, &n);
	json_t *r, *list, *o;
	size_t i;

	if (n != 0)
		return cli_usage("operator", "operator list [--json]");
	r = cli_route("GET", s->path, NULL);
	if (!r)
		return CLI_FAIL;
	if (json)
		return cli_json_print(r) < 0 ? CLI_FAIL : CLI_OK;
	list = json_object_get(r, "operators");
	printf("%-20s %-30s %-10s %-9s %s\n", _("NAME"), _("ROLES"), _("CAP"), _("STATE"),
	       _("UNIX USERS"));
	json_array_foreach(list, i, o)
		print_row(o);
	json_decref(r);
	return CLI_OK;
}

static void print_op(json_t *o)
{
	char roles[64], users[256], when[32], lock[32];
	json_t *until = json_object_get(o, "locked_until");

	joined(json_object_get(o, "roles"), roles, sizeof(roles));
	joined(json_object_get(o, "unix"), users, sizeof(users));
	hl_time_format((int64_t)json_integer_value(json_object_get(o, "created")), when);
	printf(_("Operator:      %s\n"), json_string_value(json_object_get(o, "name")));
	printf(_("Roles:         %s\n"), roles[0] ? roles : "-");
	printf(_("Duty cap:      %s\n"), json_string_value(json_object_get(o, "max_precedence")));
	printf(_("State:         %s\n"), state(o));
	if (json_is_true(json_object_get(o, "locked"))) {
		if (json_is_integer(until))
			hl_time_format((int64_t)json_integer_value(until), lock);
		printf(_("Locked until:  %s\n"), json_is_integer(until) ? lock :
		       _("an admin enables it"));
	}
	printf(_("Failed logins: %d\n"), (int)json_integer_value(json_object_get(o, "failures")));
	printf(_("Password:      %s\n"), json_is_true(json_object_get(o, "password")) ?
	       _("set") : _("none"));
	printf(_("TOTP:          %s\n"), json_is_true(json_object_get(o, "totp")) ?
	       _("set") : _("none"));
	printf(_("Unix users:    %s\n"), users[0] ? users : "-");
	printf(_("Created:       %s\n"), when);
}

/* Prints an operator's answer: as JSON with --json, else as print_op. */
static int show_reply(json_t *r, bool json)
{
	if (!r)
		return CLI_FAIL;
	if (json)
		return cli_json_print(r) < 0 ? CLI_FAIL : CLI_OK;
	print_op(r);
	json_decref(r);
	return CLI_OK;
}

static int cmd_show(int argc, char **argv, const struct sub *s)
{
	int n;
	bool json = want_json(argc, argv, &n);

	if (n != 1)
		return cli_usage("operator", "operator show NAME [--json]");
	return show_reply(cli_route("GET", s->path, json_pack("{s:s}", "name", argv[1])), json);
}

/* "duty,admin" as a JSON array; the desk checks each name. */
static json_t *roles_list(const char *s)
{
	json_t *a = json_array();
	const char *p = s;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return a;
}

static int cmd_add(int argc, char **argv, const struct sub *s)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'},
		{"max-precedence", required_argument, NULL, 'p'},
		{"unix", required_argument, NULL, 'u'},
		{NULL, 0, NULL, 0},
	};
	static const char use[] = "operator add NAME --role ROLES [--max-precedence P] [--unix USER]...";
	json_t *args = json_object(), *users = json_array();
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			json_object_set_new(args, "roles", roles_list(optarg));
		else if (c == 'p')
			json_object_set_new(args, "max_precedence", json_string(optarg));
		else if (c == 'u')
			json_array_append_new(users, json_string(optarg));
		else
			goto usage;
	}
	if (optind != argc - 1 || !json_object_get(args, "roles"))
		goto usage;
	json_object_set_new(args, "name", json_string(argv[optind]));
	if (json_array_size(users))
		json_object_set(args, "unix", users);
	json_decref(users);
	return show_reply(cli_route("POST", s->path, args), false);
usage:
	json_decref(args);
	json_decref(users);
	return cli_usage("operator", use);
}

static int cmd_role(int argc, char **argv, const struct sub *s)
{
	static const struct option opts[] = {
		{"max-precedence", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	json_t *args = json_object();
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'p') {
			json_decref(args);
			return cli_usage("operator", "operator role NAME ROLES [--max-precedence P]");
		}
		json_object_set_new(args, "max_precedence", json_string(optarg));
	}
	if (optind != argc - 2) {
		json_decref(args);
		return cli_usage("operator", "operator role NAME ROLES [--max-precedence P]");
	}
	json_object_set_new(args, "name", json_string(argv[optind]));
	json_object_set_new(args, "roles", roles_list(argv[optind + 1]));
	return show_reply(cli_route("POST", s->path, args), false);
}

/* disable, enable: one name. */
static int cmd_name(int argc, char **argv, const struct sub *s)
{
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("operator", s->use);
	return show_reply(cli_route("POST", s->path, json_pack("{s:s}", "name", argv[1])), false);
}

/* A line from standard input or, with prompt, from the terminal
 * without echo; without its newline.  false when none can be read. */
static bool read_secret(const char *prompt, char *out, size_t cap)
{
	struct termios old, quiet;
	FILE *f = stdin;
	int fd = -1;
	bool ok, tty = false;

	if (prompt) {
		fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
		f = fd >= 0 ? fdopen(fd, "r+") : NULL;
		if (!f) {
			if (fd >= 0)
				close(fd);
			cli_err(_("no terminal to read the password from: give --stdin"));
			return false;
		}
		tty = tcgetattr(fd, &old) == 0;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		if (tty)
			tcsetattr(fd, TCSANOW, &quiet);
		fputs(prompt, f);
		fflush(f);
	}
	ok = fgets(out, (int)cap, f) != NULL;
	if (tty) {
		tcsetattr(fd, TCSANOW, &old);
		fputc('\n', f);
	}
	if (prompt)
		fclose(f);
	if (ok)
		out[strcspn(out, "\n")] = 0;
	return ok;
}

struct pw {
	char now[PW_MAX + 2], again[PW_MAX + 2], current[PW_MAX + 2];
};

static int read_passwords(struct pw *pw, bool from_stdin, bool current)
{
	if (current && !read_secret(from_stdin ? NULL : _("Current password: "), pw->current,
				    sizeof(pw->current)))
		return -EIO;
	if (!read_secret(from_stdin ? NULL : _("New password: "), pw->now, sizeof(pw->now)))
		return -EIO;
	if (from_stdin)
		return 0;
	if (!read_secret(_("Again: "), pw->again, sizeof(pw->again)))
		return -EIO;
	if (strcmp(pw->now, pw->again) != 0) {
		cli_err(_("the two passwords differ; nothing was changed"));
		return -EINVAL;
	}
	return 0;
}

static int cmd_passwd(int argc, char **argv, const struct sub *s)
{
	static const struct option opts[] = {
		{"stdin", no_argument, NULL, 's'},
		{"current", no_argument, NULL, 'c'},
		{NULL, 0, NULL, 0},
	};
	bool from_stdin = false, current = false;
	struct pw *pw;
	json_t *args;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			from_stdin = true;
		else if (c == 'c')
			current = true;
		else
			return cli_usage("operator", "operator passwd NAME [--current] [--stdin]");
	}
	if (optind != argc - 1)
		return cli_usage("operator", "operator passwd NAME [--current] [--stdin]");
	pw = sodium_malloc(sizeof(*pw));
	if (!pw)
		return CLI_FAIL;
	r = read_passwords(pw, from_stdin, current);
	args = r < 0 ? NULL : json_pack("{s:s, s:s}", "name", argv[optind], "password", pw->now);
	if (args && current)
		json_object_set_new(args, "current", json_string(pw->current));
	sodium_free(pw);
	if (!args) {
		if (r == -EIO)
			cli_err(_("no password was given; nothing was changed"));
		return CLI_FAIL;
	}
	r = show_reply(cli_route("POST", s->path, args), false);
	return r;
}

static int cmd_totp(int argc, char **argv, const struct sub *s)
{
	int n;
	bool json = want_json(argc, argv, &n);
	json_t *r;

	if (n != 1 || argv[1][0] == '-')
		return cli_usage("operator", "operator totp NAME [--json]");
	r = cli_route("POST", s->path, json_pack("{s:s}", "name", argv[1]));
	if (!r)
		return CLI_FAIL;
	if (json)
		return cli_json_print(r) < 0 ? CLI_FAIL : CLI_OK;
	printf(_("TOTP secret for %s (shown once; enter it in an authenticator app):\n"
		 "  %s\n  %s\n"), json_string_value(json_object_get(r, "name")),
	       json_string_value(json_object_get(r, "secret")),
	       json_string_value(json_object_get(r, "uri")));
	json_decref(r);
	return CLI_OK;
}

/* A time as the reader's clock shows it. */
static void local_time(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(out, cap, "%Y-%m-%d %H:%M:%S %Z", &tm))
		snprintf(out, cap, "%lld", (long long)t);
}

static int cmd_ticket(int argc, char **argv, const struct sub *s)
{
	int n;
	bool json = want_json(argc, argv, &n);
	json_t *r, *url;
	char until[64];

	if (n != 1 || argv[1][0] == '-')
		return cli_usage("operator", "operator ticket NAME [--json]");
	r = cli_route("POST", s->path, json_pack("{s:s}", "name", argv[1]));
	if (!r)
		return CLI_FAIL;
	if (json)
		return cli_json_print(r) < 0 ? CLI_FAIL : CLI_OK;
	url = json_object_get(r, "url");
	local_time((int64_t)json_integer_value(json_object_get(r, "expires")), until,
		   sizeof(until));
	printf(_("One-time console login for %s, good until %s:\n  %s\n"),
	       json_string_value(json_object_get(r, "name")), until,
	       json_is_string(url) ? json_string_value(url) :
	       json_string_value(json_object_get(r, "ticket")));
	if (!json_is_string(url))
		cli_err(_("the console is off (console.listen is not set): no login can use "
			  "this ticket"));
	json_decref(r);
	return CLI_OK;
}

static int cmd_map(int argc, char **argv, const struct sub *s)
{
	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-')
		return cli_usage("operator", s->use);
	return show_reply(cli_route("POST", s->path, json_pack("{s:s, s:s}", "name", argv[1],
						       "unix", argv[2])), false);
}

static const struct sub subs[] = {
	{"list", cmd_list, "/v1/operators", NULL},
	{"show", cmd_show, "/v1/operator", NULL},
	{"add", cmd_add, "/v1/operator/add", NULL},
	{"role", cmd_role, "/v1/operator/role", NULL},
	{"disable", cmd_name, "/v1/operator/disable", "operator disable NAME"},
	{"enable", cmd_name, "/v1/operator/enable", "operator enable NAME"},
	{"passwd", cmd_passwd, "/v1/operator/passwd", NULL},
	{"totp", cmd_totp, "/v1/operator/totp", NULL},
	{"ticket", cmd_ticket, "/v1/operator/ticket", NULL},
	{"map", cmd_map, "/v1/operator/map", "operator map NAME USER"},
	{"unmap", cmd_map, "/v1/operator/unmap", "operator unmap NAME USER"},
	{NULL, NULL, NULL, NULL},
};

int operator_main(int argc, char **argv)
{
	const char *word = argc > 1 ? argv[1] : "";

	for (const struct sub *s = subs; s->name; s++)
		if (strcmp(s->name, word) == 0) {
			optind = 0;	/* getopt starts afresh */
			return s->fn(argc - 1, argv + 1, s);
		}
	return cli_usage("operator", synopsis);
}

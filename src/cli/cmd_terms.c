/* cmd_terms.c - hotline link terms: show, propose, accept, decline. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "envelope.h"
#include "error.h"
#include "i18n.h"
#include "text.h"

static const char synopsis[] =
	"link terms LINK [--json] | propose LINK [options] [TEXT] | accept LINK/N [TEXT] |"
	" decline LINK/N TEXT";

static const char *const prec[4] = {"flash", "immediate", "priority", "routine"};

struct args {
	const char *verb, *target, *text, *lang;
	json_t *terms;		/* what propose changes */
	bool json;
};

/* D,D,D,D: four durations, FLASH to ROUTINE, into terms[key]. */
static int ladder_opt(json_t *terms, const char *key, const char *arg)
{
	json_t *o = json_object();
	const char *p = arg;

	for (int i = 0; o && i < 4; i++) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int64_t s;

		if ((i < 3) != !!end || hl_duration_parse(p, n, &s) < 0) {
			cli_err(_("--%s %s: give four durations, FLASH to ROUTINE, as 15m,1h,24h,72h"),
				key, arg);
			json_decref(o);
			return -EINVAL;
		}
		json_object_set_new(o, prec[i], json_integer(s));
		p = end ? end + 1 : p + n;
	}
	return o ? json_object_set_new(terms, key, o) : -ENOMEM;
}

static int duration_opt(const char *name, const char *arg, int64_t *s)
{
	if (hl_duration_parse(arg, strlen(arg), s) == 0)
		return 0;
	cli_err(_("--%s %s: not a duration (90s, 15m, 1h, 3d)"), name, arg);
	return -EINVAL;
}

static int languages_opt(json_t *terms, const char *arg)
{
	json_t *a = json_array();
	char *copy = strdup(arg), *save = NULL;

	for (char *t = copy ? strtok_r(copy, ", ", &save) : NULL; t && a;
	     t = strtok_r(NULL, ", ", &save))
		json_array_append_new(a, json_string(t));
	free(copy);
	return a ? json_object_set_new(terms, "languages", a) : -ENOMEM;
}

/* --check-every and --check-precedence: the check object, or null for
 * none. */
static int check_opt(json_t *terms, const char *every, const char *p)
{
	enum hl_precedence pr;
	int64_t s = 0;

	if (every && strcmp(every, "none") == 0)
		return json_object_set_new(terms, "check", json_null());
	if (every && duration_opt("check-every", every, &s) < 0)
		return -EINVAL;
	if (p && !cli_opt_precedence(p, &pr))
		return -EINVAL;
	if (!every && !p)
		return 0;
	if (!every) {
		cli_err(_("--check-precedence: give --check-every too"));
		return -EINVAL;
	}
	return json_object_set_new(terms, "check", p ? json_pack("{s:I, s:s}", "every",
				   (json_int_t)s, "precedence", p) :
				   json_pack("{s:I}", "every", (json_int_t)s));
}

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"ack", required_argument, NULL, 'a'},
		{"receipt", required_argument, NULL, 'r'},
		{"check-every", required_argument, NULL, 'e'},
		{"check-precedence", required_argument, NULL, 'p'},
		{"languages", required_argument, NULL, 'L'},
		{"suspect", required_argument, NULL, 's'},
		{"lang", required_argument, NULL, 'l'},
		{"home", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	const char *every = NULL, *cprec = NULL;
	int64_t suspect;
	int r = 0;

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'a' || c == 'r')
			r = ladder_opt(a->terms, c == 'a' ? "ack" : "receipt", optarg);
		else if (c == 'e')
			every = optarg;
		else if (c == 'p')
			cprec = optarg;
		else if (c == 'L')
			r = languages_opt(a->terms, optarg);
		else if (c == 's')
			r = duration_opt("suspect", optarg, &suspect) < 0 ? -EINVAL :
			    json_object_set_new(a->terms, "suspect", json_integer(suspect));
		else if (c == 'l')
			a->lang = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else if (c == 'j')
			a->json = true;
		else
			return cli_usage("link", synopsis);
		if (r < 0)
			return CLI_USAGE;
	}
	if (check_opt(a->terms, every, cprec) < 0)
		return CLI_USAGE;
	if (optind < argc && (!strcmp(argv[optind], "propose") ||
			      !strcmp(argv[optind], "accept") || !strcmp(argv[optind], "decline")))
		a->verb = argv[optind++];
	a->target = optind < argc ? argv[optind++] : NULL;
	a->text = optind < argc ? argv[optind++] : NULL;
	if (!a->target || optind < argc || (!a->verb && (a->text || json_object_size(a->terms))))
		return cli_usage("link", synopsis);
	return CLI_OK;
}

/* The labels of the terms' table, padded to the widest in the
 * operator's language (display columns, not bytes). */
static int label_width(void)
{
	const char *const labels[] = {_("receipt due:"), _("ack due:"), _("checks:"),
				      _("languages:"), _("suspect:")};
	int w = 0;

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (cli_width(labels[i]) > w)
			w = cli_width(labels[i]);
	return w + 1;
}

static void label(const char *s)
{
	printf("  ");
	cli_col(s, label_width());
}

static void print_ladder(const char *name, json_t *o)
{
	label(name);
	for (int i = 0; i < 4; i++) {
		char d[32];

		hl_duration_format(json_integer_value(json_object_get(o, prec[i])), d, sizeof(d));
		printf("%s %s%s", cli_field(HL_VOCAB_PRECEDENCE, prec[i]), d, i < 3 ? ", " : "\n");
	}
}

static void print_terms(json_t *t)
{
	json_t *check = json_object_get(t, "check"), *langs = json_object_get(t, "languages"), *v;
	char d[32];
	size_t i;

	print_ladder(_("receipt due:"), json_object_get(t, "receipt"));
	print_ladder(_("ack due:"), json_object_get(t, "ack"));
	if (check) {
		hl_duration_format(json_integer_value(json_object_get(check, "every")), d,
				   sizeof(d));
		label(_("checks:"));
		printf("%s\n", d);
	} else {
		label(_("checks:"));
		printf("%s\n", _("none scheduled"));
	}
	label(_("languages:"));
	json_array_foreach(langs, i, v)
		printf("%s%s", i ? ", " : "", json_string_value(v));
	hl_duration_format(json_integer_value(json_object_get(t, "suspect")), d, sizeof(d));
	printf("\n");
	label(_("suspect:"));
	printf("%s\n", d);
}

static void print_message(json_t *m)
{
	char when[HL_TIME_LEN + 1];
	json_t *terms = json_object_get(m, "terms");
	const char *by = json_string_value(json_object_get(m, "settled_by"));

	hl_time_format(json_integer_value(json_object_get(m, "time")), when);
	printf("  %-16s %s  %-10s %-14s", json_string_value(json_object_get(m, "id")), when,
	       json_string_value(json_object_get(m, "by")),
	       json_string_value(json_object_get(m, "type")));
	if (terms)
		printf(" v%lld", (long long)json_integer_value(json_object_get(terms, "version")));
	printf("  %s%s%s%s\n", json_string_value(json_object_get(m, "outcome")),
	       by ? " (" : "", by ? by : "", by ? ")" : "");
}

static int show(const struct hl_party *p, const struct args *a)
{
	json_t *args = json_pack("{s:s}", "name", a->target), *res = NULL, *in, *v;
	char since[HL_TIME_LEN + 1];
	size_t i;
	int r = args ? cli_call(p, "GET", "/v1/link/terms", args, &res) : -ENOMEM;

	json_decref(args);
	if (r != 0)
		return CLI_FAIL;
	if (a->json)
		return cli_json_print(res) < 0 ? CLI_FAIL : CLI_OK;
	in = json_object_get(res, "in_force");
	if (json_is_object(in)) {
		hl_time_format(json_integer_value(json_object_get(in, "since")), since);
		printf(_("Terms of %s: version %lld, in force since %s\n"), a->target,
		       (long long)json_integer_value(json_object_get(in, "version")), since);
		printf(_("  proposed in %s, accepted in %s\n"),
		       json_string_value(json_object_get(in, "proposal")),
		       json_string_value(json_object_get(in, "acceptance")));
		print_terms(json_object_get(in, "terms"));
	} else {
		printf(_("No terms agreed on %s: each side uses its own hotline.conf. "
			 "This party would propose:\n"), a->target);
		print_terms(json_object_get(res, "defaults"));
	}
	if (json_array_size(json_object_get(res, "messages")))
		printf("%s\n", _("Messages:"));
	json_array_foreach(json_object_get(res, "messages"), i, v)
		print_message(v);
	json_decref(res);
	return CLI_OK;
}

static int act(const struct hl_party *p, const struct args *a)
{
	bool propose = strcmp(a->verb, "propose") == 0;
	json_t *args = json_pack("{s:s}", propose ? "name" : "id", a->target), *res = NULL;
	char path[64];
	int r;

	if (!args)
		return CLI_FAIL;
	if (a->text)
		json_object_set_new(args, "text", json_string(a->text));
	if (a->lang)
		json_object_set_new(args, "lang", json_string(a->lang));
	if (propose && json_object_size(a->terms))
		json_object_set(args, "terms", a->terms);
	snprintf(path, sizeof(path), "/v1/link/terms/%s", a->verb);
	r = cli_call(p, "POST", path, args, &res);
	json_decref(args);
	if (r != 0)
		return CLI_FAIL;
	if (propose)
		printf(_("proposed terms version %lld on %s: %s/out/%lld\n"),
		       (long long)json_integer_value(json_object_get(res, "version")), a->target,
		       a->target, (long long)json_integer_value(json_object_get(res, "seq")));
	else
		printf(strcmp(a->verb, "accept") == 0 ? _("accepted %s: version %lld\n") :
		       _("declined %s (version %lld)\n"), a->target,
		       (long long)json_integer_value(json_object_get(res, "version")));
	json_decref(res);
	return CLI_OK;
}

/* hotline link terms ...: argv[0] is "terms". */
int terms_main(int argc, char **argv)
{
	struct args a = {.terms = json_object()};
	struct hl_party *p;
	int r;

	if (!a.terms)
		return CLI_FAIL;
	r = parse(argc, argv, &a);
	if (r == CLI_OK) {
		p = cli_party(HL_PARTY_PUBLIC);
		r = !p ? CLI_FAIL : a.verb ? act(p, &a) : show(p, &a);
		hl_party_free(p);
	}
	json_decref(a.terms);
	return r;
}

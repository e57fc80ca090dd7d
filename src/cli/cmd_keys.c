/* cmd_keys.c - hotline link keys (a link's key history, each side's
 * eras) and hotline card show (this party's card and its eras on every
 * link): both read GET routes of keysdesk.c and print the same era
 * table. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "i18n.h"

/* TRANSLATORS: the headings of the tables of 'hotline link keys' and
 * 'hotline card show': keep them short, in capitals where the script
 * has them. */
static const char *const head[8] = {
	N_("ERA"), N_("HOW"), N_("FINGERPRINT"), N_("KEY ID"), N_("FROM SEQ"), N_("SINCE"),
	N_("ENDPOINT"), N_("REVOKED"),
};

/* TRANSLATORS: how an era of keys began: the card the link was
 * confirmed with, a new card endorsed by the old key, a new card
 * confirmed by voice after a loss. */
static const char *how_label(const char *how)
{
	if (strcmp(how, "founding") == 0)
		return _("founding");
	if (strcmp(how, "rotated") == 0)
		return _("rotated");
	if (strcmp(how, "rekeyed") == 0)
		return _("rekeyed");
	return how;
}

static const char *str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "-";
}

/* A time member of j as text, or "-" for null. */
static const char *time_text(const json_t *j, const char *key, char out[HL_TIME_LEN + 1])
{
	json_t *t = json_object_get(j, key);

	if (!json_is_integer(t))
		return "-";
	hl_time_format((int64_t)json_integer_value(t), out);
	return out;
}

/* "sign,box 2026-...Z (seq 3)" of an era's revoked object, or "-". */
static void revoked_text(const json_t *rv, char *out, size_t cap)
{
	char when[HL_TIME_LEN + 1], uses[32] = "";
	size_t i, len = 0;
	json_t *u;

	if (!json_is_object(rv)) {
		snprintf(out, cap, "-");
		return;
	}
	json_array_foreach(json_object_get(rv, "uses"), i, u)
		len += (size_t)snprintf(uses + len, sizeof(uses) - len, "%s%s", i ? "," : "",
					json_string_value(u) ? json_string_value(u) : "?");
	time_text(rv, "time", when);
	if (json_is_integer(json_object_get(rv, "by")))
		/* TRANSLATORS: the key uses revoked, when, and the seq of the
		 * message of that side that revoked them. */
		snprintf(out, cap, _("%s %s (seq %lld)"), uses, when,
			 (long long)json_integer_value(json_object_get(rv, "by")));
	else
		snprintf(out, cap, "%s %s", uses, when);
}

struct table {
	int w[8];
};

static int wider(int w, const char *s)
{
	return cli_width(s) > w ? cli_width(s) : w;
}

static void table_init(struct table *t)
{
	static const int min[8] = {3, 8, HL_FINGERPRINT_LEN, 8, 8, HL_TIME_LEN, 8, 7};

	for (int i = 0; i < 8; i++)
		t->w[i] = wider(min[i], _(head[i]));
	t->w[1] = wider(wider(wider(t->w[1], _("founding")), _("rotated")), _("rekeyed"));
}

/* The endpoint column is as wide as the longest endpoint of eras. */
static void table_fit(struct table *t, const json_t *eras)
{
	size_t i;
	json_t *v;

	json_array_foreach(eras, i, v)
		t->w[6] = wider(t->w[6], str(v, "endpoint"));
}

static void table_head(const struct table *t)
{
	printf("  ");
	cli_rcol(_(head[0]), t->w[0]);
	for (int i = 1; i < 8; i++) {
		printf("  ");
		if (i == 4)
			cli_rcol(_(head[i]), t->w[i]);
		else if (i == 7)
			fputs(_(head[i]), stdout);
		else
			cli_col(_(head[i]), t->w[i]);
	}
	putchar('\n');
}

/* One era: since is from_time, or the confirmation for era 0. */
static void table_row(const struct table *t, const json_t *v)
{
	char n[24], since[HL_TIME_LEN + 1], rv[128];
	json_int_t era = json_integer_value(json_object_get(v, "era"));

	printf("  ");
	snprintf(n, sizeof(n), "%lld", (long long)era);
	cli_rcol(n, t->w[0]);
	printf("  ");
	cli_col(how_label(str(v, "how")), t->w[1]);
	printf("  ");
	cli_col(str(v, "fingerprint"), t->w[2]);
	printf("  ");
	cli_col(str(v, "keyid"), t->w[3]);
	printf("  ");
	snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(json_object_get(v,
		 "from_seq")));
	cli_rcol(n, t->w[4]);
	printf("  ");
	cli_col(time_text(v, era ? "from_time" : "confirmed", since), t->w[5]);
	printf("  ");
	cli_col(str(v, "endpoint"), t->w[6]);
	revoked_text(json_object_get(v, "revoked"), rv, sizeof(rv));
	printf("  %s\n", rv);
}

static void table_print(const json_t *eras)
{
	struct table t;
	size_t i;
	json_t *v;

	table_init(&t);
	table_fit(&t, eras);
	table_head(&t);
	json_array_foreach(eras, i, v)
		table_row(&t, v);
}

/* --json and --home; the rest stays in argv from optind. */
static int options(int argc, char **argv, const char *cmd, const char *synopsis, bool *json)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};

	optind = 0;	/* GNU: start again, after the caller's options */
	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			return CLI_OK;
		if (c == 'j')
			*json = true;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage(cmd, synopsis);
	}
}

/* GET path with args, printed as JSON or by fn. */
static int call(const char *path, json_t *args, bool json, void (*fn)(const json_t *))
{
	struct hl_party *p = cli_party(HL_PARTY_PUBLIC);
	json_t *res = NULL;
	int r;

	if (!p || !args) {
		hl_party_free(p);
		json_decref(args);
		return CLI_FAIL;
	}
	r = cli_call(p, "GET", path, args, &res);
	json_decref(args);
	hl_party_free(p);
	if (r != 0)
		return CLI_FAIL;
	if (json)
		return cli_json_print(res) < 0 ? CLI_FAIL : CLI_OK;
	fn(res);
	json_decref(res);
	return CLI_OK;
}

static void keys_print(const json_t *res)
{
	const char *link = str(res, "link");

	printf(_("This party's keys on link %s:\n"), link);
	table_print(json_object_get(res, "ours"));
	printf(_("\nThe keys of %s:\n"), link);
	table_print(json_object_get(res, "theirs"));
}

/* hotline link keys LINK [--json]: argv[0] is "keys". */
int keys_main(int argc, char **argv)
{
	static const char synopsis[] = "link keys LINK [--json]";
	bool json = false;
	int r = options(argc, argv, "link", synopsis, &json);

	if (r != CLI_OK)
		return r;
	if (argc - optind != 1)
		return cli_usage("link", synopsis);
	return call("/v1/link/keys", json_pack("{s:s}", "name", argv[optind]), json, keys_print);
}

static void card_print(const json_t *res)
{
	size_t i;
	json_t *h;

	printf(_("fingerprint: %s\n"), str(res, "fingerprint"));
	json_array_foreach(json_object_get(res, "history"), i, h) {
		printf(_("\nThis party's keys on link %s:\n"), str(h, "link"));
		table_print(json_object_get(h, "eras"));
	}
}

/* hotline card show [--json]: argv[0] is "show". */
int card_show_main(int argc, char **argv)
{
	static const char synopsis[] = "card show [--json]";
	bool json = false;
	int r = options(argc, argv, "card", synopsis, &json);

	if (r != CLI_OK)
		return r;
	if (argc != optind)
		return cli_usage("card", synopsis);
	return call("/v1/card", json_object(), json, card_print);
}

/* cmd_store.c - hotline store migrate: a party's SQLite store copied
 * into an empty PostgreSQL database (copy.h), both verified after. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "copy.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "logcheck.h"
#include "party.h"
#include "store.h"

const char store_help[] =
	N_("NAME\n"
	"    hotline store - move the store to PostgreSQL\n\n"
	"SYNOPSIS\n"
	"    hotline store migrate [--from sqlite:PATH] --to postgresql:SETTINGS\n\n"
	"DESCRIPTION\n"
	"    Copies this party's store whole, from its SQLite file into an empty\n"
	"    PostgreSQL database, for two nodes to share (docs/operations.md,\n"
	"    \"Two nodes on PostgreSQL\"): every table, row by row with its keys,\n"
	"    in one transaction of the target, with each table's progress on\n"
	"    standard error.  The logs of the file are verified first, and those\n"
	"    of the copy after, as 'hotline log verify' does.  Then set store in\n"
	"    hotline.conf to the same settings, and start hotlined.\n\n"
	"    --from sqlite:PATH        the file (default: hotline.db in the home)\n"
	"    --to postgresql:SETTINGS  the database: libpq's keyword=value\n"
	"                              settings, or a postgresql:// URI\n\n"
	"    It refuses while hotlined runs for this home (stop it first: what\n"
	"    it wrote during the copy would be missing), and a target that holds\n"
	"    any row: it never overwrites a store.\n\n"
	"EXIT STATUS\n"
	"    0 copied, and both verify; 1 refused or failed (nothing is written\n"
	"    to the target, but for a copy that does not verify: then it says\n"
	"    so); 2 usage error.\n");

static const char synopsis[] = "store migrate [--from sqlite:PATH] --to postgresql:SETTINGS";

static void progress(void *ctx, const char *table, uint64_t rows, bool done)
{
	(void)ctx;
	if (done)
		fprintf(stderr, _("copied %s: %llu row(s)\n"), table, (unsigned long long)rows);
	else
		fprintf(stderr, _("copying %s: %llu row(s)...\n"), table, (unsigned long long)rows);
}

static struct hl_store *open_at(const char *where)
{
	struct hl_store *st = NULL;
	char err[256] = "";
	int r = hl_store_open(where, &st, err, sizeof(err));

	if (r < 0)
		cli_err("%s: %s%s%s", where, cli_strerror(r), err[0] ? ": " : "", err);
	return st;
}

/* Both logs of every link, and the indexes: as log verify. */
static bool verifies(struct hl_store *st, const struct hl_party *p, const char *where,
		     const char *which)
{
	struct hl_log_check out = {0};
	int r = hl_log_check(st, p, where, NULL, NULL, &out);
	bool ok = r == 0 && !out.failed;

	if (!ok)
		cli_err(_("the %s does not verify: run 'hotline log verify' on it"), which);
	json_decref(out.report);
	return ok;
}

static int migrate(const struct hl_party *p, const char *from, const char *to)
{
	struct hl_store *src = NULL, *dst = NULL;
	char first[64];
	uint64_t rows = 0;
	int r = CLI_FAIL;

	if (hl_party_daemon_up(p->home, NULL, 0)) {
		cli_err(_("hotlined runs for %s: stop it first, so that nothing is written "
			  "during the copy"), p->home);
		return CLI_FAIL;
	}
	src = open_at(from);
	if (src && !verifies(src, p, from, _("store to copy")))
		goto out;
	dst = src ? open_at(to) : NULL;
	if (!dst)
		goto out;
	if (hl_store_rows(dst, first, &rows) < 0) {
		cli_err("%s: %s", to, hl_store_errmsg(dst));
		goto out;
	}
	if (rows) {
		cli_err(_("%s is not empty (table %s has %llu row(s)): a store is never "
			  "overwritten"), to, first, (unsigned long long)rows);
		goto out;
	}
	if (hl_store_copy(src, dst, progress, NULL, &rows) < 0) {
		cli_err(_("the copy failed, and nothing was written: %s"), hl_store_errmsg(dst));
		goto out;
	}
	if (!verifies(dst, p, to, _("copy")))
		goto out;
	printf(_("copied %llu row(s) into %s; both stores verify.  Now set in "
		 "hotline.conf: store = %s\n"), (unsigned long long)rows, to, to);
	r = CLI_OK;
out:
	hl_store_close(src);
	hl_store_close(dst);
	return r;
}

int store_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	char home_db[4096];
	const char *from = NULL, *to = NULL;
	struct hl_party *p;
	int c, r;

	if (argc < 2 || strcmp(argv[1], "migrate") != 0)
		return cli_usage("store", synopsis);
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'f')
			from = optarg;
		else if (c == 't')
			to = optarg;
		else
			return cli_usage("store", synopsis);
	}
	if (optind != argc || !to)
		return cli_usage("store", synopsis);
	if (from && strncmp(from, "sqlite:", 7) == 0)
		from += 7;
	if (strncmp(to, "postgresql:", 11) == 0 && strncmp(to, "postgresql://", 13) != 0)
		to += 11;
	if ((from && (from[0] != '/' || hl_db_is_postgresql(from))) || !hl_db_is_postgresql(to))
		return cli_usage("store", synopsis);
	/* The keys open the bodies, to check the content indexes. */
	p = cli_party(HL_PARTY_SECRETS);
	if (!p)
		return CLI_FAIL;
	r = CLI_FAIL;
	if (!from && hl_party_path(p->home, HL_STORE_FILE, home_db, sizeof(home_db)) == 0)
		from = home_db;
	if (from)
		r = migrate(p, from, to);
	hl_party_free(p);
	return r;
}

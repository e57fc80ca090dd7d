/* hotlined.c - the Hotline daemon.
 *
 * At this stage it opens the party, checks its configuration, keys and
 * card, and reports; the peer server, courier and clock come with the
 * transcript and delivery work.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "party.h"
#include "version.h"

static const char usage[] =
	"usage: hotlined [--home DIR] [-n] [-V]\n"
	"  --home DIR   the party's home (else $HOTLINE_HOME, else ~/.hotline)\n"
	"  -n           check the configuration and keys, then exit\n"
	"  -V           print the version\n";

static int check(const char *home_opt, int quiet)
{
	char home[PATH_MAX], why[PATH_MAX + 64] = "";
	struct hl_party *p = NULL;
	int r = hl_home_resolve(home_opt, home, sizeof(home));

	if (r < 0) {
		fprintf(stderr, "hotlined: no home folder: give --home DIR or set HOTLINE_HOME\n");
		return 1;
	}
	r = hl_party_open(home, HL_PARTY_SECRETS, &p, why, sizeof(why));
	if (r == -HL_ECONFIG)
		fprintf(stderr, "hotlined: %s/%s\n", home, why);
	else if (r == -HL_ENOPARTY)
		fprintf(stderr, "hotlined: %s: %s\n", home, hl_strerror(r));
	else if (r < 0)
		fprintf(stderr, "hotlined: %s/%s: %s\n", home, why, hl_strerror(r));
	if (r < 0)
		return 1;
	if (!quiet)
		fprintf(stderr, "hotlined: party %s, listen %s, endpoint %s\n",
			p->conf.name, p->conf.listen,
			p->conf.endpoint[0] ? p->conf.endpoint : "none");
	hl_party_free(p);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *home = NULL;
	int test = 0;

	if (sodium_init() < 0) {
		fprintf(stderr, "hotlined: cannot initialise libsodium\n");
		return 1;
	}
	for (;;) {
		int c = getopt_long(argc, argv, "nVh", opts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'H': home = optarg; break;
		case 'n': test = 1; break;
		case 'V': printf("hotlined %s\n", HL_VERSION); return 0;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (check(home, test) != 0)
		return 1;
	if (test) {
		fprintf(stderr, "configuration OK\n");
		return 0;
	}
	fprintf(stderr, "hotlined %s: nothing to serve yet; peer delivery is not "
		"built in this version\n", HL_VERSION);
	return 0;
}

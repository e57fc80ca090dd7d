/* tool.h - what the test tools share: opening a party, its store and
 * one of its links, and closing them again.  Each tool compiles alone
 * (Makefile: one tests/tools/NAME.c per program), so these are static. */
#ifndef HL_TEST_TOOL_H
#define HL_TEST_TOOL_H

#include <limits.h>
#include <stdio.h>

#include "error.h"
#include "party.h"
#include "store.h"

struct tool {
	struct hl_party *p;
	struct hl_store *st;
	struct hl_link l;
};

/* Opens the party in home (with its secrets), its store and link; says
 * why it cannot on stderr, prefixed with prog.  Close with tool_close()
 * either way. */
static int tool_open(const char *prog, const char *home, const char *link, struct tool *t)
{
	char why[PATH_MAX + 64] = "", path[PATH_MAX], err[256] = "";
	int r = hl_party_open(home, HL_PARTY_SECRETS, &t->p, why, sizeof(why));

	if (r < 0) {
		fprintf(stderr, "%s: %s/%s: %s\n", prog, home, why, hl_strerror(r));
		return r;
	}
	r = hl_party_path(home, HL_STORE_FILE, path, sizeof(path));
	if (r == 0)
		r = hl_store_open(path, &t->st, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "%s: %s: %s %s\n", prog, path, hl_strerror(r), err);
		return r;
	}
	r = hl_store_link_get(t->st, link, &t->l);
	if (r < 0)
		fprintf(stderr, "%s: %s: %s\n", prog, link, hl_strerror(r));
	return r;
}

static void tool_close(struct tool *t)
{
	hl_link_free(&t->l);
	hl_store_close(t->st);
	hl_party_free(t->p);
}

#endif

/* grouplib.h - the unit tests' fixture for groups (test_groups,
 * test_groupmsg, test_groupboard): ru-cert (A) owns the groups, with
 * confirmed links to us-cert (B, lb) and jp-cert (C, lc) in a real store
 * file; setup also makes the confidential group "osce" (g), which
 * links_setup does not.  Include after storelib.h. */
#ifndef TS_GROUPLIB_H
#define TS_GROUPLIB_H

#include <string.h>

#include "groupmsg.h"
#include "groups.h"

#define NOW (TL_CREATED + 3600)
#define GID1 "0123456789abcdef0123456789abcdef"
#define GID2 "fedcba9876543210fedcba9876543210"

static struct hl_party *A, *B, *C;

struct fx {
	char dir[TS_PATH_MAX];
	char path[TS_PATH_MAX];
	struct hl_store *st;
	struct hl_link lb, lc;
	struct hl_group g;
};

static inline int group_setup(void **state)
{
	(void)state;
	A = ts_party_new("ru-cert", 1);
	B = ts_party_new("us-cert", 2);
	C = ts_party_new("jp-cert", 3);
	return 0;
}

static inline int group_teardown(void **state)
{
	(void)state;
	hl_party_free(A);
	hl_party_free(B);
	hl_party_free(C);
	return 0;
}

static inline int links_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	ts_dir_new(f->dir);
	ts_path(f->dir, HL_STORE_FILE, f->path);
	f->st = ts_open(f->path);
	ts_link(f->st, A, B, NULL, true, NOW, &f->lb);
	ts_link(f->st, A, C, NULL, true, NOW, &f->lc);
	*state = f;
	return 0;
}

static inline int setup(void **state)
{
	struct fx *f;

	links_setup(state);
	f = *state;
	assert_int_equal(hl_store_group_create(f->st, "osce", false, NOW, "ana"), 0);
	assert_int_equal(hl_store_group_get(f->st, "osce", &f->g), 0);
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *f = *state;

	hl_link_free(&f->lb);
	hl_link_free(&f->lc);
	hl_store_close(f->st);
	ts_dir_remove(f->dir);
	free(f);
	return 0;
}

/* Up to four rows of the owner's record, as a walk gives them. */
struct seen {
	struct hl_group_envelope ge[4];
	size_t n;
};

static inline int collect(void *ctx, const struct hl_group_envelope *ge)
{
	struct seen *s = ctx;

	assert_true(s->n < 4);
	s->ge[s->n++] = *ge;
	return 0;
}

/* A row of group message gid: seq on l, or held. */
static inline struct hl_group_envelope row(const struct fx *f, const struct hl_link *l,
					   const char *gid, uint64_t seq, int64_t held)
{
	struct hl_group_envelope ge = {.group = f->g.id, .link = l->id, .seq = seq,
				       .held = held, .time = NOW + 60, .kind = "notify",
				       .precedence = HL_FLASH, .case_no = 7, .op = "ana"};

	memcpy(ge.gid, gid, sizeof(ge.gid));
	return ge;
}

#endif

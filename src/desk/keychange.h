/* keychange.h - a change of our own keys, shared by `card rotate`
 * (card.c, protocol.md 9.13) and `card rekey` (rekey.c, 9.15): the
 * live links, the staged keys and card, one transaction that sends the
 * card on every link and records our era on each, the files after. */
#ifndef HL_KEYCHANGE_H
#define HL_KEYCHANGE_H

#include "desk.h"
#include "keyring.h"

#define HL_KEYCHANGE_LINKS_MAX 1024

struct hl_keychange {
	struct hl_party *me;
	struct hl_rotation rot;
	unsigned revoke;		/* HL_USE_* */
	bool rekey;			/* a `rekey` (9.15), not a `card` rotation */
	struct hl_link *links;
	size_t n;
	char why[300];
	int eras[HL_KEYCHANGE_LINKS_MAX];	/* our new era's number on each link */
};

/* A change for d's party at q's time, or NULL (out of memory). */
struct hl_keychange *hl_keychange_new(struct hl_desk *d, const struct hl_desk_req *q);
void hl_keychange_free(struct hl_keychange *w);

/* Collects the live links, stages w->rot and sends it: the answer of
 * POST /v1/card/rotate and /v1/card/rekey, or NULL with e filled. */
json_t *hl_keychange_run(struct hl_desk *d, const struct hl_desk_req *q,
			 struct hl_keychange *w, struct hl_desk_err *e);

/* Our rekeyed era on link l (rekey.c), whose `rekey` envelope is seq
 * at time t: era i of w's links.  Inside the change's transaction. */
int hl_keychange_rekey_era(struct hl_keychange *w, struct hl_store *st,
			   const struct hl_link *l, uint64_t seq, int64_t t, size_t i);

#endif

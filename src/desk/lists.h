/* lists.h - what the desk's listings share: pages with cursors that
 * stay stable while messages arrive, and where a message stands with
 * its acknowledgment.
 *
 * A listing answers {"items": [...], "next": CURSOR|null}.  Each item
 * has a key that orders the listing (for the inbox: its link's name,
 * then its seq); the cursor is the last key given, made opaque (hex),
 * and the next page starts after it.  A message that arrives between
 * two pages has a key of its own, so it neither shifts nor repeats what
 * the next page gives, as an offset would.  Keys are compared as bytes;
 * parts are joined by \x01, below every byte of a name, so "a" comes
 * before "a-b" as the store's name order has it.
 */
#ifndef HL_DESK_LISTS_H
#define HL_DESK_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "desk.h"

#define HL_PAGE_KEY_MAX 512
#define HL_PAGE_DEFAULT 100
#define HL_PAGE_LIMIT_MAX 1000

struct hl_page {
	char after[HL_PAGE_KEY_MAX];	/* the cursor's key; "" for the first page */
	size_t limit;
	json_t *items;
	char last[HL_PAGE_KEY_MAX];	/* the key of the last item given */
	bool full;			/* an item past the limit was offered */
};

/* Reads "limit" and "after" from q; false with e filled (400) when
 * either is not valid. */
bool hl_page_start(const struct hl_desk_req *q, struct hl_page *pg, struct hl_desk_err *e);

/* True when key is past the cursor: the caller may skip work for the
 * others. */
bool hl_page_wants(const struct hl_page *pg, const char *key);

/* Offers item (taken) under key; keys must come in increasing order.
 * Returns 1 when the page is full (the item is dropped: the caller may
 * stop), else 0. */
int hl_page_add(struct hl_page *pg, const char *key, json_t *item);

/* {"items": [...], "next": CURSOR|null}; frees the page's items either
 * way.  NULL when out of memory. */
json_t *hl_page_end(struct hl_page *pg);
void hl_page_free(struct hl_page *pg);

/* Rows gathered in any order, then given to a page in key order. */
struct hl_rows {
	struct hl_row {
		char *key;
		json_t *item;
	} *v;
	size_t n, cap;
};
/* Keeps item (taken) under key; -ENOMEM. */
int hl_rows_add(struct hl_rows *rs, const char *key, json_t *item);
/* Sorts the rows and offers them to pg; the rows are emptied. */
void hl_rows_page(struct hl_rows *rs, struct hl_page *pg);
void hl_rows_free(struct hl_rows *rs);

/* A link's name and a number as a key part: "NAME\x01%020llu". */
void hl_page_key(char out[HL_PAGE_KEY_MAX], const char *name, uint64_t n);

/* Where message (side, seq) of l stands with its human acknowledgment:
 * {"state": "none"|"acked"|"due"|"overdue", "due"?, "at"?}
 * (docs/cli-json.md); the deadline is the party's ack.<precedence>. */
json_t *hl_desk_ack_json(struct hl_desk *d, const struct hl_link *l, int side, uint64_t seq,
			 const char *kind, const char *precedence, int64_t sent, int64_t now);
/* Whether that object says overdue. */
bool hl_desk_ack_overdue(const json_t *ack);

#endif

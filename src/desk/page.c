/* page.c - pages of a listing, with cursors made from stable keys. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "index.h"
#include "lists.h"
#include "text.h"

bool hl_page_start(const struct hl_desk_req *q, struct hl_page *pg, struct hl_desk_err *e)
{
	uint64_t limit = HL_PAGE_DEFAULT;
	const char *after = NULL;
	bool given = false;

	memset(pg, 0, sizeof(*pg));
	if (!hl_desk_arg_u64(q, "limit", &limit, &given, e) ||
	    !hl_desk_arg_str(q, "after", &after, e))
		return false;
	if (given && (limit < 1 || limit > HL_PAGE_LIMIT_MAX)) {
		hl_desk_fail(e, 400, "limit: want a number from 1 to %u", HL_PAGE_LIMIT_MAX);
		return false;
	}
	if (after && !hl_cursor_decode(after, pg->after, sizeof(pg->after))) {
		hl_desk_fail(e, 400, "after: not a cursor this listing gave");
		return false;
	}
	pg->limit = (size_t)limit;
	pg->items = json_array();
	if (!pg->items) {
		hl_desk_fail(e, 503, "out of memory");
		return false;
	}
	return true;
}

bool hl_page_wants(const struct hl_page *pg, const char *key)
{
	return !pg->after[0] || strcmp(key, pg->after) > 0;
}

int hl_page_add(struct hl_page *pg, const char *key, json_t *item)
{
	if (!hl_page_wants(pg, key) || pg->full) {
		json_decref(item);
		return pg->full;
	}
	if (json_array_size(pg->items) == pg->limit) {
		pg->full = true;
		json_decref(item);
		return 1;
	}
	json_array_append_new(pg->items, item);
	snprintf(pg->last, sizeof(pg->last), "%s", key);
	return 0;
}

json_t *hl_page_end(struct hl_page *pg)
{
	char cur[2 * HL_PAGE_KEY_MAX + 1];
	json_t *j;

	hl_cursor_encode(pg->last, cur, sizeof(cur));
	j = json_pack("{s:O, s:o}", "items", pg->items,
		      "next", pg->full ? json_string(cur) : json_null());
	hl_page_free(pg);
	return j;
}

void hl_page_free(struct hl_page *pg)
{
	json_decref(pg->items);
	pg->items = NULL;
}

int hl_rows_add(struct hl_rows *rs, const char *key, json_t *item)
{
	if (!item)
		return -ENOMEM;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 64;
		struct hl_row *v = realloc(rs->v, cap * sizeof(*v));

		if (!v) {
			json_decref(item);
			return -ENOMEM;
		}
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n].key = strdup(key);
	if (!rs->v[rs->n].key) {
		json_decref(item);
		return -ENOMEM;
	}
	rs->v[rs->n++].item = item;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hl_row *)a)->key, ((const struct hl_row *)b)->key);
}

void hl_rows_page(struct hl_rows *rs, struct hl_page *pg)
{
	if (rs->n)
		qsort(rs->v, rs->n, sizeof(*rs->v), row_cmp);
	for (size_t i = 0; i < rs->n; i++) {
		hl_page_add(pg, rs->v[i].key, rs->v[i].item);
		free(rs->v[i].key);
	}
	rs->n = 0;
}

void hl_rows_free(struct hl_rows *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->v[i].key);
		json_decref(rs->v[i].item);
	}
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

void hl_page_key(char out[HL_PAGE_KEY_MAX], const char *name, uint64_t n)
{
	snprintf(out, HL_PAGE_KEY_MAX, "%s\x01%020llu", name, (unsigned long long)n);
}

json_t *hl_desk_ack_json(struct hl_desk *d, const struct hl_link *l, int side, uint64_t seq,
			 const char *kind, const char *precedence, int64_t sent, int64_t now)
{
	enum hl_precedence p = HL_ROUTINE;
	uint64_t ack_seq = 0;
	int64_t due, when = 0;

	hl_precedence_parse(precedence, &p);
	if (!hl_kind_needs_ack(kind, p))
		return json_pack("{s:s}", "state", "none");
	due = hl_desk_due(d, l, true, p, sent);
	if (hl_store_acked(d->st, l->id, side, seq, &ack_seq, &when) == 0)
		return json_pack("{s:s, s:I, s:I}", "state", "acked", "due", (json_int_t)due,
				 "at", (json_int_t)when);
	return json_pack("{s:s, s:I}", "state", now < due ? "due" : "overdue",
			 "due", (json_int_t)due);
}

bool hl_desk_ack_overdue(const json_t *ack)
{
	const char *s = json_string_value(json_object_get(ack, "state"));

	return s && !strcmp(s, "overdue");
}

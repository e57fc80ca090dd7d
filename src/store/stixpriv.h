/* stixpriv.h - what stixobj.c lends stixgroup.c: the same list check,
 * added_after cursor and row reading for a link's and a group's API
 * root. */
#ifndef HL_STIXPRIV_H
#define HL_STIXPRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include "db.h"

#include "stixobj.h"

/* Whether list is NULL or a JSON array whose members all have type t;
 * *one (when not NULL) gets its only member when it has exactly one
 * string shorter than cap. */
bool hl_stix_list_ok(const char *list, json_type t, char *one, size_t cap);
/* The row id q's rows come after: its cursor (q->after), or the last
 * row added at or before q->added_after (µs) when that is later. */
int hl_stix_after(struct hl_store *st, const struct hl_stix_query *q, int64_t *after);
/* Calls fn for each row of s (the columns of a stix query), at most
 * limit (0: all); *more when a row past them is there.  Resets s. */
int hl_stix_rows(struct hl_store *st, struct hl_dbs *s, size_t limit, hl_stix_row_fn fn,
		 void *ctx, bool *more);

#endif

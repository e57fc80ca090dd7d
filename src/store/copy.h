/* copy.h - a party's store copied whole into a store of the other
 * engine ('hotline store migrate'): every row of every table, with its
 * keys, so that the copy's logs, checkpoints and indexes are the
 * original's. */
#ifndef HL_COPY_H
#define HL_COPY_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

/* Told of each table as its rows go (every 10,000), and when it is done. */
typedef void (*hl_copy_progress)(void *ctx, const char *table, uint64_t rows, bool done);

/* The rows of the first table of to that has any, or 0 for an empty
 * store (its schema alone): "" or the table's name into first. */
int hl_store_rows(struct hl_store *st, char first[64], uint64_t *rows);
/* Copies every row of from (SQLite) into to (PostgreSQL, empty) in one
 * transaction of to; *rows counts them.  0, or <0 with to unchanged. */
int hl_store_copy(struct hl_store *from, struct hl_store *to, hl_copy_progress fn, void *ctx,
		  uint64_t *rows);

#endif

/* lease.h - which node of a party is the active one, when two share a
 * PostgreSQL store (docs/operations.md, "Two nodes").
 *
 * The lease is a session-level advisory lock of the server, held by one
 * connection of the active node's hotlined: the server gives it up the
 * moment that connection ends, so the standby takes it then.  Taking it
 * starts an epoch (a number in hl_meta), and from then on each write
 * transaction of the process checks, under the writers' lock, that the
 * store's epoch is still its own: a node that lost the lease can commit
 * nothing once another has begun, so no sequence number is ever signed
 * into the store twice.  On SQLite (one file, one machine) the lease is
 * always this process's. */
#ifndef HL_LEASE_H
#define HL_LEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

#define HL_NODE_MAX 63

/* Whether st is a store that nodes may share (PostgreSQL). */
bool hl_store_shared(struct hl_store *st);
/* Tries to take the lease on st's connection for node (its name, shown
 * to the other nodes): 1 taken, 0 held by another node, or <0. */
int hl_store_lease_try(struct hl_store *st, const char *node);
/* Starts this process's epoch, st holding the lease: *epoch. */
int hl_store_lease_begin(struct hl_store *st, int64_t now, int64_t *epoch);
/* The node holding the lease now ("" for none), and the current epoch
 * and when it began (0 before any). */
int hl_store_lease_holder(struct hl_store *st, char node[HL_NODE_MAX + 1], int64_t *epoch,
			  int64_t *since);
/* In a write transaction: 0 while this process's epoch (if it began
 * one) is the store's, else -HL_ESTORE, saying so. */
int hl_store_lease_check(struct hl_store *st);
/* Whether st's connection answers within ms milliseconds: 0, or <0. */
int hl_store_alive(struct hl_store *st, int ms);

#endif

/* node.h - this hotlined's part when two nodes of a party share its
 * store (docs/operations.md, "Two nodes"): it waits as the standby
 * until the lease is free, takes it, and stops at once the moment it
 * cannot be sure it still holds it, for the standby to take over.  On
 * a store of one node (SQLite) there is nothing to wait for. */
#ifndef HL_NODE_H
#define HL_NODE_H

#include <signal.h>

#include "lease.h"

struct hl_node;

/* This node's name: name when given, else the host's. */
void hl_node_name(const char *name, char out[HL_NODE_MAX + 1]);
/* Waits, as the standby, until this node holds the lease of the store
 * at db, or one of the signals in set comes (*sig says which, and 1 is
 * returned).  0 with *out when it holds it (NULL when the store is not
 * shared), or <0 with err. */
int hl_node_take(const char *db, const char *name, const sigset_t *set, int *sig,
		 struct hl_node **out, char *err, size_t errlen);
/* Whether this node took the lease over from another that held it. */
bool hl_node_took_over(const struct hl_node *n);
/* Waits up to 10 s for the address listen (host:port) to be free: a
 * node taking over on the machine of the one it replaces finds it held
 * until that one's process has stopped (within a second of losing the
 * lease). */
void hl_node_wait_port(const char *listen);
/* Gives the lease back (the standby takes it at once). */
void hl_node_release(struct hl_node *n);

#endif

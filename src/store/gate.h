/* gate.h - one writer at a time per database file, within this process.
 *
 * hotlined writes one store from several threads (the writer, the
 * trail, the courier, the peer door, the clock, the desk), each on its
 * own connection.  SQLite makes a writer that finds the file locked
 * sleep and retry, so a thread could sleep a quarter millisecond after
 * the lock was free.  The gate queues them on a mutex instead: a writer
 * takes it before BEGIN IMMEDIATE and gives it back after COMMIT or
 * ROLLBACK, and the next one runs at once.  Other processes (a local
 * CLI command) still meet SQLite's lock and its busy handler.
 */
#ifndef HOTLINE_GATE_H
#define HOTLINE_GATE_H

#include <stdbool.h>
#include <stdint.h>

struct hl_gate;

/* The gate of the file at path, shared by every connection of this
 * process to it; NULL when the file cannot be stat'ed (no gate). */
struct hl_gate *hl_gate_get(const char *path);
void hl_gate_put(struct hl_gate *g);

/* Waits for the gate; false when ten seconds passed without it (the
 * caller then goes on, and SQLite's lock decides). */
bool hl_gate_enter(struct hl_gate *g);
void hl_gate_leave(struct hl_gate *g);

/* The file's checkpointer in this process (walcp.h), or NULL. */
struct hl_walcp *hl_gate_walcp(struct hl_gate *g);

/* The latest time this process gave an envelope sealed into the file
 * (INT64_MIN before the first; without a gate, always that). */
int64_t hl_gate_floor(struct hl_gate *g);
void hl_gate_floor_set(struct hl_gate *g, int64_t t);

#endif

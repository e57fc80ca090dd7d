/* deskpriv.h - what the desk's own files share, and no door sees. */
#ifndef HL_DESKPRIV_H
#define HL_DESKPRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "desk.h"

struct desk_handle {
	struct hl_store *st;
	bool busy;
};

struct hl_desk_shared {
	const struct hl_party *me;
	struct hl_writer *writer;
	struct hl_courier *courier;
	struct hl_trail *trail;		/* the audit trail's writer (trail.h) */
	char *db;
	pthread_mutex_t lock;		/* guards what follows */
	pthread_cond_t freed;
	struct desk_handle *handles;
	size_t nhandles;
	uint64_t case_next;		/* see send.c's next_case_no */
	struct desk_user {		/* Unix users seen lately (operator.c) */
		uid_t uid;
		char name[HL_NAME_MAX + 1];
		int64_t until;		/* CLOCK_MONOTONIC seconds */
	} users[8];
	unsigned users_next;
};

/* A store handle no other call holds (NULL when none can be opened),
 * and giving it back: for desk work outside hl_desk_call (logins, who
 * an operator is). */
struct hl_store *hl_desk_take(struct hl_desk_shared *s, size_t *slot);
void hl_desk_give(struct hl_desk_shared *s, size_t slot);

#endif

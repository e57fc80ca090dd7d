/* deskpriv.h - what the desk's own files share, and no door sees. */
#ifndef HL_DESKPRIV_H
#define HL_DESKPRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "desk.h"

/* One-time login tickets (ticket.c): kept as their SHA-256. */
#define HL_TICKETS_MAX 32
enum desk_ticket_state { TICKET_FREE, TICKET_LIVE, TICKET_SPENT };

struct desk_ticket {
	unsigned char hash[32];		/* SHA-256 of the ticket's 32 bytes */
	char name[HL_NAME_MAX + 1];	/* the operator it logs in; "" once spent */
	char by[HL_NAME_MAX + 1];	/* the admin who issued it */
	int64_t expires;
	uint64_t serial;		/* issue order: the lowest is the oldest */
	enum desk_ticket_state state;
};

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
	/* Held by a group's removal and by a send to a group, so the two
	 * never interleave: a member removed receives nothing sent to the
	 * group after the removal (groups.c). */
	pthread_mutex_t groups;
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
	struct desk_ticket tickets[HL_TICKETS_MAX];
	uint64_t tickets_issued;
};

/* A store handle no other call holds (NULL when none can be opened),
 * and giving it back: for desk work outside hl_desk_call (logins, who
 * an operator is). */
struct hl_store *hl_desk_take(struct hl_desk_shared *s, size_t *slot);
void hl_desk_give(struct hl_desk_shared *s, size_t slot);

/* Redeems a login ticket (ticket.c): 0 with its operator in name and
 * its issuer in by, the ticket then spent; -HL_ENOTFOUND for a ticket
 * this daemon never issued (or no ticket at all), -EALREADY for one
 * spent, -ETIME for one expired. */
int hl_desk_ticket_redeem(struct hl_desk_shared *s, const char *hex, int64_t now,
			  char name[HL_NAME_MAX + 1], char by[HL_NAME_MAX + 1]);

/* Our TLS certificate for status (tlsdesk.c): {"not_after", "renew"},
 * renew (and *renew) true from 90 days before notAfter; JSON null when
 * tls.crt cannot be read. */
json_t *hl_desk_tls_status(const struct hl_party *me, int64_t now, bool *renew);

#endif

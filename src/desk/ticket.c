/* ticket.c - one-time login tickets for the HTTPS door.
 *
 * An admin issues a ticket for an operator (POST /v1/operator/ticket):
 * 256 random bits, given once as 64 hex digits and inside the
 * console's address (https://LISTEN/#ticket=HEX).  POST /v1/login
 * {"ticket"} on the HTTPS door then opens a session for that operator,
 * once (login.c): the ticket is spent as it is presented.  Tickets
 * live in the daemon's memory only, as their SHA-256, compared in
 * constant time; a restart of hotlined voids them.  At most
 * HL_TICKETS_MAX are kept: a new one takes the place of one spent or
 * expired, else of the one issued first.  A spent ticket's operator
 * is wiped at once; its hash stays until its place is taken, so that
 * a second use is told it was used.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "desk.h"
#include "deskpriv.h"
#include "error.h"
#include "operators.h"
#include "text.h"

#define TICKET_BYTES 32
#define TICKET_HEX (2 * TICKET_BYTES)
#define TICKET_TTL 600			/* seconds a ticket stays good */
#define URL_MAX (HL_LISTEN_MAX + TICKET_HEX + 32)

_Static_assert(sizeof(((struct desk_ticket *)0)->hash) == crypto_hash_sha256_BYTES,
	       "a ticket's hash is a SHA-256");

static bool dead(const struct desk_ticket *t, int64_t now)
{
	return t->state != TICKET_LIVE || now >= t->expires;
}

/* The place for a new ticket: a free one, else a spent or expired one,
 * else the one issued first. */
static struct desk_ticket *place(struct hl_desk_shared *s, int64_t now)
{
	struct desk_ticket *oldest = &s->tickets[0], *gone = NULL;

	for (size_t i = 0; i < HL_TICKETS_MAX; i++) {
		struct desk_ticket *t = &s->tickets[i];

		if (t->state == TICKET_FREE)
			return t;
		if (!gone && dead(t, now))
			gone = t;
		if (t->serial < oldest->serial)
			oldest = t;
	}
	return gone ? gone : oldest;
}

/* A new ticket for operator name, issued by admin by: its text in hex,
 * which nothing here keeps. */
static void issue(struct hl_desk_shared *s, const char *name, const char *by, int64_t now,
		  char hex[TICKET_HEX + 1])
{
	unsigned char raw[TICKET_BYTES];
	struct desk_ticket *t;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, TICKET_HEX + 1, raw, sizeof(raw));
	pthread_mutex_lock(&s->lock);
	t = place(s, now);
	sodium_memzero(t, sizeof(*t));
	crypto_hash_sha256(t->hash, raw, sizeof(raw));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->by, sizeof(t->by), "%s", by);
	t->serial = ++s->tickets_issued;
	t->expires = now + TICKET_TTL;
	t->state = TICKET_LIVE;
	pthread_mutex_unlock(&s->lock);
	sodium_memzero(raw, sizeof(raw));
}

json_t *hl_desk_operator_ticket(struct hl_desk *d, const struct hl_desk_req *q,
				struct hl_desk_err *e)
{
	const char *listen = d->me->conf.console_listen;
	char hex[TICKET_HEX + 1], url[URL_MAX];
	struct hl_op_row o;
	const char *name;
	json_t *res;
	int r;

	if (!hl_desk_args_only(q, e, "name", NULL) || !hl_desk_arg_need(q, "name", &name, e))
		return NULL;
	if (!hl_name_valid(name, strlen(name)))
		return hl_desk_fail(e, 400, "name: %s", hl_strerror(-HL_ENAME));
	r = hl_store_op_get(d->st, name, &o);
	if (r == -HL_ENOTFOUND)
		return hl_desk_fail(e, 404, "no operator is named %s", name);
	if (r < 0)
		return hl_desk_fail_code(e, r, name);
	if (o.disabled)
		return hl_desk_fail(e, 409, "operator %s is disabled: enable it before issuing "
				    "a login ticket", o.name);
	issue(d->shared, o.name, q->op->name, q->now, hex);
	snprintf(url, sizeof(url), "https://%s/#ticket=%s", listen, hex);
	res = json_pack("{s:s, s:s, s:I, s:o}", "name", o.name, "ticket", hex,
			"expires", (json_int_t)(q->now + TICKET_TTL),
			"url", listen[0] ? json_string(url) : json_null());
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(url, sizeof(url));
	return res ? res : hl_desk_fail(e, 500, "out of memory");
}

/* The hash kept of the ticket given as text; false for text that is
 * no ticket (wrong length, not hex). */
static bool ticket_hash(const char *hex, unsigned char h[crypto_hash_sha256_BYTES])
{
	unsigned char raw[TICKET_BYTES];
	size_t len = hex ? strlen(hex) : 0, n = 0;
	const char *end = NULL;
	bool ok;

	ok = len == TICKET_HEX &&
	     sodium_hex2bin(raw, sizeof(raw), hex, len, NULL, &n, &end) == 0 &&
	     n == sizeof(raw) && end == hex + len;
	if (ok)
		crypto_hash_sha256(h, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	return ok;
}

int hl_desk_ticket_redeem(struct hl_desk_shared *s, const char *hex, int64_t now,
			  char name[HL_NAME_MAX + 1], char by[HL_NAME_MAX + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	struct desk_ticket *found = NULL;
	int r = -HL_ENOTFOUND;

	name[0] = by[0] = 0;
	if (!ticket_hash(hex, h))
		return r;
	pthread_mutex_lock(&s->lock);
	/* Every place is compared, so the time taken says nothing. */
	for (size_t i = 0; i < HL_TICKETS_MAX; i++)
		if (sodium_memcmp(s->tickets[i].hash, h, sizeof(h)) == 0 &&
		    s->tickets[i].state != TICKET_FREE)
			found = &s->tickets[i];
	if (found && found->state == TICKET_SPENT) {
		r = -EALREADY;
	} else if (found && now >= found->expires) {
		r = -ETIME;
	} else if (found) {
		memcpy(name, found->name, HL_NAME_MAX + 1);
		memcpy(by, found->by, HL_NAME_MAX + 1);
		found->state = TICKET_SPENT;
		r = 0;
	}
	if (found) {	/* good for one try only, whatever it found */
		sodium_memzero(found->name, sizeof(found->name));
		sodium_memzero(found->by, sizeof(found->by));
	}
	pthread_mutex_unlock(&s->lock);
	sodium_memzero(h, sizeof(h));
	return r;
}

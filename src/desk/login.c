/* login.c - an operator's login with a password and a TOTP code, or
 * with a one-time ticket an admin issued (ticket.c).
 *
 * Passwords are kept as Argon2id hashes (libsodium's crypto_pwhash_str);
 * codes are RFC 6238 TOTP from liboath, compared in constant time.  The
 * rules (what is refused, the backoff, the lock) are in desk.h above
 * hl_desk_login and hl_desk_login_ticket; the HTTPS door is the one
 * that calls them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "desk.h"
#include "deskpriv.h"
#include "error.h"
#include "login.h"
#include "operators.h"

#define TOTP_STEP 30
#define TOTP_DIGITS 6
#define TOTP_WINDOW 1
#define LOCK_AFTER 10		/* failures in a row that lock the operator */

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ok;

static void oath_start(void)
{
	oath_ok = oath_init() == OATH_OK;
}

int hl_login_oath(void)
{
	pthread_once(&oath_once, oath_start);
	return oath_ok ? 0 : -HL_ECRYPTO;
}

int64_t hl_login_backoff(unsigned failures, int64_t now)
{
	if (failures == 0)
		return 0;
	if (failures >= LOCK_AFTER)
		return HL_LOCKED_FOREVER;
	return now + ((int64_t)1 << (failures - 1));
}

/* liboath's comparison hook: 0 when the code it made is the one given. */
static int code_cmp(void *given, const char *made)
{
	return sodium_memcmp(given, made, TOTP_DIGITS) == 0 ? 0 : 1;
}

static bool code_form(const char *code)
{
	if (!code || strlen(code) != TOTP_DIGITS)
		return false;
	for (size_t i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return true;
}

int hl_login_totp_check(const unsigned char *secret, size_t n, const char *code,
			int64_t now, uint64_t *step)
{
	char given[TOTP_DIGITS + 1];
	uint64_t counter = 0;
	int pos = 0, r;

	if (!code_form(code) || hl_login_oath() < 0)
		return -HL_ENOTFOUND;
	memcpy(given, code, sizeof(given));
	r = oath_totp_validate3_callback((const char *)secret, n, (time_t)now, TOTP_STEP, 0,
					 TOTP_DIGITS, TOTP_WINDOW, &pos, &counter,
					 code_cmp, given);
	sodium_memzero(given, sizeof(given));
	if (r < 0)
		return -HL_ENOTFOUND;
	*step = counter;
	return 0;
}

/* A hash checked when the name is unknown, so that a wrong name costs
 * the time a wrong password does. */
static char decoy[crypto_pwhash_STRBYTES];
static pthread_once_t decoy_once = PTHREAD_ONCE_INIT;

static void decoy_make(void)
{
	unsigned char pw[16];

	randombytes_buf(pw, sizeof(pw));
	if (crypto_pwhash_str(decoy, (const char *)pw, sizeof(pw),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		decoy[0] = 0;
	sodium_memzero(pw, sizeof(pw));
}

int hl_login_hash(const char *password, char out[HL_PWHASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= HL_PWHASH_MAX, "room for a hash");
	if (crypto_pwhash_str(out, password, strlen(password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return -ENOMEM;
	return 0;
}

bool hl_login_password_ok(const char *hash, const char *password)
{
	if (!hash[0]) {
		pthread_once(&decoy_once, decoy_make);
		if (decoy[0] && crypto_pwhash_str_verify(decoy, password, strlen(password)) == 0)
			return false;	/* a random password matched: still no */
		return false;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* One login at a time: the lock's test and the failure it counts are
 * one step, so tries sent side by side cannot all pass a backoff (or
 * the lock) that the first of them sets.  It also keeps the memory
 * Argon2id takes to that of one hash. */
static pthread_mutex_t one_login = PTHREAD_MUTEX_INITIALIZER;

/* One login's state, for the audit trail. */
struct attempt {
	struct hl_desk d;
	struct hl_desk_req q;
	struct hl_operator op;
	const char *reason;
	bool locks;			/* this failure locks the operator */
	const char *with;		/* "ticket", or NULL for a password */
	char by[HL_NAME_MAX + 1];	/* a ticket's issuer, when known */
};

static void record(struct attempt *a, const char *what, unsigned status)
{
	json_t *detail = json_object();

	if (a->with)
		json_object_set_new(detail, "with", json_string(a->with));
	if (a->by[0])
		json_object_set_new(detail, "issued_by", json_string(a->by));
	if (a->reason)
		json_object_set_new(detail, "reason", json_string(a->reason));
	if (a->locks)
		json_object_set_new(detail, "locked", json_true());
	hl_desk_audit(&a->d, &a->q, what, detail, status);
	json_decref(detail);
}

static void time_text(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, cap, "%lld", (long long)t);
}

/* A wrong password or code: counted, the backoff set, 401. */
static int wrong(struct attempt *a, struct hl_desk_err *e, const char *reason)
{
	unsigned n = 0;
	int64_t until;

	a->reason = reason;
	if (a->op.name[0] && hl_store_op_failed(a->d.st, a->op.name, &n) == 0) {
		until = hl_login_backoff(n, a->q.now);
		a->locks = hl_store_op_lock(a->d.st, a->op.name, until) == 0 &&
			   until == HL_LOCKED_FOREVER;
	}
	hl_desk_fail(e, 401, "wrong operator name, password or code");
	return -1;
}

static int locked(struct attempt *a, struct hl_desk_err *e, int64_t until)
{
	char when[32];

	a->reason = until == HL_LOCKED_FOREVER ? "locked" : "waiting";
	if (until == HL_LOCKED_FOREVER) {
		hl_desk_fail(e, 429, "operator %s is locked after %u failed logins in a row; "
			     "an admin unlocks it with 'hotline operator enable %s'",
			     a->op.name, (unsigned)LOCK_AFTER, a->op.name);
		return -1;
	}
	time_text(until, when, sizeof(when));
	hl_desk_fail(e, 429, "too many failed logins: operator %s may try again at %s",
		     a->op.name, when);
	return -1;
}

/* The operator of row acts in this attempt; refused (-1) while a
 * backoff or the lock holds it. */
static int take_row(struct attempt *a, const struct hl_op_row *row, struct hl_desk_err *e)
{
	snprintf(a->op.name, sizeof(a->op.name), "%s", row->name);
	a->op.roles = row->roles;
	a->op.max_precedence = row->max_precedence;
	a->op.disabled = row->disabled;
	if (row->locked_until > a->q.now)
		return locked(a, e, row->locked_until);
	return 0;
}

struct creds {
	const char *name, *password, *totp;
};

/* The checks of a password login, in order; 0 when the login stands. */
static int check(struct attempt *a, const void *arg, struct hl_desk_err *e)
{
	const struct creds *c = arg;
	const char *name = c->name, *password = c->password, *totp = c->totp;
	struct hl_op_secrets sec;
	struct hl_op_row row;
	uint64_t step = 0;
	int r;

	if (!name || !password || !totp || !hl_name_valid(name, strlen(name)) ||
	    hl_store_op_get(a->d.st, name, &row) < 0) {
		hl_login_password_ok("", password ? password : "");
		a->reason = "unknown operator";
		hl_desk_fail(e, 401, "wrong operator name, password or code");
		return -1;
	}
	if (take_row(a, &row, e) < 0)
		return -1;
	r = hl_store_op_secrets(a->d.st, name, &sec);
	if (r < 0) {
		hl_desk_fail_code(e, r, "login");
		return -1;
	}
	if (!hl_login_password_ok(sec.pwhash, password))
		r = wrong(a, e, sec.pwhash[0] ? "wrong password" : "no password set");
	else if (!sec.totp_len || hl_login_totp_check(sec.totp, sec.totp_len, totp,
						      a->q.now, &step) < 0)
		r = wrong(a, e, sec.totp_len ? "wrong code" : "no TOTP secret set");
	else if (hl_store_op_logged_in(a->d.st, name, step) < 0)
		r = wrong(a, e, "replayed code");
	hl_op_secrets_wipe(&sec);
	if (r == 0 && row.disabled) {
		a->reason = "disabled";
		hl_desk_fail(e, 403, "operator %s is disabled", row.name);
		r = -1;
	}
	return r;
}

/* The operator a ticket names, as the store holds it now: locked or
 * disabled, refused as a password login is. */
static int ticket_operator(struct attempt *a, const char *name, struct hl_desk_err *e)
{
	struct hl_op_row row;

	if (hl_store_op_get(a->d.st, name, &row) < 0) {
		a->reason = "unknown operator";
		hl_desk_fail(e, 401, "the login ticket's operator %s is gone", name);
		return -1;
	}
	if (take_row(a, &row, e) < 0)
		return -1;
	if (row.disabled) {
		a->reason = "disabled";
		hl_desk_fail(e, 403, "operator %s is disabled", row.name);
		return -1;
	}
	return 0;
}

/* The checks of a ticket login; 0 when the login stands. */
static int check_ticket(struct attempt *a, const void *arg, struct hl_desk_err *e)
{
	char name[HL_NAME_MAX + 1];
	int r = hl_desk_ticket_redeem(a->d.shared, arg, a->q.now, name, a->by);

	a->with = "ticket";
	if (r == 0)
		return ticket_operator(a, name, e);
	if (r == -EALREADY) {
		a->reason = "ticket used already";
		hl_desk_fail(e, 401, "this login ticket was used already: a ticket logs in "
			     "once; ask an admin for another");
	} else if (r == -ETIME) {
		a->reason = "ticket expired";
		hl_desk_fail(e, 401, "this login ticket expired: ask an admin for another");
	} else {
		a->reason = "unknown ticket";
		hl_desk_fail(e, 401, "no such login ticket (a restart of hotlined voids them): "
			     "ask an admin for another");
	}
	return -1;
}

/* One login: the checks of fn, recorded in the audit trail. */
static int attempt(struct hl_desk_shared *s, int64_t now, const char *door,
		   int (*fn)(struct attempt *a, const void *arg, struct hl_desk_err *e),
		   const void *arg, struct hl_operator *op, struct hl_desk_err *e)
{
	json_t *none = json_object();
	struct attempt a = {.d = {.me = s->me, .writer = s->writer, .courier = s->courier,
				  .shared = s},
			    .q = {.now = now, .door = door, .args = none}};
	size_t slot = 0;
	int r;

	memset(e, 0, sizeof(*e));
	memset(op, 0, sizeof(*op));
	a.q.op = &a.op;
	a.d.st = hl_desk_take(s, &slot);
	if (!a.d.st) {
		json_decref(none);
		hl_desk_fail(e, 503, "the store cannot be opened");
		return -1;
	}
	pthread_mutex_lock(&one_login);
	r = fn(&a, arg, e);
	pthread_mutex_unlock(&one_login);
	record(&a, r == 0 ? "login" : "login-failed", r == 0 ? 200 : e->status);
	if (r == 0)
		*op = a.op;
	hl_desk_give(s, slot);
	json_decref(none);
	return r;
}

int hl_desk_login(struct hl_desk_shared *s, const char *name, const char *password,
		  const char *totp, int64_t now, const char *door, struct hl_operator *op,
		  struct hl_desk_err *e)
{
	struct creds c = {.name = name, .password = password, .totp = totp};

	return attempt(s, now, door, check, &c, op, e);
}

int hl_desk_login_ticket(struct hl_desk_shared *s, const char *ticket, int64_t now,
			 const char *door, struct hl_operator *op, struct hl_desk_err *e)
{
	return attempt(s, now, door, check_ticket, ticket, op, e);
}

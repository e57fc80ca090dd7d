/* operators.h - the party's operators in the store: who they are, the
 * roles they hold, their login secrets and the Unix users mapped to them.
 *
 * Only hotlined reads this (the secrets above all); `hotline init`
 * writes the first operator into a new store.  Names are party names
 * (hl_name_valid); roles are desk.h's enum hl_role bits, stored as is.
 * Functions return 0 or -HL_E*: -HL_ENOTFOUND for no such operator or
 * user, -HL_EDUPLICATE for a name or user already taken.
 */
#ifndef HL_STORE_OPERATORS_H
#define HL_STORE_OPERATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "envelope.h"
#include "store.h"
#include "text.h"

#define HL_TOTP_SECRET_LEN 20		/* 160 bits, as RFC 4226 advises */
#define HL_PWHASH_MAX 128		/* crypto_pwhash_STRBYTES */
#define HL_LOCKED_FOREVER INT64_MAX	/* locked until an admin unlocks */

struct hl_op_row {
	char name[HL_NAME_MAX + 1];
	unsigned roles;
	enum hl_precedence max_precedence;
	bool disabled;
	int64_t created;
	bool has_password, has_totp;
	unsigned failures;		/* failed logins in a row */
	int64_t locked_until;		/* 0, a time, or HL_LOCKED_FOREVER */
};

/* The secrets a login checks; hl_op_secrets_wipe() zeroes them. */
struct hl_op_secrets {
	char pwhash[HL_PWHASH_MAX];	/* "" when no password is set */
	unsigned char totp[HL_TOTP_SECRET_LEN];
	size_t totp_len;		/* 0 when no TOTP secret is set */
	uint64_t totp_step;		/* the last time step accepted */
};
void hl_op_secrets_wipe(struct hl_op_secrets *s);

int hl_store_op_add(struct hl_store *st, const char *name, unsigned roles,
		    enum hl_precedence max_precedence, int64_t now);
int hl_store_op_get(struct hl_store *st, const char *name, struct hl_op_row *out);
/* The operator Unix user user is mapped to, in one read. */
int hl_store_op_get_by_user(struct hl_store *st, const char *user, struct hl_op_row *out);
/* Calls fn for each operator in name order; stops at fn's nonzero. */
int hl_store_op_each(struct hl_store *st,
		     int (*fn)(void *ctx, const struct hl_op_row *o), void *ctx);
int hl_store_op_set_roles(struct hl_store *st, const char *name, unsigned roles,
			  enum hl_precedence max_precedence);
/* Disabling keeps the lock; enabling also clears failures and the lock. */
int hl_store_op_set_disabled(struct hl_store *st, const char *name, bool disabled);
/* A new hash clears the failures and the lock. */
int hl_store_op_set_password(struct hl_store *st, const char *name, const char *pwhash);
/* A new secret, or none (NULL); the last accepted step goes back to 0. */
int hl_store_op_set_totp(struct hl_store *st, const char *name,
			 const unsigned char *secret, size_t n);
int hl_store_op_secrets(struct hl_store *st, const char *name, struct hl_op_secrets *out);
/* One more failed login: *failures gets the new count. */
int hl_store_op_failed(struct hl_store *st, const char *name, unsigned *failures);
/* No login before until (the desk's backoff; HL_LOCKED_FOREVER). */
int hl_store_op_lock(struct hl_store *st, const char *name, int64_t until);
/* A login with TOTP time step step: -HL_EDUPLICATE (nothing changed)
 * when step is not past the last step accepted, else clears failures. */
int hl_store_op_logged_in(struct hl_store *st, const char *name, uint64_t step);
/* Operators enabled and holding every bit of roles. */
int hl_store_op_count(struct hl_store *st, unsigned roles, uint64_t *n);

/* Unix users. */
int hl_store_op_map(struct hl_store *st, const char *user, const char *name);
/* -HL_ENOTFOUND unless user is mapped to name. */
int hl_store_op_unmap(struct hl_store *st, const char *user, const char *name);
/* The operator user is mapped to; -HL_ENOTFOUND for none. */
int hl_store_op_by_user(struct hl_store *st, const char *user, char name[HL_NAME_MAX + 1]);
/* Calls fn for each user mapped to name, in order. */
int hl_store_op_users(struct hl_store *st, const char *name,
		      int (*fn)(void *ctx, const char *user), void *ctx);

#endif

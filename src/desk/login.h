/* login.h - passwords and TOTP codes, for login.c and operator.c. */
#ifndef HL_LOGIN_H
#define HL_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "operators.h"

/* liboath started once for the process; -HL_ECRYPTO if it cannot. */
int hl_login_oath(void);
/* The time before which no login is tried after failures in a row
 * (0 for none, HL_LOCKED_FOREVER from the tenth). */
int64_t hl_login_backoff(unsigned failures, int64_t now);
/* 0 and the code's time step when code is the RFC 6238 code of secret
 * at now, one step either way; -HL_ENOTFOUND otherwise. */
int hl_login_totp_check(const unsigned char *secret, size_t n, const char *code,
			int64_t now, uint64_t *step);
/* An Argon2id hash of password (crypto_pwhash_str); -ENOMEM. */
int hl_login_hash(const char *password, char out[HL_PWHASH_MAX]);
/* True when password matches hash; an empty hash (none set) costs the
 * same time and is false. */
bool hl_login_password_ok(const char *hash, const char *password);

#endif

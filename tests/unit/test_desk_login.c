/* test_desk_login.c - hl_desk_login against a real store file: the
 * password (Argon2id), the TOTP code (RFC 6238, from liboath here as an
 * authenticator app would make it), a replayed code, the backoff after
 * each failure and the lock after ten, a disabled operator, and that
 * every wrong answer gets the same words.
 *
 * Links the desk's objects (the Makefile's test_desk_% rule); the time
 * is an argument, so no test waits for a clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <liboath/oath.h>
#include <sodium.h>

#include "desk.h"
#include "error.h"
#include "login.h"
#include "operators.h"
#include "party.h"
#include "store.h"

#define HL_XSTR(x) #x
#define HL_STR(x) HL_XSTR(x)
#include "testlib.h"
#include "storelib.h"

/* A time at the start of a 30 s step, so that now + k stays in it. */
#define T0 ((int64_t)TL_CREATED / 30 * 30 + 30 * 1000)
#define PASSWORD "correct horse battery"
#define WRONG "correct horse battery?"

static const unsigned char secret[HL_TOTP_SECRET_LEN] = "12345678901234567890";

struct fx {
	char dir[TS_PATH_MAX];
	char path[TS_PATH_MAX];
	struct hl_party *me;
	struct hl_desk_shared *desk;
	struct hl_store *st;	/* the test's own handle, to look and change */
};

/* A hash of pw at libsodium's lowest cost, so the tests run fast: the
 * cost is kept in the hash, and a verify pays what the hash says. */
static void cheap_hash(const char *pw, char hash[HL_PWHASH_MAX])
{
	assert_int_equal(crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_MIN,
					   crypto_pwhash_MEMLIMIT_MIN), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char hash[HL_PWHASH_MAX], err[256] = "";

	assert_non_null(f);
	ts_dir_new(f->dir);
	ts_path(f->dir, HL_STORE_FILE, f->path);
	f->me = ts_party_new("ru-cert", 1);
	f->st = ts_open(f->path);
	assert_int_equal(hl_store_op_add(f->st, "ana", HL_ROLE_DUTY, HL_PRIORITY, T0), 0);
	cheap_hash(PASSWORD, hash);
	assert_int_equal(hl_store_op_set_password(f->st, "ana", hash), 0);
	assert_int_equal(hl_store_op_set_totp(f->st, "ana", secret, sizeof(secret)), 0);
	if (hl_desk_start(f->me, f->path, NULL, NULL, &f->desk, err, sizeof(err)) != 0)
		fail_msg("hl_desk_start: %s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	hl_desk_stop(f->desk);
	hl_store_close(f->st);
	hl_party_free(f->me);
	ts_dir_remove(f->dir);
	free(f);
	return 0;
}

/* The code an authenticator app shows at t. */
static void code_at(int64_t t, char out[8])
{
	assert_int_equal(oath_init(), OATH_OK);
	assert_int_equal(oath_totp_generate((const char *)secret, sizeof(secret), (time_t)t, 30,
					    0, 6, out), OATH_OK);
}

/* A login as name at t with pw and the code of time code_t. */
static int login(struct fx *f, const char *name, const char *pw, int64_t code_t, int64_t t,
		 struct hl_desk_err *e)
{
	struct hl_operator op;
	char code[8];
	int r;

	code_at(code_t, code);
	r = hl_desk_login(f->desk, name, pw, code, t, "https", &op, e);
	if (r == 0) {
		assert_string_equal(op.name, name);
		assert_int_equal(op.roles, HL_ROLE_DUTY);
		assert_int_equal(op.max_precedence, HL_PRIORITY);
	}
	return r;
}

static struct hl_op_row row(struct fx *f)
{
	struct hl_op_row o;

	assert_int_equal(hl_store_op_get(f->st, "ana", &o), 0);
	return o;
}

static void test_good_login(void **state)
{
	struct fx *f = *state;
	struct hl_desk_err e;

	assert_int_equal(login(f, "ana", PASSWORD, T0, T0, &e), 0);
	/* A code of the step before or after is accepted (clock drift). */
	assert_int_equal(login(f, "ana", PASSWORD, T0 + 30, T0 + 1, &e), 0);
}

static void test_replayed_code(void **state)
{
	struct fx *f = *state;
	struct hl_desk_err e, first;

	assert_int_equal(login(f, "ana", PASSWORD, T0, T0, &e), 0);
	/* The same code again, even in the same step: refused. */
	assert_int_equal(login(f, "ana", PASSWORD, T0, T0 + 5, &first), -1);
	assert_int_equal(first.status, 401);
	assert_int_equal(row(f).failures, 1);
	/* The code of an earlier step, still inside the window: refused. */
	assert_int_equal(login(f, "ana", PASSWORD, T0 - 30, T0 + 20, &e), -1);
	assert_int_equal(e.status, 401);
	/* The next step's code is new: accepted, and the failures cleared. */
	assert_int_equal(login(f, "ana", PASSWORD, T0 + 30, T0 + 30, &e), 0);
	assert_int_equal(row(f).failures, 0);
}

/* Every wrong answer gets the same status and words. */
static void test_same_words(void **state)
{
	struct fx *f = *state;
	struct hl_desk_err wrong_pw, wrong_code, no_one, bad_code;
	struct hl_operator op;

	assert_int_equal(login(f, "ana", WRONG, T0, T0, &wrong_pw), -1);
	assert_int_equal(login(f, "ana", PASSWORD, T0 + 300, T0 + 10, &wrong_code), -1);
	assert_int_equal(login(f, "bob", PASSWORD, T0, T0 + 100, &no_one), -1);
	assert_int_equal(hl_desk_login(f->desk, "ana", PASSWORD, "12345x", T0 + 200, "https",
				       &op, &bad_code), -1);
	assert_int_equal(wrong_pw.status, 401);
	assert_int_equal(wrong_code.status, 401);
	assert_int_equal(no_one.status, 401);
	assert_int_equal(bad_code.status, 401);
	assert_string_equal(wrong_pw.why, wrong_code.why);
	assert_string_equal(wrong_pw.why, no_one.why);
	assert_string_equal(wrong_pw.why, bad_code.why);
	assert_null(strstr(wrong_pw.why, "ana"));
}

/* After each failure the next try waits 1, 2, 4 ... s; a try while
 * waiting is refused unchecked (429, saying until when) and not
 * counted; the tenth failure locks ana until an admin enables her. */
static void test_ten_wrong_passwords_lock(void **state)
{
	struct fx *f = *state;
	struct hl_desk_err e;
	int64_t t = T0;

	for (unsigned n = 1; n <= 10; n++) {
		assert_int_equal(login(f, "ana", WRONG, t, t, &e), -1);
		assert_int_equal(e.status, 401);
		assert_int_equal(row(f).failures, n);
		if (n < 10) {
			assert_int_equal(row(f).locked_until, t + (1 << (n - 1)));
			/* Too soon, even with the right password: 429, uncounted. */
			assert_int_equal(login(f, "ana", PASSWORD, t, t, &e), -1);
			assert_int_equal(e.status, 429);
			assert_non_null(strstr(e.why, "may try again at"));
			assert_int_equal(row(f).failures, n);
			t += 1 << (n - 1);
		}
	}
	assert_int_equal(row(f).locked_until, HL_LOCKED_FOREVER);
	/* Locked: the right password and code a day later are refused. */
	assert_int_equal(login(f, "ana", PASSWORD, t + 86400, t + 86400, &e), -1);
	assert_int_equal(e.status, 429);
	assert_non_null(strstr(e.why, "hotline operator enable ana"));
	assert_int_equal(row(f).failures, 10);
	/* An admin enables her: she logs in again. */
	assert_int_equal(hl_store_op_set_disabled(f->st, "ana", false), 0);
	assert_int_equal(row(f).locked_until, 0);
	assert_int_equal(login(f, "ana", PASSWORD, t + 86430, t + 86430, &e), 0);
}

/* Nine failures, then a success: the count starts again from zero. */
static void test_success_resets(void **state)
{
	struct fx *f = *state;
	struct hl_desk_err e;
	int64_t t = T0;

	for (unsigned n = 1; n <= 9; n++) {
		assert_int_equal(login(f, "ana", WRONG, t, t, &e), -1);
		t += 1 << (n - 1);
	}
	assert_int_equal(login(f, "ana", PASSWORD, t, t, &e), 0);
	assert_int_equal(row(f).failures, 0);
	assert_int_equal(row(f).locked_until, 0);
	assert_int_equal(login(f, "ana", WRONG, t + 30, t + 30, &e), -1);
	assert_int_equal(row(f).failures, 1);
}

static void test_disabled(void **state)
{
	struct fx *f = *state;
	struct hl_desk_err e;

	assert_int_equal(hl_store_op_set_disabled(f->st, "ana", true), 0);
	/* A wrong password learns nothing of it. */
	assert_int_equal(login(f, "ana", WRONG, T0, T0, &e), -1);
	assert_int_equal(e.status, 401);
	assert_int_equal(login(f, "ana", PASSWORD, T0 + 30, T0 + 30, &e), -1);
	assert_int_equal(e.status, 403);
	assert_string_equal(e.why, "operator ana is disabled");
}

static void test_no_secrets_set(void **state)
{
	struct fx *f = *state;
	struct hl_desk_err e;
	char hash[HL_PWHASH_MAX];

	assert_int_equal(hl_store_op_add(f->st, "bob", HL_ROLE_DUTY, HL_PRIORITY, T0), 0);
	assert_int_equal(login(f, "bob", "", T0, T0, &e), -1);
	assert_int_equal(e.status, 401);
	/* A password but no TOTP secret: still no. */
	cheap_hash(PASSWORD, hash);
	assert_int_equal(hl_store_op_set_password(f->st, "bob", hash), 0);
	assert_int_equal(login(f, "bob", PASSWORD, T0 + 60, T0 + 60, &e), -1);
	assert_int_equal(e.status, 401);
}

/* What the desk stores: Argon2id at libsodium's interactive cost. */
static void test_hash(void **state)
{
	char hash[HL_PWHASH_MAX], want[64];

	(void)state;
	assert_int_equal(hl_login_hash(PASSWORD, hash), 0);
	snprintf(want, sizeof(want), "$argon2id$v=19$m=%llu,t=%llu,p=1$",
		 (unsigned long long)crypto_pwhash_MEMLIMIT_INTERACTIVE / 1024,
		 (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE);
	assert_memory_equal(hash, want, strlen(want));
	assert_true(hl_login_password_ok(hash, PASSWORD));
	assert_false(hl_login_password_ok(hash, WRONG));
	assert_false(hl_login_password_ok("", ""));
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(hl_login_backoff(0, 100), 0);
	assert_int_equal(hl_login_backoff(1, 100), 101);
	assert_int_equal(hl_login_backoff(9, 100), 100 + 256);
	assert_int_equal(hl_login_backoff(10, 100), HL_LOCKED_FOREVER);
	assert_int_equal(hl_login_backoff(11, 100), HL_LOCKED_FOREVER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replayed_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ten_wrong_passwords_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_resets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_secrets_set, setup, teardown),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_backoff),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

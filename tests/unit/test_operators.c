/* test_operators.c - the store's operators (operators.h) on a real
 * file: names, roles, the count of enabled admins, Unix users, the
 * secrets and the login counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "error.h"
#include "operators.h"
#include "party.h"
#include "store.h"

#define HL_XSTR(x) #x
#define HL_STR(x) HL_XSTR(x)
#include "testlib.h"
#include "storelib.h"

#define NOW (TL_CREATED + 3600)
#define DUTY 1u
#define ADMIN 8u

struct fx {
	char dir[TS_PATH_MAX];
	char path[TS_PATH_MAX];
	struct hl_store *st;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	ts_dir_new(f->dir);
	ts_path(f->dir, HL_STORE_FILE, f->path);
	f->st = ts_open(f->path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	hl_store_close(f->st);
	ts_dir_remove(f->dir);
	free(f);
	return 0;
}

static void test_add_get(void **state)
{
	struct fx *f = *state;
	struct hl_op_row o;

	assert_int_equal(hl_store_op_add(f->st, "ana", DUTY, HL_PRIORITY, NOW), 0);
	assert_int_equal(hl_store_op_add(f->st, "ana", ADMIN, HL_FLASH, NOW), -HL_EDUPLICATE);
	assert_int_equal(hl_store_op_add(f->st, "Ana", DUTY, HL_FLASH, NOW), -HL_ENAME);
	assert_int_equal(hl_store_op_add(f->st, "", DUTY, HL_FLASH, NOW), -HL_ENAME);
	assert_int_equal(hl_store_op_get(f->st, "ana", &o), 0);
	assert_string_equal(o.name, "ana");
	assert_int_equal(o.roles, DUTY);
	assert_int_equal(o.max_precedence, HL_PRIORITY);
	assert_false(o.disabled);
	assert_int_equal(o.created, NOW);
	assert_false(o.has_password);
	assert_false(o.has_totp);
	assert_int_equal(hl_store_op_get(f->st, "bob", &o), -HL_ENOTFOUND);
	/* Roles are desk.h's four bits; the table refuses any other. */
	assert_int_equal(hl_store_op_add(f->st, "bob", 16, HL_FLASH, NOW), -HL_ESTORE);
}

static void test_admins_counted(void **state)
{
	struct fx *f = *state;
	uint64_t n;

	assert_int_equal(hl_store_op_add(f->st, "ana", ADMIN | DUTY, HL_FLASH, NOW), 0);
	assert_int_equal(hl_store_op_add(f->st, "bob", ADMIN, HL_FLASH, NOW), 0);
	assert_int_equal(hl_store_op_add(f->st, "cy", DUTY, HL_FLASH, NOW), 0);
	assert_int_equal(hl_store_op_count(f->st, ADMIN, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(hl_store_op_set_disabled(f->st, "bob", true), 0);
	assert_int_equal(hl_store_op_count(f->st, ADMIN, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hl_store_op_set_roles(f->st, "ana", DUTY, HL_ROUTINE), 0);
	assert_int_equal(hl_store_op_count(f->st, ADMIN, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(hl_store_op_set_roles(f->st, "dee", DUTY, HL_ROUTINE), -HL_ENOTFOUND);
	assert_int_equal(hl_store_op_set_disabled(f->st, "dee", true), -HL_ENOTFOUND);
}

static int add_user(void *ctx, const char *user)
{
	char *out = ctx;

	strcat(out, user);
	strcat(out, " ");
	return 0;
}

static void test_unix_users(void **state)
{
	struct fx *f = *state;
	char name[HL_NAME_MAX + 1], users[128] = "";
	struct hl_op_row row;

	assert_int_equal(hl_store_op_add(f->st, "ana", DUTY, HL_FLASH, NOW), 0);
	assert_int_equal(hl_store_op_add(f->st, "bob", DUTY, HL_FLASH, NOW), 0);
	assert_int_equal(hl_store_op_map(f->st, "root", "ana"), 0);
	assert_int_equal(hl_store_op_map(f->st, "ana_1", "ana"), 0);
	/* One operator per user; an operator may have several. */
	assert_int_equal(hl_store_op_map(f->st, "root", "bob"), -HL_EDUPLICATE);
	assert_int_equal(hl_store_op_map(f->st, "x", "nobody-here"), -HL_ENOTFOUND);
	assert_int_equal(hl_store_op_map(f->st, "-x", "ana"), -HL_ENAME);
	assert_int_equal(hl_store_op_map(f->st, "a/b", "ana"), -HL_ENAME);
	assert_int_equal(hl_store_op_by_user(f->st, "root", name), 0);
	assert_string_equal(name, "ana");
	assert_int_equal(hl_store_op_by_user(f->st, "daemon", name), -HL_ENOTFOUND);
	assert_int_equal(hl_store_op_get_by_user(f->st, "ana_1", &row), 0);
	assert_string_equal(row.name, "ana");
	assert_int_equal(hl_store_op_get_by_user(f->st, "daemon", &row), -HL_ENOTFOUND);
	assert_int_equal(hl_store_op_users(f->st, "ana", add_user, users), 0);
	assert_string_equal(users, "ana_1 root ");
	assert_int_equal(hl_store_op_unmap(f->st, "root", "bob"), -HL_ENOTFOUND);
	assert_int_equal(hl_store_op_unmap(f->st, "root", "ana"), 0);
	assert_int_equal(hl_store_op_by_user(f->st, "root", name), -HL_ENOTFOUND);
	assert_int_equal(hl_store_op_get_by_user(f->st, "root", &row), -HL_ENOTFOUND);
	assert_int_equal(hl_store_op_map(f->st, "root", "bob"), 0);
	assert_int_equal(hl_store_op_get_by_user(f->st, "root", &row), 0);
	assert_string_equal(row.name, "bob");
}

static void test_secrets_and_counters(void **state)
{
	struct fx *f = *state;
	struct hl_op_secrets s;
	struct hl_op_row o;
	unsigned n;
	const unsigned char key[HL_TOTP_SECRET_LEN] = "abcdefghijklmnopqrst";

	assert_int_equal(hl_store_op_add(f->st, "ana", DUTY, HL_FLASH, NOW), 0);
	assert_int_equal(hl_store_op_secrets(f->st, "ana", &s), 0);
	assert_string_equal(s.pwhash, "");
	assert_int_equal(s.totp_len, 0);
	assert_int_equal(hl_store_op_set_password(f->st, "ana", "$argon2id$x"), 0);
	assert_int_equal(hl_store_op_set_totp(f->st, "ana", key, sizeof(key)), 0);
	assert_int_equal(hl_store_op_secrets(f->st, "ana", &s), 0);
	assert_string_equal(s.pwhash, "$argon2id$x");
	assert_int_equal(s.totp_len, sizeof(key));
	assert_memory_equal(s.totp, key, sizeof(key));
	hl_op_secrets_wipe(&s);
	assert_int_equal(s.totp_len, 0);

	assert_int_equal(hl_store_op_failed(f->st, "ana", &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hl_store_op_failed(f->st, "ana", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(hl_store_op_lock(f->st, "ana", NOW + 2), 0);
	assert_int_equal(hl_store_op_get(f->st, "ana", &o), 0);
	assert_int_equal(o.failures, 2);
	assert_int_equal(o.locked_until, NOW + 2);
	assert_int_equal(hl_store_op_failed(f->st, "bob", &n), -HL_ENOTFOUND);

	/* A step is accepted once, and none before it. */
	assert_int_equal(hl_store_op_logged_in(f->st, "ana", 100), 0);
	assert_int_equal(hl_store_op_get(f->st, "ana", &o), 0);
	assert_int_equal(o.failures, 0);
	assert_int_equal(o.locked_until, 0);
	assert_int_equal(hl_store_op_logged_in(f->st, "ana", 100), -HL_EDUPLICATE);
	assert_int_equal(hl_store_op_logged_in(f->st, "ana", 99), -HL_EDUPLICATE);
	assert_int_equal(hl_store_op_logged_in(f->st, "ana", 101), 0);
	/* A new secret starts from step 0 again. */
	assert_int_equal(hl_store_op_set_totp(f->st, "ana", key, sizeof(key)), 0);
	assert_int_equal(hl_store_op_logged_in(f->st, "ana", 50), 0);

	/* A new password, or enabling, clears a lock. */
	assert_int_equal(hl_store_op_lock(f->st, "ana", HL_LOCKED_FOREVER), 0);
	assert_int_equal(hl_store_op_get(f->st, "ana", &o), 0);
	assert_int_equal(o.locked_until, HL_LOCKED_FOREVER);
	assert_int_equal(hl_store_op_set_disabled(f->st, "ana", false), 0);
	assert_int_equal(hl_store_op_get(f->st, "ana", &o), 0);
	assert_int_equal(o.locked_until, 0);
	assert_int_equal(hl_store_op_lock(f->st, "ana", NOW + 5), 0);
	assert_int_equal(hl_store_op_set_password(f->st, "ana", "$argon2id$y"), 0);
	assert_int_equal(hl_store_op_get(f->st, "ana", &o), 0);
	assert_int_equal(o.locked_until, 0);
}

static int stop_first(void *ctx, const struct hl_op_row *o)
{
	snprintf(ctx, HL_NAME_MAX + 1, "%s", o->name);
	return 7;
}

static void test_each_in_order(void **state)
{
	struct fx *f = *state;
	char first[HL_NAME_MAX + 1] = "";

	assert_int_equal(hl_store_op_add(f->st, "zed", DUTY, HL_FLASH, NOW), 0);
	assert_int_equal(hl_store_op_add(f->st, "amy", DUTY, HL_FLASH, NOW), 0);
	assert_int_equal(hl_store_op_each(f->st, stop_first, first), 7);
	assert_string_equal(first, "amy");
}

static void test_unix_names(void **state)
{
	(void)state;
	assert_true(hl_unix_name_valid("root"));
	assert_true(hl_unix_name_valid("Ana.B_c-1"));
	assert_true(hl_unix_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
	assert_false(hl_unix_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_false(hl_unix_name_valid(""));
	assert_false(hl_unix_name_valid("-rf"));
	assert_false(hl_unix_name_valid("a b"));
	assert_false(hl_unix_name_valid("a:b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admins_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unix_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secrets_and_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_in_order, setup, teardown),
		cmocka_unit_test(test_unix_names),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

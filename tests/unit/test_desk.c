/* test_desk.c - who may act (desk.c, actions.c, answer.c): each action's
 * right, and a duty officer's precedence cap, refused before anything
 * is read or written.  Runs the desk over a real, empty store; no
 * writer is needed, since nothing gets that far. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "desk.h"
#include "error.h"
#include "party.h"
#include "store.h"
#include "testlib.h"
#include "storelib.h"

struct fixture {
	char dir[TS_PATH_MAX];
	struct hl_party *me;
	struct hl_desk_shared *desk;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char db[TS_PATH_MAX], err[256];

	assert_non_null(f);
	ts_dir_new(f->dir);
	ts_path(f->dir, "hotline.db", db);
	f->me = ts_party_new("eg-cert", 1);
	assert_int_equal(hl_desk_start(f->me, db, NULL, NULL, &f->desk, err, sizeof(err)), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hl_desk_stop(f->desk);
	hl_party_free(f->me);
	ts_dir_remove(f->dir);
	free(f);
	return 0;
}

/* Calls route method path as op with the JSON args; the refusal's
 * status, and the role it needs in needs (NULL for none). */
static unsigned call_as(struct fixture *f, const struct hl_operator *op, const char *method,
			const char *path, const char *args, const char **needs)
{
	const struct hl_desk_route *r = hl_desk_route(method, path);
	struct hl_desk_req q = {.op = op, .now = 1700000000, .door = "unix"};
	struct hl_desk_err e;
	json_t *a = json_loads(args, 0, NULL), *res;

	assert_non_null(r);
	assert_non_null(a);
	q.args = a;
	res = hl_desk_call(f->desk, r, &q, &e);
	json_decref(a);
	assert_null(res);
	*needs = e.needs;
	return e.status;
}

static unsigned call(struct fixture *f, const struct hl_operator *op, const char *path,
		     const char *args, const char **needs)
{
	return call_as(f, op, "POST", path, args, needs);
}

static const struct hl_operator duty = {"dora", HL_ROLE_DUTY, HL_PRIORITY, false};
static const struct hl_operator auditor = {"alan", HL_ROLE_AUDITOR, HL_ROUTINE, false};

/* Close and retract are a supervisor's: a duty officer is refused. */
static void test_close_retract_need_supervisor(void **state)
{
	const char *needs = NULL;

	assert_int_equal(call(*state, &duty, "/v1/case/close", "{\"case\":\"eg-cert#1\"}",
			      &needs), 403);
	assert_string_equal(needs, "supervisor");
	needs = NULL;
	assert_int_equal(call(*state, &duty, "/v1/retract",
			      "{\"id\":\"ru-cert/out/1\",\"text\":\"x\"}", &needs), 403);
	assert_string_equal(needs, "supervisor");
}

/* A duty officer capped at PRIORITY sends no FLASH nor IMMEDIATE. */
static void test_duty_cap(void **state)
{
	const char *needs = NULL;

	assert_int_equal(call(*state, &duty, "/v1/send",
			      "{\"to\":\"ru-cert\",\"text\":\"x\",\"precedence\":\"flash\"}",
			      &needs), 403);
	assert_string_equal(needs, "supervisor");
	needs = NULL;
	assert_int_equal(call(*state, &duty, "/v1/send",
			      "{\"case\":\"eg-cert#1\",\"text\":\"x\",\"precedence\":\"immediate\"}",
			      &needs), 403);
	assert_string_equal(needs, "supervisor");
	needs = NULL;
	/* A check runs at IMMEDIATE unless told. */
	assert_int_equal(call(*state, &duty, "/v1/check/run", "{\"link\":\"ru-cert\"}", &needs),
			 403);
	assert_string_equal(needs, "supervisor");
	/* At the cap, an update goes on, to find no such case. */
	needs = NULL;
	assert_int_equal(call(*state, &duty, "/v1/send",
			      "{\"case\":\"eg-cert#1\",\"text\":\"x\",\"precedence\":\"priority\"}",
			      &needs), 404);
	assert_null(needs);
}

/* An auditor reads everything and changes nothing. */
static void test_auditor_changes_nothing(void **state)
{
	static const char *const paths[] = {"/v1/send", "/v1/ack", "/v1/answer",
					    "/v1/correct", "/v1/check/run"};
	const char *needs = NULL;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		needs = NULL;
		assert_int_equal(call(*state, &auditor, paths[i], "{}", &needs), 403);
		assert_string_equal(needs, "duty");
	}
}

/* Bad input is refused before the store is read. */
static void test_bad_input(void **state)
{
	static const struct hl_operator all = {"root", HL_ROLES_ALL, HL_FLASH, false};
	const char *needs = NULL;

	assert_int_equal(call(*state, &all, "/v1/send",
			      "{\"to\":\"ru-cert\",\"text\":\"x\",\"kind\":\"answer\"}", &needs),
			 400);
	/* What becomes of the link is not sent as a message of its own. */
	assert_int_equal(call(*state, &all, "/v1/send",
			      "{\"to\":\"ru-cert\",\"text\":\"x\",\"kind\":\"suspend\"}", &needs),
			 400);
	assert_int_equal(call(*state, &all, "/v1/ack", "{\"id\":\"ru-cert/out/1\"}", &needs),
			 400);
	assert_int_equal(call(*state, &all, "/v1/answer",
			      "{\"id\":\"ru-cert/1\",\"answer\":\"declined\"}", &needs), 400);
	assert_int_equal(call(*state, &all, "/v1/retract", "{\"id\":\"ru-cert/1\"}", &needs),
			 422);
	assert_int_equal(call(*state, &all, "/v1/case/close", "{\"case\":\"nobody#1\"}",
			      &needs), 404);
}

/* A desk with no courier cannot ask a peer for its card: 503, after
 * the arguments are checked. */
static void test_card_without_courier(void **state)
{
	const char *needs = NULL;

	assert_int_equal(call_as(*state, &auditor, "GET", "/v1/link/card",
				 "{\"name\":\"ru-cert\"}", &needs), 503);
	assert_int_equal(call_as(*state, &auditor, "GET", "/v1/link/card", "{}", &needs), 400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_close_retract_need_supervisor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duty_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auditor_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_card_without_courier, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

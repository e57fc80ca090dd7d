/* test_groupboard.c - the board's reads of the store (groupboard.h) on
 * a real file: a group's messages newest first; a held member's record
 * naming its envelope once released; the latest escalation step of a
 * message; whether a held message still waits.
 *
 * ru-cert (A) owns the group; us-cert (B) and jp-cert (C) are members.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "error.h"
#include "groupboard.h"
#include "groups.h"
#include "held.h"
#include "party.h"
#include "store.h"

#include "testlib.h"
#include "storelib.h"

#include "grouplib.h"

/* Newest first, one call each, at most limit; another group's apart. */
static void test_messages(void **state)
{
	struct fx *f = *state;
	struct hl_group_envelope ge[2] = {row(f, &f->lb, GID1, 3, 0), row(f, &f->lc, GID1, 4, 0)};
	struct hl_group other;
	struct seen s = {0};

	assert_int_equal(hl_store_group_envelopes_put(f->st, ge, 2), 0);
	ge[0] = row(f, &f->lb, GID2, 5, 0);
	assert_int_equal(hl_store_group_envelopes_put(f->st, ge, 1), 0);
	assert_int_equal(hl_store_group_messages(f->st, f->g.id, 10, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ge[0].gid, GID2);
	assert_string_equal(s.ge[1].gid, GID1);
	assert_string_equal(s.ge[1].group_name, "osce");
	assert_string_equal(s.ge[1].kind, "notify");
	assert_int_equal(s.ge[1].precedence, HL_FLASH);
	assert_int_equal(s.ge[1].case_no, 7);
	assert_string_equal(s.ge[1].op, "ana");
	s.n = 0;
	assert_int_equal(hl_store_group_messages(f->st, f->g.id, 1, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.ge[0].gid, GID2);
	assert_int_equal(hl_store_group_create(f->st, "poc", false, NOW, "ana"), 0);
	assert_int_equal(hl_store_group_get(f->st, "poc", &other), 0);
	s.n = 0;
	assert_int_equal(hl_store_group_messages(f->st, other.id, 10, collect, &s), 0);
	assert_int_equal(s.n, 0);
}

/* A held member's record gets its seq when the held message goes; no
 * other row changes. */
static void test_held_sent(void **state)
{
	struct fx *f = *state;
	struct hl_group_envelope ge[2] = {row(f, &f->lb, GID1, 3, 0), row(f, &f->lc, GID1, 0, 5)};
	struct seen s = {0};

	assert_int_equal(hl_store_group_envelopes_put(f->st, ge, 2), 0);
	assert_int_equal(hl_store_group_held_sent(f->st, f->lc.id, 6, 9), 0);
	assert_int_equal(hl_store_group_held_sent(f->st, f->lb.id, 5, 9), 0);
	assert_int_equal(hl_store_group_envelopes(f->st, GID1, collect, &s), 0);
	assert_int_equal(s.ge[0].seq, 0);
	assert_int_equal(hl_store_group_held_sent(f->st, f->lc.id, 5, 9), 0);
	s.n = 0;
	assert_int_equal(hl_store_group_envelopes(f->st, GID1, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ge[0].link_name, "jp-cert");
	assert_int_equal(s.ge[0].seq, 9);
	assert_int_equal(s.ge[0].held, 5);
	assert_int_equal(s.ge[1].seq, 3);
}

/* The latest step of any event, or of one. */
static void test_escalation_last(void **state)
{
	struct fx *f = *state;
	struct hl_escalation_step e;

	assert_int_equal(hl_store_escalation_last(f->st, f->lb.id, HL_OURS, 3, NULL, &e),
			 -HL_ENOTFOUND);
	assert_int_equal(hl_store_escalation_put(f->st, f->lb.id, HL_OURS, 3, "receipt-overdue",
						 0, NOW, "running"), 0);
	assert_int_equal(hl_store_escalation_put(f->st, f->lb.id, HL_OURS, 3, "peer-ack-overdue",
						 0, NOW + 5, "skipped"), 0);
	assert_int_equal(hl_store_escalation_put(f->st, f->lb.id, HL_OURS, 3, "peer-ack-overdue",
						 1, NOW + 5, "running"), 0);
	assert_int_equal(hl_store_escalation_done(f->st, f->lb.id, HL_OURS, 3, "peer-ack-overdue",
						  1, "ok", "command exit 0"), 0);
	assert_int_equal(hl_store_escalation_last(f->st, f->lb.id, HL_OURS, 3, NULL, &e), 0);
	assert_string_equal(e.event, "peer-ack-overdue");
	assert_int_equal(e.step, 1);
	assert_int_equal(e.fired, NOW + 5);
	assert_string_equal(e.status, "ok");
	assert_int_equal(hl_store_escalation_last(f->st, f->lb.id, HL_OURS, 3, "receipt-overdue",
						  &e), 0);
	assert_int_equal(e.step, 0);
	assert_string_equal(e.status, "running");
	assert_int_equal(hl_store_escalation_last(f->st, f->lb.id, HL_THEIRS, 3, NULL, &e),
			 -HL_ENOTFOUND);
	assert_int_equal(hl_store_escalation_last(f->st, f->lc.id, HL_OURS, 3, NULL, &e),
			 -HL_ENOTFOUND);
}

/* Held while its row is there; not once dropped. */
static void test_held_waiting(void **state)
{
	struct fx *f = *state;
	struct hl_held h = {.link = f->lb.id, .queued = NOW, .kind = "notify",
			    .precedence = HL_FLASH, .content = (const unsigned char *)"{}",
			    .len = 2, .op_name = "ana", .op_role = "duty"};
	bool waiting = true;

	assert_int_equal(hl_store_held_waiting(f->st, 1, &waiting), 0);
	assert_false(waiting);
	assert_int_equal(hl_store_held_put(f->st, &h), 0);
	assert_int_equal(hl_store_held_waiting(f->st, h.id, &waiting), 0);
	assert_true(waiting);
	assert_int_equal(hl_store_held_drop(f->st, h.id), 0);
	assert_int_equal(hl_store_held_waiting(f->st, h.id, &waiting), 0);
	assert_false(waiting);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escalation_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_waiting, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("groupboard", tests, group_setup, group_teardown);
}

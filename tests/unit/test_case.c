/* test_case.c - a case's state folded from its messages (case.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "case.h"
#include "error.h"

/* A case between eg-cert (our side, 0) and ru-cert (theirs, 1), opened
 * by eg-cert#1 at t=100. */
static struct hl_case_event ev(int side, uint64_t seq, int64_t t, const char *type,
			       int ref_side, uint64_t ref_seq)
{
	struct hl_case_event e = {.side = side, .seq = seq, .time = t, .ref_side = ref_side,
				  .ref_seq = ref_seq};

	strcpy(e.from, side == HL_OURS ? "eg-cert" : "ru-cert");
	strcpy(e.type, type);
	strcpy(e.precedence, "routine");
	return e;
}

static struct hl_case *new_case(const struct hl_case_event *e, size_t n)
{
	struct hl_case *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->ev = calloc(n, sizeof(*e));
	assert_non_null(c->ev);
	memcpy(c->ev, e, n * sizeof(*e));
	c->n = n;
	c->side = HL_OURS;
	c->seq = 1;
	strcpy(c->id, "eg-cert#1");
	hl_case_fold(c);
	return c;
}

static void drop(struct hl_case *c)
{
	hl_case_free(c);
	free(c);
}

static const struct hl_case_event *find(const struct hl_case *c, int side, uint64_t seq)
{
	int i = hl_case_find(c, side, seq);

	assert_true(i >= 0);
	return &c->ev[i];
}

static void test_request_answered(void **state)
{
	struct hl_case_event e[] = {
		ev(HL_OURS, 1, 100, "notify", -1, 0),
		ev(HL_OURS, 2, 110, "request", -1, 0),
		/* The answer is dated before the request (clocks differ) and
		 * its sender's name sorts first: it still follows it. */
		ev(HL_THEIRS, 1, 105, "answer", HL_OURS, 2),
		ev(HL_THEIRS, 2, 200, "answer", HL_OURS, 2),
	};
	struct hl_case *c;

	(void)state;
	strcpy(e[0].severity, "high");
	strcpy(e[0].category, "availability/ddos");
	e[1].actions = 1;
	strcpy(e[2].answer, "accepted");
	strcpy(e[3].answer, "done");
	c = new_case(e, 4);
	assert_string_equal(c->state, "open");
	assert_string_equal(c->severity, "high");
	assert_string_equal(c->category, "availability/ddos");
	assert_string_equal(find(c, HL_OURS, 2)->state, "done");
	assert_int_equal(find(c, HL_THEIRS, 1)->flags, 0);
	assert_int_equal(c->requests, 1);
	assert_int_equal(c->pending, 0);
	/* The fold order: the request, then both answers. */
	assert_true(hl_case_find(c, HL_OURS, 2) < hl_case_find(c, HL_THEIRS, 1));
	assert_true(hl_case_find(c, HL_THEIRS, 1) < hl_case_find(c, HL_THEIRS, 2));
	drop(c);
}

static void test_rules(void **state)
{
	struct hl_case_event e[] = {
		ev(HL_OURS, 1, 100, "notify", -1, 0),
		ev(HL_OURS, 2, 110, "request", -1, 0),
		ev(HL_OURS, 3, 111, "request", -1, 0),
		ev(HL_THEIRS, 1, 120, "answer", HL_OURS, 2),	/* declined */
		ev(HL_THEIRS, 2, 121, "answer", HL_OURS, 2),	/* done after declined */
		ev(HL_OURS, 4, 122, "answer", HL_OURS, 3),	/* our own request */
		ev(HL_OURS, 5, 123, "retract", HL_OURS, 3),	/* withdraws it */
		ev(HL_THEIRS, 3, 124, "answer", HL_OURS, 3),	/* withdrawn */
		ev(HL_THEIRS, 4, 125, "retract", HL_OURS, 1),	/* not theirs */
		ev(HL_OURS, 6, 130, "correct", HL_OURS, 1),
		ev(HL_OURS, 7, 140, "close", -1, 0),
		ev(HL_THEIRS, 5, 150, "update", -1, 0),		/* after the close */
		ev(HL_THEIRS, 6, 151, "close", -1, 0),		/* closed already */
	};
	struct hl_case *c;

	(void)state;
	strcpy(e[0].severity, "high");
	strcpy(e[3].answer, "declined");
	strcpy(e[4].answer, "done");
	strcpy(e[5].answer, "done");
	strcpy(e[7].answer, "accepted");
	strcpy(e[9].severity, "low");
	strcpy(e[11].severity, "critical");
	c = new_case(e, sizeof(e) / sizeof(e[0]));
	assert_string_equal(c->state, "closed");
	assert_int_equal(c->closed, 140);
	/* The correction's severity replaces the notify's; the update after
	 * the close does not count. */
	assert_string_equal(c->severity, "low");
	assert_true(find(c, HL_OURS, 1)->flags & HL_EV_CORRECTED);
	assert_string_equal(find(c, HL_OURS, 2)->state, "declined");
	assert_string_equal(find(c, HL_THEIRS, 2)->why, "the request was already answered");
	assert_string_equal(find(c, HL_OURS, 4)->why, "answers its own sender's request");
	assert_string_equal(find(c, HL_OURS, 3)->state, "withdrawn");
	assert_string_equal(find(c, HL_THEIRS, 3)->why, "the request was withdrawn");
	assert_string_equal(find(c, HL_THEIRS, 4)->why, "names the other party's message");
	assert_false(find(c, HL_OURS, 1)->flags & HL_EV_RETRACTED);
	assert_string_equal(find(c, HL_THEIRS, 5)->why, "the case was closed");
	assert_string_equal(find(c, HL_THEIRS, 6)->why, "the case was already closed");
	assert_int_equal(c->requests, 1);
	assert_int_equal(c->pending, 0);
	drop(c);
}

static void test_retractions(void **state)
{
	struct hl_case_event e[] = {
		ev(HL_OURS, 1, 100, "notify", -1, 0),
		ev(HL_OURS, 2, 110, "close", -1, 0),
		ev(HL_OURS, 3, 120, "retract", HL_OURS, 2),	/* reopens */
		ev(HL_OURS, 4, 130, "request", -1, 0),
	};
	struct hl_case *c;

	(void)state;
	c = new_case(e, 4);
	assert_string_equal(c->state, "open");
	assert_int_equal(c->closed, 0);
	assert_string_equal(find(c, HL_OURS, 4)->state, "pending");
	assert_int_equal(c->pending, 1);
	drop(c);
	/* A retracted notify leaves the case retracted. */
	e[2].ref_seq = 1;
	c = new_case(e, 4);
	assert_string_equal(c->state, "retracted");
	drop(c);
}

/* Both parties hold the messages in a different order (each lists its
 * own log first); the state must not depend on it. */
static void test_order_independent(void **state)
{
	enum { N = 60 };
	struct hl_case_event e[N];
	char *first = NULL;

	(void)state;
	srand(7);
	e[0] = ev(HL_OURS, 1, 1000, "notify", -1, 0);
	for (int i = 1; i < N; i++) {
		static const char *const types[] = {"request", "answer", "update", "retract",
						    "correct", "close", "ack"};
		int side = rand() % 2;
		uint64_t seq = 1;

		for (int j = 0; j < i; j++)
			if (e[j].side == side)
				seq++;
		e[i] = ev(side, seq, 1000 + rand() % 20, types[rand() % 7], -1, 0);
		if (strcmp(e[i].type, "request") && strcmp(e[i].type, "update") &&
		    strcmp(e[i].type, "close")) {
			int t = rand() % i;

			e[i].ref_side = e[t].side;
			e[i].ref_seq = e[t].seq;
		}
		strcpy(e[i].answer, rand() % 2 ? "accepted" : "done");
		strcpy(e[i].severity, rand() % 2 ? "low" : "critical");
	}
	for (int round = 0; round < 20; round++) {
		struct hl_case *c;
		char *s;

		for (int i = N - 1; i > 0; i--) {
			int j = rand() % (i + 1);
			struct hl_case_event t = e[i];

			e[i] = e[j];
			e[j] = t;
		}
		c = new_case(e, N);
		s = hl_case_json(c);
		assert_non_null(s);
		if (!first)
			first = s;
		else {
			assert_string_equal(s, first);
			free(s);
		}
		drop(c);
	}
	free(first);
}

/* A long case: the walk that orders it keeps its own stack (each
 * message follows its sender's previous one, a chain as long as the
 * case), and every request finds its answer. */
static void test_long_case(void **state)
{
	enum { N = 40001 };
	struct hl_case_event *e = calloc(N, sizeof(*e));
	struct hl_case *c;

	(void)state;
	assert_non_null(e);
	e[0] = ev(HL_OURS, 1, 1000, "notify", -1, 0);
	for (uint64_t i = 1; i < N; i += 2) {
		/* Our request i, their answer to it, all signed in one second. */
		e[i] = ev(HL_OURS, 1 + (i + 1) / 2, 2000, "request", -1, 0);
		e[i + 1] = ev(HL_THEIRS, (i + 1) / 2, 2000, "answer", HL_OURS, e[i].seq);
		strcpy(e[i + 1].answer, "done");
	}
	c = new_case(e, N);
	free(e);
	assert_string_equal(c->state, "open");
	assert_int_equal(c->requests, N / 2);
	assert_int_equal(c->pending, 0);
	for (size_t i = 0; i < c->n; i++)
		assert_int_equal(c->ev[i].flags & HL_EV_IGNORED, 0);
	drop(c);
}

/* A second notify of the case's number (index.c puts it in the case
 * of the first) counts for nothing: its fields are not the case's. */
static void test_second_notify(void **state)
{
	struct hl_case_event e[] = {
		ev(HL_OURS, 1, 100, "notify", -1, 0),
		ev(HL_OURS, 3, 120, "notify", -1, 0),
		ev(HL_OURS, 4, 130, "update", -1, 0),
	};
	struct hl_case *c;

	(void)state;
	strcpy(e[0].severity, "high");
	strcpy(e[1].severity, "low");
	strcpy(e[1].tlp, "TLP:RED");
	strcpy(e[2].category, "availability/ddos");
	c = new_case(e, 3);
	assert_string_equal(c->state, "open");
	assert_string_equal(c->severity, "high");
	assert_string_equal(c->tlp, "");
	assert_string_equal(c->category, "availability/ddos");
	assert_true(find(c, HL_OURS, 3)->flags & HL_EV_IGNORED);
	assert_string_equal(find(c, HL_OURS, 3)->why,
			    "its sender opened a case of this number before");
	assert_int_equal(find(c, HL_OURS, 1)->flags, 0);
	assert_int_equal(c->opened, 100);
	drop(c);
}

/* Each event keeps who made it, and the case's JSON says so in the
 * same words on both sides; a message that names nobody has no "by". */
static void test_by(void **state)
{
	struct hl_case_event e[] = {
		ev(HL_OURS, 1, 100, "notify", -1, 0),
		ev(HL_THEIRS, 1, 110, "ack", HL_OURS, 1),
	};
	struct hl_case *c;
	char *s;

	(void)state;
	strcpy(e[1].op_name, "ana");
	strcpy(e[1].op_role, "duty");
	c = new_case(e, 2);
	assert_string_equal(find(c, HL_THEIRS, 1)->op_name, "ana");
	s = hl_case_json(c);
	assert_non_null(s);
	assert_string_equal(s, "{\"category\":\"\",\"closed\":0,\"id\":\"eg-cert#1\","
			    "\"messages\":[{\"id\":\"eg-cert#1\",\"type\":\"notify\"},"
			    "{\"by\":{\"name\":\"ana\",\"role\":\"duty\"},\"id\":\"ru-cert#1\","
			    "\"type\":\"ack\"}],\"opened\":100,\"severity\":\"\",\"state\":\"open\","
			    "\"tlp\":\"\"}");
	free(s);
	drop(c);
}

static void test_case_id(void **state)
{
	char name[HL_NAME_MAX + 1];
	uint64_t seq = 0;

	(void)state;
	assert_true(hl_case_id_parse("eg-cert#12", name, &seq));
	assert_string_equal(name, "eg-cert");
	assert_int_equal(seq, 12);
	assert_true(hl_case_id_parse("cert-7#3", name, &seq));
	assert_string_equal(name, "cert-7");
	assert_false(hl_case_id_parse("eg-cert#0", name, &seq));
	assert_false(hl_case_id_parse("eg-cert#012", name, &seq));
	assert_false(hl_case_id_parse("#12", name, &seq));
	assert_false(hl_case_id_parse("eg-cert#", name, &seq));
	assert_false(hl_case_id_parse("eg-cert#12x", name, &seq));
	assert_false(hl_case_id_parse("eg cert#12", name, &seq));
	assert_false(hl_case_id_parse("eg-cert#99999999999999999999", name, &seq));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_answered),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_retractions),
		cmocka_unit_test(test_order_independent),
		cmocka_unit_test(test_long_case),
		cmocka_unit_test(test_second_notify),
		cmocka_unit_test(test_by),
		cmocka_unit_test(test_case_id),
	};

	return cmocka_run_group_tests_name("case", tests, NULL, NULL);
}

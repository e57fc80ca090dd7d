#!/bin/sh
# The audit trail: every action and every refusal through the operator
# API is an entry, with its operator, role, door and HTTP status;
# 'hotline audit' lists them as a table or JSON, a page at a time.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
SOCK="$TEST_DIR/ru-cert/hotlined.sock"
ME=$(id -un)

# api METHOD PATH [BODY] : the reply's body in reply, its status in code.
api() {
	curl -s --unix-socket "$SOCK" -X "$1" -o reply -w '%{http_code}' \
		-H 'Content-Type: application/json' ${3:+--data-binary "$3"} \
		"http://hotlined$2" >code
}

# trail : 'hotline audit --json' into the file trail.
trail() {
	hl ru-cert audit --json --limit 1000 >trail
}

# The links were added and confirmed through hotlined: those entries
# come first, B of them; the test's own are numbered after.
B=0

# entry N FIELD : field FIELD of the test's entry N (entry B+N) in the
# file trail.
entry() {
	perl -MJSON::PP -e '
		open(my $f, "<", "trail") or die;
		my ($e) = grep { $_->{seq} == $ARGV[0] + $ARGV[2] } map { JSON::PP->new->decode($_) } <$f>;
		my $v = $e->{$ARGV[1]};
		print ref $v ? JSON::PP->new->canonical->encode($v) : $v' "$1" "$2" "$B"
}

test_expect_success 'hotlined starts; the trail holds the links being added and confirmed' '
	start_daemon ru-cert &&
	hl ru-cert audit --json >out && test -s out &&
	! grep -v "\"action\":\"/v1/link/" out &&
	test "$(wc -l <out)" -ge 2
'
B=$(wc -l <"$TEST_DIR/out")

test_expect_success 'a send is an entry with its operator, role, door and status' '
	api POST /v1/send "{\"to\":\"us-cert\",\"text\":\"hello\"}" && test "$(cat code)" = 200 &&
	trail &&
	test "$(entry 1 action)" = /v1/send &&
	test "$(entry 1 operator)" = "$ME" &&
	test "$(entry 1 role)" = duty &&
	test "$(entry 1 door)" = unix &&
	test "$(entry 1 status)" = 200 &&
	# The words as their digest: the trail keeps no message in clear.
	test "$(entry 1 detail)" = "{\"text\":{\"sha256\":\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\",\"size\":5},\"to\":\"us-cert\"}"
'

test_expect_success 'refusals are entries too: an unknown link, an unknown argument' '
	api POST /v1/send "{\"to\":\"nobody\",\"text\":\"x\"}" && test "$(cat code)" = 404 &&
	api POST /v1/send "{\"to\":\"us-cert\",\"text\":\"x\",\"colour\":1}" &&
	test "$(cat code)" = 400 && trail &&
	test "$(entry 2 status)" = 404 && test "$(entry 3 status)" = 400
'

test_expect_success 'a body that is not JSON, or too large, is refused and recorded' '
	api POST /v1/send "{\"to\":" && test "$(cat code)" = 400 &&
	perl -e "print q({\"text\":\"), q(x) x 20000, q(\"})" >big &&
	curl -s --unix-socket "$SOCK" -o reply -w "%{http_code}" \
		-H "Content-Type: application/json" --data-binary @big \
		http://hotlined/v1/audit/verify >code &&
	test "$(cat code)" = 413 && trail &&
	test "$(entry 4 status)" = 400 && test "$(entry 4 action)" = /v1/send &&
	entry 4 detail | grep -q "\"error\"" &&
	test "$(entry 5 status)" = 413 &&
	test "$(entry 5 action)" = /v1/audit/verify
'

test_expect_success 'reads are not entries; the table shows each entry' '
	api GET /v1/status && test "$(cat code)" = 200 &&
	hl ru-cert audit >table &&
	test "$(wc -l <table)" = $((B + 6)) &&
	head -n 1 table | grep -q "^SEQ *TIME *OPERATOR *ROLE *ACTION *STATUS" &&
	grep -q "^$((B + 1)) .* $ME .* duty .*/v1/send .* 200$" table &&
	grep -q "^$((B + 5)) .* 413$" table
'

test_expect_success 'paging: --after and --limit, one JSON object a line' '
	hl ru-cert audit --json --after $((B + 1)) --limit 2 >page &&
	test "$(wc -l <page)" = 2 &&
	head -n 1 page | grep -q "^{\"action\":\"/v1/send\",.*\"seq\":$((B + 2))," &&
	hl ru-cert audit --after $((B + 2)) --limit 2 >table &&
	grep -q "^more: hotline audit --after $((B + 4))" table &&
	hl ru-cert audit --after $((B + 4)) >table &&
	! grep -q "^more" table &&
	curl -s --unix-socket "$SOCK" "http://hotlined/v1/audit?after=$((B + 1))&limit=2" >reply &&
	grep -q "\"next\":$((B + 3))}$" reply &&
	curl -s --unix-socket "$SOCK" "http://hotlined/v1/audit?after=$((B + 4))" >reply &&
	grep -q "\"next\":null}$" reply
'

test_expect_success 'bad paging arguments are refused (and recorded)' '
	expect_code 1 hl ru-cert audit --limit 0 &&
	grep -q "limit" "$TEST_DIR/ru-cert.err" &&
	api GET "/v1/audit?limit=abc" && test "$(cat code)" = 400 &&
	api GET "/v1/audit?colour=1" && test "$(cat code)" = 400 && trail &&
	test "$(entry 8 action)" = /v1/audit && test "$(entry 8 status)" = 400 &&
	expect_code 2 hl ru-cert audit --limit x
'

test_expect_success 'with hotlined stopped, audit says so and fails' '
	stop_daemon ru-cert &&
	expect_code 1 hl ru-cert audit &&
	grep -q "not running" "$TEST_DIR/ru-cert.err"
'

test_done

#!/bin/sh
# One-time login tickets: an admin issues one for an operator (POST
# /v1/operator/ticket, 'hotline operator ticket NAME'); POST /v1/login
# {"ticket"} on the HTTPS door opens a session for that operator once,
# as a password login does.  A spent, an expired (hotlined's clock
# moved on by libfaketime) or an unknown ticket is 401 in its own
# words; a disabled or locked operator's ticket is refused; a duty
# officer may not issue one; a restart voids every ticket.  The trail has the issue and each use, never a ticket,
# and no ticket is kept on disk.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"

command -v faketime >/dev/null 2>&1 || { echo "1..0 # SKIP faketime is not installed"; exit 0; }
# The daemon's clock offset is read from a file at each call, so the
# test moves it while hotlined runs (tickets live in its memory only).
CLOCK="$TEST_DIR/clock"
echo "+0" >"$CLOCK"

new_party eg-cert "$(free_port)"
console_on eg-cert
PORT=$(cat "$TEST_DIR/eg-cert.console")
HEX64='^[0-9a-f]\{64\}$'

# ticket NAME : an admin's ticket for operator NAME over the unix
# socket; the answer in reply, the ticket printed.
ticket() {
	unix_api eg-cert POST /v1/operator/ticket "{\"name\":\"$1\"}" &&
	test "$(cat code)" = 200 && field ticket
}

# trail : the audit trail as JSON lines.
trail() {
	hl eg-cert audit --json --limit 1000 >trail
}

# in_trail CONDITION : an entry of the file trail meets the jq condition.
in_trail() {
	jq -s -e "any(.[]; $1)" trail >/dev/null || { echo "no entry where $1"; return 1; }
}

test_expect_success 'hotlined starts, its clock from a file; two duty officers' '
	(
		export LD_PRELOAD="$FAKETIME_LIB" FAKETIME_TIMESTAMP_FILE="$CLOCK" \
			FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1 \
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
		start_daemon eg-cert
	) &&
	unix_api eg-cert GET /v1/whoami && field name >me && test -s me &&
	hl eg-cert operator add duty1 --role duty >/dev/null &&
	hl eg-cert operator add duty2 --role duty >/dev/null
'

test_expect_success 'an admin issues a ticket: 256 bits, 10 minutes, the console URL' '
	before=$(date +%s) && ticket duty1 >t1 && after=$(date +%s) &&
	grep -q "$HEX64" t1 &&
	test "$(field name)" = duty1 &&
	expires=$(field expires) &&
	test "$expires" -ge $((before + 600)) && test "$expires" -le $((after + 600)) &&
	test "$(field url)" = "https://127.0.0.1:$PORT/#ticket=$(cat t1)" &&
	test "$(ticket duty1)" != "$(cat t1)"
'

test_expect_success 'the ticket opens a session as a password login does' '
	login_ticket eg-cert "$(cat t1)" && test "$(cat code)" = 200 &&
	test "$(field name)" = duty1 &&
	grep -q "$HEX64" eg-cert.csrf &&
	has_header "Set-Cookie: __Host-hotline-session=[0-9a-f]\{64\}; HttpOnly; Secure; SameSite=Strict; Path=/" &&
	web eg-cert GET /v1/whoami && test "$(cat code)" = 200 && test "$(field name)" = duty1 &&
	web_csrf eg-cert POST /v1/wake --data-binary "{}" && test "$(cat code)" = 200
'

test_expect_success 'a duty officer may not issue a ticket: 403 naming the admin role' '
	web_csrf eg-cert POST /v1/operator/ticket --data-binary "{\"name\":\"duty1\"}" &&
	is_error 403 "admin" && test "$(field needs)" = admin
'

test_expect_success 'a second use is refused, as are unknown tickets, and set no cookie' '
	rm -f eg-cert.jar &&
	login_ticket eg-cert "$(cat t1)" && is_error 401 "used already" &&
	! grep -qi "^set-cookie" headers &&
	login_ticket eg-cert "$(printf "%064d" 7)" && is_error 401 "no such login ticket" &&
	login_ticket eg-cert "$(cut -c1-63 t1)" && is_error 401 "no such login ticket" &&
	web eg-cert POST /v1/login --data-binary "{\"ticket\":\"$(cat t1)\",\"name\":\"duty1\"}" &&
	is_error 400 "name" &&
	web eg-cert GET /v1/whoami && is_error 401 "no session"
'

test_expect_success 'a ticket past its 10 minutes has expired, and says so' '
	ticket duty2 >t2 &&
	echo "+610" >"$CLOCK" &&
	login_ticket eg-cert "$(cat t2)" && is_error 401 "expired" &&
	login_ticket eg-cert "$(cat t2)" && is_error 401 "expired" &&
	ticket duty2 >t3 &&
	login_ticket eg-cert "$(cat t3)" && test "$(cat code)" = 200 &&
	test "$(field name)" = duty2
'

test_expect_success 'a disabled operator gets no ticket, and its ticket is refused' '
	ticket duty2 >t4 &&
	hl eg-cert operator disable duty2 >/dev/null &&
	unix_api eg-cert POST /v1/operator/ticket "{\"name\":\"duty2\"}" &&
	is_error 409 "disabled" &&
	login_ticket eg-cert "$(cat t4)" && is_error 403 "operator duty2 is disabled" &&
	hl eg-cert operator enable duty2 >/dev/null &&
	login_ticket eg-cert "$(cat t4)" && is_error 401 "used already"
'

# A failed login locks an operator for a second: moving hotlined's
# clock back 10 minutes makes that lock last, for what follows.
test_expect_success 'a locked operator is refused (429), as with a password' '
	ticket duty1 >t9 &&
	web eg-cert POST /v1/login \
		--data-binary "{\"name\":\"duty1\",\"password\":\"wrong\",\"totp\":\"000000\"}" &&
	is_error 401 &&
	echo "+0" >"$CLOCK" &&
	login_ticket eg-cert "$(cat t9)" && is_error 429 "operator duty1 may try again" &&
	hl eg-cert operator enable duty1 >/dev/null
'

test_expect_success 'a few dozen are kept: the oldest is dropped' '
	ticket duty1 >t5 &&
	urls=$(i=0; while [ $i -lt 40 ]; do printf "http://hotlined/v1/operator/ticket "; i=$((i + 1)); done) &&
	curl -s --unix-socket eg-cert/hotlined.sock -H "Content-Type: application/json" \
		--data-binary "{\"name\":\"duty1\"}" $urls >forty &&
	test "$(grep -o "\"ticket\":" forty | wc -l)" = 40 &&
	ticket duty1 >t6 &&
	login_ticket eg-cert "$(cat t5)" && is_error 401 "no such login ticket" &&
	login_ticket eg-cert "$(cat t6)" && test "$(cat code)" = 200
'

test_expect_success 'the trail has each issue, use and refusal, never a ticket' '
	trail &&
	in_trail ".action == \"/v1/operator/ticket\" and .status == 200 and
		.operator == \"$(cat me)\" and .detail == {\"name\": \"duty1\"}" &&
	in_trail ".action == \"/v1/operator/ticket\" and .status == 403 and .operator == \"duty1\"" &&
	in_trail ".action == \"login\" and .status == 200 and .operator == \"duty1\" and
		.door == \"https\" and .detail.with == \"ticket\" and
		.detail.issued_by == \"$(cat me)\"" &&
	for reason in "ticket used already" "ticket expired" "unknown ticket" disabled waiting; do
		in_trail ".action == \"login-failed\" and .status >= 400 and
			.detail.with == \"ticket\" and .detail.reason == \"$reason\"" || exit 1
	done &&
	for t in t1 t2 t3 t4 t5 t6 t9; do
		! grep -q "$(cat $t)" trail || { echo "$t is in the trail"; exit 1; }
		! grep -rqa "$(cat $t)" eg-cert/ || { echo "$t is on disk"; exit 1; }
	done
'

test_expect_success 'hotline operator ticket prints the URL and its expiry in local time' '
	TZ=Asia/Tokyo hl eg-cert operator ticket duty1 >out && cat out &&
	grep -q "^One-time console login for duty1, good until [0-9-]\{10\} [0-9:]\{8\} JST:$" out &&
	sed -n "s|^  https://127.0.0.1:$PORT/#ticket=||p" out >t7 && grep -q "$HEX64" t7 &&
	TZ=UTC hl eg-cert operator ticket duty1 >out && grep -q " UTC:$" out &&
	login_ticket eg-cert "$(cat t7)" && test "$(cat code)" = 200 &&
	hl eg-cert operator ticket duty1 --json >reply && test "$(field name)" = duty1 &&
	expect_code 2 hl eg-cert operator ticket &&
	hl eg-cert help operator >help && grep -q "hotline operator ticket NAME" help
'

test_expect_success 'a restart voids every ticket' '
	ticket duty1 >t8 &&
	stop_daemon eg-cert && start_daemon eg-cert &&
	login_ticket eg-cert "$(cat t8)" && is_error 401 "no such login ticket"
'

test_expect_success 'hotlined stops cleanly' 'stop_daemon eg-cert'

test_done

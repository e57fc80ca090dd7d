#!/bin/sh
# A session ends console.idle after its last request (the answer says
# it expired), and console.lifetime after its login however busy it
# is; each request re-reads its operator from the store, so a changed
# role or a disabled operator takes effect at the very next request.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"

new_party eg-cert "$(free_port)"
console_on eg-cert "console.idle = 3s" "console.lifetime = 6s"
PW='correct horse battery staple'

test_expect_success 'hotlined starts; two operators get passwords and TOTP secrets' '
	start_daemon eg-cert &&
	unix_api eg-cert GET /v1/whoami && field name >me &&
	operator_secrets eg-cert "$(cat me)" "$PW" &&
	hl eg-cert operator add duty1 --role duty >/dev/null &&
	operator_secrets eg-cert duty1 "$PW"
'

test_expect_success 'a session unused for console.idle has expired, and says so' '
	login eg-cert "$(cat me)" "$PW" "$(totp "$(cat me)")" && test "$(cat code)" = 200 &&
	test "$(field idle)" = 3 && test "$(field lifetime)" = 6 &&
	has_header "Set-Cookie: .*Max-Age=6" &&
	web eg-cert GET /v1/whoami && test "$(cat code)" = 200 &&
	sleep 4 &&
	web eg-cert GET /v1/whoami && is_error 401 "expired" &&
	web eg-cert GET /v1/whoami && is_error 401 "no session"
'

test_expect_success 'a busy session still ends console.lifetime after its login' '
	login eg-cert "$(cat me)" "$PW" "$(totp "$(cat me)" 30)" && test "$(cat code)" = 200 &&
	start=$(date +%s) && alive=0 &&
	while [ $(($(date +%s) - start)) -lt 10 ]; do
		web eg-cert GET /v1/whoami
		[ "$(cat code)" = 200 ] || break
		alive=$(($(date +%s) - start))
		sleep 0.5
	done &&
	is_error 401 "expired" &&
	test "$alive" -ge 4 && test "$alive" -le 6
'

test_expect_success 'a role taken away applies at the next request' '
	login eg-cert duty1 "$PW" "$(totp duty1)" && test "$(cat code)" = 200 &&
	web_csrf eg-cert POST /v1/wake --data-binary "{}" && test "$(cat code)" = 200 &&
	hl eg-cert operator role duty1 auditor >/dev/null &&
	web eg-cert GET /v1/whoami && test "$(cat code)" = 200 &&
	grep -q "\"roles\":\[\"auditor\"\]" reply &&
	web_csrf eg-cert POST /v1/send --data-binary "{\"to\":\"nobody\",\"text\":\"x\"}" &&
	is_error 403 && test "$(field needs)" = duty
'

test_expect_success 'a disabled operator is refused at once, and the session ends' '
	hl eg-cert operator disable duty1 >/dev/null &&
	web eg-cert GET /v1/whoami && is_error 403 "disabled" &&
	hl eg-cert operator enable duty1 >/dev/null &&
	web eg-cert GET /v1/whoami && is_error 401 "no session"
'

test_expect_success 'hotlined stops cleanly' 'stop_daemon eg-cert'

test_done

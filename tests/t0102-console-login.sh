#!/bin/sh
# A session on the HTTPS door: a login with a password and a TOTP code
# (computed here with oathtool) sets a cookie (HttpOnly, Secure,
# SameSite=Strict, Path=/) and returns a CSRF token; GET listings need
# the session, every POST its token too (a send without it, or with
# another, is refused and sends nothing); logout ends the session; a
# replayed code, a wrong code and a wrong password are refused alike,
# each failure makes the next try wait (429, saying until when).
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"
. "$(dirname "$0")/lib-transcript.sh"

new_party eg-cert "$(free_port)"
new_party ru-cert "$(free_port)"
console_on eg-cert
PW='correct horse battery staple'

test_expect_success 'hotlined starts; its first operator gets a password and a TOTP secret' '
	start_daemon eg-cert &&
	link_pair eg-cert ru-cert &&
	unix_api eg-cert GET /v1/whoami && field name >me && test -s me &&
	operator_secrets eg-cert "$(cat me)" "$PW"
'

test_expect_success 'a login sets a secure session cookie and returns a CSRF token' '
	totp "$(cat me)" >code1 &&
	login eg-cert "$(cat me)" "$PW" "$(cat code1)" &&
	test "$(cat code)" = 200 &&
	test "$(field name)" = "$(cat me)" &&
	grep -qx "[0-9a-f]\{64\}" eg-cert.csrf &&
	has_header "Set-Cookie: __Host-hotline-session=[0-9a-f]\{64\}; HttpOnly; Secure; SameSite=Strict; Path=/" &&
	has_header "Cache-Control: no-store" &&
	! grep -q "$(cat eg-cert.csrf)" eg-cert.jar
'

test_expect_success 'the session is the operator: whoami and a listing over HTTPS' '
	web eg-cert GET /v1/whoami && test "$(cat code)" = 200 &&
	test "$(field name)" = "$(cat me)" &&
	web eg-cert GET /v1/status && test "$(cat code)" = 200
'

test_expect_success 'the session id is kept nowhere on disk' '
	id=$(awk "\$6 == \"__Host-hotline-session\" {print \$7}" eg-cert.jar) &&
	test ${#id} = 64 &&
	! grep -rqa "$id" eg-cert/ &&
	! grep -rqa "$(cat eg-cert.csrf)" eg-cert/
'

test_expect_success 'a send with the CSRF token is sent' '
	web_csrf eg-cert POST /v1/send --data-binary "{\"to\":\"ru-cert\",\"text\":\"over https\"}" &&
	test "$(cat code)" = 200 &&
	test "$(show_field eg-cert ru-cert sent | cut -d" " -f1)" = 1
'

test_expect_success 'the same send without the token, or with another, is refused: nothing sent' '
	web eg-cert POST /v1/send --data-binary "{\"to\":\"ru-cert\",\"text\":\"forged\"}" &&
	is_error 403 "CSRF" &&
	web eg-cert POST /v1/send -H "X-CSRF-Token: $(printf "%064d" 1)" \
		--data-binary "{\"to\":\"ru-cert\",\"text\":\"forged\"}" &&
	is_error 403 "CSRF" &&
	web eg-cert POST /v1/send -H "X-CSRF-Token: $(cut -c1-63 eg-cert.csrf)" \
		--data-binary "{\"to\":\"ru-cert\",\"text\":\"forged\"}" &&
	is_error 403 "CSRF" &&
	test "$(show_field eg-cert ru-cert sent | cut -d" " -f1)" = 1
'

test_expect_success 'over-size and non-JSON bodies in a session: 413 and 400, nothing sent' '
	head -c 20000 /dev/zero | tr "\0" a >big &&
	web_csrf eg-cert POST /v1/wake --data-binary @big && is_error 413 &&
	web_csrf eg-cert POST /v1/send --data-binary "to=ru-cert&text=x" && is_error 400 "not JSON" &&
	test "$(show_field eg-cert ru-cert sent | cut -d" " -f1)" = 1
'

test_expect_success 'logout ends the session: its cookie is no longer one' '
	id=$(awk "\$6 == \"__Host-hotline-session\" {print \$7}" eg-cert.jar) &&
	web eg-cert POST /v1/logout && is_error 403 "CSRF" &&
	web_csrf eg-cert POST /v1/logout && test "$(cat code)" = 200 &&
	has_header "Set-Cookie: __Host-hotline-session=;.*Max-Age=0" &&
	web eg-cert GET /v1/whoami && is_error 401 "no session" &&
	web eg-cert GET /v1/whoami -b "__Host-hotline-session=$id" && is_error 401 "no session"
'

test_expect_success 'a replayed TOTP code is refused, with the words of a wrong password' '
	login eg-cert "$(cat me)" "$PW" "$(cat code1)" && is_error 401 &&
	field error >replayed &&
	! grep -qi "set-cookie: __Host-hotline-session=[0-9a-f]" headers
'

test_expect_success 'a wrong password and a wrong code are refused with the same words' '
	sleep 1.2 &&
	login eg-cert "$(cat me)" "wrong password" "$(totp "$(cat me)" 30)" &&
	is_error 401 && field error >wrongpw &&
	sleep 2.2 &&
	login eg-cert "$(cat me)" "$PW" 000000 && is_error 401 && field error >wrongcode &&
	cmp replayed wrongpw && cmp wrongpw wrongcode
'

test_expect_success 'each failure makes the next try wait longer: 429 saying until when' '
	login eg-cert "$(cat me)" "$PW" "$(totp "$(cat me)" 30)" &&
	is_error 429 "try again at" &&
	! grep -qi "set-cookie: __Host-hotline-session=[0-9a-f]" headers
'

test_expect_success 'the right password and next code log in once the wait is over' '
	sleep 4.2 &&
	login eg-cert "$(cat me)" "$PW" "$(totp "$(cat me)" 30)" &&
	test "$(cat code)" = 200 &&
	web eg-cert GET /v1/whoami && test "$(cat code)" = 200
'

test_expect_success 'a restart of hotlined ends every session' '
	stop_daemon eg-cert && start_daemon eg-cert &&
	web eg-cert GET /v1/whoami && is_error 401 "no session" &&
	stop_daemon eg-cert
'

test_done

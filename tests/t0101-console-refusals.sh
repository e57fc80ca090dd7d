#!/bin/sh
# What the HTTPS door refuses before anyone has logged in, each with its
# own status and a JSON error: no session or an unknown one (401), a
# foreign Origin (403), an unknown route (404), a login over the unix
# socket (404: login is HTTPS-only), a login body that is not JSON
# (400), one too large (413, before it is read), a login missing a
# member or with one too many (400), a wrong password (401).
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"

new_party eg-cert "$(free_port)"
console_on eg-cert

test_expect_success 'hotlined starts with its HTTPS listener' 'start_daemon eg-cert'

test_expect_success 'no session: 401, for a listing and for an action' '
	web eg-cert GET /v1/whoami && is_error 401 "no session" &&
	web eg-cert GET /v1/status && is_error 401 "no session" &&
	web eg-cert POST /v1/send --data-binary "{\"to\":\"x\",\"text\":\"y\"}" &&
	is_error 401 "no session"
'

test_expect_success 'a made-up session cookie is no session' '
	id=$(printf "%064d" 7) &&
	web eg-cert GET /v1/whoami -b "__Host-hotline-session=$id" && is_error 401 "no session" &&
	web eg-cert GET /v1/whoami -b "__Host-hotline-session=short" && is_error 401 "no session" &&
	web eg-cert GET /v1/whoami -b "__Host-hotline-session=$id; __Host-hotline-session=$id" &&
	is_error 401 "no session"
'

test_expect_success 'a foreign Origin is refused, even for a login' '
	web eg-cert GET /v1/whoami -H "Origin: https://evil.example" && is_error 403 "Origin" &&
	web eg-cert POST /v1/login -H "Origin: https://evil.example" \
		--data-binary "{\"name\":\"a\",\"password\":\"b\",\"totp\":\"123456\"}" &&
	is_error 403 "Origin" &&
	port=$(cat eg-cert.console) &&
	web eg-cert GET /v1/whoami -H "Origin: http://eg-cert:$port" && is_error 403 "Origin" &&
	web eg-cert GET /v1/whoami -H "Origin: https://eg-cert:$port" && is_error 401 "no session"
'

test_expect_success 'an unknown route is 404, with or without a session' '
	web eg-cert GET /v1/nothing && is_error 404 &&
	web eg-cert GET /v1/login && is_error 404 &&
	web eg-cert POST /v1/nothing --data-binary "{}" && is_error 404
'

test_expect_success 'login is served over HTTPS only' '
	unix_api eg-cert POST /v1/login "{\"name\":\"a\",\"password\":\"b\",\"totp\":\"1\"}" &&
	is_error 404 &&
	unix_api eg-cert POST /v1/logout "{}" && is_error 404
'

test_expect_success 'a login body that is not JSON is 400' '
	web eg-cert POST /v1/login --data-binary "name=a&password=b" && is_error 400 "not JSON" &&
	web eg-cert POST /v1/login --data-binary "[1,2]" && is_error 400 "not a JSON object"
'

test_expect_success 'a login body too large is 413, refused before it is read' '
	head -c 5000 /dev/zero | tr "\0" a >big &&
	web eg-cert POST /v1/login --data-binary @big && is_error 413 "too large"
'

test_expect_success 'a login without a member, or with one too many, is 400' '
	web eg-cert POST /v1/login --data-binary "{\"name\":\"a\",\"password\":\"b\"}" &&
	is_error 400 "totp" &&
	web eg-cert POST /v1/login \
		--data-binary "{\"name\":\"a\",\"password\":\"b\",\"totp\":\"1\",\"role\":\"admin\"}" &&
	is_error 400 "role"
'

test_expect_success 'a wrong name or password is 401, and sets no cookie' '
	web eg-cert POST /v1/login \
		--data-binary "{\"name\":\"nobody\",\"password\":\"wrong\",\"totp\":\"123456\"}" &&
	is_error 401 &&
	! grep -qi "^set-cookie" headers &&
	web eg-cert GET /v1/whoami && is_error 401 "no session"
'

test_expect_success 'plain HTTP to the TLS listener is logged as the console'"'"'s warning, one a second' '
	port=$(cat eg-cert.console) &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		curl -s -m 5 -o /dev/null "http://127.0.0.1:$port/v1/whoami" || :
	done &&
	wait_for 10 grep -q "warning: console: " eg-cert.log &&
	! grep -q "^Error" eg-cert.log &&
	! grep -q "printed by the standard MHD logger" eg-cert.log &&
	n=$(grep -c "warning: console: " eg-cert.log) &&
	echo "$n lines" && test "$n" -le 4
'

test_expect_success 'hotlined still serves both doors and stops cleanly' '
	unix_api eg-cert GET /v1/status && test "$(cat code)" = 200 &&
	stop_daemon eg-cert
'

test_done

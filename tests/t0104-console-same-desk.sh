#!/bin/sh
# The two doors are one request path: the same routes give the same
# answers over the unix socket and over HTTPS (a listing, a query
# string with escapes, a refusal for a missing right with the role it
# needs), and a GET needs no CSRF token while every POST does, the
# door's own and the desk's alike.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"

new_party eg-cert "$(free_port)"
console_on eg-cert
PW='correct horse battery staple'

test_expect_success 'hotlined starts; an auditor logs in over HTTPS' '
	start_daemon eg-cert &&
	hl eg-cert operator add aud1 --role auditor >/dev/null &&
	operator_secrets eg-cert aud1 "$PW" &&
	login eg-cert aud1 "$PW" "$(totp aud1)" && test "$(cat code)" = 200
'

test_expect_success 'a listing is the same answer through both doors' '
	unix_api eg-cert GET /v1/operators && mv reply by-socket &&
	web eg-cert GET /v1/operators && test "$(cat code)" = 200 &&
	cmp by-socket reply
'

test_expect_success 'a query string with escapes is read alike by both doors' '
	unix_api eg-cert GET "/v1/operator?name=aud%31" && mv reply by-socket &&
	test "$(cat code)" = 200 &&
	web eg-cert GET "/v1/operator?name=aud%31" && test "$(cat code)" = 200 &&
	cmp by-socket reply
'

test_expect_success 'a right the operator lacks: 403 naming the role, as on the socket' '
	web_csrf eg-cert POST /v1/operator/disable --data-binary "{\"name\":\"aud1\"}" &&
	is_error 403 && test "$(field needs)" = admin
'

test_expect_success 'a GET needs no CSRF token; every POST does' '
	web eg-cert GET /v1/status && test "$(cat code)" = 200 &&
	web eg-cert POST /v1/wake --data-binary "{}" && is_error 403 "CSRF" &&
	web eg-cert POST /v1/logout && is_error 403 "CSRF" &&
	web_csrf eg-cert POST /v1/wake --data-binary "{}" && test "$(cat code)" = 200
'

test_expect_success 'hotlined stops cleanly' 'stop_daemon eg-cert'

test_done

#!/bin/sh
# The operators' HTTPS listener: off by default; where console.listen
# says when set (a bare port: the loopback; another address when the
# admin names one); never on the peer port; TLS 1.3 only, with the
# party's certificate or the one console.cert names; security headers
# on every answer.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"

PORT=$(free_port)
new_party eg-cert "$PORT"
new_party other-cert "$(free_port)"
cp "$TEST_DIR/eg-cert/hotline.conf" "$TEST_DIR/conf.orig"

# with_conf LINES : eg-cert's hotline.conf as made by init, plus LINES.
with_conf() {
	{ cat "$TEST_DIR/conf.orig"; printf '%s\n' "$@"; } >"$TEST_DIR/eg-cert/hotline.conf"
}

test_expect_success 'init writes the listener commented out: off by default' '
	grep -q "^#console.listen = " eg-cert/hotline.conf &&
	! grep -q "^console\." eg-cert/hotline.conf
'

test_expect_success 'by default hotlined listens on the peer port alone' '
	start_daemon eg-cert &&
	! grep -q "console on" eg-cert.log &&
	test "$(listening "$(cat eg-cert.pid)")" = "127.0.0.1:$PORT" &&
	stop_daemon eg-cert
'

test_expect_success 'a bare port listens on the loopback, over TLS' '
	console_on eg-cert &&
	start_daemon eg-cert &&
	cport=$(cat eg-cert.console) &&
	grep -q "console on https://127.0.0.1:$cport" eg-cert.log &&
	listening "$(cat eg-cert.pid)" | grep -qx "127.0.0.1:$cport" &&
	web eg-cert GET /v1/whoami &&
	is_error 401 "log in"
'

test_expect_success 'every HTTPS answer carries the security headers' '
	web eg-cert GET /v1/whoami &&
	has_header "Cache-Control: no-store" &&
	has_header "X-Content-Type-Options: nosniff" &&
	has_header "Content-Security-Policy: default-src '"'"'none'"'"'" &&
	has_header "Strict-Transport-Security: max-age=" &&
	has_header "Content-Type: application/json" &&
	web eg-cert GET /v1/nothing && is_error 404 &&
	has_header "Strict-Transport-Security: max-age="
'

test_expect_success 'only TLS 1.3 is spoken, and plain HTTP gets nothing' '
	cport=$(cat eg-cert.console) &&
	web eg-cert GET /v1/whoami --tlsv1.3 && test "$(cat code)" = 401 &&
	web eg-cert GET /v1/whoami --tls-max 1.2 && test "$(cat code)" = 000 &&
	code=$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$cport/v1/whoami" || :) &&
	test "$code" = 000
'

test_expect_success 'the unix socket serves as before beside it' '
	unix_api eg-cert GET /v1/whoami && test "$(cat code)" = 200 &&
	test -n "$(field name)" &&
	stop_daemon eg-cert
'

test_expect_success 'the peer port is refused, with or without an address' '
	with_conf "console.listen = $PORT" &&
	expect_code 1 "$HOTLINED" --home eg-cert -n 2>err &&
	grep -q "console.listen: that is the peer port" err &&
	with_conf "console.listen = 127.0.0.1:$PORT" &&
	expect_code 1 "$HOTLINED" --home eg-cert -n 2>err &&
	grep -q "console.listen: that is the peer port" err &&
	with_conf "console.listen = 0.0.0.0:$PORT" &&
	expect_code 1 "$HOTLINED" --home eg-cert -n 2>err &&
	grep -q "console.listen: that is the peer port" err
'

test_expect_success 'bad console settings are refused by name' '
	with_conf "console.listen = somewhere" &&
	expect_code 1 "$HOTLINED" --home eg-cert -n 2>err &&
	grep -q "console.listen: want host:port" err &&
	with_conf "console.listen = 9" "console.cert = relative.crt" &&
	expect_code 1 "$HOTLINED" --home eg-cert -n 2>err &&
	grep -q "console.cert: want an absolute path" err &&
	with_conf "console.listen = 9" "console.cert = /x.crt" &&
	expect_code 1 "$HOTLINED" --home eg-cert -n 2>err &&
	grep -q "console.cert and console.key go together" err &&
	with_conf "console.listen = 9" "console.idle = 0s" &&
	expect_code 1 "$HOTLINED" --home eg-cert -n 2>err &&
	grep -q "console.idle" err
'

test_expect_success 'an address the admin names is the one listened on' '
	cport=$(free_port) &&
	with_conf "console.listen = 127.0.0.2:$cport" &&
	echo "$cport" >eg-cert.console &&
	start_daemon eg-cert &&
	listening "$(cat eg-cert.pid)" | grep -qx "127.0.0.2:$cport" &&
	! listening "$(cat eg-cert.pid)" | grep -qx "127.0.0.1:$cport" &&
	code=$(curl -s -o /dev/null -w "%{http_code}" --cacert eg-cert/tls.crt \
		--resolve "eg-cert:$cport:127.0.0.2" "https://eg-cert:$cport/v1/whoami" || :) &&
	test "$code" = 401 &&
	stop_daemon eg-cert
'

test_expect_success 'console.cert and console.key serve another certificate' '
	with_conf "console.listen = $(cat eg-cert.console)" \
		"console.cert = $TEST_DIR/other-cert/tls.crt" \
		"console.key = $TEST_DIR/other-cert/tls.key" &&
	start_daemon eg-cert &&
	cport=$(cat eg-cert.console) &&
	code=$(curl -s -o /dev/null -w "%{http_code}" --cacert other-cert/tls.crt \
		--resolve "other-cert:$cport:127.0.0.1" "https://other-cert:$cport/v1/whoami" || :) &&
	test "$code" = 401 &&
	web eg-cert GET /v1/whoami && test "$(cat code)" = 000 &&
	stop_daemon eg-cert
'

test_expect_success 'a certificate that cannot be read stops hotlined with its name' '
	with_conf "console.listen = $(cat eg-cert.console)" \
		"console.cert = $TEST_DIR/none.crt" "console.key = $TEST_DIR/none.key" &&
	expect_code 1 "$HOTLINED" --home eg-cert 2>err &&
	grep -q "console.cert $TEST_DIR/none.crt" err
'

test_done

#!/bin/sh
# docs/openapi.json describes exactly the routes hotlined serves: the
# route table (hotlined --routes) and the file name the same methods,
# paths and rights, both ways; every operation of the file is answered
# on a live daemon (never "no such endpoint"), and each answer, a
# result or a refusal, fits the file's schema.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

OPENAPI="$SRC_DIR/docs/openapi.json"
CHECK="perl $SRC_DIR/tests/openapi-check.pl"
RU_PORT=$(free_port)
US_PORT=$(free_port)

# api NAME METHOD PATH [JSON] : calls NAME's operator API on its unix
# socket (a GET's arguments in PATH's query); the body lands in
# $TEST_DIR/body, the HTTP status is printed.
api() {
	set -- "$TEST_DIR/$1/hotlined.sock" "$2" "$3" "${4-}"
	if [ "$2" = GET ]; then
		curl -s -m 20 --unix-socket "$1" -o "$TEST_DIR/body" -w "%{http_code}" \
			"http://hotlined$3"
	else
		curl -s -m 20 --unix-socket "$1" -o "$TEST_DIR/body" -w "%{http_code}" \
			-X POST -H "Content-Type: application/json" --data-binary "$4" \
			"http://hotlined$3"
	fi
}

# answers NAME METHOD PATH [JSON] : the call's answer fits the file.
answers() {
	an_status=$(api "$@") &&
	echo "$2 $3: $an_status $(cat body)" &&
	$CHECK "$OPENAPI" answer "$2" "${3%%\?*}" "$an_status" body
}

# receipted N : ru-cert holds us-cert's receipt for its message N.
receipted() {
	"$HOTLINE" --home "$TEST_DIR/ru-cert" link show us-cert |
		grep -qx "sent: *$1, receipted up to $1"
}

test_expect_success 'hotlined --routes and openapi.json name the same routes' '
	"$HOTLINED" --routes >routes &&
	test "$(wc -l <routes)" -ge 9 &&
	grep -qx "POST /v1/link/confirm link" routes &&
	$CHECK "$OPENAPI" routes routes
'

test_expect_success 'the comparison fails both ways' '
	grep -v "^GET /v1/links " routes >fewer &&
	expect_code 1 $CHECK "$OPENAPI" routes fewer >out &&
	grep -qx "in openapi.json, not served: GET /v1/links" out &&
	{ cat routes; echo "POST /v1/nothing none"; } >more &&
	expect_code 1 $CHECK "$OPENAPI" routes more >out &&
	grep -qx "served, not in openapi.json: POST /v1/nothing" out &&
	sed "s|^POST /v1/link/add link$|POST /v1/link/add read|" routes >other &&
	expect_code 1 $CHECK "$OPENAPI" routes other >out &&
	grep -q "^POST /v1/link/add: served needing read, openapi.json says link" out
'

# Their links have no endpoint: batches carry the messages, so nothing
# depends on the network's timing.
test_expect_success 'two linked parties run' '
	new_party ru-cert "$RU_PORT" && new_party us-cert "$US_PORT" &&
	start_daemon ru-cert && start_daemon us-cert &&
	link_offline ru-cert us-cert
'

test_expect_success 'every operation of the file is served: refusals fit Error' '
	$CHECK "$OPENAPI" operations >ops &&
	while read -r method path; do
		if [ "$method" = GET ]; then
			answers ru-cert GET "$path?probe_=1" >>log || { cat log; exit 1; }
		else
			answers ru-cert POST "$path" "{\"probe_\":1}" >>log || { cat log; exit 1; }
		fi
		! grep -q "no such endpoint" body || { cat log; exit 1; }
	done <ops &&
	cat log &&
	test "$(wc -l <log)" = "$(wc -l <ops)"
'

test_expect_success 'a path the file lacks is no endpoint' '
	test "$(api ru-cert GET /v1/nothing)" = 404 &&
	grep -q "no such endpoint" body
'

test_expect_success 'results fit their schemas' '
	answers ru-cert GET /v1/whoami &&
	answers ru-cert GET /v1/status &&
	answers ru-cert POST /v1/wake "{}" &&
	answers ru-cert GET /v1/links && grep -q "\"name\":\"us-cert\"" body &&
	answers ru-cert GET "/v1/links?limit=1" && grep -q "\"next\":null" body &&
	answers ru-cert GET "/v1/link?name=us-cert" &&
	fp=$("$HOTLINE" fingerprint us-cert/card | cut -c1-35) &&
	answers ru-cert POST /v1/link/confirm "{\"name\":\"us-cert\",\"fingerprint\":\"$fp\"}" &&
	answers ru-cert POST /v1/send "{\"to\":\"us-cert\",\"text\":\"hello\",\"lang\":\"en\"}" &&
	exchange ru-cert us-cert b1 && receipted 1 &&
	answers ru-cert POST /v1/proof/export "{\"link\":\"us-cert\",\"seq\":1,\"disclose\":true}" &&
	answers us-cert POST /v1/proof/export "{\"link\":\"ru-cert\",\"seq\":\"1\",\"received\":\"1\"}"
'

test_expect_success 'refusals fit Error, with their status' '
	test "$(api ru-cert GET "/v1/link?name=nobody")" = 404 &&
	$CHECK "$OPENAPI" answer GET /v1/link 404 body &&
	test "$(api ru-cert POST /v1/link/add "{\"name\":\"x\",\"card\":\"junk\"}")" = 400 &&
	$CHECK "$OPENAPI" answer POST /v1/link/add 400 body &&
	test "$(api ru-cert POST /v1/link/add "[1]")" = 400 &&
	$CHECK "$OPENAPI" answer POST /v1/link/add 400 body &&
	test "$(api ru-cert POST /v1/proof/export "{\"link\":\"us-cert\",\"seq\":9}")" = 404 &&
	$CHECK "$OPENAPI" answer POST /v1/proof/export 404 body
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done

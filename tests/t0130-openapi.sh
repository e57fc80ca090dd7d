#!/bin/sh
# docs/openapi.json describes exactly the routes hotlined serves: the
# route table (hotlined --routes) and the file name the same methods,
# paths and rights, both ways; every operation of the file is answered
# on a live daemon (never "no such endpoint"), and each answer, a
# result or a refusal, fits the file's schema.  Login and logout, which
# the file marks as the HTTPS door's own, are served there and only
# there.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
. "$(dirname "$0")/lib-console.sh"

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

# answers NAME METHOD PATH [JSON] : the call, its answer kept (kept)
# for answers_fit to check against the file.
answers() {
	an_status=$(api "$@") &&
	echo "$2 $3: $an_status $(cat body)" &&
	kept "$2" "${3%%\?*}" "$an_status"
}

# kept METHOD PATH STATUS [FILE] : FILE (body) is the answer to METHOD
# PATH with STATUS; it is copied for answers_fit.
kept() {
	mkdir -p kept &&
	ke_n=$(($(ls kept | wc -l) + 1)) &&
	cp "${4:-body}" "kept/$ke_n" &&
	echo "$1 $2 $3 kept/$ke_n" >>kept.list
}

# answers_fit : every answer kept since the last answers_fit fits the
# file, checked in one run of the checker (a run reads the whole file,
# and was most of this test's time when each answer had one); the
# errors name the method, path and status of the answer.
answers_fit() {
	af_rc=0
	$CHECK "$OPENAPI" answers kept.list || af_rc=1
	rm -rf kept kept.list
	return $af_rc
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
	grep -q "^POST /v1/link/add: served needing read, openapi.json says link" out &&
	sed "s|^POST /v1/operator/totp admin$|POST /v1/operator/totp audit|" routes >other &&
	expect_code 1 $CHECK "$OPENAPI" routes other >out &&
	grep -q "^POST /v1/operator/totp: served needing audit, openapi.json says admin" out &&
	grep -v "^GET /v1/events " routes >fewer &&
	expect_code 1 $CHECK "$OPENAPI" routes fewer >out &&
	grep -qx "in openapi.json, not served: GET /v1/events" out
'

test_expect_success 'login and logout: the HTTPS door alone, in no route table' '
	$CHECK "$OPENAPI" operations https >own &&
	printf "POST /v1/login\nPOST /v1/logout\n" >expect &&
	diff expect own &&
	! grep -q "^POST /v1/log\(in\|out\) " routes &&
	{ cat routes; echo "POST /v1/logout none"; } >more &&
	expect_code 1 $CHECK "$OPENAPI" routes more >out &&
	grep -qx "served, though openapi.json says the HTTPS door alone serves it: POST /v1/logout" out
'

# Their links have no endpoint: batches carry the messages, so nothing
# depends on the network's timing.
test_expect_success 'two linked parties run' '
	new_party ru-cert "$RU_PORT" && new_party us-cert "$US_PORT" &&
	console_on ru-cert &&
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
	test "$(wc -l <log)" = "$(wc -l <ops)" &&
	answers_fit
'

test_expect_success 'a path the file lacks is no endpoint, nor is login or logout on the socket' '
	test "$(api ru-cert GET /v1/nothing)" = 404 &&
	grep -q "no such endpoint" body &&
	while read -r method path; do
		test "$(api ru-cert POST "$path" "{}")" = 404 &&
		grep -q "no such endpoint" body || exit 1
	done <own
'

test_expect_success 'results fit their schemas' '
	answers ru-cert GET /v1/whoami &&
	answers ru-cert GET /v1/status &&
	answers ru-cert POST /v1/wake "{}" &&
	answers us-cert POST /v1/card/tls-renew "{}" && grep -q "\"before\":[0-9]" body &&
	answers ru-cert GET /v1/links && grep -q "\"name\":\"us-cert\"" body &&
	answers ru-cert GET "/v1/links?limit=1" && grep -q "\"next\":null" body &&
	answers ru-cert GET "/v1/link?name=us-cert" &&
	fp=$("$HOTLINE" fingerprint us-cert/card | cut -c1-35) &&
	answers ru-cert POST /v1/link/confirm "{\"name\":\"us-cert\",\"fingerprint\":\"$fp\"}" &&
	answers ru-cert POST /v1/send "{\"to\":\"us-cert\",\"text\":\"hello\",\"lang\":\"en\"}" &&
	exchange ru-cert us-cert b1 && receipted 1 &&
	answers ru-cert POST /v1/proof/export "{\"link\":\"us-cert\",\"seq\":1,\"disclose\":true}" &&
	answers us-cert POST /v1/proof/export "{\"link\":\"ru-cert\",\"seq\":\"1\",\"received\":\"1\"}" &&
	answers us-cert POST /v1/log/verify "{}" && grep -q "\"ok\":true" body &&
	answers ru-cert POST /v1/log/verify "{\"link\":\"us-cert\"}" &&
	grep -q "\"link\":\"us-cert\",\"ok\":true" body &&
	answers_fit
'

test_expect_success 'listings fit their schemas' '
	answers us-cert GET /v1/inbox && grep -q "\"id\":\"ru-cert/1\"" body &&
	answers us-cert GET "/v1/inbox?link=ru-cert&limit=1" &&
	answers us-cert GET "/v1/show?id=ru-cert/1" &&
	answers ru-cert GET "/v1/show?id=us-cert/out/1" &&
	answers ru-cert GET /v1/outbox &&
	answers us-cert GET /v1/case/list && grep -q "\"items\":\[{" body &&
	answers us-cert GET "/v1/case/show?id=ru-cert/1" &&
	answers ru-cert GET "/v1/search?value=hello" && grep -q "\"items\":\[{" body &&
	test "$(api us-cert GET "/v1/export?case=ru-cert/1")" = 404 &&
	kept GET /v1/export 404 &&
	answers_fit
'

test_expect_success 'actions fit their schemas' '
	answers us-cert POST /v1/ack "{\"id\":\"ru-cert/1\"}" && grep -q "\"acked\":\"ru-cert/1\"" body &&
	answers us-cert POST /v1/ack "{\"id\":\"ru-cert/1\"}" && grep -q "\"already\":true" body &&
	answers ru-cert POST /v1/send "{\"case\":\"us-cert/out/1\",\"text\":\"more\"}" &&
	grep -q "\"kind\":\"update\"" body &&
	answers ru-cert POST /v1/send "{\"case\":\"us-cert/out/1\",\"text\":\"please\",\"actions\":[\"investigate\"]}" &&
	grep -q "\"id\":\"us-cert/out/3\"" body &&
	exchange ru-cert us-cert b2 &&
	answers us-cert POST /v1/answer "{\"id\":\"ru-cert/3\",\"answer\":\"accepted\"}" &&
	answers ru-cert POST /v1/correct "{\"id\":\"us-cert/out/2\",\"text\":\"more, corrected\"}" &&
	answers ru-cert POST /v1/retract "{\"id\":\"us-cert/out/3\",\"text\":\"not needed\"}" &&
	answers ru-cert POST /v1/case/close "{\"case\":\"us-cert/out/1\"}" &&
	answers ru-cert POST /v1/check/run "{\"link\":\"us-cert\"}" &&
	answers ru-cert GET "/v1/check/report?link=us-cert" && grep -q "\"count\":1" body &&
	answers_fit
'

test_expect_success 'operator and audit results fit their schemas' '
	answers ru-cert GET /v1/operators &&
	answers ru-cert POST /v1/operator/add "{\"name\":\"ana\",\"roles\":[\"duty\"],\"max_precedence\":\"priority\",\"unix\":[\"ana-x\"]}" &&
	answers ru-cert GET "/v1/operator?name=ana" && grep -q "\"unix\":\[\"ana-x\"\]" body &&
	answers ru-cert POST /v1/operator/role "{\"name\":\"ana\",\"roles\":[\"duty\",\"auditor\"]}" &&
	answers ru-cert POST /v1/operator/passwd "{\"name\":\"ana\",\"password\":\"twelve or more characters\"}" &&
	grep -q "\"password\":true" body &&
	answers ru-cert POST /v1/operator/totp "{\"name\":\"ana\"}" &&
	answers ru-cert POST /v1/operator/map "{\"name\":\"ana\",\"unix\":\"ana-y\"}" &&
	answers ru-cert POST /v1/operator/unmap "{\"name\":\"ana\",\"unix\":\"ana-y\"}" &&
	answers ru-cert POST /v1/operator/disable "{\"name\":\"ana\"}" &&
	grep -q "\"disabled\":true" body &&
	answers ru-cert POST /v1/operator/enable "{\"name\":\"ana\"}" &&
	answers ru-cert POST /v1/operator/ticket "{\"name\":\"ana\"}" &&
	jq -r .ticket body >ana.ticket && jq -e ".url | startswith(\"https://\")" body &&
	api us-cert GET /v1/whoami >/dev/null && us=$(jq -r .name body) &&
	answers us-cert POST /v1/operator/ticket "{\"name\":\"$us\"}" &&
	jq -e ".url == null" body &&
	answers ru-cert GET "/v1/audit?limit=2" && grep -q "\"next\":[0-9]" body &&
	answers ru-cert GET "/v1/audit?after=1&limit=1000" &&
	answers ru-cert POST /v1/audit/verify "" && grep -q "\"ok\":true" body &&
	answers ru-cert GET "/v1/audit/proof?seq=1" &&
	answers_fit
'

test_expect_success 'GET /v1/events answers a stream of the type the file says' '
	jq -e ".paths[\"/v1/events\"].get.responses[\"200\"].content | has(\"text/event-stream\")" \
		"$OPENAPI" &&
	{ curl -s -m 2 -D head -o stream --unix-socket "$TEST_DIR/ru-cert/hotlined.sock" \
		"http://hotlined/v1/events" || :; } &&
	tr -d "\r" <head | grep -qi "^content-type: text/event-stream" &&
	grep -q "^retry: 3000" stream
'

test_expect_success 'on the HTTPS door, login and logout answer as the file says' '
	api ru-cert GET /v1/whoami >/dev/null && me=$(jq -r .name body) &&
	operator_secrets ru-cert "$me" "a password for the console" &&
	login ru-cert "$me" "a password for the console" "$(totp "$me")" &&
	test "$(cat code)" = 200 && has_header "Set-Cookie: __Host-hotline-session=" &&
	kept POST /v1/login 200 reply &&
	web_csrf ru-cert POST /v1/logout && test "$(cat code)" = 200 &&
	has_header "Set-Cookie: __Host-hotline-session=;" &&
	kept POST /v1/logout 200 reply &&
	web_csrf ru-cert POST /v1/logout && test "$(cat code)" = 401 &&
	kept POST /v1/logout 401 reply &&
	login ru-cert "$me" "not the password at all" 000000 && test "$(cat code)" = 401 &&
	kept POST /v1/login 401 reply &&
	login_ticket ru-cert "$(cat ana.ticket)" && test "$(cat code)" = 200 &&
	test "$(field name)" = ana && kept POST /v1/login 200 reply &&
	login_ticket ru-cert "$(cat ana.ticket)" && test "$(cat code)" = 401 &&
	kept POST /v1/login 401 reply &&
	answers_fit
'

test_expect_success 'refusals fit Error, with their status' '
	test "$(api ru-cert GET "/v1/link?name=nobody")" = 404 &&
	kept GET /v1/link 404 &&
	test "$(api ru-cert POST /v1/link/add "{\"name\":\"x\",\"card\":\"junk\"}")" = 400 &&
	kept POST /v1/link/add 400 &&
	test "$(api ru-cert POST /v1/link/add "[1]")" = 400 &&
	kept POST /v1/link/add 400 &&
	test "$(api ru-cert POST /v1/proof/export "{\"link\":\"us-cert\",\"seq\":9}")" = 404 &&
	kept POST /v1/proof/export 404 &&
	test "$(api ru-cert GET "/v1/operator?name=nobody")" = 404 &&
	kept GET /v1/operator 404 &&
	test "$(api ru-cert POST /v1/operator/add "{\"name\":\"bo\",\"roles\":[\"captain\"]}")" = 400 &&
	kept POST /v1/operator/add 400 &&
	test "$(api ru-cert GET "/v1/events?after=x")" = 400 &&
	kept GET /v1/events 400 &&
	test "$(api ru-cert GET "/v1/audit/proof?seq=99999")" = 404 &&
	kept GET /v1/audit/proof 404 &&
	test "$(api ru-cert POST /v1/ack "{\"id\":\"us-cert/out/1\"}")" = 400 &&
	kept POST /v1/ack 400 &&
	test "$(api ru-cert POST /v1/case/close "{\"case\":\"us-cert/out/1\"}")" = 409 &&
	kept POST /v1/case/close 409 &&
	answers_fit
'

test_expect_success 'an archive and the archived link fit their schemas' '
	test "$(api ru-cert POST /v1/link/archive "{\"name\":\"us-cert\",\"text\":\"\"}")" = 400 &&
	kept POST /v1/link/archive 400 &&
	answers ru-cert POST /v1/link/archive "{\"name\":\"us-cert\",\"text\":\"closed\",\"now\":true}" &&
	grep -q "\"archived_as\":\"us-cert~1\"" body &&
	answers ru-cert GET "/v1/links?archived=1" && grep -q "\"state\":\"archived\"" body &&
	answers ru-cert GET "/v1/link?name=us-cert~1" &&
	test "$(api ru-cert POST /v1/link/archive "{\"name\":\"us-cert~1\",\"text\":\"again\"}")" = 409 &&
	kept POST /v1/link/archive 409 &&
	answers_fit
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done

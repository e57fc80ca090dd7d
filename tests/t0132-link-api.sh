#!/bin/sh
# Links and proofs through the operator API: bad input is refused with
# its own status and a JSON error, and changes nothing; the link list
# pages with a cursor that stays good while links are added; with
# hotlined down, link and proof export fail at once and do nothing.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

for p in ru-cert us-cert eu-cert fr-cert de-cert; do
	new_party $p "$(free_port)"
done

# api METHOD PATH [BODY-FILE] : ru-cert's API; the body lands in body,
# the HTTP status is printed.
api() {
	if [ "$1" = GET ]; then
		curl -s -m 20 --unix-socket "$TEST_DIR/ru-cert/hotlined.sock" -o "$TEST_DIR/body" \
			-w "%{http_code}" "http://hotlined$2"
	else
		curl -s -m 20 --unix-socket "$TEST_DIR/ru-cert/hotlined.sock" -o "$TEST_DIR/body" \
			-w "%{http_code}" -X POST -H "Content-Type: application/json" \
			--data-binary "@$3" "http://hotlined$2"
	fi
}

# links : ru-cert's link names, one a line, from link list --json.
links() {
	"$HOTLINE" --home ru-cert link list --json | sed 's/.*"name":"\([^"]*\)".*/\1/'
}

test_expect_success 'with hotlined down, link and proof export do nothing' '
	expect_code 1 "$HOTLINE" --home ru-cert link confirm us-cert --fingerprint 1 2>err &&
	grep -q "hotlined is not running" err &&
	expect_code 1 "$HOTLINE" --home ru-cert proof export --link us-cert --seq 1 \
		--out p 2>err &&
	grep -q "hotlined is not running" err && test ! -e p &&
	expect_code 1 "$HOTLINE" --home ru-cert link list 2>err &&
	grep -q "hotlined is not running" err
'

test_expect_success 'bad bodies are refused, each with its status' '
	start_daemon ru-cert &&
	echo "not json" >b && test "$(api POST /v1/link/add b)" = 400 &&
	grep -q "\"status\":400" body &&
	echo "[\"us-cert\"]" >b && test "$(api POST /v1/link/add b)" = 400 &&
	grep -q "not a JSON object" body &&
	perl -e "print q({\"name\":\"us-cert\",\"card\":\"), q(x) x 40000, q(\"})" >b &&
	test "$(api POST /v1/link/add b)" = 413 &&
	printf "{\"name\":\"us-cert\",\"card\":\"%s\",\"colour\":\"red\"}" x >b &&
	test "$(api POST /v1/link/add b)" = 400 && grep -q "colour: no such argument" body &&
	printf "{\"name\":\"us-cert\"}" >b &&
	test "$(api POST /v1/link/add b)" = 400 && grep -q "card: missing" body &&
	printf "{\"name\":\"us-cert\",\"card\":7}" >b &&
	test "$(api POST /v1/link/add b)" = 400 && grep -q "card: not a string" body &&
	perl -MJSON::PP -e "local \$/; open(my \$f, q(<), q(us-cert/card)); my \$c = <\$f>;
		print encode_json({name => q(us-cert), card => \$c, endpoint => q(http://x)})" >b &&
	test "$(api POST /v1/link/add b)" = 400 && grep -q "endpoint: http://x: want" body &&
	test "$(links | wc -l)" = 0
'

test_expect_success 'bad confirmations and listings are refused' '
	"$HOTLINE" --home ru-cert link add us-cert --card us-cert/card >/dev/null &&
	printf "{\"name\":\"us-cert\"}" >b &&
	test "$(api POST /v1/link/confirm b)" = 400 && grep -q "fingerprint: missing" body &&
	printf "{\"name\":\"us-cert\",\"fingerprint\":\"12345\"}" >b &&
	test "$(api POST /v1/link/confirm b)" = 409 && grep -q "stays unconfirmed" body &&
	test "$(api GET "/v1/links?limit=0")" = 400 &&
	test "$(api GET "/v1/links?limit=x")" = 400 &&
	test "$(api GET "/v1/links?limit=1001")" = 400 &&
	test "$(api GET "/v1/link")" = 400 && grep -q "name: missing" body &&
	"$HOTLINE" --home ru-cert link show us-cert | grep -q "^state: *UNCONFIRMED"
'

test_expect_success 'a card with a NUL or too long is refused' '
	{ head -c 100 us-cert/card; printf "\000"; tail -c +101 us-cert/card; } >nul.card &&
	expect_code 1 "$HOTLINE" --home ru-cert link add eu-cert --card nul.card 2>err &&
	grep -q "u0000 is not allowed" err &&
	head -c 5000 /dev/zero | tr "\000" a >long.card &&
	expect_code 1 "$HOTLINE" --home ru-cert link add eu-cert --card long.card 2>err &&
	grep -q "too large" err &&
	test "$(links)" = us-cert
'

test_expect_success 'the link list pages by cursor, stable while links are added' '
	"$HOTLINE" --home ru-cert link add fr-cert --card fr-cert/card >/dev/null &&
	test "$(api GET "/v1/links?limit=1")" = 200 &&
	grep -q "\"items\":\[{.*\"name\":\"fr-cert\"" body &&
	grep -q "\"next\":\"fr-cert\"" body &&
	"$HOTLINE" --home ru-cert link add eu-cert --card eu-cert/card >/dev/null &&
	"$HOTLINE" --home ru-cert link add de-cert --card de-cert/card >/dev/null &&
	test "$(api GET "/v1/links?limit=1&after=fr-cert")" = 200 &&
	grep -q "\"name\":\"us-cert\"" body && grep -q "\"next\":null" body &&
	test "$(links | tr "\n" " ")" = "de-cert eu-cert fr-cert us-cert "
'

test_expect_success 'hotlined stops cleanly' '
	stop_daemon ru-cert
'

test_done

#!/bin/sh
# The TAXII 2.1 feed on the HTTPS door (docs/feeds.md, "TAXII 2.1"):
# feed tokens issued, listed and revoked by an admin; discovery, one API
# root per link, the collections of each (the TLP levels a token is
# cleared for, the cases that carried objects); objects, one object, its
# versions and the manifest with every filter, paged by `next` while the
# peer keeps sending (nothing lost, nothing twice); each bad input and
# refusal as the TAXII error object with its status; nothing across a
# TLP boundary; every request in the audit trail.  A client written for
# the tests (tests/taxii_client.py) talks to a real hotlined fed by a
# real peer.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
. "$(dirname "$0")/lib-console.sh"

RU_PORT=$(free_port)
EG_PORT=$(free_port)
CLIENT="python3 $SRC_DIR/tests/taxii_client.py"

# tx [OPTIONS] PATH : one GET of ru-cert's feed as ana's misp token; the
# answer in $TEST_DIR/ans, its status printed.
tx() {
	$CLIENT --port "$(cat "$TEST_DIR/ru-cert.console")" --cafile "$TEST_DIR/ru-cert/tls.crt" \
		--user ana --secret "$(cat "$TEST_DIR/misp.secret")" "$@" >"$TEST_DIR/ans" &&
	jq -r .status "$TEST_DIR/ans"
}

# tx_as CREDENTIAL-OPTIONS... -- [OPTIONS] get PATH : tx with other credentials.
tx_as() {
	$CLIENT --port "$(cat "$TEST_DIR/ru-cert.console")" --cafile "$TEST_DIR/ru-cert/tls.crt" \
		"$@" >"$TEST_DIR/ans" &&
	jq -r .status "$TEST_DIR/ans"
}

# terr STATUS [WORDS] : the last answer is the TAXII error object of STATUS.
terr() {
	jq -e --arg s "$1" '.status == ($s | tonumber) and .body.http_status == $s and
		(.body.title | length > 0) and (.body.description | length > 0) and
		.headers["content-type"] == "application/taxii+json;version=2.1"' "$TEST_DIR/ans" \
		>/dev/null || { echo "not a TAXII error $1:"; cat "$TEST_DIR/ans"; return 1; }
	[ -z "${2:-}" ] || jq -r .body.description "$TEST_DIR/ans" | grep -q -- "$2" ||
		{ echo "no \"$2\" in:"; cat "$TEST_DIR/ans"; return 1; }
}

test_expect_success 'two linked parties, the feed on ru-cert'"'"'s HTTPS door' '
	new_party ru-cert "$RU_PORT" && new_party eg-cert "$EG_PORT" &&
	link_pair ru-cert eg-cert &&
	console_on ru-cert &&
	start_daemon ru-cert && start_daemon eg-cert &&
	hl ru-cert operator add ana --role duty >/dev/null &&
	hl ru-cert operator add aud --role auditor >/dev/null &&
	hl ru-cert operator add boss --role admin >/dev/null
'

test_expect_success 'an admin issues feed tokens; the secret is shown once' '
	hl ru-cert feed token add ana misp --json >out &&
	jq -r .secret out >misp.secret && test "$(wc -c <misp.secret)" = 44 &&
	jq -e ".tlp == \"amber+strict\" and .operator == \"ana\" and .revoked == null" out &&
	hl ru-cert feed token add ana opencti --tlp TLP:RED --json | jq -r .secret >red.secret &&
	hl ru-cert feed token add aud misp --tlp green --json | jq -r .secret >green.secret &&
	hl ru-cert feed token add boss misp --json | jq -r .secret >boss.secret &&
	expect_code 1 hl ru-cert feed token add ana misp &&
	grep -q "has a live token for misp already" ru-cert.err &&
	expect_code 1 hl ru-cert feed token add ana x --tlp purple &&
	expect_code 1 hl ru-cert feed token add nobody misp &&
	hl ru-cert feed token list >list &&
	grep -q "^ana  *opencti  *red " list &&
	! grep -q "$(cat misp.secret)" list &&
	hl ru-cert feed token list --json | jq -e ".tokens | length == 4" &&
	"$HOTLINE" help feed | grep -q "feed token add OPERATOR TOOL"
'

test_expect_success 'discovery and the API roots' '
	test "$(tx get /taxii2/)" = 200 &&
	jq -e ".headers[\"content-type\"] == \"application/taxii+json;version=2.1\"" ans &&
	port=$(cat ru-cert.console) &&
	jq -e --arg u "https://127.0.0.1:$port/taxii2/eg-cert/" \
		".body.api_roots == [\$u] and (.body.title | test(\"ru-cert\"))" ans &&
	test "$(tx get /taxii2/eg-cert/)" = 200 &&
	jq -e ".body.versions == [\"application/taxii+json;version=2.1\"] and
		.body.max_content_length == 0" ans &&
	test "$(tx get /taxii2/nobody/)" = 404 && terr 404 "no such API root"
'

test_expect_success 'collections: the TLP levels within the token'"'"'s clearance' '
	test "$(tx get /taxii2/eg-cert/collections/)" = 200 &&
	jq -r ".body.collections[].alias" ans >aliases &&
	printf "tlp-clear\ntlp-green\ntlp-amber\ntlp-amber-strict\n" >expect &&
	diff expect aliases &&
	jq -e ".body.collections | all(.can_read and (.can_write | not) and
		(.id | test(\"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$\")))" ans &&
	id=$(jq -r ".body.collections[2].id" ans) &&
	test "$(tx get /taxii2/eg-cert/collections/$id/)" = 200 &&
	jq -e ".body.alias == \"tlp-amber\"" ans &&
	test "$(tx get /taxii2/eg-cert/collections/tlp-amber/)" = 200 &&
	jq -e --arg id "$id" ".body.id == \$id" ans &&
	test "$(tx get /taxii2/eg-cert/collections/tlp-red/)" = 404 && terr 404 &&
	test "$(tx_as --bearer "$(cat red.secret)" get /taxii2/eg-cert/collections/tlp-red/)" = 200 &&
	test "$(tx_as --user aud --secret "$(cat green.secret)" get \
		/taxii2/eg-cert/collections/)" = 200 &&
	test "$(jq -r ".body.collections | length" ans)" = 2
'

test_expect_success '401, 403, 406 and POST: the TAXII error object' '
	test "$(tx_as get /taxii2/)" = 401 && terr 401 "no credentials" &&
	jq -e ".headers[\"www-authenticate\"] == \"Basic realm=\\\"hotline\\\"\"" ans &&
	test "$(tx_as --user ana --secret wrong get /taxii2/)" = 401 && terr 401 &&
	test "$(tx_as --user aud --secret "$(cat misp.secret)" get /taxii2/)" = 401 &&
	test "$(tx_as --header "Authorization: Digest x" get /taxii2/)" = 401 &&
	test "$(tx_as --user boss --secret "$(cat boss.secret)" get /taxii2/)" = 403 &&
	terr 403 "may not read" &&
	test "$(tx --accept "application/json" get /taxii2/)" = 406 && terr 406 &&
	test "$(tx --accept "application/taxii+json;version=2.0" get /taxii2/)" = 406 &&
	test "$(tx --accept "application/taxii+json" get /taxii2/)" = 200 &&
	test "$(tx --accept "text/html, */*;q=0.1" get /taxii2/)" = 200 &&
	big=$(head -c 30000 /dev/zero | tr "\0" "a") &&
	test "$(tx --accept "text/$big" get /taxii2/)" = 406 && terr 406 &&
	test "$(tx --accept "text/$big, application/taxii+json;version=2.1" get /taxii2/)" = 200 &&
	for m in POST PUT DELETE; do
		test "$(tx --method $m get /taxii2/eg-cert/collections/tlp-amber/objects/)" = 403 &&
		terr 403 "read only" || exit 1
	done
'

test_expect_success 'a token revoked, an operator disabled: 403' '
	hl ru-cert feed token add aud opencti --json | jq -r .secret >aud2.secret &&
	hl ru-cert feed token revoke aud opencti >/dev/null &&
	test "$(tx_as --bearer "$(cat aud2.secret)" get /taxii2/)" = 403 && terr 403 "revoked" &&
	hl ru-cert feed token list --json | jq -e "[.tokens[] | select(.revoked != null)] | length == 1" &&
	expect_code 1 hl ru-cert feed token revoke aud opencti &&
	hl ru-cert operator disable aud >/dev/null &&
	test "$(tx_as --user aud --secret "$(cat green.secret)" get /taxii2/)" = 403 &&
	terr 403 "disabled" &&
	hl ru-cert operator enable aud >/dev/null
'

test_expect_success 'path tricks name nothing' '
	for p in "/taxii2/eg-cert/collections/%2e%2e/" "/taxii2/../v1/whoami" \
		"/taxii2/eg-cert/collections/tlp-amber/../tlp-red/" "/taxii2/eg-cert/collections/TLP-AMBER/" \
		"/taxii2/eg-cert/collections/tlp-red%2f/" "/taxii2/eg-cert/x/" "/taxii2//"; do
		st=$(tx get "$p") &&
		case $st in 404) terr 404 ;; 400) ;; *) echo "$p: $st"; exit 1 ;; esac || exit 1
	done
'

test_done

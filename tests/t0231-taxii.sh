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

# treq [OPTIONS] get PATH : one request to ru-cert's feed with curl,
# trusting ru-cert's certificate; the options are taxii_client.py's
# (--user U --secret S, --bearer S, --accept A, --method M, --header
# H).  The answer goes to $TEST_DIR/ans as that client prints it,
# {"status", "headers", "body"}; its status is printed.  (curl: a
# Python start per request cost a second on the sanitized build.)
treq() {
	tq_port=$(cat "$TEST_DIR/ru-cert.console")
	set -- --accept "application/taxii+json;version=2.1" "$@"
	tq_accept= tq_user= tq_method=GET
	: >"$TEST_DIR/tq.args"
	while [ $# -gt 2 ]; do
		case $1 in
		--user) tq_user=$2 ;;
		--secret) tq_user="$tq_user:$2" ;;
		--bearer) printf '%s\n' "-H" "Authorization: Bearer $2" >>"$TEST_DIR/tq.args" ;;
		--accept) tq_accept=$2 ;;
		--method) tq_method=$2 ;;
		--header) printf '%s\n' "-H" "$2" >>"$TEST_DIR/tq.args" ;;
		esac
		shift 2
	done
	printf '%s\n' "-H" "Accept: $tq_accept" >>"$TEST_DIR/tq.args"
	[ -z "$tq_user" ] || printf '%s\n' "-u" "$tq_user" >>"$TEST_DIR/tq.args"
	tq_code=$(tr '\n' '\0' <"$TEST_DIR/tq.args" | xargs -0 curl -s -g --path-as-is \
		--cacert "$TEST_DIR/ru-cert/tls.crt" --resolve "ru-cert:$tq_port:127.0.0.1" \
		-X "$tq_method" -D "$TEST_DIR/tq.head" -o "$TEST_DIR/tq.body" -w '%{http_code}' \
		"https://ru-cert:$tq_port$2") || :
	jq -n --argjson s "${tq_code:-0}" --rawfile h "$TEST_DIR/tq.head" \
		--rawfile b "$TEST_DIR/tq.body" '{status: $s,
		headers: ($h | split("\r\n") | map(select(test("^[^ ]+: ")) |
			capture("^(?<k>[^:]+): (?<v>.*)$") | {(.k | ascii_downcase): .v}) | add),
		body: ($b | try fromjson catch .)}' >"$TEST_DIR/ans"
	echo "$tq_code"
}

# tx [OPTIONS] get PATH : treq as ana's misp token.
tx() {
	treq --user ana --secret "$(cat "$TEST_DIR/misp.secret")" "$@"
}

# tx_as CREDENTIALS... get PATH : treq with other credentials (or none).
tx_as() {
	treq "$@"
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
	jq -e --arg u "https://ru-cert:$port/taxii2/eg-cert/" \
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

RED_MD=marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1
IND_G=indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
IND_A=indicator--2e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
IND_R=indicator--3e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
IND_X=indicator--4e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
MAL_A=malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b
IP_G=ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd

# indicator ID MODIFIED [MARKING] : one indicator object.
indicator() {
	printf '{"type": "indicator", "spec_version": "2.1", "id": "%s",
	  "created": "2026-11-22T10:00:00.000Z", "modified": "%s",
	  "name": "C2 %s", "pattern": "[ipv4-addr:value = '"'"'203.0.113.7'"'"']",
	  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"%s}' \
		"$1" "$2" "$1" "${3:+, \"object_marking_refs\": [\"$3\"]}"
}

# bundle N OBJECT... : a bundle of the objects.
bundle() {
	b_n=$1
	shift
	printf '{"type": "bundle", "id": "bundle--%08d-5f74-4287-9642-33f4c354e56d", "objects": [' "$b_n"
	b_sep=
	for b_o in "$@"; do printf '%s%s' "$b_sep" "$b_o"; b_sep=,; done
	printf ']}\n'
}

bundle 1 "$(indicator $IND_G 2026-11-22T10:00:00.000Z)" \
	"{\"type\": \"ipv4-addr\", \"id\": \"$IP_G\", \"value\": \"203.0.113.7\"}" >"$TEST_DIR/green.json"
bundle 2 "$(indicator $IND_A 2026-11-22T10:00:00.000Z)" \
	"{\"type\": \"malware\", \"spec_version\": \"2.1\", \"id\": \"$MAL_A\",
	  \"created\": \"2026-11-22T11:00:00.000Z\", \"modified\": \"2026-11-22T11:00:00.000Z\",
	  \"name\": \"LockBit\", \"is_family\": true}" >"$TEST_DIR/amber.json"
bundle 3 "$(indicator $IND_R 2026-11-22T10:00:00.000Z)" >"$TEST_DIR/red.json"
bundle 4 "$(indicator $IND_G 2026-11-23T09:30:00.250Z)" \
	"$(indicator $IND_X 2026-11-22T10:00:00.000Z $RED_MD)" >"$TEST_DIR/green2.json"

# received N : ru-cert's index holds the N messages eg-cert sent.
received() {
	test "$(show_field ru-cert eg-cert received)" = "$1 $1"
}

test_expect_success 'the peer sends bundles in cases at three TLPs' '
	hl eg-cert send --to ru-cert --tlp TLP:GREEN --lang en --stix green.json "green" >out &&
	grep -qx "case eg-cert#1 opened" out &&
	hl eg-cert send --to ru-cert --tlp TLP:AMBER --lang en --stix amber.json "amber" >/dev/null &&
	hl eg-cert send --to ru-cert --tlp TLP:RED --lang en --stix red.json "red" >/dev/null &&
	hl eg-cert send --case eg-cert#1 --tlp TLP:GREEN --lang en --stix green2.json \
		"a new version" >/dev/null &&
	wait_for 30 received 4
'

# ids : the ids of the last answer's objects, one a line, in order.
ids() {
	jq -r ".body.objects[] | .id" "$TEST_DIR/ans"
}

test_expect_success 'collections: the cases that carried objects' '
	test "$(tx get /taxii2/eg-cert/collections/)" = 200 &&
	jq -r ".body.collections[].alias" ans >aliases &&
	printf "tlp-clear\ntlp-green\ntlp-amber\ntlp-amber-strict\ncase-eg-cert-1\ncase-eg-cert-2\ncase-eg-cert-3\n" >expect &&
	diff expect aliases &&
	test "$(tx get /taxii2/eg-cert/collections/case-eg-cert-2/)" = 200 &&
	jq -e ".body.title == \"Case eg-cert#2\"" ans
'

test_expect_success 'objects of a TLP collection, marked, in an envelope, with the headers' '
	test "$(tx get /taxii2/eg-cert/collections/tlp-green/objects/)" = 200 &&
	ids >got && printf "%s\n" $IP_G $IND_G >expect && diff expect got &&
	jq -e ".body.more == false and (.body | has(\"next\") | not)" ans &&
	jq -e ".body.objects[1].modified == \"2026-11-23T09:30:00.250Z\"" ans &&
	jq -e ".body.objects | all(.object_marking_refs == [\"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb\"])" ans &&
	jq -e ".body.objects[1].external_references == [{\"source_name\":\"hotline\",\"external_id\":\"eg-cert#1\"}]" ans &&
	jq -e ".headers[\"x-taxii-date-added-first\"] | test(\"^20[0-9-]{8}T[0-9:]{8}\\\\.[0-9]{6}Z$\")" ans &&
	jq -e ".headers[\"x-taxii-date-added-first\"] <= .headers[\"x-taxii-date-added-last\"]" ans &&
	test "$(tx get /taxii2/eg-cert/collections/tlp-clear/objects/)" = 200 &&
	ids | grep -q "^identity--" && ids | grep -q "^marking-definition--" &&
	test "$(tx get /taxii2/eg-cert/collections/tlp-amber/objects/)" = 200 &&
	ids | sort >got && printf "%s\n" $IND_A $MAL_A | sort >expect && diff expect got
'

test_expect_success 'TLP:RED is never served to an amber token, in any collection' '
	for c in tlp-clear tlp-green tlp-amber tlp-amber-strict case-eg-cert-1 case-eg-cert-2 \
		case-eg-cert-3; do
		test "$(tx get /taxii2/eg-cert/collections/$c/objects/)" = 200 &&
		! grep -q "$IND_R\|$IND_X" ans &&
		test "$(tx get /taxii2/eg-cert/collections/$c/manifest/)" = 200 &&
		! grep -q "$IND_R\|$IND_X" ans || exit 1
	done &&
	test "$(tx get /taxii2/eg-cert/collections/case-eg-cert-1/objects/$IND_X/)" = 404 &&
	terr 404 &&
	test "$(tx get /taxii2/eg-cert/collections/tlp-red/objects/)" = 404 &&
	test "$(tx_as --bearer "$(cat red.secret)" get /taxii2/eg-cert/collections/tlp-red/objects/)" = 200 &&
	ids | sort >got && printf "%s\n" $IND_R $IND_X | sort >expect && diff expect got &&
	test "$(tx_as --bearer "$(cat red.secret)" get /taxii2/eg-cert/collections/case-eg-cert-1/objects/)" = 200 &&
	ids | grep -qx $IND_X
'

test_expect_success 'match[type], match[id], match[spec_version], match[version]' '
	c=/taxii2/eg-cert/collections/case-eg-cert-1/objects/ &&
	test "$(tx get "$c?match%5Btype%5D=indicator")" = 200 && ids >got &&
	echo $IND_G >expect && diff expect got &&
	test "$(tx get "$c?match[type]=ipv4-addr,malware")" = 200 && ids >got &&
	echo $IP_G >expect && diff expect got &&
	test "$(tx get "$c?match[id]=$IP_G,$IND_A")" = 200 && ids >got && diff expect got &&
	test "$(tx get "$c?match[spec_version]=2.0")" = 200 && jq -e ".body == {}" ans &&
	test "$(tx get "$c?match[spec_version]=2.1&match[type]=indicator")" = 200 &&
	test "$(ids)" = $IND_G &&
	test "$(tx get "$c?match[version]=all&match[type]=indicator")" = 200 &&
	jq -r ".body.objects[].modified" ans >got &&
	printf "2026-11-22T10:00:00.000Z\n2026-11-23T09:30:00.250Z\n" >expect && diff expect got &&
	test "$(tx get "$c?match[version]=first&match[type]=indicator")" = 200 &&
	test "$(jq -r ".body.objects[].modified" ans)" = 2026-11-22T10:00:00.000Z &&
	test "$(tx get "$c?match[version]=2026-11-23T09:30:00.25Z")" = 200 &&
	test "$(jq -r ".body.objects[].modified" ans)" = 2026-11-23T09:30:00.250Z
'

test_expect_success 'added_after, limit and next' '
	c=/taxii2/eg-cert/collections/case-eg-cert-1/objects/ &&
	test "$(tx get "$c?limit=1")" = 200 && test "$(ids)" = $IP_G &&
	jq -e ".body.more == true and (.body.next | length == 43)" ans &&
	last=$(jq -r ".headers[\"x-taxii-date-added-last\"]" ans) &&
	next=$(jq -r .body.next ans) &&
	test "$(tx get "$c?limit=1&next=$next")" = 200 && test "$(ids)" = $IND_G &&
	jq -e ".body.more == false" ans &&
	test "$(tx get "$c?added_after=$last")" = 200 && test "$(ids)" = $IND_G &&
	test "$(tx get "$c?limit=1000000000000")" = 200 && test "$(ids | wc -l)" = 2 &&
	test "$(tx get "/taxii2/eg-cert/collections/case-eg-cert-2/objects/?limit=1&next=$next")" = 400 &&
	terr 400 "next" &&
	test "$(tx_as --bearer "$(cat red.secret)" get "$c?limit=1&next=$next")" = 400 &&
	forged=$(printf "%s" "$next" | sed "s/^./A/;t;s/^A/B/") &&
	[ "$forged" != "$next" ] || forged=B${next#?} &&
	test "$(tx get "$c?next=$forged")" = 400 && terr 400 "next"
'

test_expect_success 'bad input: the TAXII error object, 400' '
	c=/taxii2/eg-cert/collections/tlp-amber/objects/ &&
	for q in "added_after=yesterday" "added_after=2026-13-01T00:00:00Z" \
		"added_after=2026-11-22T10:00:00" "limit=0" "limit=-1" "limit=ten" \
		"match[colour]=red" "sort=id" "match[type]=Indicator" "match[id]=indicator--x" \
		"match[version]=newest" "match[version]=first,last" "next=abc" \
		"limit=1&limit=2" "limit=%20"; do
		test "$(tx get "$c?$q")" = 400 && terr 400 || { echo "$q"; cat ans; exit 1; }
	done &&
	test "$(tx get "/taxii2/eg-cert/collections/?limit=1")" = 400 && terr 400
'

test_expect_success 'one object, its versions, the manifest' '
	c=/taxii2/eg-cert/collections/case-eg-cert-1 &&
	test "$(tx get $c/objects/$IND_G/)" = 200 && ids >got && echo $IND_G >expect &&
	diff expect got && jq -e ".body.objects[0].modified == \"2026-11-23T09:30:00.250Z\"" ans &&
	test "$(tx get "$c/objects/$IND_G/?match[version]=all")" = 200 && test "$(ids | wc -l)" = 2 &&
	test "$(tx get $c/objects/$IND_G/versions/)" = 200 &&
	jq -e ".body.versions == [\"2026-11-22T10:00:00.000Z\", \"2026-11-23T09:30:00.250Z\"] and
		.body.more == false" ans &&
	test "$(tx get $c/objects/$IND_A/)" = 404 && terr 404 &&
	test "$(tx get $c/objects/$IND_A/versions/)" = 404 &&
	test "$(tx get "$c/objects/$IND_G/versions/?match[type]=indicator")" = 400 &&
	test "$(tx get $c/manifest/)" = 200 &&
	jq -e ".body.objects | map(.id) == [\"$IP_G\", \"$IND_G\"]" ans &&
	jq -e ".body.objects | all(.media_type == \"application/stix+json;version=2.1\" and
		(.date_added | length == 27))" ans &&
	jq -e ".body.objects[1].version == \"2026-11-23T09:30:00.250Z\"" ans &&
	jq -e ".body.objects[0].version == .body.objects[0].date_added" ans
'

# more_sends : eg-cert sends 8 more bundles of 2 indicators in case 1.
more_sends() {
	for ms_i in 1 2 3 4 5 6 7 8; do
		ms_n=$((10 + ms_i))
		bundle "$ms_n" "$(indicator indicator--5e2e2d2b-17d4-4cbf-938f-98ee46b3cd$ms_n 2026-11-22T10:00:00.000Z)" \
			"$(indicator indicator--6e2e2d2b-17d4-4cbf-938f-98ee46b3cd$ms_n 2026-11-22T10:00:00.000Z)" \
			>"$TEST_DIR/more$ms_i.json" &&
		hl eg-cert send --case eg-cert#1 --tlp TLP:GREEN --lang en \
			--stix "$TEST_DIR/more$ms_i.json" "more $ms_i" >/dev/null || return 1
	done
}

# walk PATH ARGS... : taxii_client.py's walk as ana's misp token.
walk() {
	$CLIENT --port "$(cat "$TEST_DIR/ru-cert.console")" --cafile "$TEST_DIR/ru-cert/tls.crt" \
		--user ana --secret "$(cat "$TEST_DIR/misp.secret")" walk "$@"
}

test_expect_success 'pages of 2 while the peer keeps sending: nothing lost, nothing twice' '
	c=/taxii2/eg-cert/collections/case-eg-cert-1/objects/
	tx get "$c?limit=1000" >/dev/null && ids >before
	more_sends &
	sender=$!
	walk "$c" --limit 2 --pause 0.3 >walked 2>walk.err
	wait $sender
	wait_for 30 received 12 &&
	walk "$c" --limit 2 >all 2>>walk.err &&
	cat walk.err &&
	test "$(wc -l <all)" = 18 && test "$(sort -u all | wc -l)" = 18 &&
	cut -d" " -f1 walked | sort -u >w && sort -u before >b &&
	test -z "$(comm -23 b w)" &&
	sort -u walked >ws && sort -u all >as && test -z "$(comm -23 ws as)" &&
	grep -q "^pages: 9$" walk.err
'

test_expect_success 'a page of 600 objects streams whole, in several pieces' '
	jq -n "{type: \"bundle\", id: \"bundle--00000600-5f74-4287-9642-33f4c354e56d\",
		objects: [range(600) | {type: \"indicator\", spec_version: \"2.1\",
		id: (\"indicator--7e2e2d2b-17d4-4cbf-938f-\" + (100000000000 + . | tostring)),
		created: \"2026-11-22T10:00:00.000Z\", modified: \"2026-11-22T10:00:00.000Z\",
		name: (\"bulk \" + (. | tostring) + \" \" + (\"x\" * 200)), pattern_type: \"stix\",
		pattern: \"[ipv4-addr:value = '"'"'198.51.100.1'"'"']\",
		valid_from: \"2026-11-22T10:00:00Z\"}]}" >bulk.json &&
	hl eg-cert send --to ru-cert --tlp TLP:GREEN --lang en --stix bulk.json "bulk" >out &&
	case=$(sed -n "s/^case \(eg-cert#[0-9]*\) opened$/\1/p" out) &&
	wait_for 30 received 13 &&
	c=/taxii2/eg-cert/collections/case-$(echo "$case" | tr "#" -) &&
	test "$(tx get "$c/objects/")" = 200 &&
	test "$(jq -r ".body.objects | length" ans)" = 600 &&
	test "$(ids | sort -u | wc -l)" = 600 &&
	test "$(wc -c <tq.body)" -gt 300000 &&
	jq -e ".body.more == false and .headers[\"transfer-encoding\"] == \"chunked\"" ans &&
	test "$(tx get "$c/manifest/?limit=599")" = 200 &&
	test "$(jq -r ".body.objects | length" ans)" = 599 && jq -e ".body.more" ans
'

test_expect_success 'a client paging with next keeps its TLS connection' '
	port=$(cat ru-cert.console) &&
	u=https://ru-cert:$port/taxii2/eg-cert/collections/tlp-green &&
	curl -s -g --cacert ru-cert/tls.crt --resolve "ru-cert:$port:127.0.0.1" \
		-u "ana:$(cat misp.secret)" -H "Accept: application/taxii+json;version=2.1" \
		-D heads -o /dev/null -o /dev/null -o /dev/null \
		-w "%{http_code} %{num_connects}\n" \
		"$u/objects/?limit=1" "$u/manifest/" "$u/objects/?limit=2" >conns &&
	printf "200 1\n200 0\n200 0\n" >expect && diff expect conns &&
	! grep -qi "^connection: close" heads
'

test_expect_success 'the audit trail lists each TAXII read with its reader and count' '
	hl ru-cert audit --json --limit 1000 | jq -s . >audit &&
	jq -e "[.[] | select(.action == \"taxii\")] | length > 50" audit &&
	jq -e "[.[] | select(.action == \"taxii\" and .operator == \"ana\" and
		.detail.tool == \"misp\" and .detail.objects == 2 and .status == 200 and
		(.detail.path | endswith(\"/tlp-green/objects/\")))] | length >= 1" audit &&
	jq -e "[.[] | select(.action == \"taxii\" and .status == 401)] | length >= 3" audit &&
	jq -e "[.[] | select(.action == \"taxii\" and .status == 403 and
		.detail.method == \"POST\")] | length >= 1" audit
'

test_expect_success 'not on the unix socket, not on the peer port' '
	curl -s --unix-socket ru-cert/hotlined.sock -o body -w "%{http_code}" \
		http://hotlined/taxii2/ >code && test "$(cat code)" = 404 &&
	! grep -q api_roots body &&
	code=$(curl -sk -o body -w "%{http_code}" "https://127.0.0.1:$RU_PORT/taxii2/" || :) &&
	! grep -q api_roots body
'

test_done

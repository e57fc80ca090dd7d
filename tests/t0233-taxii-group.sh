#!/bin/sh
# A TAXII API root per group (issue 14, point 1; docs/feeds.md "Group
# API roots"): at the hub, the owner of group poc (ae-cert, ru-cert,
# us-cert), /taxii2/group_poc/ is listed in discovery after the links'
# roots; its collections are a link root's kinds; it serves what the
# group's messages carried, each object once although it went to every
# member, and what the members sent in the group case while members,
# never the hub's bilateral messages; pages by next while a member
# answers, a TLP boundary, errors and the audit trail as on a link root.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-group.sh"
. "$(dirname "$0")/lib-console.sh"

group_parties
console_on hub
group_linked

# treq [--bearer S | --user U --secret S] [--method M] get PATH : one
# request to the hub's feed; the answer in $TEST_DIR/ans as
# {"status", "headers", "body"}, its status printed.
treq() {
	tq_port=$(cat "$TEST_DIR/hub.console")
	tq_user= tq_method=GET
	: >"$TEST_DIR/tq.args"
	while [ $# -gt 2 ]; do
		case $1 in
		--user) tq_user=$2 ;;
		--secret) tq_user="$tq_user:$2" ;;
		--bearer) printf '%s\n' "-H" "Authorization: Bearer $2" >>"$TEST_DIR/tq.args" ;;
		--method) tq_method=$2 ;;
		esac
		shift 2
	done
	printf '%s\n' "-H" "Accept: application/taxii+json;version=2.1" >>"$TEST_DIR/tq.args"
	[ -z "$tq_user" ] || printf '%s\n' "-u" "$tq_user" >>"$TEST_DIR/tq.args"
	tq_code=$(tr '\n' '\0' <"$TEST_DIR/tq.args" | xargs -0 curl -s -g --path-as-is \
		--cacert "$TEST_DIR/hub/tls.crt" --resolve "hub:$tq_port:127.0.0.1" \
		-X "$tq_method" -D "$TEST_DIR/tq.head" -o "$TEST_DIR/tq.body" -w '%{http_code}' \
		"https://hub:$tq_port$2") || :
	jq -n --argjson s "${tq_code:-0}" --rawfile h "$TEST_DIR/tq.head" \
		--rawfile b "$TEST_DIR/tq.body" '{status: $s,
		headers: ($h | split("\r\n") | map(select(test("^[^ ]+: ")) |
			capture("^(?<k>[^:]+): (?<v>.*)$") | {(.k | ascii_downcase): .v}) | add),
		body: ($b | try fromjson catch .)}' >"$TEST_DIR/ans"
	echo "$tq_code"
}

# tx get PATH : treq as ana's misp token (amber+strict); txr: the red one.
tx() {
	treq --user ana --secret "$(cat "$TEST_DIR/misp.secret")" "$@"
}
txr() {
	treq --bearer "$(cat "$TEST_DIR/red.secret")" "$@"
}

# terr STATUS : the last answer is the TAXII error object of STATUS.
terr() {
	jq -e --arg s "$1" '.status == ($s | tonumber) and .body.http_status == $s and
		(.body.description | length > 0)' "$TEST_DIR/ans" >/dev/null ||
		{ echo "not a TAXII error $1:"; cat "$TEST_DIR/ans"; return 1; }
}

# ids : the ids of the last answer's objects, one a line, in order.
ids() {
	jq -r ".body.objects[]? | .id" "$TEST_DIR/ans"
}

IND_A=indicator--1a2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
MAL_A=malware--1b2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
IND_R=indicator--2a2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
IND_X=indicator--2b2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
IND_U=indicator--3a2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
IND_Z=indicator--4a2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
IND_O=indicator--5a2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
RED_MD=marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1

# bundle FILE ID[:MARKING]... : a bundle of indicators (a malware--
# id makes a malware object) into $TEST_DIR/FILE.
bundle() {
	b_file=$1
	shift
	{
		printf '{"type": "bundle", "id": "bundle--%s", "objects": [' \
			"$(echo "$b_file" | md5sum | sed 's/^\(........\)\(....\)\(...\).\(...\).*/\1-\2-4\3-8\4-33f4c354e56d/')"
		b_sep=
		for b_o in "$@"; do
			b_id=${b_o%%:*} b_m=
			[ "$b_id" = "$b_o" ] || b_m=", \"object_marking_refs\": [\"${b_o#*:}\"]"
			case $b_id in
			malware--*) printf '%s{"type": "malware", "spec_version": "2.1", "id": "%s",
			  "created": "2026-11-22T11:00:00.000Z", "modified": "2026-11-22T11:00:00.000Z",
			  "name": "LockBit", "is_family": true%s}' "$b_sep" "$b_id" "$b_m" ;;
			*) printf '%s{"type": "indicator", "spec_version": "2.1", "id": "%s",
			  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
			  "name": "C2", "pattern": "[ipv4-addr:value = '"'"'203.0.113.7'"'"']",
			  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"%s}' \
				"$b_sep" "$b_id" "$b_m" ;;
			esac
			b_sep=,
		done
		printf ']}\n'
	} >"$TEST_DIR/$b_file"
}

bundle group.json $IND_A $MAL_A
bundle ru.json $IND_R $IND_X:$RED_MD
bundle us.json $IND_U
bundle ae.json $IND_Z
bundle own.json $IND_O

# hub_has LINK N : the hub's index holds N messages from LINK.
hub_has() {
	test "$(count hub "SELECT count(*) FROM envelope e JOIN link l ON l.id = e.link
		WHERE l.name = '$1' AND e.side = 1")" = "$2"
}

test_expect_success 'the hub sends a notify with STIX objects to group poc' '
	hl hub operator add ana --role duty >/dev/null &&
	hl hub feed token add ana misp --json | jq -r .secret >misp.secret &&
	hl hub feed token add ana opencti --tlp red --json | jq -r .secret >red.secret &&
	hl hub group create poc >/dev/null &&
	hl hub group add poc ae-cert ru-cert us-cert >/dev/null &&
	hl hub send --group poc --tlp TLP:AMBER --lang en --stix group.json "C2 seen" >out &&
	grep -q "^case hub#1 opened at every member$" out &&
	hl hub send --to ae-cert --tlp TLP:AMBER --lang en --stix own.json "bilateral" >/dev/null &&
	wait_for 30 eval "test \"\$(received ru-cert)\" = 1" &&
	hl ru-cert send --case "hub#1" --lang en --stix ru.json "ours too" >/dev/null &&
	wait_for 30 hub_has ru-cert 1
'

test_expect_success 'discovery lists the group root after the links'"'"' roots' '
	test "$(tx get /taxii2/)" = 200 &&
	port=$(cat hub.console) &&
	jq -r ".body.api_roots[]" ans >got &&
	for r in ae-cert ru-cert us-cert group_poc; do
		echo "https://hub:$port/taxii2/$r/"
	done >expect &&
	diff expect got &&
	test "$(tx get /taxii2/group_poc/)" = 200 &&
	jq -e ".body.title == \"group_poc\" and .body.max_content_length == 0" ans &&
	test "$(tx get /taxii2/group_nope/)" = 404 && terr 404 &&
	test "$(tx get /taxii2/group_/)" = 404 && terr 404
'

test_expect_success 'its collections: the TLP levels, then the group case' '
	test "$(tx get /taxii2/group_poc/collections/)" = 200 &&
	jq -r ".body.collections[].alias" ans >got &&
	printf "tlp-clear\ntlp-green\ntlp-amber\ntlp-amber-strict\ncase-hub-1\n" >expect &&
	diff expect got &&
	gid=$(jq -r ".body.collections[2].id" ans) &&
	test "$(tx get /taxii2/ae-cert/collections/tlp-amber/)" = 200 &&
	test "$(jq -r .body.id ans)" != "$gid" &&
	test "$(tx get /taxii2/group_poc/collections/$gid/)" = 200 &&
	jq -e ".body.alias == \"tlp-amber\" and .body.can_write == false" ans &&
	test "$(tx get /taxii2/group_poc/collections/tlp-red/)" = 404 && terr 404 &&
	test "$(txr get /taxii2/group_poc/collections/tlp-red/)" = 200
'

test_expect_success 'what went to every member comes once; the hub'"'"'s bilateral never' '
	test "$(tx get /taxii2/group_poc/collections/tlp-amber/objects/)" = 200 &&
	ids >got && printf "%s\n" $IND_A $MAL_A $IND_R >expect && diff expect got &&
	jq -e ".body.objects[0].external_references ==
		[{\"source_name\":\"hotline\",\"external_id\":\"hub#1\"}]" ans &&
	jq -e ".headers[\"x-taxii-date-added-first\"] <= .headers[\"x-taxii-date-added-last\"]" ans &&
	test "$(tx get /taxii2/ae-cert/collections/tlp-amber/objects/)" = 200 &&
	ids | grep -qx $IND_O &&
	test "$(tx get /taxii2/group_poc/collections/tlp-clear/objects/)" = 200 &&
	test "$(ids | grep -c "^identity--")" = 4 &&
	test "$(ids | sort | uniq -d)" = "" &&
	test "$(tx get /taxii2/group_poc/collections/case-hub-1/manifest/)" = 200 &&
	ids >got && printf "%s\n" $IND_A $MAL_A $IND_R >expect && diff expect got &&
	test "$(tx get /taxii2/group_poc/collections/case-hub-1/objects/$MAL_A/)" = 200 &&
	test "$(ids)" = $MAL_A &&
	test "$(tx get /taxii2/group_poc/collections/case-hub-1/objects/$IND_O/)" = 404 &&
	test "$(tx get "/taxii2/group_poc/collections/case-hub-1/objects/?match[type]=malware")" = 200 &&
	test "$(ids)" = $MAL_A
'

test_expect_success 'TLP:RED a member marked: only to a red token' '
	for c in tlp-clear tlp-green tlp-amber tlp-amber-strict case-hub-1; do
		test "$(tx get /taxii2/group_poc/collections/$c/objects/)" = 200 &&
		! grep -q "$IND_X" ans || exit 1
	done &&
	test "$(tx get /taxii2/group_poc/collections/tlp-red/objects/)" = 404 && terr 404 &&
	test "$(txr get /taxii2/group_poc/collections/tlp-red/objects/)" = 200 &&
	test "$(ids)" = $IND_X &&
	test "$(txr get /taxii2/group_poc/collections/case-hub-1/objects/)" = 200 &&
	ids | grep -qx $IND_X
'

test_expect_success 'pages by next while a member answers: nothing lost, nothing twice' '
	c=/taxii2/group_poc/collections/case-hub-1/objects/ &&
	test "$(tx get "$c?limit=2")" = 200 && ids >seen &&
	jq -e ".body.more == true" ans && next=$(jq -r .body.next ans) &&
	hl us-cert send --case "hub#1" --lang en --stix us.json "and here" >/dev/null &&
	wait_for 30 hub_has us-cert 1 &&
	while [ -n "$next" ]; do
		test "$(tx get "$c?limit=2&next=$next")" = 200 && ids >>seen &&
		next=$(jq -r ".body.next // empty" ans) || exit 1
	done &&
	printf "%s\n" $IND_A $MAL_A $IND_R $IND_U >expect && diff expect seen &&
	test "$(tx get "/taxii2/group_poc/collections/tlp-amber/objects/?limit=1&next=$(
		tx get "$c?limit=1" >/dev/null; jq -r .body.next ans)")" = 400 && terr 400 &&
	test "$(tx get "$c?limit=0")" = 400 && terr 400
'

test_expect_success 'a member removed: its objects stay, its later ones never come' '
	hl hub group remove poc ae-cert >/dev/null &&
	wait_for 30 eval "test \"\$(received ae-cert)\" = 2" &&
	hl ae-cert send --case "hub#1" --lang en --stix ae.json "after" >/dev/null &&
	wait_for 30 hub_has ae-cert 1 &&
	test "$(tx get /taxii2/ae-cert/collections/case-hub-1/objects/)" = 200 &&
	ids | grep -qx $IND_Z &&
	test "$(tx get /taxii2/group_poc/collections/case-hub-1/objects/)" = 200 &&
	ids >got && printf "%s\n" $IND_A $MAL_A $IND_R $IND_U >expect && diff expect got
'

test_expect_success 'read only, and every request in the audit trail' '
	test "$(tx --method POST get /taxii2/group_poc/collections/tlp-amber/objects/)" = 403 &&
	terr 403 &&
	hl hub audit --json --limit 1000 | jq -s . >audit &&
	jq -e "[.[] | select(.action == \"taxii\" and
		(.detail.path | startswith(\"/taxii2/group_poc/\")))] | length > 20" audit &&
	jq -e "[.[] | select(.action == \"taxii\" and .detail.objects == 3 and
		.detail.path == \"/taxii2/group_poc/collections/tlp-amber/objects/\")] |
		length >= 1" audit
'

test_done

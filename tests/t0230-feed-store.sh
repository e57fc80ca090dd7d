#!/bin/sh
# The STIX objects a feed serves (docs/feeds.md "The objects"): a real
# exchange between two daemons fills the table on both sides, each object
# at its effective TLP, with its TLP 2.0 marking, its creator and its
# case in the JSON as served; both sides serve the same objects alike;
# rebuild fills it again identically apart from the dates added (and
# names the case of a reply indexed before its notify); log verify
# compares without writing.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

EG_PORT=$(free_port)
RU_PORT=$(free_port)
linked_pair eg-cert "$EG_PORT" ru-cert "$RU_PORT"

synced() {
	in_sync eg-cert ru-cert
}

# rows PARTY : the objects PARTY serves, by id and version, without
# their row number and date added (which are each store's own).
rows() {
	sqlite3 -separator ' ' "$TEST_DIR/$1/hotline.db" \
		"SELECT sid, version, tlp, coalesce(case_name, '-'), type, spec, json
		 FROM stix_object ORDER BY sid, version"
}

# count PARTY N : PARTY's table has N rows, once PARTY's index has read
# what came (a listing brings it up to date, as the feed will).
count() {
	hl "$1" case list >/dev/null &&
	test "$(sqlite3 "$TEST_DIR/$1/hotline.db" "SELECT count(*) FROM stix_object")" = "$2"
}

# identity NAME : the identity id of party NAME (stixfeed.h).
identity() {
	perl -MDigest::SHA=sha256_hex -e '
		my $h = sha256_hex("hotline identity\0" . $ARGV[0]);
		substr($h, 12, 1) = "4";
		substr($h, 16, 1) = sprintf("%x", 8 | (hex(substr($h, 16, 1)) & 3));
		printf "identity--%s-%s-%s-%s-%s\n", substr($h, 0, 8), substr($h, 8, 4),
			substr($h, 12, 4), substr($h, 16, 4), substr($h, 20, 12)' "$1"
}
EG_ID=$(identity eg-cert)
RU_ID=$(identity ru-cert)
AMBER=marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421
RED=marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1
GREEN1=marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da

IND_A=indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
IND_R=indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
IND_G=indicator--ae2e2d2b-17d4-4cbf-938f-98ee46b3cd3f
cat >"$TEST_DIR/notify.json" <<EOF
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "indicator", "spec_version": "2.1", "id": "$IND_A",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "ransomware C2", "pattern": "[ipv4-addr:value = '203.0.113.7']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"},
 {"type": "indicator", "spec_version": "2.1", "id": "$IND_R",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "the source", "pattern": "[ipv4-addr:value = '192.0.2.99']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z",
  "object_marking_refs": ["$RED"]},
 {"type": "indicator", "spec_version": "2.1", "id": "$IND_G",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "marked green, sent amber", "pattern": "[ipv4-addr:value = '192.0.2.98']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z",
  "object_marking_refs": ["$GREEN1"]},
 {"type": "ipv4-addr", "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
  "value": "198.51.100.3"}]}
EOF
# ru-cert's view: a second version of the first indicator, and a copy
# of the third (which stays eg-cert's: the copy sent first counts).
cat >"$TEST_DIR/update.json" <<EOF
{"type": "bundle", "id": "bundle--6d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "indicator", "spec_version": "2.1", "id": "$IND_A",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T11:30:00.250Z",
  "name": "ransomware C2, seen from here", "pattern": "[ipv4-addr:value = '203.0.113.7']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z",
  "created_by_ref": "$EG_ID"},
 {"type": "indicator", "spec_version": "2.1", "id": "$IND_G",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "marked green, sent amber", "pattern": "[ipv4-addr:value = '192.0.2.98']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"}]}
EOF

test_expect_success 'a notification with STIX and a reply with a new version' '
	start_daemon eg-cert && start_daemon ru-cert &&
	hl eg-cert send --to ru-cert --precedence flash --lang en \
		--category malicious-code/c2-server --tlp TLP:AMBER --severity high \
		--stix notify.json "C2 on a water utility" >out &&
	grep -qx "case eg-cert#1 opened" out &&
	wait_for 20 synced &&
	hl ru-cert send --case eg-cert#1 --stix update.json --lang en "our view" >/dev/null &&
	wait_for 20 synced
'

# 4 objects, a second version, both identities and the amber and red
# markings.
test_expect_success 'both sides fill the table' '
	wait_for 20 count eg-cert 9 && wait_for 20 count ru-cert 9 &&
	rows eg-cert >eg.rows && rows ru-cert >ru.rows && cmp eg.rows ru.rows
'

test_expect_success 'each object at its effective TLP, marked, with creator and case' '
	grep -q "^$IND_A 1795341600000000 2 eg-cert#1 indicator 2.1 .*\"object_marking_refs\":\[\"$AMBER\"\].*\"created_by_ref\":\"$EG_ID\".*\"external_references\":\[{\"source_name\":\"hotline\",\"external_id\":\"eg-cert#1\"}\]" eg.rows &&
	grep -q "^$IND_A 1795347000250000 2 eg-cert#1 indicator .*\"created_by_ref\":\"$EG_ID\"" eg.rows &&
	grep -q "^$IND_R 1795341600000000 4 eg-cert#1 .*\"object_marking_refs\":\[\"$RED\"\]" eg.rows &&
	grep -q "^$IND_G 1795341600000000 2 eg-cert#1 .*\"object_marking_refs\":\[\"$AMBER\"\].*\"created_by_ref\":\"$EG_ID\"" eg.rows &&
	! grep -q "$GREEN1" eg.rows &&
	grep -q "^ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd 0 2 eg-cert#1 ipv4-addr 2.1 " eg.rows &&
	! grep "^ipv4-addr" eg.rows | grep -q "created_by_ref\|external_references" &&
	grep -q "^$EG_ID 946684800000000 0 - identity 2.1 .*\"name\":\"eg-cert\"" eg.rows &&
	grep -q "^$RU_ID 946684800000000 0 - identity 2.1 .*\"name\":\"ru-cert\"" eg.rows &&
	grep -q "^$AMBER 1664582400000000 0 - marking-definition .*\"tlp_2_0\":\"amber\"" eg.rows &&
	grep -q "^$RED 1664582400000000 0 - marking-definition .*\"tlp_2_0\":\"red\"" eg.rows
'

test_expect_success 'ru-cert sent the second version: its creator stays the one it named' '
	sqlite3 ru-cert/hotline.db "SELECT side FROM stix_object
		WHERE sid = '\''$IND_A'\'' AND version = 1795347000250000" >side &&
	test "$(cat side)" = 0
'

test_expect_success 'rebuild fills the table again alike, the dates added apart' '
	stop_daemon ru-cert &&
	sqlite3 ru-cert/hotline.db "SELECT max(added), max(id) FROM stix_object" >before &&
	hl ru-cert rebuild >/dev/null &&
	rows ru-cert >again.rows && cmp ru.rows again.rows &&
	sqlite3 ru-cert/hotline.db "SELECT min(added) > $(cut -d"|" -f1 before),
		min(id) > $(cut -d"|" -f2 before) FROM stix_object" >after &&
	test "$(cat after)" = "1|1"
'

test_expect_success 'log verify compares the objects without writing them' '
	sqlite3 ru-cert/hotline.db "SELECT * FROM stix_object" >kept &&
	hl ru-cert log verify >out &&
	sqlite3 ru-cert/hotline.db "SELECT * FROM stix_object" >kept2 &&
	cmp kept kept2
'

test_expect_success 'log verify finds an object served at the wrong level' '
	sqlite3 ru-cert/hotline.db "UPDATE stix_object SET tlp = 2 WHERE sid = '\''$IND_R'\''" &&
	expect_code 1 hl ru-cert log verify --json >out &&
	grep -q "\"index\": *\"stix_object\"" out &&
	hl ru-cert rebuild >/dev/null && hl ru-cert log verify >/dev/null &&
	rows ru-cert >again.rows && cmp ru.rows again.rows
'

test_done

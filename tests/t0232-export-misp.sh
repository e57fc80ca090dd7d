#!/bin/sh
# export --misp writes the case as one MISP event in the MISP core format
# (tests/misp_check.py checks it from the format's text): the case's TLP
# and RSIT category as tags, the bundle's indicators and observables as
# attributes, an object marked RED beside the case's AMBER with its own
# tlp:red tag; both parties, and every export, give the same event.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

CHECK="python3 $SRC_DIR/tests/misp_check.py"
SQ="'"
RED=marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1

new_party eg-cert "$(free_port)"
new_party ru-cert "$(free_port)"
link_pair eg-cert ru-cert

cat >"$TEST_DIR/ru.json" <<JSON
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "marking-definition", "spec_version": "2.1", "id": "$RED",
  "created": "2022-10-01T00:00:00.000Z", "name": "TLP:RED",
  "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
   {"extension_type": "property-extension", "tlp_2_0": "red"}}},
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "ransomware C2",
  "pattern": "[ipv4-addr:value = '203.0.113.7' OR domain-name:value = 'c2.example']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"},
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "pattern": "[file:name = 'lock.exe' AND file:size > 1000]",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"},
 {"type": "file", "id": "file--ff26c055-6336-5bc5-b98d-13d6226742dd",
  "name": "lock.exe", "hashes": {"SHA-256":
   "4BF2A7AC5C4FF7A6CD5EE1D1AB9AD4B1B2B7B38B8AE5FB79F3B8AE1F48D7E5C0"}},
 {"type": "ipv4-addr", "id": "ipv4-addr--0f26c055-6336-5bc5-b98d-13d6226742dd",
  "value": "198.51.100.23", "object_marking_refs": ["$RED"]}]}
JSON

# field FILE EXPR : prints the Python expression EXPR over the event E
# of FILE, with A(type, value) the attribute of that type and value.
field() {
	python3 -c '
import json, sys
E = json.load(open(sys.argv[1]))["Event"]
def A(t, v):
    return [a for a in E["Attribute"] if a["type"] == t and a["value"] == v][0]
def tags(o):
    return " ".join(t["name"] for t in o.get("Tag", []))
print(eval(sys.argv[2]))' "$@"
}

test_expect_success 'the peer opens a case at TLP:AMBER with one object marked RED' '
	only_daemon ru-cert &&
	hl ru-cert send --to eg-cert --precedence flash --lang en --tlp TLP:AMBER \
		--category malicious-code/c2-server --severity high \
		--summary "LockBit C2 on a water utility" --stix ru.json \
		"Details follow." >/dev/null &&
	exchange ru-cert eg-cert b1
'

test_expect_success 'the export is a MISP event in the core format' '
	only_daemon eg-cert &&
	hl eg-cert export --misp ru-cert#1 -o eg.json &&
	$CHECK eg.json &&
	test "$(field eg.json "E[\"info\"]")" = "ru-cert#1: LockBit C2 on a water utility" &&
	test "$(field eg.json "E[\"Orgc\"][\"name\"], E[\"threat_level_id\"], E[\"analysis\"]")" = \
		"(${SQ}ru-cert${SQ}, ${SQ}1${SQ}, ${SQ}1${SQ})" &&
	test "$(field eg.json "E[\"published\"], E[\"distribution\"]")" = \
		"(False, ${SQ}0${SQ})"
'

test_expect_success 'the case TLP and RSIT category are the event tags' '
	test "$(field eg.json "tags(E)")" = "tlp:amber rsit:malicious-code=\"c2-server\""
'

test_expect_success 'simple comparisons and observables are attributes' '
	test "$(field eg.json "A(\"ip-dst\", \"203.0.113.7\")[\"to_ids\"]")" = True &&
	test "$(field eg.json "A(\"domain\", \"c2.example\")[\"category\"]")" = "Network activity" &&
	test "$(field eg.json "A(\"sha256\", \"4bf2a7ac5c4ff7a6cd5ee1d1ab9ad4b1b2b7b38b8ae5fb79f3b8ae1f48d7e5c0\")[\"to_ids\"]")" = False &&
	test "$(field eg.json "A(\"filename\", \"lock.exe\")[\"category\"]")" = "Payload delivery" &&
	test "$(field eg.json "A(\"stix2-pattern\", \"[file:name = ${SQ}lock.exe${SQ} AND file:size > 1000]\")[\"to_ids\"]")" = True
'

test_expect_success 'the object marked RED keeps its own tlp:red tag' '
	test "$(field eg.json "tags(A(\"ip-dst\", \"198.51.100.23\"))")" = tlp:red &&
	test "$(field eg.json "A(\"ip-dst\", \"198.51.100.23\")[\"distribution\"]")" = 0 &&
	test "$(field eg.json "tags(A(\"ip-dst\", \"203.0.113.7\"))")" = "" &&
	test "$(field eg.json "A(\"ip-dst\", \"203.0.113.7\")[\"distribution\"]")" = 5
'

test_expect_success 'both parties, and a second export, give the same event' '
	hl eg-cert export --misp ru-cert#1 >again.json &&
	cmp eg.json again.json &&
	only_daemon ru-cert &&
	hl ru-cert export --misp ru-cert#1 -o ru.out.json &&
	cmp eg.json ru.out.json
'

test_expect_success 'a case without indicators is an event without attributes' '
	hl ru-cert send --to eg-cert --lang en "Scanning seen." >/dev/null &&
	hl ru-cert export --misp ru-cert#2 -o plain.json &&
	$CHECK plain.json &&
	test "$(field plain.json "len(E[\"Attribute\"]), E[\"Tag\"], E[\"threat_level_id\"]")" = \
		"(0, [], ${SQ}4${SQ})" &&
	expect_code 1 hl ru-cert export --stix ru-cert#2
'

test_expect_success 'refusals: no such case, an unknown format, both options' '
	expect_code 1 hl ru-cert export --misp ru-cert#9 &&
	curl -s --unix-socket ru-cert/hotlined.sock -o reply -w "%{http_code}" \
		"http://hotlined/v1/export?case=ru-cert%231&format=xml" >code &&
	test "$(cat code)" = 400 && grep -q "format: stix or misp" reply &&
	expect_code 2 hl ru-cert export --stix ru-cert#1 --misp ru-cert#1
'

test_expect_success 'hotline help export shows --misp' '
	"$HOTLINE" help export >help &&
	grep -q "hotline export --misp CASE \[-o FILE\]" help
'

test_done

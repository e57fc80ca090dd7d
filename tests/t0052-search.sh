#!/bin/sh
# hotline search finds a value in the STIX indicators, the structured
# fields and the free text of a party's messages, takes CIDR ranges for
# addresses (IPv4 and IPv6), and says in one line when nothing matches.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

new_party eg-cert "$(free_port)"
new_party ru-cert "$(free_port)"
link_pair eg-cert ru-cert

cat >"$TEST_DIR/bundle.json" <<'JSON'
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "ransomware C2", "pattern": "[ipv4-addr:value = '203.0.113.7']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"},
 {"type": "ipv6-addr", "id": "ipv6-addr--1e61d36c-a16c-53b7-a80f-2a00161c96b1",
  "value": "2001:db8:4::7"},
 {"type": "ipv4-addr", "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
  "value": "198.51.100.0/28"},
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "exfiltration", "pattern": "[network-traffic:dst_ref.value = '192.0.2.99']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"}]}
JSON

test_expect_success 'a notification with indicators, fields and text reaches ru-cert' '
	only_daemon eg-cert &&
	hl eg-cert send --to ru-cert --precedence flash --lang ar \
		--category malicious-code/c2-server --tlp TLP:AMBER --severity high \
		--summary "Ransomware C2 on a water utility" --summary-lang en --stix bundle.json \
		"رصدنا خادم تحكم لبرنامج فدية في شبكتكم" >/dev/null &&
	hl eg-cert send --to ru-cert --lang en "Routine note, nothing to see" >/dev/null &&
	exchange eg-cert ru-cert b1 &&
	test "$(show_field ru-cert eg-cert received)" = "2 2" &&
	{ daemon_running eg-cert || start_daemon eg-cert; } && start_daemon ru-cert
'

# found PARTY VALUE : PARTY finds VALUE in eg-cert/1 (or, at eg-cert,
# ru-cert/out/1) and in nothing else; its lines are in found.
found() {
	hl "$1" search "$2" >found &&
	head -n 1 found | grep -q "^TIME  *CASE  *MESSAGE  *FOUND IN$" &&
	sed 1d found >rows && test -s rows &&
	! grep -v " eg-cert#1  *\(eg-cert/1\|ru-cert/out/1\) " rows
}

test_expect_success 'an address inside a CIDR range, IPv4 and IPv6' '
	found ru-cert 203.0.113.0/24 && grep -q "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f (ipv4-addr:value)$" rows &&
	found ru-cert 203.0.112.0/23 &&
	found ru-cert 2001:db8::/32 && grep -q "ipv6-addr--1e61d36c-a16c-53b7-a80f-2a00161c96b1 (ipv6-addr:value)$" rows &&
	found eg-cert 2001:DB8:4::7 &&
	found ru-cert 203.0.113.7
'

test_expect_success 'an address inside an indicator range' '
	found ru-cert 198.51.100.9 && grep -q "ipv4-addr--ff26c055" rows &&
	found ru-cert 198.51.0.0/16
'

test_expect_success 'an address a pattern compares by another path, exactly' '
	found ru-cert 192.0.2.99 && grep -q "indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f (network-traffic:dst_ref.value)$" rows
'

test_expect_success 'the structured fields, by their codes' '
	found ru-cert malicious-code/c2-server && grep -q "category: malicious-code/c2-server$" rows &&
	found ru-cert tlp:amber && grep -q "tlp: TLP:AMBER$" rows &&
	found eg-cert high && grep -q "severity: high$" rows
'

test_expect_success 'the free text and the summary, case ignored' '
	found ru-cert "water utility" && grep -q " text$" rows &&
	found ru-cert "RANSOMWARE c2" &&
	found ru-cert "فدية في شبكتكم" &&
	found eg-cert "خادم تحكم"
'

test_expect_success 'nothing found: one clear line, exit 1' '
	for v in 198.51.101.0/24 2001:db9::/32 192.0.2.1 "no such words" TLP:RED; do
		expect_code 1 hl ru-cert search "$v" >out &&
		test "$(wc -l <out)" = 1 && grep -q "^$v: mentioned in no case$" out || exit 1
	done &&
	expect_code 1 hl ru-cert search --json 192.0.2.1 >out && test ! -s out
'

test_expect_success 'text that is query syntax is only text' '
	expect_code 1 hl ru-cert search "water\" OR \"note" >out &&
	grep -q "mentioned in no case" out &&
	expect_code 1 hl ru-cert search "NEAR(water utility)" >out &&
	hl ru-cert search "nothing to see" >out && grep -q " eg-cert/2 " out
'

test_expect_success '--json: one object per mention' '
	hl ru-cert search --json 203.0.113.0/24 >j && test "$(wc -l <j)" = 1 &&
	perl -MJSON::PP -ne "my \$j = decode_json(\$_);
		exit 1 unless \$j->{message} eq q(eg-cert/1) && \$j->{case} eq q(eg-cert#1) &&
		\$j->{found_in} eq q(stix) && \$j->{kind} eq q(ipv4-addr:value) &&
		\$j->{value} eq q(203.0.113.7) && \$j->{link} eq q(eg-cert) &&
		\$j->{object} =~ /^indicator--/ && \$j->{time} > 0" j &&
	hl ru-cert search --json "water utility" >j &&
	perl -MJSON::PP -ne "my \$j = decode_json(\$_);
		exit 1 unless \$j->{found_in} eq q(text) && !defined \$j->{object}" j
'

test_expect_success 'rebuild recomputes the text index; the database stays private' '
	hl ru-cert rebuild >/dev/null &&
	found ru-cert "water utility" && found ru-cert tlp:amber &&
	test "$(stat -c %a ru-cert/hotline.db)" = 600
'

test_done

#!/bin/sh
# The console in a real browser (tests/browser/flash.mjs): ru-cert sends
# a FLASH to us-cert, whose duty officer ana has the console open; it
# shows within a second of its event, without a reload, on top, with a
# live countdown, the sound and the title signal; one click
# acknowledges it, and ru-cert's case names ana; a second FLASH is
# acknowledged with the keyboard alone; the Arabic case view is right to
# left, its STIX a table and a graph; the auditor otto sees no action and the API refuses them; no
# console error, no CSP violation, no serious axe violation. Keeps
# inbox.png and case-ar.png (README) in $HOTLINE_ARTIFACTS.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"
. "$(dirname "$0")/lib-transcript.sh"
. "$(dirname "$0")/lib-browser.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

cat >"$TEST_DIR/bundle.json" <<'JSON'
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "ransomware C2", "pattern": "[ipv4-addr:value = '203.0.113.7']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"},
 {"type": "malware", "spec_version": "2.1",
  "id": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "LockBit", "is_family": true},
 {"type": "relationship", "spec_version": "2.1",
  "id": "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "relationship_type": "indicates",
  "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "target_ref": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"}]}
JSON

test_expect_success 'ru-cert runs; us-cert serves its console to ana (duty) and otto (auditor)' '
	start_daemon ru-cert &&
	console_up us-cert ana duty &&
	browser_operator us-cert otto auditor
'

test_expect_success 'a FLASH in the browser: shown live, acknowledged by click and by keyboard, Arabic rtl, the auditor refused' '
	browser_run flash.mjs
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done

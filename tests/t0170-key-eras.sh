#!/bin/sh
# A peer's key change at the witness (protocol.md 9.5 step 10.4a): a
# `card` envelope whose new sign key the old one endorses is stored as
# the peer's next era, with the new card as link.card, and the push ends
# after it; envelopes after it signed with the old key are refused.  A
# key change that breaks a rule refuses the whole push (422) with its
# sentence, kept as `card` evidence, nothing stored.  hl-forge makes the
# rotations, since 'hotline card rotate' comes later.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-forge
command -v sqlite3 >/dev/null 2>&1 || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }

linked_pair ru-cert "$(free_port)" us-cert "$(free_port)"
new_party jp-cert "$(free_port)"
link_both jp-cert us-cert

# db NAME SQL : what SQL says of NAME's store.
db() {
	sqlite3 "$TEST_DIR/$1/hotline.db" "$2"
}

# eras NAME LINK : NAME's rows of LINK's peer's eras.
eras() {
	db "$1" "SELECT count(*) FROM link_key k JOIN link l ON l.id = k.link
		 WHERE l.name = '$2' AND k.side = 1"
}

# founding NAME LINK FILE : whether NAME's era 0 of LINK's peer is FILE.
founding() {
	test "$(db "$1" "SELECT k.card = readfile('$3') FROM link_key k
		JOIN link l ON l.id = k.link WHERE l.name = '$2' AND k.side = 1
		AND k.era = 0")" = 1
}

test_expect_success 'a rotation endorsed by the old key: the era and the card stored' '
	start_daemon us-cert && start_daemon ru-cert &&
	hl ru-cert send --to us-cert "before the rotation" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field ru-cert us-cert sent)\" = \"1 1\"" &&
	test "$(eras us-cert ru-cert)" = 0 &&
	"$TOOLS/hl-forge" rotate --home ru-cert us-cert sign >out &&
	test "$(cat out)" = us-cert/out/2 &&
	hl ru-cert send --to us-cert "signed with the old key" >/dev/null &&
	wait_for 30 eval "test \"\$(eras us-cert ru-cert)\" = 2" &&
	test "$(db us-cert "SELECT era || from_seq || via_seq || how FROM link_key
		WHERE side = 1 ORDER BY era" | tr "\n" " ")" = "010founding 132rotated " &&
	test "$(db us-cert "SELECT count(*) FROM link l JOIN link_key k ON k.link = l.id
		WHERE l.name = '"'ru-cert'"' AND k.side = 1 AND k.era = 1 AND k.card = l.card")" = 1 &&
	founding us-cert ru-cert "$TEST_DIR/ru-cert/card"
'

test_expect_success 'the push ended after the card; the old key after it is refused' '
	wait_for 30 grep -q "push from ru-cert: no signature by the expected key" us-cert.log &&
	test "$(show_field ru-cert us-cert sent)" = "3 2" &&
	test "$(show_field us-cert ru-cert received)" = "2 2" &&
	"$HOTLINE" --home us-cert log verify --link ru-cert >out &&
	test "$(eras us-cert ru-cert)" = 2
'

test_expect_success 'a key change that changes nothing: 422 with its sentence, evidence, nothing stored' '
	start_daemon jp-cert &&
	hl jp-cert send --to us-cert "before" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field jp-cert us-cert sent)\" = \"1 1\"" &&
	"$TOOLS/hl-forge" rotate --home jp-cert us-cert nothing >out &&
	test "$(cat out)" = us-cert/out/2 &&
	hl jp-cert send --to us-cert "after" >/dev/null &&
	wait_for 30 grep -q "peer jp-cert: key change refused: card at seq 2: the new card changes nothing" us-cert.log &&
	grep -q "refused (422): card at seq 2: the new card changes nothing" us-cert.log &&
	test "$(db us-cert "SELECT e.kind || e.at FROM evidence e JOIN link l ON l.id = e.link
		WHERE l.name = '"'jp-cert'"'")" = card2 &&
	test "$(eras us-cert jp-cert)" = 0 &&
	test "$(show_field us-cert jp-cert received)" = "1 1" &&
	wait_for 30 eval "hl jp-cert status | grep -q \"card at seq 2: the new card changes nothing\""
'

test_done

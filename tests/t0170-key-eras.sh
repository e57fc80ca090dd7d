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

# jq_ EXPR : the perl expression EXPR of the JSON on standard input ($j).
jq_() {
	perl -MJSON::PP -e 'local $/; my $j = JSON::PP->new->utf8->decode(<STDIN>);
		my $v = eval $ARGV[0]; print defined $v ? $v : "null"' "$1"
}

# side_eras SIDE : the eras of SIDE (ours, theirs) of the link keys JSON
# on standard input, without `confirmed` (each party's own time), as
# canonical JSON, to compare the two parties' lists.
side_eras() {
	jq_ 'delete $_->{confirmed} for @{$j->{'"$1"'}};
		JSON::PP->new->canonical->encode($j->{'"$1"'})'
}

# fits METHOD PATH FILE : FILE is a 200 answer of that route as
# docs/openapi.json describes it.
fits() {
	perl "$SRC_DIR/tests/openapi-check.pl" "$SRC_DIR/docs/openapi.json" answer "$1" "$2" 200 "$3"
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
	"$TOOLS/hl-forge" rotate --home ru-cert us-cert sign >rotated &&
	test "$(cat rotated)" = us-cert/out/2 &&
	hl ru-cert send --to us-cert "signed with the old key" >/dev/null &&
	wait_for 30 eval "test \"\$(eras us-cert ru-cert)\" = 2" &&
	test "$(db us-cert "SELECT era || from_seq || via_seq || how FROM link_key
		WHERE side = 1 ORDER BY era" | tr "\n" " ")" = "010founding 132rotated " &&
	test "$(db us-cert "SELECT count(*) FROM link l JOIN link_key k ON k.link = l.id
		WHERE l.name = '"'ru-cert'"' AND k.side = 1 AND k.era = 1 AND k.card = l.card")" = 1 &&
	founding us-cert ru-cert "$TEST_DIR/ru-cert/card"
'

test_expect_success 'link keys: the witness shows era 1 from the card envelope seq + 1' '
	r=$(sed "s|.*/||" rotated) &&
	hl us-cert link keys ru-cert --json >us.keys &&
	fits GET /v1/link/keys us.keys &&
	test "$(jq_ '"'"'$j->{link}'"'"' <us.keys)" = ru-cert &&
	test "$(jq_ '"'"'scalar @{$j->{theirs}}'"'"' <us.keys)" = 2 &&
	test "$(jq_ '"'"'join " ", map { $_->{era}, $_->{how}, $_->{from_seq}, $_->{via} // "-" }
		@{$j->{theirs}}'"'"' <us.keys)" = "0 founding 1 - 1 rotated $((r + 1)) $r" &&
	test "$(jq_ '"'"'$j->{theirs}[0]{fingerprint}'"'"' <us.keys)" = \
		"$("$HOTLINE" fingerprint ru-cert/card | cut -c1-35)" &&
	fp1=$(jq_ '"'"'$j->{theirs}[1]{fingerprint}'"'"' <us.keys) &&
	test "$fp1" != "$(jq_ '"'"'$j->{theirs}[0]{fingerprint}'"'"' <us.keys)" &&
	test "$(jq_ '"'"'$j->{theirs}[1]{from_time} > 0 && !defined $j->{theirs}[0]{from_time}
		&& !defined $j->{theirs}[0]{revoked} && !defined $j->{theirs}[1]{confirmed}
		&& $j->{theirs}[0]{confirmed} > 0 ? "ok" : "no"'"'"' <us.keys)" = ok &&
	test "$(jq_ '"'"'join " ", map { $_->{era} } @{$j->{ours}}'"'"' <us.keys)" = 0 &&
	hl us-cert link show ru-cert --json >show.json &&
	fits GET /v1/link show.json &&
	test "$(jq_ '"'"'"$j->{keys}{ours}{era} $j->{keys}{theirs}{era} $j->{keys}{theirs}{fingerprint}"'"'"' \
		<show.json)" = "0 1 $fp1" &&
	test "$(jq_ '"'"'$j->{keys}{theirs}{since}'"'"' <show.json)" = \
		"$(jq_ '"'"'$j->{theirs}[1]{from_time}'"'"' <us.keys)"
'

test_expect_success 'link keys: both parties show the same eras where both know them' '
	hl ru-cert link keys us-cert --json >ru.keys &&
	test "$(jq_ '"'"'scalar @{$j->{ours}}'"'"' <ru.keys)" = 1 &&
	test "$(side_eras ours <ru.keys)" = "$(side_eras theirs <us.keys | perl -MJSON::PP \
		-e '"'"'local $/; my $a = decode_json(<STDIN>);
		print JSON::PP->new->canonical->encode([$a->[0]])'"'"')" &&
	test "$(side_eras theirs <ru.keys)" = "$(side_eras ours <us.keys)"
'

test_expect_success 'link keys: a table for each side, in words' '
	hl us-cert link keys ru-cert >keys.txt &&
	grep -q "^This party.s keys on link ru-cert:" keys.txt &&
	grep -q "^The keys of ru-cert:" keys.txt &&
	fp1=$(jq_ '"'"'$j->{theirs}[1]{fingerprint}'"'"' <us.keys) &&
	kid=$(jq_ '"'"'$j->{theirs}[1]{keyid}'"'"' <us.keys) &&
	grep -Eq "^ +1  rotated +$fp1  $kid +$(($(sed "s|.*/||" rotated) + 1))  [0-9T:-]+Z  https://127\.0\.0\.1:[0-9]+ +-$" keys.txt &&
	grep -Eq "^ +0  founding +[0-9 ]{35}  [0-9a-f]{8} +1  [0-9T:-]+Z  https://" keys.txt &&
	test "$(grep -c "^ *ERA  HOW" keys.txt)" = 2
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

test_expect_success 'link keys and card show keep an archived link (NAME~1)' '
	hl us-cert link archive jp-cert --now "the end" >/dev/null &&
	hl us-cert link keys "jp-cert~1" --json >jp.keys &&
	test "$(jq_ '"'"'$j->{link} . " " . scalar(@{$j->{ours}}) . " " . scalar(@{$j->{theirs}})'"'"' \
		<jp.keys)" = "jp-cert~1 1 1" &&
	test "$(jq_ '"'"'$j->{theirs}[0]{fingerprint}'"'"' <jp.keys)" = \
		"$("$HOTLINE" fingerprint jp-cert/card | cut -c1-35)" &&
	hl us-cert card show --json >card.json &&
	fits GET /v1/card card.json &&
	test "$(jq_ '"'"'join " ", map { $_->{link} . ":" . scalar @{$_->{eras}} }
		@{$j->{history}}'"'"' <card.json)" = "jp-cert~1:1 ru-cert:1" &&
	test "$(jq_ '"'"'$j->{fingerprint}'"'"' <card.json)" = \
		"$("$HOTLINE" fingerprint us-cert/card | cut -c1-35)" &&
	test "$(jq_ '"'"'$j->{card}'"'"' <card.json)" = "$(cat us-cert/card)" &&
	test "$(jq_ '"'"'JSON::PP->new->canonical->encode($j->{history}[1]{eras})'"'"' <card.json)" = \
		"$(jq_ '"'"'JSON::PP->new->canonical->encode($j->{ours})'"'"' <us.keys)" &&
	hl us-cert card show >card.txt &&
	grep -q "^This party.s keys on link jp-cert~1:" card.txt
'

# What a rotation with `revoke` stores (hl_store_era_rotate) written by
# hand, until a tool or 'card rotate --revoke' makes one: the old era's
# sign key revoked at the card's time by the card's seq.
test_expect_success 'link keys shows a revoked era: the uses, when and by which seq' '
	t1=$(db us-cert "SELECT from_time FROM link_key k JOIN link l ON l.id = k.link
		WHERE l.name = '"'ru-cert'"' AND k.side = 1 AND k.era = 1") &&
	db us-cert "UPDATE link_key SET revoked = $t1, revoked_uses = '"'sign,box'"', revoked_by = 2
		WHERE side = 1 AND era = 0 AND link = (SELECT id FROM link WHERE name = '"'ru-cert'"')" &&
	hl us-cert link keys ru-cert --json >rv.keys &&
	fits GET /v1/link/keys rv.keys &&
	test "$(jq_ '"'"'my $r = $j->{theirs}[0]{revoked}; join " ", $r->{time}, @{$r->{uses}}, $r->{by}'"'"' \
		<rv.keys)" = "$t1 sign box 2" &&
	test "$(jq_ '"'"'$j->{theirs}[1]{revoked} // "none"'"'"' <rv.keys)" = none &&
	hl us-cert link keys ru-cert >rv.txt &&
	grep -Eq "^ +0  founding .*  sign,box [0-9T:-]+Z \(seq 2\)$" rv.txt &&
	grep -Eq "^ +1  rotated .*  -$" rv.txt
'

test_done

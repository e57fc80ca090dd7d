#!/bin/sh
# Sending to a group (issue 13, points 1-3; DESIGN.md decision 12): a
# hub linked to three members.  Each member of a group gets its own
# envelope on its own link, sealed for it alone, all carrying one group
# id; a confidential group's members learn nothing of each other (not
# even their count), an open group's learn every name; a notify opens
# one case, the same id at every member; a member removed receives
# nothing sent after the removal, and no key of it is wrapped for it;
# 'check run --group' is receipted by every member; every log verifies.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-group.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-forge

group_parties
group_linked

# has PARTY N : whether PARTY holds N envelopes from the hub.
has() {
	test "$(received "$1")" = "$2"
}

# sent_to MEMBER : how many envelopes the hub's log to MEMBER holds.
sent_to() {
	count hub "SELECT count(*) FROM envelope e JOIN link l ON l.id = e.link
		WHERE l.name = '$1' AND e.side = 0"
}

# content PARTY SEQ PERL : PERL of the content of the hub's message SEQ
# as PARTY opens it (hotline show --json, kept in PARTY-SEQ.json for
# the next questions).
content() {
	[ -s "$1-$2.json" ] || hl "$1" show "hub/$2" --json >"$1-$2.json"
	jq_ "\$j->{content}$3" <"$1-$2.json"
}

test_expect_success 'a confidential group of two: one envelope each, one group id' '
	hl hub group create poc >/dev/null &&
	hl hub group add poc ru-cert ae-cert >/dev/null &&
	hl hub send --group poc --lang en --category availability/ddos "DDoS on the registry" >out &&
	cat out &&
	grep -q "^ae-cert: sent as ae-cert/out/1$" out &&
	grep -q "^ru-cert: sent as ru-cert/out/1$" out &&
	grep -q "^group poc: 2 sent, 0 held, 0 not sent, of 2 members" out &&
	grep -q "^case hub#1 opened at every member$" out &&
	test "$(count hub "SELECT count(*) FROM group_envelope")" = 2 &&
	wait_for 30 has ae-cert 1 &&
	wait_for 30 has ru-cert 1
'

test_expect_success 'each member sees the same group id and no other member' '
	ae=$(content ae-cert 1 "{group}{id}") && ru=$(content ru-cert 1 "{group}{id}") &&
	echo "$ae" | grep -Eq "^[0-9a-f]{32}$" && test "$ae" = "$ru" &&
	test "$(content ae-cert 1 "{group}{members}")" = null &&
	test "$(content ae-cert 1 "{group}{name}")" = null &&
	test "$(jq_ "scalar keys %{\$j->{content}{group}}" <ae-cert-1.json)" = 1 &&
	! grep -q "ru-cert\|us-cert\|poc" ae-cert-1.json &&
	! grep -q "ae-cert\|us-cert\|poc" ru-cert-1.json &&
	count ae-cert "SELECT hex(bytes) FROM envelope" >ae.env &&
	! grep -qi "$(printf "ru-cert" | od -An -tx1 | tr -d " \n")" ae.env
'

test_expect_success 'a notify opens one case, the same id at every member' '
	test "$(content ae-cert 1 "{number}")" = 1 && test "$(content ru-cert 1 "{number}")" = 1 &&
	hl ae-cert case list --json >ae.cases && hl ru-cert case list --json >ru.cases &&
	grep -q "\"hub#1\"" ae.cases && grep -q "\"hub#1\"" ru.cases &&
	test "$(count hub "SELECT count(*) FROM case_number WHERE n = 1")" = 1
'

test_expect_success 'the party outside the group receives nothing' '
	test "$(sent_to us-cert)" = 0 && test "$(received us-cert)" = 0
'

test_expect_success 'an open group names its members, in byte order, to each' '
	hl hub group create osce --open >/dev/null &&
	hl hub group add osce us-cert ru-cert ae-cert >/dev/null &&
	hl hub send --group osce --lang en "Exercise starts at noon" >out &&
	grep -q "^group osce: 3 sent, 0 held, 0 not sent, of 3 members" out &&
	grep -q "^case hub#2 opened at every member$" out &&
	wait_for 30 has us-cert 1 &&
	wait_for 30 has ae-cert 2 &&
	test "$(content us-cert 1 "{group}{name}")" = osce &&
	test "$(content us-cert 1 "{group}{members}->@*")" = 3 &&
	test "$(content us-cert 1 "{group}{members}[0]")" = ae-cert &&
	test "$(content us-cert 1 "{group}{members}[2]")" = us-cert &&
	test "$(content ae-cert 2 "{group}{id}")" = "$(content us-cert 1 "{group}{id}")" &&
	test "$(content ae-cert 2 "{number}")" = 2 &&
	hl us-cert show hub/1 >shown &&
	grep -q "^group:      $(content us-cert 1 "{group}{id}") osce: ae-cert ru-cert us-cert$" shown &&
	hl ae-cert show hub/1 >shown &&
	grep -q "^group:      $(content ae-cert 1 "{group}{id}")$" shown
'

test_expect_success 'a member removed receives nothing sent after, no key wrapped for it' '
	ru_before=$(received ru-cert) && hub_ru=$(sent_to ru-cert) &&
	hl hub group remove poc ru-cert >/dev/null &&
	hl hub send --group poc --precedence flash --lang en "Indicators, members only" >out &&
	grep -q "^ae-cert: sent as ae-cert/out/3$" out &&
	! grep -q "ru-cert" out &&
	grep -q "^group poc: 1 sent, 0 held, 0 not sent, of 1 members" out &&
	wait_for 30 has ae-cert 3 &&
	test "$(received ru-cert)" = "$ru_before" && test "$(sent_to ru-cert)" = "$hub_ru" &&
	count hub "SELECT writefile(\"new.env\", e.bytes) FROM envelope e JOIN link l
		ON l.id = e.link WHERE l.name = \"ae-cert\" AND e.side = 0 AND e.seq = 3" &&
	"$HOTLINE" --home "$TEST_DIR/ae-cert" envelope open --from hub/card new.env >opened &&
	grep -q "Indicators, members only" opened &&
	! "$HOTLINE" --home "$TEST_DIR/ru-cert" envelope open --from hub/card new.env 2>err &&
	test "$(count hub "SELECT count(DISTINCT gid) FROM group_envelope")" = 3 &&
	test "$(count hub "SELECT count(*) FROM group_envelope WHERE gid = (SELECT gid FROM
		group_envelope ORDER BY id DESC LIMIT 1)")" = 1
'

test_expect_success 'check run --group is receipted by every member' '
	hl hub check run --group osce >out &&
	grep -q "^ae-cert: sent as ae-cert/out/4$" out &&
	grep -q "^ru-cert: sent as ru-cert/out/3$" out &&
	grep -q "^us-cert: sent as us-cert/out/2$" out &&
	grep -q "^group osce: 3 sent, 0 held, 0 not sent, of 3 members" out &&
	! grep -q "^case" out &&
	for m in ae-cert ru-cert us-cert; do
		wait_for 30 eval "hl hub check report $m --json |
			jq_ \"\\\$j->{checks}[-1]{receipt}\" | grep -q \"^[0-9]\"" || exit 1
	done &&
	test "$(content us-cert 2 "{type}")" = check &&
	test "$(content us-cert 2 "{group}{members}->@*")" = 3
'

test_expect_success 'a member whose link is suspended has it held, sent on resumption' '
	hl hub link suspend us-cert --lang en "maintenance" >/dev/null &&
	hl hub send --group osce --lang en "While one link is suspended" >out &&
	grep -q "^ae-cert: sent as ae-cert/out/5$" out &&
	grep -q "^us-cert: held while the link is suspended (us-cert/held/1)$" out &&
	grep -q "^group osce: 2 sent, 1 held, 0 not sent, of 3 members" out &&
	grep -q "^case hub#4 opened at every member$" out &&
	test "$(count hub "SELECT count(*) FROM group_envelope WHERE held = 1 AND seq IS NULL")" = 1 &&
	us=$(sent_to us-cert) &&
	hl hub link resume us-cert --lang en "done" >/dev/null &&
	wait_for 30 has us-cert $((us + 2)) &&
	n=$(count us-cert "SELECT max(seq) FROM envelope e JOIN link l ON l.id = e.link
		WHERE l.name = \"hub\" AND e.side = 1") &&
	wait_for 30 has ae-cert 5 &&
	test "$(content us-cert "$n" "{group}{id}")" = "$(content ae-cert 5 "{group}{id}")" &&
	test "$(content us-cert "$n" "{number}")" = 4
'

# message GID FILE : GET /v1/group/message?id=GID at the hub into FILE.
message() {
	curl -s --unix-socket "$TEST_DIR/hub/hotlined.sock" -o "$2" -w "%{http_code}" \
		"http://hotlined/v1/group/message?id=$1"
}

test_expect_success 'the hub lists what went to whom for a group message' '
	hl hub group message "$(content ae-cert 1 "{group}{id}")" --json >gm1 &&
	test "$(jq_ "\$j->{group}" <gm1)" = poc && test "$(jq_ "\$j->{case}" <gm1)" = "hub#1" &&
	test "$(jq_ "scalar @{\$j->{members}}" <gm1)" = 2 &&
	test "$(jq_ "\$j->{members}[0]{id}" <gm1)" = ae-cert/out/1 &&
	test "$(jq_ "\$j->{members}[1]{id}" <gm1)" = ru-cert/out/1 &&
	hl hub group message "$(content ae-cert 5 "{group}{id}")" >gm &&
	grep -q "^Group message $(content ae-cert 5 "{group}{id}") to osce (notify, routine) at .* by " gm &&
	grep -q "^Case:        hub#4$" gm &&
	grep -q "^us-cert  *held: us-cert/held/1$" gm &&
	test "$(message "$(content ae-cert 5 "{group}{id}")" gm2)" = 200 &&
	test "$(jq_ "\$j->{group}" <gm2)" = osce && test "$(jq_ "\$j->{case}" <gm2)" = "hub#4" &&
	test "$(jq_ "\$j->{members}[0]{id}" <gm2)" = ae-cert/out/5 &&
	test "$(jq_ "\$j->{members}[1]{id}" <gm2)" = ru-cert/out/4 &&
	test "$(jq_ "\$j->{members}[2]{held}" <gm2)" = us-cert/held/1 &&
	test "$(message 00000000000000000000000000000000 gm3)" = 404 &&
	test "$(message nothex gm4)" = 400
'

test_expect_success 'refusals: no such group, both --to and --group, an answer kind' '
	expect_code 1 hl hub send --group nobody --lang en "x" &&
	grep -q "no group named nobody" hub.err &&
	expect_code 2 hl hub send --group poc --to ae-cert --lang en "x" &&
	expect_code 2 hl hub send --group poc --kind close --lang en "x" &&
	grep -q "a group message is a notify or a check" hub.err
'

test_expect_success 'a group id reused with other content: kept, marked and logged' '
	gid=$(content ae-cert 1 "{group}{id}") &&
	printf "{\"group\":{\"id\":\"%s\"},\"text\":{\"lang\":\"en\",\"text\":\"forged\"},\"type\":\"notify\",\"v\":1}" \
		"$gid" >forged.json &&
	"$TOOLS/hl-forge" send --home hub ae-cert notify forged.json >f1 &&
	n=$(sed "s|.*/||" f1) &&
	hl hub send --to ae-cert --lang en "and a genuine one" >/dev/null &&
	wait_for 30 grep -q "hub reused group message id $gid with other content (2 envelopes)" ae-cert.log &&
	test "$(content ae-cert "$n" "{text}{text}")" = forged &&
	test "$(hl ae-cert show "hub/$n" --json | jq_ "\$j->{group_reused}")" = 1 &&
	test "$(hl ae-cert show hub/1 --json | jq_ "\$j->{group_reused}")" = 1 &&
	test "$(hl ae-cert show hub/2 --json | jq_ "\$j->{group_reused}")" = null &&
	test "$(count ae-cert "SELECT count(*) FROM group_seen WHERE reused = 1")" = 2
'

test_expect_success 'every party verifies its logs' '
	for p in hub ae-cert ru-cert us-cert; do
		hl "$p" log verify >"$p.verify" || { cat "$p.verify"; exit 1; }
	done
'

test_done

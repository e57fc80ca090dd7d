#!/bin/sh
# The group case (issue 13, point 5; DESIGN.md decision 12): a hub
# linked to three members.  A notify to a group opens one case at the
# hub, hub#1, that gathers every member's answers and acknowledgments,
# each from its own link, listed once; each member sees its own
# bilateral case hub#1.  What the hub sends about the group case goes
# to every link that holds it and is a member now, each envelope naming
# its own link's notify, one new group message: a member removed in
# between receives nothing.  Every log verifies.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-group.sh"

group_parties
group_linked

# from_member MEMBER : how many envelopes the hub holds from MEMBER.
from_member() {
	count hub "SELECT count(*) FROM envelope e JOIN link l ON l.id = e.link
		WHERE l.name = '$1' AND e.side = 1"
}

# shown PARTY PERL : PERL of PARTY's 'case show hub#1 --json' ($j).
shown() {
	hl "$1" case show "hub#1" --json | jq_ "$2"
}

# get PATH FILE : GET PATH at the hub into FILE; the status printed.
get() {
	curl -s --unix-socket "$TEST_DIR/hub/hotlined.sock" -o "$2" -w "%{http_code}" \
		"http://hotlined$1"
}

# fits METHOD PATH FILE : the 200 answer in FILE fits docs/openapi.json.
fits() {
	perl "$SRC_DIR/tests/openapi-check.pl" "$SRC_DIR/docs/openapi.json" answer "$1" "$2" 200 "$3"
}

# message GID FILE : GET /v1/group/message?id=GID at the hub into FILE.
message() {
	curl -s --unix-socket "$TEST_DIR/hub/hotlined.sock" -o "$2" -w "%{http_code}" \
		"http://hotlined/v1/group/message?id=$1"
}

test_expect_success 'a notify to a group of three opens hub#1 at every member' '
	hl hub group create poc >/dev/null &&
	hl hub group add poc ae-cert ru-cert us-cert >/dev/null &&
	hl hub send --group poc --lang en --category availability/ddos "DDoS on the registry" >out &&
	grep -q "^case hub#1 opened at every member$" out &&
	wait_for 30 eval "test \"\$(received ae-cert)\" = 1" &&
	wait_for 30 eval "test \"\$(received ru-cert)\" = 1" &&
	wait_for 30 eval "test \"\$(received us-cert)\" = 1"
'

test_expect_success 'each member sees hub#1 as its own bilateral case' '
	for m in ae-cert ru-cert us-cert; do
		hl $m case show "hub#1" --json >$m.case &&
		test "$(jq_ "\$j->{id} . q( ) . \$j->{to} . q( ) . scalar @{\$j->{messages}} .
			q( ) . (\$j->{group} // q(none))" <$m.case)" = "hub#1 $m 1 none" || exit 1
	done
'

test_expect_success 'two members answer: an acknowledgment, an update and an ack' '
	hl ae-cert ack hub/1 >/dev/null &&
	hl ru-cert send --case "hub#1" --lang en "Seen at ru-cert too" >/dev/null &&
	hl ru-cert ack hub/1 >/dev/null &&
	wait_for 30 eval "test \"\$(from_member ae-cert)\" -ge 1" &&
	wait_for 30 eval "test \"\$(from_member ru-cert)\" -ge 2"
'

test_expect_success 'the hub shows one group case with both answers, from their links' '
	hl hub case show "hub#1" --json >hub.json &&
	test "$(jq_ "\$j->{id}" <hub.json)" = "hub#1" &&
	test "$(jq_ "\$j->{group}{name}" <hub.json)" = poc &&
	test "$(jq_ "join q(,), map { \$_->{link} . q(:) . \$_->{state} } @{\$j->{members}}" \
		<hub.json)" = ae-cert:open,ru-cert:open,us-cert:open &&
	test "$(jq_ "\$j->{state}" <hub.json)" = open &&
	test "$(jq_ "\$j->{category}" <hub.json)" = availability/ddos &&
	test "$(jq_ "scalar grep { \$_->{type} eq q(notify) } @{\$j->{messages}}" <hub.json)" = 3 &&
	test "$(jq_ "join q(,), sort map { \$_->{link} } grep { \$_->{type} eq q(ack) }
		@{\$j->{messages}}" <hub.json)" = ae-cert,ru-cert &&
	test "$(jq_ "join q(,), map { \$_->{link} } grep { \$_->{type} eq q(update) }
		@{\$j->{messages}}" <hub.json)" = ru-cert &&
	test "$(get "/v1/case/show?id=hub%231" shown.json)" = 200 && fits GET /v1/case/show shown.json &&
	test "$(jq_ "\$j->{link}" <shown.json)" = null &&
	test "$(jq_ "join q(,), map { \$_->{link} } @{\$j->{members}}" <shown.json)" = ae-cert,ru-cert,us-cert &&
	test "$(jq_ "scalar @{\$j->{events}}" <shown.json)" = 6 &&
	test "$(jq_ "\$j->{events}[-1]{link}" <shown.json)" = ru-cert &&
	hl hub case show "hub#1" >hub.txt &&
	grep -q "^case hub#1 (group poc)$" hub.txt &&
	grep -q "Seen at ru-cert too" hub.txt &&
	grep -q "ae-cert .*open" hub.txt &&
	hl hub case show "hub#1" --link ae-cert --json >ae.json &&
	test "$(jq_ "\$j->{to}" <ae.json)" = ae-cert &&
	test "$(jq_ "scalar @{\$j->{messages}}" <ae.json)" = 2
'

test_expect_success 'case list lists the group case once, with its group' '
	test "$(get "/v1/case/list" page.json)" = 200 && fits GET /v1/case/list page.json &&
	test "$(jq_ "scalar @{\$j->{items}}" <page.json)" = 1 &&
	test "$(jq_ "\$j->{items}[0]{members}" <page.json)" = 3 &&
	test "$(jq_ "\$j->{items}[0]{group}{name}" <page.json)" = poc &&
	hl hub case list --json >list.json &&
	test "$(grep -c "\"hub#1\"" list.json)" = 1 &&
	hl hub case list >list.txt &&
	test "$(grep -c "^hub#1 " list.txt)" = 1 &&
	grep -q "^hub#1 *poc: 3 links" list.txt &&
	test "$(hl hub case list --link ru-cert --json | grep -c "\"hub#1\"")" = 1
'

test_expect_success 'an update reaches the two members now, not the one removed' '
	us_before=$(received us-cert) &&
	hl hub group remove poc us-cert >/dev/null &&
	hl hub send --case "hub#1" --lang en --severity high "Update for the members" >out &&
	cat out &&
	grep -q "^ae-cert: sent as ae-cert/out/2$" out &&
	grep -q "^ru-cert: sent as ru-cert/out/2$" out &&
	! grep -q "us-cert" out && ! grep -q "opened" out &&
	grep -q "^group poc: 2 sent, 0 held, 0 not sent, of 2 members" out &&
	gid=$(sed -n "s/.*(message \([0-9a-f]*\))$/\1/p" out) &&
	test "$(message "$gid" gm)" = 200 &&
	test "$(jq_ "\$j->{kind}" <gm)" = update &&
	test "$(jq_ "scalar @{\$j->{members}}" <gm)" = 2 &&
	wait_for 30 eval "test \"\$(received ae-cert)\" = 2" &&
	wait_for 30 eval "test \"\$(received ru-cert)\" = 2" &&
	test "$(shown ae-cert "\$j->{severity}")" = high &&
	test "$(shown ru-cert "scalar @{\$j->{messages}}")" = 4 &&
	test "$(hl ae-cert show hub/2 --json | jq_ "\$j->{content}{group}{id}")" = "$gid" &&
	test "$(received us-cert)" = "$us_before" &&
	test "$(count hub "SELECT count(*) FROM envelope e JOIN link l ON l.id = e.link
		WHERE l.name = \"us-cert\" AND e.side = 0")" = 1 &&
	test "$(shown us-cert "\$j->{severity}")" = ""
'

test_expect_success 'a request to the members; one answers, the hub counts it' '
	hl hub send --case "hub#1" --action investigate --lang en "Look for the C2" >out &&
	grep -q "^ae-cert: sent as ae-cert/out/3$" out &&
	grep -q "^ru-cert: sent as ru-cert/out/3$" out &&
	wait_for 30 eval "test \"\$(received ae-cert)\" = 3" &&
	hl ae-cert answer hub/3 done --lang en "No C2 here" >/dev/null &&
	wait_for 30 eval "test \"\$(from_member ae-cert)\" = 2" &&
	test "$(get "/v1/case/show?id=hub%231" shown.json)" = 200 &&
	test "$(jq_ "\$j->{requests} . q(/) . \$j->{pending}" <shown.json)" = 2/1 &&
	test "$(jq_ "\$j->{members}[0]{pending} . \$j->{members}[1]{pending}" <shown.json)" = 01 &&
	test "$(jq_ "\$j->{events}[-1]{link} . q( ) . \$j->{events}[-1]{answer}" <shown.json)" = "ae-cert done"
'

test_expect_success 'a close reaches the members now; the group case is closed' '
	hl hub case close "hub#1" --lang en "Mitigated" >out &&
	grep -q "^ae-cert: sent as ae-cert/out/4$" out &&
	grep -q "^ru-cert: sent as ru-cert/out/4$" out &&
	grep -q "^case hub#1 closed$" out &&
	wait_for 30 eval "test \"\$(received ru-cert)\" = 4" &&
	wait_for 30 eval "test \"\$(received ae-cert)\" = 4" &&
	test "$(shown ae-cert "\$j->{state}")" = closed &&
	test "$(shown ru-cert "\$j->{state}")" = closed &&
	test "$(shown us-cert "\$j->{state}")" = open &&
	hl hub case show "hub#1" --json >hub.json &&
	test "$(jq_ "\$j->{state}" <hub.json)" = closed &&
	test "$(jq_ "join q(,), map { \$_->{state} . (\$_->{member} ? q() : q(-removed)) }
		@{\$j->{members}}" <hub.json)" = closed,closed,open-removed &&
	expect_code 1 hl hub send --case "hub#1" --lang en "After the close" &&
	grep -q "no member of group poc holds it open now" hub.err
'

test_expect_success 'every party verifies its logs' '
	for p in hub ae-cert ru-cert us-cert; do
		hl "$p" log verify >"$p.verify" || { cat "$p.verify"; exit 1; }
	done
'

test_expect_success 'the daemons stop cleanly (no leak under ASan)' '
	stop_daemon hub && stop_daemon ae-cert && stop_daemon ru-cert && stop_daemon us-cert
'

test_done

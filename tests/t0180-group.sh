#!/bin/sh
# Groups of links at their owner (issue 13, DESIGN.md decision 12): a
# hub linked to three peers makes groups of its confirmed links, lists
# and shows them, and removes members; membership keeps its history.
# Refused, changing nothing: a duty officer creating a group, a link
# not confirmed, a suspended link, a member added twice, an unknown
# link, a removal of a link that is no member; the links of one add or
# remove change together or not at all.  Every action and refusal is in
# the audit trail.  The hub's clock is frozen, so times are exact.
. "$(dirname "$0")/test-lib.sh"

command -v faketime >/dev/null 2>&1 || { echo "1..0 # SKIP faketime is not installed"; exit 0; }

ME=$(id -un)
OPENAPI="$SRC_DIR/docs/openapi.json"
CHECK="perl $SRC_DIR/tests/openapi-check.pl"
DB="$TEST_DIR/hub/hotline.db"
new_party hub "$(free_port)"
for p in p1 p2 p3 p4; do
	new_party $p "$(free_port)"
done
# The hub runs while each peer is started, linked and stopped in turn.
start_daemon hub
for p in p1 p2 p3; do
	link_both hub $p
done
stop_daemon hub
T0=$(($(date +%s) + 100000))

# api METHOD PATH [BODY] : the hub's answer in body, its status printed.
api() {
	curl -s -m 20 --unix-socket "$TEST_DIR/hub/hotlined.sock" -X "$1" -o "$TEST_DIR/body" \
		-w '%{http_code}' -H 'Content-Type: application/json' ${3:+--data-binary "$3"} \
		"http://hotlined$2"
}

# refused STATUS METHOD PATH [BODY] : the call is refused with STATUS;
# its answer is kept (kept.list) for answers_fit to check against
# openapi.json.
refused() {
	rf_want=$1
	shift
	rf_got=$(api "$@") &&
	echo "$2: $rf_got $(cat body)" &&
	test "$rf_got" = "$rf_want" &&
	mkdir -p kept &&
	rf_n=$(($(ls kept | wc -l) + 1)) &&
	cp body "kept/$rf_n" &&
	echo "$1 ${2%%\?*} $rf_got kept/$rf_n" >>kept.list
}

# answers METHOD PATH [BODY] : 200; the answer kept as refused keeps it.
answers() {
	refused 200 "$@"
}

# answers_fit : every answer kept since the last answers_fit is of the
# form openapi.json gives, checked in one run of the checker (as in
# t0130: a run reads the whole file, 22 runs of it were most of this
# test's time); its errors name the method, path and status.
answers_fit() {
	af_rc=0
	$CHECK "$OPENAPI" answers kept.list || af_rc=1
	rm -rf kept kept.list
	return $af_rc
}

# roles N : the hub's first operator holds roles N (desk.h's bits:
# duty 1, supervisor 2, auditor 4, admin 8) from the next call on.
roles() {
	sqlite3 "$DB" "UPDATE operator SET roles = $1 WHERE name = '$ME'"
}

# members GROUP : the links that are members of GROUP now, one line.
members() {
	hl hub group show "$1" --json | jq_ 'join(" ", map { $_->{link} } @{$j->{links}})'
}

test_expect_success 'the hub runs; p4 is linked but not confirmed' '
	start_daemon_frozen hub "$T0" &&
	hl hub link add p4 --card "$TEST_DIR/p4/card" >/dev/null &&
	hl hub group list >out &&
	test "$(wc -l <out)" = 1 &&
	hl hub group list --json >out &&
	test "$(cat out)" = "{\"groups\":[]}"
'

test_expect_success 'a duty officer may not create a group; an admin or a supervisor may' '
	roles 1 &&
	expect_code 1 hl hub group create osce &&
	grep -q "needs the supervisor role" hub.err &&
	refused 403 POST /v1/group/create "{\"name\":\"osce\"}" &&
	test "$(jq_ "\$j->{needs}" <body)" = supervisor &&
	hl hub group list --json >out && test "$(cat out)" = "{\"groups\":[]}" &&
	roles 8 &&
	hl hub group create g7 --open >out &&
	grep -q "^Group: *g7$" out &&
	grep -q "^Membership: *open" out &&
	roles 2 &&
	hl hub group create osce >out &&
	grep -q "^Membership: *confidential$" out &&
	grep -q "^Created: .* by $ME$" out &&
	grep -q "^Members: *0$" out &&
	roles 1 &&
	hl hub group list >out &&
	grep -q "^osce  *0  *confidential" out &&
	roles 15 &&
	answers_fit
'

test_expect_success 'a name taken, or not spelt as a party name, is refused' '
	expect_code 1 hl hub group create osce --open &&
	grep -q "a group is already named osce" hub.err &&
	refused 409 POST /v1/group/create "{\"name\":\"osce\"}" &&
	expect_code 1 hl hub group create OSCE &&
	grep -q "name: " hub.err &&
	refused 400 POST /v1/group/create "{\"name\":\"-x\"}" &&
	refused 400 POST /v1/group/create "{\"name\":\"x\",\"members\":[]}" &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM link_group")" = 2 &&
	test "$(sqlite3 "$DB" "SELECT open FROM link_group WHERE name = '\''osce'\''")" = 0 &&
	answers_fit
'

test_expect_success 'links are added; the groups are listed and shown' '
	clock_set hub $((T0 + 10)) &&
	hl hub group add osce p2 p1 >out &&
	grep -q "^added to osce: p2, p1$" out &&
	grep -q "^osce has 2 members now$" out &&
	answers POST /v1/group/add "{\"name\":\"g7\",\"links\":[\"p3\"]}" &&
	test "$(jq_ "\$j->{members}" <body)" = 1 &&
	hl hub group list --json >out &&
	test "$(jq_ "join q( ), map { \"\$_->{name}:\$_->{members}:\$_->{open}\" } @{\$j->{groups}}" <out)" = "g7:1:1 osce:2:0" &&
	answers GET /v1/groups &&
	hl hub group show osce --json >out &&
	test "$(jq_ "\$j->{created}" <out)" = "$T0" &&
	test "$(jq_ "\$j->{created_by}" <out)" = "$ME" &&
	test "$(jq_ "join q( ), map { \"\$_->{link}:\$_->{added}\" } @{\$j->{links}}" <out)" = "p1:$((T0 + 10)) p2:$((T0 + 10))" &&
	test "$(jq_ "\$j->{links}[0]{removed}" <out)" = null &&
	answers GET "/v1/group?name=osce" &&
	hl hub group show osce >out &&
	grep -q "^p1  *[0-9-]*T[0-9:]*Z  *-$" out &&
	answers_fit
'

test_expect_success 'refused, changing nothing: unconfirmed, twice, unknown, all or none' '
	expect_code 1 hl hub group add osce p3 p4 &&
	grep -q "link p4 is not confirmed" hub.err &&
	refused 409 POST /v1/group/add "{\"name\":\"osce\",\"links\":[\"p4\"]}" &&
	expect_code 1 hl hub group add osce p3 p1 &&
	grep -q "link p1 is already a member of group osce" hub.err &&
	refused 409 POST /v1/group/add "{\"name\":\"osce\",\"links\":[\"p3\",\"p3\"]}" &&
	expect_code 1 hl hub group add osce p3 nobody &&
	grep -q "nobody: no such link" hub.err &&
	refused 404 POST /v1/group/add "{\"name\":\"osce\",\"links\":[\"nobody\"]}" &&
	refused 404 POST /v1/group/add "{\"name\":\"un\",\"links\":[\"p3\"]}" &&
	grep -q "no group is named un" body &&
	refused 400 POST /v1/group/add "{\"name\":\"osce\",\"links\":[]}" &&
	refused 400 POST /v1/group/add "{\"name\":\"osce\",\"links\":\"p3\"}" &&
	test "$(members osce)" = "p1 p2" &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM group_member")" = 3 &&
	answers_fit
'

test_expect_success 'a suspended link is refused' '
	hl hub link suspend p3 --lang en "frozen by decision of the council" >/dev/null &&
	expect_code 1 hl hub group add osce p3 &&
	grep -q "link p3 is suspended: resume it first" hub.err &&
	refused 409 POST /v1/group/add "{\"name\":\"osce\",\"links\":[\"p3\"]}" &&
	test "$(members osce)" = "p1 p2" &&
	answers_fit
'

test_expect_success 'a duty officer lists and shows, but may not add or remove' '
	roles 1 &&
	hl hub group show osce >/dev/null &&
	expect_code 1 hl hub group remove osce p1 &&
	grep -q "needs the supervisor role" hub.err &&
	refused 403 POST /v1/group/add "{\"name\":\"osce\",\"links\":[\"p3\"]}" &&
	roles 4 &&
	hl hub group list >/dev/null &&
	roles 15 &&
	test "$(members osce)" = "p1 p2" &&
	answers_fit
'

test_expect_success 'a member is removed at once; one not a member is refused' '
	clock_set hub $((T0 + 60)) &&
	hl hub group remove osce p1 >out &&
	grep -q "^removed from osce: p1$" out &&
	grep -q "^osce has 1 members now$" out &&
	test "$(members osce)" = p2 &&
	expect_code 1 hl hub group remove osce p1 &&
	grep -q "link p1 is not a member of group osce" hub.err &&
	expect_code 1 hl hub group remove osce p2 p4 &&
	grep -q "link p4 is not a member of group osce" hub.err &&
	refused 409 POST /v1/group/remove "{\"name\":\"osce\",\"links\":[\"p1\"]}" &&
	refused 404 POST /v1/group/remove "{\"name\":\"osce\",\"links\":[\"nobody\"]}" &&
	test "$(members osce)" = p2 &&
	answers_fit
'

test_expect_success 'show --all: every membership, removed ones with their times' '
	clock_set hub $((T0 + 120)) &&
	hl hub group add osce p1 >/dev/null &&
	hl hub group show osce --all --json >out &&
	test "$(jq_ "join q( ), map { \"\$_->{link}:\$_->{added}:\" . (\$_->{removed} // q(-)) } @{\$j->{links}}" <out)" = \
		"p1:$((T0 + 10)):$((T0 + 60)) p1:$((T0 + 120)):- p2:$((T0 + 10)):-" &&
	test "$(jq_ "\$j->{members}" <out)" = 2 &&
	answers GET "/v1/group?name=osce&all=1" &&
	hl hub group show osce --all >out &&
	test "$(grep -c "^p1 " out)" = 2 &&
	grep -q "^p1  *[0-9-]*T[0-9:]*Z  *[0-9-]*T[0-9:]*Z$" out &&
	answers POST /v1/group/remove "{\"name\":\"osce\",\"links\":[\"p1\",\"p2\"]}" &&
	test "$(jq_ "\$j->{members}" <body)" = 0 &&
	test "$(jq_ "join q( ), @{\$j->{removed}}" <body)" = "p1 p2" &&
	answers_fit
'

test_expect_success 'every action and refusal is in the audit trail' '
	hl hub audit --json --limit 1000 >trail &&
	grep "\"action\":\"/v1/group/create\"" trail >creates &&
	grep -q "\"status\":403" creates &&
	grep -q "\"status\":409" creates &&
	test "$(grep -c "\"status\":200" creates)" = 2 &&
	grep "\"action\":\"/v1/group/add\"" trail | grep "\"status\":409" |
		grep -q "\"links\":\[\"p3\"\]" &&
	grep "\"action\":\"/v1/group/remove\"" trail | grep -q "\"status\":200"
'

test_expect_success 'hotline help group; usage errors' '
	"$HOTLINE" help group >out &&
	grep -q "hotline group show NAME \[--all\] \[--json\]" out &&
	expect_code 2 hl hub group add osce &&
	expect_code 2 hl hub group list extra &&
	expect_code 2 hl hub group frob
'

test_expect_success 'the hub stops cleanly' '
	stop_daemon hub
'

test_done

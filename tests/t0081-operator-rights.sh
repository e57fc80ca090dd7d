#!/bin/sh
# Who may do what on the operator socket: the Unix user at the other
# end is mapped to a named operator, whose roles the store holds now (a
# change takes effect at the next call); an auditor cannot send, a
# disabled or unmapped one can do nothing, and each refusal says why.
. "$(dirname "$0")/test-lib.sh"

ME=$(id -un)
PORT=$(free_port)
new_party ru-cert "$PORT"
SOCK="$TEST_DIR/ru-cert/hotlined.sock"
DB="$TEST_DIR/ru-cert/hotline.db"

# api METHOD PATH [BODY] : the reply's body in reply, its status in code.
api() {
	curl -s --unix-socket "$SOCK" -X "$1" -o reply -w '%{http_code}' \
		-H 'Content-Type: application/json' ${3:+--data-binary "$3"} \
		"http://hotlined$2" >code
}

# field PERL-EXPR : what EXPR gives of reply's JSON ($j).
field() {
	perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", "reply") or die;
		my $j = JSON::PP->new->utf8->decode(<$f>); print eval $ARGV[0]' "$1"
}

test_expect_success 'hotlined starts; whoami is the first operator' '
	start_daemon ru-cert &&
	api GET /v1/whoami && test "$(cat code)" = 200 &&
	test "$(field "\$j->{name}")" = "$ME"
'

test_expect_success 'an auditor cannot send: 403, needing the duty role' '
	hl ru-cert operator role "$ME" auditor,admin >/dev/null &&
	api GET /v1/whoami &&
	test "$(field "join q(,), @{\$j->{roles}}")" = auditor,admin &&
	api POST /v1/send "{\"to\":\"us-cert\",\"kind\":\"notify\",\"text\":\"x\"}" &&
	test "$(cat code)" = 403 &&
	test "$(field "\$j->{needs}")" = duty &&
	field "\$j->{error}" | grep -q "needs the duty role" &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM envelope")" = 0
'

test_expect_success 'an auditor reads the operators; a duty officer may not' '
	api GET /v1/operators && test "$(cat code)" = 200 &&
	hl ru-cert operator add boss --role admin >/dev/null &&
	hl ru-cert operator role "$ME" duty >/dev/null &&
	api GET /v1/operators && test "$(cat code)" = 403 &&
	test "$(field "\$j->{needs}")" = auditor &&
	expect_code 1 hl ru-cert operator add cy --role duty &&
	grep -q "needs the admin role" ru-cert.err
'

test_expect_success 'an operator sets their own password only with the current one' '
	sqlite3 "$DB" "UPDATE operator_user SET operator = '\''boss'\''" &&
	printf "first password 1\n" | hl ru-cert operator passwd "$ME" --stdin >/dev/null &&
	sqlite3 "$DB" "UPDATE operator_user SET operator = '\''$ME'\''" &&
	printf "second password\n" | expect_code 1 hl ru-cert operator passwd "$ME" --stdin &&
	grep -q "give your current password" ru-cert.err &&
	printf "not it at all\nsecond password\n" |
		expect_code 1 hl ru-cert operator passwd "$ME" --current --stdin &&
	grep -q "not your current password" ru-cert.err &&
	printf "first password 1\nsecond password\n" |
		hl ru-cert operator passwd "$ME" --current --stdin >/dev/null &&
	printf "boss password 12\n" | expect_code 1 hl ru-cert operator passwd boss --stdin &&
	grep -q "needs the admin role" ru-cert.err
'

test_expect_success 'a disabled operator is refused everything, at once' '
	sqlite3 "$DB" "UPDATE operator_user SET operator = '\''boss'\''" &&
	hl ru-cert operator disable "$ME" >/dev/null &&
	sqlite3 "$DB" "UPDATE operator_user SET operator = '\''$ME'\''" &&
	api GET /v1/whoami && test "$(cat code)" = 403 &&
	field "\$j->{error}" | grep -q "operator $ME is disabled" &&
	expect_code 1 hl ru-cert operator list &&
	grep -q "operator $ME is disabled" ru-cert.err &&
	api POST /v1/send "{\"to\":\"us-cert\",\"text\":\"x\"}" &&
	test "$(cat code)" = 403
'

test_expect_success 'enabled again, the operator is let in' '
	sqlite3 "$DB" "UPDATE operator_user SET operator = '\''boss'\''" &&
	hl ru-cert operator enable "$ME" >/dev/null &&
	hl ru-cert operator role "$ME" duty,admin >/dev/null &&
	sqlite3 "$DB" "UPDATE operator_user SET operator = '\''$ME'\''" &&
	hl ru-cert operator list >/dev/null
'

test_expect_success 'bodies that are not JSON, too large, or with unknown arguments are refused' '
	api POST /v1/operator/add "not json" && test "$(cat code)" = 400 &&
	api POST /v1/operator/add "[1]" && test "$(cat code)" = 400 &&
	api POST /v1/operator/add "{\"name\":\"cy\",\"roles\":[\"duty\"],\"colour\":1}" &&
	test "$(cat code)" = 400 && field "\$j->{error}" | grep -q "colour: no such argument" &&
	api POST /v1/operator/add "{\"name\":\"cy\",\"roles\":\"duty\"}" &&
	test "$(cat code)" = 400 &&
	big=$(perl -e "print q(x) x 20000") &&
	api POST /v1/operator/add "{\"name\":\"$big\"}" && test "$(cat code)" = 413 &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM operator WHERE name = '\''cy'\''")" = 0
'

# A connection's operator is looked up once, and again after any change
# of the operators: a client that keeps its connection open has the
# roles of now at its next request.
test_expect_success 'a change of roles takes effect on a connection kept open' '
	hl ru-cert operator add ops --role duty,admin >/dev/null &&
	role="{\"name\":\"$ME\",\"roles\":[\"auditor\"]}" &&
	u="--unix-socket $SOCK" && w="%{http_code} %{num_connects}\n" &&
	j="Content-Type: application/json" &&
	curl -s $u -w "$w" -o /dev/null http://hotlined/v1/whoami \
		--next $u -w "$w" -o /dev/null -H "$j" --data-binary "$role" \
		http://hotlined/v1/operator/role \
		--next $u -w "$w" -o reply http://hotlined/v1/whoami \
		--next $u -w "$w" -o /dev/null -H "$j" --data-binary "$role" \
		http://hotlined/v1/operator/role >codes &&
	printf "200 1\n200 0\n200 0\n403 0\n" >expect &&
	cmp expect codes &&
	test "$(field "join q(,), @{\$j->{roles}}")" = auditor &&
	sqlite3 "$DB" "UPDATE operator_user SET operator = '\''ops'\''" &&
	hl ru-cert operator role "$ME" duty,admin >/dev/null &&
	sqlite3 "$DB" "UPDATE operator_user SET operator = '\''$ME'\''"
'

test_expect_success 'a Unix user mapped to no operator is refused, told how to be mapped' '
	hl ru-cert operator unmap "$ME" "$ME" >/dev/null &&
	api GET /v1/whoami && test "$(cat code)" = 403 &&
	field "\$j->{error}" | grep -q "Unix user $ME is mapped to no operator of this party" &&
	expect_code 1 hl ru-cert operator list &&
	grep -q "hotline operator map OPERATOR $ME" ru-cert.err
'

test_done

#!/bin/sh
# Every signed message names its operator (DESIGN.md decision 10,
# protocol.md 8.11): a message sent through the operator API carries,
# inside its signed content, the name of the operator who sent it and
# the role they acted in; the peer's show, case show and an offline
# proof of it print who made it.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
SOCK="$TEST_DIR/ru-cert/hotlined.sock"
# On the unix socket the operator is the Unix user at the other end.
OP=$(id -un)

# send BODY : POST /v1/send on ru-cert's socket; reply and code kept.
send() {
	curl -s --unix-socket "$SOCK" -X POST -o reply -w '%{http_code}' \
		-H 'Content-Type: application/json' --data-binary "$1" \
		http://hotlined/v1/send >code
}

# json_get FILE PERL-EXPR : prints what the expression of $j (the
# decoded JSON of FILE) gives.
json_get() {
	perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", $ARGV[0]) or die;
		my $j = JSON::PP->new->utf8->decode(<$f>); print eval $ARGV[1]' "$1" "$2"
}

test_expect_success 'both daemons start' '
	start_daemon ru-cert && start_daemon us-cert
'

test_expect_success 'a FLASH notification sent through the API' '
	send "{\"to\":\"us-cert\",\"precedence\":\"flash\",\"lang\":\"en\",\"text\":\"C2 server at 203.0.113.7\"}" &&
	test "$(cat code)" = 200 &&
	test "$(json_get reply "\$j->{seq}")" = 1 &&
	test "$(json_get reply "\$j->{case}")" = ru-cert#1
'

test_expect_success 'the peer shows who sent it, and as what' '
	wait_for 20 hl us-cert show ru-cert/1 &&
	hl us-cert show ru-cert/1 >shown &&
	grep -qx "by $OP (duty officer)" shown &&
	grep -qx "C2 server at 203.0.113.7" shown
'

test_expect_success 'the signed content names the operator: show --json' '
	hl us-cert show --json ru-cert/1 >shown.json &&
	test "$(json_get shown.json "\$j->{content}{operator}{name}")" = "$OP" &&
	test "$(json_get shown.json "\$j->{content}{operator}{role}")" = duty &&
	test "$(json_get shown.json "join(q(,), sort keys %{\$j->{content}{operator}})")" = name,role
'

test_expect_success 'the sender shows the same' '
	hl ru-cert show us-cert/out/1 >own &&
	grep -qx "by $OP (duty officer)" own
'

test_expect_success 'case show says who did what, on both sides alike' '
	hl us-cert case show ru-cert#1 >case &&
	grep -qx "  by $OP (duty officer)" case &&
	hl us-cert case show --json ru-cert#1 >case-us.json &&
	hl ru-cert case show --json ru-cert#1 >case-ru.json &&
	cmp case-us.json case-ru.json &&
	test "$(json_get case-us.json "\$j->{messages}[0]{by}{name}")" = "$OP" &&
	test "$(json_get case-us.json "\$j->{messages}[0]{by}{role}")" = duty
'

test_expect_success 'a third party sees who made it in a proof, offline' '
	wait_for 20 hl us-cert proof export --link ru-cert --seq 1 --received \
		--disclose --out m1.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card m1.proof >out &&
	grep -qx "proof OK" out &&
	grep -qx "by $OP (duty officer)" out &&
	grep -qx "C2 server at 203.0.113.7" out
'

test_expect_success 'an undisclosed proof shows no one: the name is in the sealed content' '
	hl us-cert proof export --link ru-cert --seq 1 --received --out m1-sealed.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card m1-sealed.proof >out &&
	grep -qx "proof OK" out && ! grep -q "^by " out &&
	! grep -aq "\"operator\"" m1-sealed.proof
'

test_expect_success 'the index keeps who made it (migration 9), rebuilt the same' '
	stop_daemon us-cert &&
	test "$(sqlite3 us-cert/hotline.db "SELECT op_name || \" \" || op_role FROM item WHERE side = 1 AND seq = 1")" = "$OP duty" &&
	hl us-cert rebuild >/dev/null &&
	hl us-cert log verify >/dev/null &&
	start_daemon us-cert &&
	hl us-cert show ru-cert/1 | grep -qx "by $OP (duty officer)"
'

test_expect_success 'both daemons still stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done

#!/bin/sh
# Agreed terms: ru-cert proposes, us-cert sees the proposal and accepts
# it; both parties then show the same version in force, from the same
# moment.  A decline says why; an answer to a proposal that is no longer
# open, terms that make no sense, a proposal answered by its own sender,
# a control kind through send, and a duty officer proposing are refused.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

# terms_json PARTY : PARTY's view of the terms of its link to the other.
terms_json() {
	case $1 in ru-cert) tj_peer=us-cert ;; *) tj_peer=ru-cert ;; esac
	hl "$1" link terms "$tj_peer" --json
}

# api METHOD PATH BODY : ru-cert's operator API; the reply in reply, its
# status in code.
api() {
	curl -s --unix-socket "$TEST_DIR/ru-cert/hotlined.sock" -X "$1" -o reply \
		-w "%{http_code}" -H "Content-Type: application/json" --data-binary "$3" \
		"http://hotlined$2" >code
}

test_expect_success 'before any agreement, each side says so and shows its defaults' '
	start_daemon ru-cert && start_daemon us-cert &&
	hl ru-cert link terms us-cert >out &&
	grep -q "No terms agreed on us-cert" out &&
	grep -q "ack due: *flash 15m" out &&
	terms_json us-cert >j && test "$(jq_ "\$j->{in_force}" <j)" = null &&
	test "$(jq_ "\$j->{defaults}{version}" <j)" = 1
'

test_expect_success 'terms that make no sense are refused with the broken rule' '
	expect_code 1 hl ru-cert link terms propose us-cert --ack 2h,1h,24h,72h &&
	grep -q "ack.flash (7200 s) is later than ack.immediate (3600 s)" ru-cert.err &&
	api POST /v1/link/terms/propose "{\"name\":\"us-cert\",\"terms\":{\"receipt\":{\"flash\":0}}}" &&
	test "$(cat code)" = 400 &&
	grep -q "receipt.flash (0 s) is not from 1 s to 366 days" reply &&
	api POST /v1/link/terms/propose "{\"name\":\"us-cert\",\"terms\":{\"version\":5}}" &&
	test "$(cat code)" = 400 &&
	expect_code 2 hl ru-cert link terms propose us-cert --ack 15m,1h &&
	expect_code 2 hl ru-cert link terms propose us-cert --receipt 0s,10m,1h,24h &&
	test "$(terms_json ru-cert | jq_ "scalar @{\$j->{messages}}")" = 0
'

test_expect_success 'a control kind is not sent with send' '
	api POST /v1/send "{\"to\":\"us-cert\",\"kind\":\"suspend\",\"text\":\"frozen\"}" &&
	test "$(cat code)" = 400 &&
	grep -q "a control message of the link" reply
'

test_expect_success 'ru-cert proposes; us-cert sees the open proposal' '
	hl ru-cert link terms propose us-cert --ack 10m,1h,1d,3d --languages en,ru \
		--lang en "terms for the new year" >out &&
	grep -q "proposed terms version 1 on us-cert: us-cert/out/1" out &&
	wait_for 30 eval "terms_json us-cert | grep -q \"\\\"outcome\\\":\\\"open\\\"\"" &&
	terms_json us-cert >j &&
	test "$(jq_ "\$j->{messages}[0]{id}" <j)" = ru-cert/1 &&
	test "$(jq_ "\$j->{messages}[0]{terms}{ack}{flash}" <j)" = 600 &&
	test "$(jq_ "join q(,), @{\$j->{messages}[0]{terms}{languages}}" <j)" = en,ru
'

test_expect_success 'a party cannot answer its own proposal' '
	expect_code 1 hl ru-cert link terms accept us-cert/out/1 &&
	grep -q "a proposal of this party" ru-cert.err
'

test_expect_success 'us-cert accepts: both sides show version 1, in force from the same time' '
	hl us-cert link terms accept ru-cert/1 "agreed" >out &&
	grep -q "accepted ru-cert/1: version 1" out &&
	wait_for 30 eval "terms_json ru-cert | grep -q \"\\\"in_force\\\":{\"" &&
	terms_json ru-cert >ru.j && terms_json us-cert >us.j &&
	test "$(jq_ "\$j->{in_force}{version}" <ru.j)" = 1 &&
	test "$(jq_ "\$j->{in_force}{since}" <ru.j)" = "$(jq_ "\$j->{in_force}{since}" <us.j)" &&
	test "$(jq_ "\$j->{in_force}{terms}{ack}{flash}" <us.j)" = 600 &&
	test "$(jq_ "\$j->{in_force}{acceptance}" <ru.j)" = us-cert/1 &&
	test "$(jq_ "\$j->{in_force}{acceptance}" <us.j)" = ru-cert/out/1 &&
	hl ru-cert link terms us-cert >out &&
	grep -q "Terms of us-cert: version 1, in force since" out &&
	grep -q "languages: *en, ru" out
'

test_expect_success 'an accepted proposal takes no second answer' '
	expect_code 1 hl us-cert link terms decline ru-cert/1 "changed our mind" &&
	grep -q "the proposal is accepted, not open" us-cert.err
'

test_expect_success 'us-cert proposes version 2; ru-cert declines, saying why' '
	hl us-cert link terms propose ru-cert --check-every none "no scheduled checks" >out &&
	grep -q "proposed terms version 2 on ru-cert" out &&
	wait_for 30 eval "terms_json ru-cert | grep -q \"\\\"outcome\\\":\\\"open\\\"\"" &&
	expect_code 1 hl ru-cert link terms decline us-cert/2 "" &&
	hl ru-cert link terms decline us-cert/2 "checks are part of the arrangement" >out &&
	grep -q "declined us-cert/2 (version 2)" out &&
	wait_for 30 eval "terms_json us-cert | grep -q \"\\\"outcome\\\":\\\"declined\\\"\"" &&
	terms_json us-cert >j && test "$(jq_ "\$j->{in_force}{version}" <j)" = 1
'

test_expect_success 'a duty officer may read the terms but not propose them' '
	hl ru-cert operator role "$(id -un)" duty,admin >/dev/null &&
	hl ru-cert link terms us-cert >/dev/null &&
	expect_code 1 hl ru-cert link terms propose us-cert &&
	grep -q "needs the supervisor role" ru-cert.err &&
	hl ru-cert operator role "$(id -un)" duty,supervisor,auditor,admin >/dev/null
'

test_expect_success 'two acceptances that cross: the later counts for nothing, and both sides say so' '
	hl ru-cert link terms propose us-cert --ack 5m,1h,1d,3d "ours for version 2" >/dev/null &&
	hl us-cert link terms propose ru-cert --ack 6m,1h,1d,3d "ours for version 2" >/dev/null &&
	wait_for 30 eval "terms_json ru-cert | grep -q us-cert/3" &&
	wait_for 30 eval "terms_json us-cert | grep -q ru-cert/3" &&
	stop_daemon us-cert &&
	hl ru-cert link terms accept us-cert/3 >/dev/null &&
	stop_daemon ru-cert && start_daemon us-cert &&
	# Envelopes are dated to the second: in the same second the two
	# are a tie, which a loaded machine made of "the later" one.
	sleep 1.1 &&
	hl us-cert link terms accept ru-cert/3 >/dev/null &&
	start_daemon ru-cert &&
	wait_for 30 grep -q "does not count: the proposal is stale" us-cert.log &&
	wait_for 30 eval "terms_json ru-cert | grep -q \"the proposal is stale\"" &&
	terms_json ru-cert >ru.j && terms_json us-cert >us.j &&
	test "$(jq_ "\$j->{in_force}{version}" <ru.j)" = 2 &&
	test "$(jq_ "\$j->{in_force}{since}" <ru.j)" = "$(jq_ "\$j->{in_force}{since}" <us.j)" &&
	test "$(jq_ "\$j->{in_force}{terms}{ack}{flash}" <ru.j)" = 360
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'
test_done

#!/bin/sh
# Who read it: a duty officer, ana, logged in on the HTTPS door,
# acknowledges a FLASH; the acknowledgment names her at both parties
# and in a proof that a third party verifies offline with the two
# cards.  An auditor cannot acknowledge, over either door.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"
. "$(dirname "$0")/lib-transcript.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
console_on us-cert
PW='ana reads arabic and russian'

test_expect_success 'a FLASH reaches us-cert; ana is its duty officer, otto its auditor' '
	start_daemon ru-cert && start_daemon us-cert &&
	hl ru-cert send --to us-cert --precedence flash --lang en "water utility hit" >/dev/null &&
	wait_for 30 eval "hl us-cert inbox | grep -q \"^ru-cert/1 \"" &&
	hl us-cert operator add ana --role duty >/dev/null &&
	hl us-cert operator add otto --role auditor >/dev/null &&
	operator_secrets us-cert ana "$PW" &&
	operator_secrets us-cert otto "$PW"
'

test_expect_success 'an auditor cannot acknowledge: 403, needs duty, nothing sent' '
	login us-cert otto "$PW" "$(totp otto)" && test "$(cat code)" = 200 &&
	web_csrf us-cert POST /v1/ack --data-binary "{\"id\":\"ru-cert/1\"}" &&
	is_error 403 "needs the duty role" &&
	test "$(field needs)" = duty &&
	hl us-cert operator role "$(id -un)" auditor,admin >/dev/null &&
	expect_code 1 "$HOTLINE" --home us-cert ack ru-cert/1 2>err &&
	grep -q "needs the duty role" err &&
	hl us-cert operator role "$(id -un)" duty,supervisor,auditor,admin >/dev/null &&
	test "$(show_field us-cert ru-cert sent)" = "0 0"
'

test_expect_success 'ana acknowledges over HTTPS; the ack names her' '
	login us-cert ana "$PW" "$(totp ana 30)" && test "$(cat code)" = 200 &&
	web_csrf us-cert POST /v1/ack --data-binary "{\"id\":\"ru-cert/1\",\"text\":\"read\",\"lang\":\"en\"}" &&
	test "$(cat code)" = 200 && test "$(field id)" = ru-cert/out/1 &&
	hl us-cert show ru-cert/out/1 >mine &&
	grep -q "by ana (duty officer)" mine
'

test_expect_success 'ru-cert receives the ack, naming ana' '
	wait_for 30 eval "hl ru-cert inbox | grep -q \"^us-cert/1 \"" &&
	hl ru-cert show us-cert/1 >theirs && grep -q "by ana (duty officer)" theirs
'

test_expect_success 'a proof of the ack, verified offline, names ana' '
	wait_for 30 eval "hl us-cert outbox | grep -q \"^ru-cert: 0 awaiting\"" &&
	hl us-cert proof export --link ru-cert --seq 1 --disclose --out ack.proof >/dev/null &&
	"$HOTLINE" proof verify --card us-cert/card --card ru-cert/card ack.proof >verified &&
	grep -q "by ana (duty officer)" verified
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done

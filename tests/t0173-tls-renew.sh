#!/bin/sh
# Certificate expiry (protocol.md 10.1): Hotline never checks a
# certificate's dates, pins are SPKI.  From 90 days before our
# certificate's notAfter, 'hotline status' warns and says what to do;
# 'hotline card tls-renew' issues tls.crt again for the same key (the
# pin is unchanged, so the peer needs nothing) and hotlined's peer
# server serves it at once, without a restart.  Both daemons run 7300
# days ahead (faketime): init's certificates are valid for 7320.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v openssl >/dev/null 2>&1 || { echo "1..0 # SKIP openssl is not installed"; exit 0; }
command -v faketime >/dev/null 2>&1 || { echo "1..0 # SKIP faketime is not installed"; exit 0; }
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is not installed"; exit 0; }

US_PORT=$(free_port)
linked_pair ru-cert "$(free_port)" us-cert "$US_PORT"
AHEAD=+7300d
WARNING="our TLS certificate expires"

# served_until : the notAfter of the certificate us-cert's peer server
# presents (to ru-cert's key, which it lets in).
served_until() {
	openssl s_client -connect "127.0.0.1:$US_PORT" -cert ru-cert/tls.crt \
		-key ru-cert/tls.key </dev/null 2>/dev/null | openssl x509 -noout -enddate
}

test_expect_success 'status warns 20 days before our certificate expires' '
	start_daemon_at "$AHEAD" us-cert && start_daemon_at "$AHEAD" ru-cert &&
	expect_code 1 hl us-cert status >status.txt &&
	grep -q "^$WARNING .*: '\''hotline card tls-renew'\''$" status.txt &&
	expect_code 1 hl us-cert status --json >status.json &&
	test "$(jq .tls.renew status.json)" = true &&
	test "$(jq .level status.json)" = "\"warning\"" &&
	test "$(jq .tls.not_after status.json)" = \
		"$(date -d "$(openssl x509 -in us-cert/tls.crt -noout -enddate |
			cut -d= -f2)" +%s)"
'

test_expect_success 'tls-renew: a new certificate for the same key, served at once' '
	served_until >before &&
	openssl x509 -in us-cert/tls.crt -noout -pubkey >key.before &&
	cp us-cert/tls.crt crt.before &&
	hl us-cert card tls-renew >out &&
	grep -q "^TLS certificate renewed for the same key, valid until " out &&
	! cmp -s crt.before us-cert/tls.crt &&
	openssl x509 -in us-cert/tls.crt -noout -pubkey >key.after &&
	cmp key.before key.after &&
	test "$(stat -c %a us-cert/tls.crt)" = 644 &&
	served_until >after &&
	! cmp -s before after &&
	test "$(cat after)" = "$(openssl x509 -in us-cert/tls.crt -noout -enddate)" &&
	hl us-cert audit --json >audit.txt &&
	grep -q "\"action\":\"/v1/card/tls-renew\"" audit.txt
'

test_expect_success 'the warning is gone; ru-cert, which still warns, talks to us as before' '
	hl us-cert status >status.txt &&
	! grep -q "$WARNING" status.txt &&
	expect_code 1 hl ru-cert status >ru.txt &&
	grep -q "$WARNING" ru.txt &&
	hl ru-cert send --to us-cert "after the renewal" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field ru-cert us-cert sent)\" = \"1 1\"" &&
	hl us-cert send --to ru-cert "answer after the renewal" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field us-cert ru-cert sent)\" = \"1 1\"" &&
	stop_daemon us-cert
'

test_done

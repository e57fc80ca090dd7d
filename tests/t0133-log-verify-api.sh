#!/bin/sh
# POST /v1/log/verify runs in hotlined the checks of 'hotline log verify'
# (one function, logcheck.h): a healthy store verifies; a projection or
# an envelope changed behind the daemon is reported with its link, log,
# entry and reason, the same as the local command reports it; a bad
# argument or an unknown link is refused and the refusal is in the audit
# trail; it needs the read right (an admin alone is refused, an auditor
# verifies).
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "1..0 # SKIP no sqlite3"; exit 0; }

new_party ru-cert "$(free_port)"
new_party us-cert "$(free_port)"
DB="$TEST_DIR/us-cert/hotline.db"

sql() {
	sqlite3 "$DB" "$1"
}

# api METHOD PATH [BODY] : us-cert's API; the answer lands in body, the
# HTTP status is printed.
api() {
	curl -s -m 60 --unix-socket "$TEST_DIR/us-cert/hotlined.sock" -o "$TEST_DIR/body" \
		-w "%{http_code}" -X "$1" -H "Content-Type: application/json" \
		${3:+--data-binary "$3"} "http://hotlined$2"
}

# pick FILE PERL-EXPR : a value of the JSON in FILE ($j), as canonical JSON.
pick() {
	perl -MJSON::PP -e 'local $/; open(my $f, "<", $ARGV[0]) or die; my $j = decode_json(<$f>);
		my $v = eval $ARGV[1]; die $@ if $@;
		print JSON::PP->new->canonical->allow_nonref->encode($v), "\n"' "$1" "$2"
}

test_expect_success 'a healthy store: the route says every link and the indexes are intact' '
	link_pair ru-cert us-cert &&
	send_msg ru-cert us-cert "first" &&
	send_msg ru-cert us-cert "second" &&
	send_msg ru-cert us-cert "third" &&
	exchange ru-cert us-cert one &&
	only_daemon us-cert && "$HOTLINE" --home us-cert inbox >/dev/null &&
	test "$(api POST /v1/log/verify "{}")" = 200 &&
	cat body && echo &&
	test "$(pick body "\$j->{ok}")" = true &&
	test "$(pick body "\$j->{indexes_checked}")" = true &&
	test "$(pick body "\$j->{links}[0]{link}")" = "\"ru-cert\"" &&
	test "$(pick body "\$j->{links}[0]{ok}")" = true &&
	test "$(pick body "\$j->{links}[0]{received}")" = \
		"{\"checkpoints\":1,\"envelopes\":3,\"receipted\":3}" &&
	test "$(pick body "\$j->{projections}")" = "[]" &&
	test "$(api POST /v1/log/verify "{\"link\":\"ru-cert\"}")" = 200 &&
	test "$(pick body "\$j->{ok}")" = true
'

test_expect_success 'bad arguments and an unknown link are refused, and recorded' '
	test "$(api POST /v1/log/verify "{\"colour\":1}")" = 400 &&
	grep -q "colour: no such argument" body &&
	test "$(api POST /v1/log/verify "{\"link\":\"nobody\"}")" = 404 &&
	test "$(api GET "/v1/audit?limit=1000")" = 200 &&
	test "$(pick body "scalar grep { \$_->{action} eq q(/v1/log/verify) && \$_->{status} == 404 } @{\$j->{entries}}")" = 1
'

test_expect_success 'one bit of the message index changed behind hotlined: named like log verify names it' '
	sql "UPDATE message SET time = time + 1 - 2 * (time & 1) WHERE side = 1 AND seq = 2" &&
	test "$(api POST /v1/log/verify "{}")" = 200 &&
	cat body && echo &&
	test "$(pick body "\$j->{ok}")" = false &&
	test "$(pick body "\$j->{projections}")" = \
		"[{\"column\":\"time\",\"entry\":2,\"index\":\"message\",\"link\":\"ru-cert\",\"log\":\"received\",\"problem\":\"differs\"}]" &&
	cp body route.json &&
	expect_code 1 "$HOTLINE" --home us-cert log verify --json >cli.json &&
	test "$(pick route.json "\$j->{projections}")" = "$(pick cli.json "\$j->{projections}")" &&
	"$HOTLINE" --home us-cert rebuild >/dev/null &&
	test "$(api POST /v1/log/verify "{}")" = 200 &&
	test "$(pick body "\$j->{ok}")" = true
'

test_expect_success 'an envelope changed behind hotlined: the route names its log, entry and reason' '
	sql "UPDATE envelope SET bytes = CAST(replace(CAST(bytes AS TEXT), '"'"'seq 2'"'"', '"'"'seq 9'"'"') AS BLOB)
	     WHERE side = 1 AND seq = 2" &&
	test "$(api POST /v1/log/verify "{}")" = 200 &&
	cat body && echo &&
	test "$(pick body "\$j->{ok}")" = false &&
	test "$(pick body "\$j->{links}[0]{ok}")" = false &&
	test "$(pick body "\$j->{links}[0]{error}{log}")" = "\"received\"" &&
	test "$(pick body "\$j->{links}[0]{error}{entry}")" = 2 &&
	pick body "\$j->{links}[0]{error}{reason}" | grep -q "^\"..*\"$" &&
	test "$(pick body "\$j->{indexes_checked}")" = false &&
	cp body route.json &&
	expect_code 1 "$HOTLINE" --home us-cert log verify --json >cli.json &&
	test "$(pick route.json "\$j->{links}")" = "$(pick cli.json "\$j->{links}")" &&
	expect_code 1 "$HOTLINE" --home us-cert log verify 2>err &&
	reason=$(pick route.json "\$j->{links}[0]{error}{reason}" | tr -d "\"") &&
	check=$(pick route.json "\$j->{links}[0]{error}{check}" | tr -d "\"") &&
	grep -qF "ru-cert: received log, entry 2: $check: $reason" err
'

test_expect_success 'an admin alone may not verify it; an auditor may' '
	me=$(id -un) &&
	hl us-cert operator role "$me" admin >/dev/null &&
	test "$(api POST /v1/log/verify "{}")" = 403 &&
	grep -q "\"needs\":\"[a-z]*\"" body &&
	hl us-cert operator role "$me" auditor,admin >/dev/null &&
	test "$(api POST /v1/log/verify "{}")" = 200 &&
	test "$(pick body "\$j->{ok}")" = false
'

test_done

#!/bin/sh
# The operator API always answers JSON: every error is a JSON object
# with its HTTP status, even when its text would be cut inside a UTF-8
# character (a long Arabic member name in a send request).
. "$(dirname "$0")/test-lib.sh"

PORT=$(free_port)
new_party eg-cert "$PORT"
SOCK="$TEST_DIR/eg-cert/hotlined.sock"

# api METHOD PATH [BODY] : the reply's body in reply, its status in code.
api() {
	curl -s --unix-socket "$SOCK" -X "$1" -o reply -w '%{http_code}' \
		-H 'Content-Type: application/json' ${3:+--data-binary "$3"} \
		"http://hotlined$2" >code
}

# is_error CODE : reply is a JSON object whose status is CODE, with an
# error text.
is_error() {
	perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", "reply") or die;
		my $j = JSON::PP->new->utf8->decode(<$f>);
		exit !(ref $j eq "HASH" && $j->{status} == $ARGV[0] &&
		       length $j->{error})' "$1" && test "$(cat code)" = "$1"
}

test_expect_success 'hotlined starts' 'start_daemon eg-cert'

test_expect_success 'a long Arabic member name gets a JSON error, not silence' '
	key=$(perl -CO -e "print qq(\x{0645}\x{0631}\x{062D}\x{0628}\x{0627}) x 40") &&
	api POST /v1/send "{\"to\":\"ru-cert\",\"text\":\"x\",\"$key\":1}" &&
	is_error 400
'

test_expect_success 'every other length cuts on a character boundary' '
	for n in 1 2 3 5 8 13 21 34; do
		key=$(perl -CO -e "print qq(a) x $n, qq(\x{0645}\x{0631}) x 60") &&
		api POST /v1/send "{\"to\":\"ru-cert\",\"text\":\"x\",\"$key\":1}" &&
		is_error 400 || { echo "failed at $n"; cat reply; return 1; }
	done
'

test_expect_success 'bad JSON, an unknown link and an unknown route are JSON errors' '
	api POST /v1/send "{\"to\":" && is_error 400 &&
	api POST /v1/send "{\"to\":\"nobody\",\"text\":\"x\"}" && is_error 404 &&
	api GET /v1/nothing && is_error 404
'

test_expect_success 'hotlined still serves and stops cleanly' '
	api GET /v1/status && test "$(cat code)" = 200 && stop_daemon eg-cert
'

test_done

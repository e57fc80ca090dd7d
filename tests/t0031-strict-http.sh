#!/bin/sh
# Strict HTTP (RFC 9110 5.5, RFC 9112 6.3): on the peer server and on the
# operator API, a NUL byte in a header field or in the request target,
# or two different Content-Length fields, gets 400 and the connection
# closed; a chunked body is refused with its status line before the
# close.  Nothing of such a request is stored.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-wire
US_PORT=$(free_port)
linked_pair ru-cert "$(free_port)" us-cert "$US_PORT"

# raw REQUEST : sends printf REQUEST as ru-cert over TLS to us-cert's
# peer server; the answer and how it ended ("-- closed"...) go to resp.
raw() {
	printf "$1" >req &&
	"$TOOLS/hl-wire" raw --port "$US_PORT" --cert ru-cert/tls.crt --key ru-cert/tls.key \
		req >resp &&
	sed -n 1p resp
}

# api REQUEST : the same on us-cert's operator socket (no TLS).
api() {
	printf "$1" >req &&
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		open(my $f, "<:raw", $ARGV[1]) or die; local $/; my $d = <$f>; print $s $d;
		my $got = ""; my $n;
		eval { local $SIG{ALRM} = sub { die "open\n" }; alarm 2;
		       while (($n = sysread($s, my $b, 4096)) > 0) { $got .= $b } alarm 0; };
		print $got, ($@ eq "open\n" ? "\n-- open\n" : "\n-- closed\n");' \
		us-cert/hotlined.sock req >resp &&
	sed -n 1p resp
}

# refused STATUS WHY : resp is STATUS with WHY in its body, the server
# closed the connection, and us-cert logged it (peer server only).
refused() {
	cat resp &&
	grep -q "^HTTP/1.1 $1 " resp &&
	grep -q "$2" resp &&
	test "$(tail -n 1 resp)" = "-- closed"
}

us_state() {
	"$HOTLINE" --home us-cert link show ru-cert && "$HOTLINE" --home us-cert log verify
}

test_expect_success 'us-cert listens; a clean request is served and the connection kept' '
	start_daemon us-cert &&
	us_state >before &&
	raw "GET /hotline/v1/checkpoint HTTP/1.1\r\nHost: x\r\n\r\n" &&
	grep -q "^HTTP/1.1 404 " resp && grep -q "^none" resp &&
	test "$(tail -n 1 resp)" = "-- open"
'

test_expect_success 'a NUL in a header value: 400, closed' '
	raw "GET /hotline/v1/checkpoint HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n" &&
	refused 400 "NUL byte" &&
	raw "GET /hotline/v1/checkpoint HTTP/1.1\r\nHost: x\0\r\n\r\n" &&
	refused 400 "NUL byte" &&
	grep -q "refused (400): NUL byte" us-cert.log
'

test_expect_success 'a NUL in the request target: 400, closed' '
	raw "GET /hotline/v1/check\0point HTTP/1.1\r\nHost: x\r\n\r\n" &&
	refused 400 "NUL byte" &&
	raw "POST /hotline/v1/push\0/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" &&
	refused 400 "NUL byte" &&
	raw "POST /hotline/v1/push\0 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" &&
	refused 400 "NUL byte"
'

test_expect_success 'two different Content-Length fields: 400, closed' '
	raw "POST /hotline/v1/push HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!" &&
	refused 400 "two different Content-Length" &&
	raw "POST /hotline/v1/push HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" &&
	refused 400 "Content-Length with Transfer-Encoding"
'

test_expect_success 'a chunked body, even a malformed one: its status line, then the close' '
	raw "POST /hotline/v1/push HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" &&
	refused 411 "Content-Length required" &&
	raw "GET /hotline/v1/pull HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n" &&
	refused 411 "Content-Length required" &&
	raw "GET /hotline/v1/pull HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" &&
	refused 400 "no body expected"
'

test_expect_success 'nothing of it was stored' '
	us_state >after && cmp before after
'

test_expect_success 'the operator API is as strict, and answers JSON' '
	api "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n" &&
	grep -q "^HTTP/1.1 200 " resp && test "$(tail -n 1 resp)" = "-- open" &&
	api "GET /v1/status HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n" &&
	refused 400 "\"error\":\"NUL byte" && grep -q "\"status\":400" resp &&
	api "GET /v1/sta\0tus HTTP/1.1\r\nHost: x\r\n\r\n" &&
	refused 400 "NUL byte" &&
	api "POST /v1/send HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}" &&
	refused 400 "two different Content-Length" &&
	api "POST /v1/wake HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" &&
	refused 411 "Content-Length required"
'

test_expect_success 'and both still serve clean requests' '
	{ "$HOTLINE" --home us-cert status >st || test $? -le 2; } &&
	grep -q "^ru-cert " st &&
	stop_daemon us-cert
'

test_done

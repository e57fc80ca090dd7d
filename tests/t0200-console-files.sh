#!/bin/sh
# hotlined serves the console's files on the HTTPS door: GET and HEAD
# of console.root's files, by extension, with the console's
# Content-Security-Policy and the other security headers, no session
# needed; /lib/ from Debian's libjs-* packages, or a line naming the
# package to install; 404 for any path that breaks the rules (never a
# file outside the root, a dot file, a symbolic link, a folder), 405
# for any other method; nothing on the unix socket; a missing
# console.root leaves the API up and answers 503.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"

PORT=$(free_port)
new_party eg-cert "$PORT"
cp "$TEST_DIR/eg-cert/hotline.conf" "$TEST_DIR/conf.orig"
CSP="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; media-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
LIB=/usr/share/javascript

# A console.root of the test's own, beside a file that must never be
# served: a secret outside it, reachable through .., a symbolic link
# or a linked folder; a dot file, a folder, a FIFO, a file of an
# extension not served, and paths near the 200-byte limit.
ROOT="$TEST_DIR/root"
LONG=$(printf '%048d' 0 | tr 0 a)
mkdir -p "$ROOT/pages" "$ROOT/i18n" "$ROOT/dir.js" "$ROOT/lib" "$TEST_DIR/outside" \
	"$ROOT/$LONG/$LONG/$LONG/$LONG"
cp "$SRC_DIR/console/index.html" "$ROOT/"
echo 'export const x = 1;' >"$ROOT/main.js"
echo 'export async function render() {}' >"$ROOT/pages/inbox.js"
echo 'body { margin-inline-start: 0; }' >"$ROOT/style.css"
echo '{"lang": "ar", "dir": "rtl", "messages": {}}' >"$ROOT/i18n/ar.json"
echo '<svg xmlns="http://www.w3.org/2000/svg"/>' >"$ROOT/logo.svg"
printf '\211PNG\r\n\032\n' >"$ROOT/logo.png"
printf '\0\0\1\0' >"$ROOT/favicon.ico"
echo 'SECRET' >"$TEST_DIR/secret.js"
echo 'SECRET' >"$TEST_DIR/outside/a.js"
echo 'SECRET' >"$ROOT/.hidden.js"
echo 'SECRET' >"$ROOT/pages/.x.js"
echo 'SECRET' >"$ROOT/main.txt"
echo 'SECRET' >"$ROOT/lib/x.js"
ln -s "$TEST_DIR/secret.js" "$ROOT/link.js"
ln -s "$TEST_DIR/outside" "$ROOT/linkdir"
mkfifo "$ROOT/fifo.js"
echo 'export const deep = 1;' >"$ROOT/$LONG/$LONG/$LONG/$LONG/a.js"	# 200 bytes
echo 'SECRET' >"$ROOT/$LONG/$LONG/$LONG/$LONG/ab.js"			# 201 bytes

# with_conf LINES : eg-cert's hotline.conf as made by init, plus LINES.
with_conf() {
	{ cat "$TEST_DIR/conf.orig"; printf '%s\n' "$@"; } >"$TEST_DIR/eg-cert/hotline.conf"
}

# served PATH FILE TYPE : GET PATH answers FILE's bytes as TYPE.
served() {
	web eg-cert GET "$1" &&
	{ test "$(cat code)" = 200 || { echo "GET $1: $(cat code)"; return 1; }; } &&
	cmp reply "$2" &&
	has_header "Content-Type: $3\$"
}

# refused PATH [CURL ARGS] : GET PATH is a plain 404, with no secret.
refused() {
	rf_path=$1
	shift
	web eg-cert GET "$rf_path" --path-as-is "$@" &&
	{ test "$(cat code)" = 404 || { echo "GET $rf_path: $(cat code) $(cat reply)"; return 1; }; } &&
	grep -qx "no such file" reply &&
	has_header "Content-Type: text/plain; charset=utf-8" &&
	has_header "Content-Security-Policy: $CSP"
}

test_expect_success 'the console index is served with its CSP and the security headers' '
	console_on eg-cert &&
	grep -qx "console.root = $SRC_DIR/console" eg-cert/hotline.conf &&
	start_daemon eg-cert &&
	! grep -q "console.root" eg-cert.log &&
	served / "$SRC_DIR/console/index.html" "text/html; charset=utf-8" &&
	has_header "Content-Security-Policy: $CSP\$" &&
	has_header "X-Content-Type-Options: nosniff" &&
	has_header "Strict-Transport-Security: max-age=31536000" &&
	has_header "Referrer-Policy: no-referrer" &&
	has_header "X-Frame-Options: DENY" &&
	has_header "Cache-Control: no-cache" &&
	! has_header "Set-Cookie" &&
	served /index.html "$SRC_DIR/console/index.html" "text/html; charset=utf-8" &&
	stop_daemon eg-cert
'

test_expect_success 'each extension has its type; a query is no part of the path' '
	cp conf.orig eg-cert/hotline.conf &&
	console_on eg-cert "console.root = $ROOT" &&
	! grep -q "console.root = $SRC_DIR" eg-cert/hotline.conf &&
	start_daemon eg-cert &&
	served /main.js root/main.js "text/javascript; charset=utf-8" &&
	served /pages/inbox.js root/pages/inbox.js "text/javascript; charset=utf-8" &&
	served /style.css root/style.css "text/css; charset=utf-8" &&
	served /i18n/ar.json root/i18n/ar.json "application/json" &&
	served /logo.svg root/logo.svg "image/svg+xml" &&
	served /logo.png root/logo.png "image/png" &&
	served /favicon.ico root/favicon.ico "image/x-icon" &&
	served "/main.js?v=2" root/main.js "text/javascript; charset=utf-8" &&
	served "/$LONG/$LONG/$LONG/$LONG/a.js" "root/$LONG/$LONG/$LONG/$LONG/a.js" \
		"text/javascript; charset=utf-8"
'

test_expect_success 'HEAD answers the headers and no body' '
	web eg-cert HEAD /main.js -I &&
	test "$(cat code)" = 200 &&
	has_header "Content-Type: text/javascript; charset=utf-8" &&
	has_header "Content-Length: $(file_size root/main.js)" &&
	has_header "Content-Security-Policy: $CSP" &&
	! grep -q "export" reply
'

test_expect_success 'a path that breaks the rules is 404, never a file outside the root' '
	for p in /.. /../secret.js /pages/../../secret.js /pages/../main.js /./main.js \
		//main.js /pages//inbox.js "//$TEST_DIR/secret.js" "/..\\secret.js" \
		"/pages\\inbox.js" /.hidden.js /pages/.x.js /link.js /linkdir/a.js /dir.js \
		/pages/ /pages /fifo.js /nothing.js /MAIN.JS /main.txt /main.js/ \
		"/$LONG/$LONG/$LONG/$LONG/ab.js" /v1 /lib/x.js /lib/jquery.js /lib/; do
		refused "$p" || exit 1
		! grep -q SECRET reply || { echo "$p: served a secret"; exit 1; }
	done
'

test_expect_success 'escapes and NUL bytes name no file' '
	for p in /%2e%2e/secret.js /%2E%2E%2Fsecret.js /..%2fsecret.js /main.js%00.png \
		/%6dain.js; do
		web eg-cert GET "$p" --path-as-is &&
		test "$(cat code)" = 400 || { echo "$p: $(cat code)"; exit 1; }
		! grep -q SECRET reply || exit 1
		refused "$p?x=1" || exit 1
	done
'

# raw REQUEST [-no_ign_eof] : sends REQUEST's bytes (printf escapes)
# over TLS to eg-cert's listener, and reads until it closes (or, with
# -no_ign_eof, hangs up after sending); the answer in reply.
raw() {
	printf "$1" | timeout 10 openssl s_client -quiet ${2:-} \
		-connect "127.0.0.1:$(cat eg-cert.console)" >reply 2>/dev/null || :
}

test_expect_success 'a head libmicrohttpd drops after reading the path leaks nothing' '
	raw "GET /main.js HTTP/1.1\r\nHost: x\r\nbroken\r\n\r\n" &&
	! grep -q export reply &&
	raw "GET /main.js HTTP/1.1\r\nHost: x\r\n" -no_ign_eof &&
	raw "GET /main.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" &&
	grep -q "^HTTP/1.1 200" reply && grep -q "export const x" reply
'

test_expect_success 'any other method on a console path is 405' '
	for m in POST PUT DELETE PATCH OPTIONS; do
		web eg-cert $m /main.js &&
		test "$(cat code)" = 405 || { echo "$m: $(cat code)"; exit 1; }
		has_header "Allow: GET, HEAD" &&
		has_header "Content-Security-Policy: $CSP" || exit 1
	done &&
	web eg-cert POST / --data-binary "{\"a\":1}" && test "$(cat code)" = 405 &&
	web eg-cert POST /nothing.js && test "$(cat code)" = 405 &&
	web eg-cert GET /main.js && test "$(cat code)" = 200
'

test_expect_success 'the API is still under /v1/, JSON as before' '
	web eg-cert GET /v1/whoami && is_error 401 "log in" &&
	has_header "Cache-Control: no-store" &&
	web eg-cert GET /v1/nothing.js && is_error 404 "no such endpoint"
'

test_expect_success 'the unix socket serves no file' '
	unix_api eg-cert GET / && is_error 404 "no such endpoint" &&
	unix_api eg-cert GET /index.html && is_error 404 "no such endpoint" &&
	unix_api eg-cert GET /lib/chart.js && is_error 404 "no such endpoint"
'

if [ -f $LIB/chart.js/chart.min.js ] && [ -f $LIB/d3/d3.min.js ]; then
test_expect_success '/lib/ serves the Debian packages'"'"' files' '
	served /lib/chart.js $LIB/chart.js/chart.min.js "text/javascript; charset=utf-8" &&
	has_header "Content-Security-Policy: $CSP" &&
	served /lib/d3.js $LIB/d3/d3.min.js "text/javascript; charset=utf-8"
'
else
test_expect_success '/lib/ says which package is missing' '
	web eg-cert GET /lib/chart.js && test "$(cat code)" = 404 &&
	grep -q "install the Debian package libjs-chart.js" reply
'
fi
test_expect_success 'a missing console.root: hotlined starts, says so, and / is 503' '
	stop_daemon eg-cert &&
	cp conf.orig eg-cert/hotline.conf &&
	console_on eg-cert "console.root = $TEST_DIR/none" "console.lib = $TEST_DIR/nolib" &&
	start_daemon eg-cert &&
	test "$(grep -c "console.root" eg-cert.log)" = 1 &&
	grep -q "warning: console.root $TEST_DIR/none: No such file or directory; the console'"'"'s pages answer 503" eg-cert.log &&
	web eg-cert GET / && test "$(cat code)" = 503 &&
	grep -qx "the console'"'"'s files are not installed on this server: install them (make install) or set console.root in hotline.conf" reply &&
	has_header "Content-Type: text/plain; charset=utf-8" &&
	has_header "Content-Security-Policy: $CSP" &&
	web eg-cert GET /v1/whoami && is_error 401 &&
	unix_api eg-cert GET /v1/whoami && test "$(cat code)" = 200
'

test_expect_success 'a library missing from console.lib: 404, naming its package' '
	web eg-cert GET /lib/chart.js && test "$(cat code)" = 404 &&
	grep -qx "chart.js/chart.min.js is not installed on this server: install the Debian package libjs-chart.js (or set console.lib in hotline.conf)" reply &&
	has_header "Content-Type: text/plain; charset=utf-8" &&
	has_header "Content-Security-Policy: $CSP" &&
	web eg-cert GET /lib/d3.js && test "$(cat code)" = 404 &&
	grep -q "install the Debian package libjs-d3 " reply
'

test_expect_success 'files installed later are served without a restart' '
	mkdir none && cp root/index.html none/ &&
	served / none/index.html "text/html; charset=utf-8" &&
	stop_daemon eg-cert
'

test_expect_success 'console.root and console.lib want absolute paths; init leaves them commented' '
	grep -q "^#console.root = /.*/hotline/console$" conf.orig &&
	grep -qx "#console.lib = /usr/share/javascript" conf.orig &&
	with_conf "console.root = console" &&
	expect_code 1 "$HOTLINED" --home eg-cert -n 2>err &&
	grep -q "hotline.conf:[0-9]*: console.root: want an absolute path" err &&
	with_conf "console.lib = " &&
	expect_code 1 "$HOTLINED" --home eg-cert -n 2>err &&
	grep -q "hotline.conf:[0-9]*: console.lib: want an absolute path" err
'

test_done

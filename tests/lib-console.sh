# lib-console.sh - sourced (after test-lib.sh) by the tests of the
# operators' HTTPS listener (t0100..t0106) and the console's (t0200..).
#
# A party NAME's listener port is in $TEST_DIR/NAME.console; curl
# reaches it by the name on the party's TLS certificate (its DNS name
# is the party's name), trusting the party's tls.crt, with a cookie jar
# $TEST_DIR/NAME.jar; the CSRF token of the last login is kept in
# $TEST_DIR/NAME.csrf.

# console_on NAME [LINES...] : NAME's hotline.conf gets console.listen
# on a free port (a bare port: loopback), console.root the repository's
# console/ (unless LINES set it) and LINES.
console_on() {
	co_who=$1
	shift
	co_port=$(free_port)
	co_root="console.root = $SRC_DIR/console"
	for co_line in "$@"; do
		case $co_line in console.root*) co_root="" ;; esac
	done
	echo "$co_port" >"$TEST_DIR/$co_who.console"
	{
		echo "console.listen = $co_port"
		[ -z "$co_root" ] || echo "$co_root"
		printf '%s\n' "$@"
	} >>"$TEST_DIR/$co_who/hotline.conf"
}

# web NAME METHOD PATH [CURL ARGS...] : one request; the answer's body
# in reply, its headers in headers, its status in code.
web() {
	w_who=$1 w_method=$2 w_path=$3
	shift 3
	w_port=$(cat "$TEST_DIR/$w_who.console")
	curl -s --cacert "$TEST_DIR/$w_who/tls.crt" \
		--resolve "$w_who:$w_port:127.0.0.1" \
		-b "$TEST_DIR/$w_who.jar" -c "$TEST_DIR/$w_who.jar" \
		-X "$w_method" -D headers -o reply -w '%{http_code}' \
		-H 'Content-Type: application/json' "$@" \
		"https://$w_who:$w_port$w_path" >code || :
}

# web_csrf NAME METHOD PATH [CURL ARGS...] : web, with the CSRF token.
web_csrf() {
	wc_who=$1
	shift
	web "$wc_who" "$@" -H "X-CSRF-Token: $(cat "$TEST_DIR/$wc_who.csrf")"
}

# unix_api NAME METHOD PATH [BODY] : the same over the unix socket.
unix_api() {
	curl -s --unix-socket "$TEST_DIR/$1/hotlined.sock" -X "$2" -o reply \
		-w '%{http_code}' -H 'Content-Type: application/json' \
		${4:+--data-binary "$4"} "http://hotlined$3" >code
}

# field NAME : the answer's member NAME (a string or number).
field() {
	perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", "reply") or die;
		my $j = JSON::PP->new->utf8->decode(<$f>);
		binmode STDOUT, ":utf8"; print $j->{$ARGV[0]} // ""' "$1"
}

# is_error CODE [WORDS] : the answer is a JSON error with status CODE
# (and WORDS in its text).  Its members are read in one perl run (field
# reads one a run, and perl's JSON::PP is most of a run's time).
is_error() {
	ie_got=$(perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", "reply") or die;
		my $j = JSON::PP->new->utf8->decode(<$f>); binmode STDOUT, ":utf8";
		print $j->{status} // "", " ", $j->{error} // ""' 2>/dev/null) || ie_got=
	ie_status=${ie_got%% *} ie_error=${ie_got#* }
	if [ "$(cat code)" != "$1" ] || [ "$ie_status" != "$1" ] || [ -z "$ie_error" ]; then
		echo "expected a JSON error $1, got $(cat code): $(cat reply)"
		return 1
	fi
	if [ -n "${2:-}" ] && ! printf '%s\n' "$ie_error" | grep -q -- "$2"; then
		echo "expected \"$2\" in: $ie_error"
		return 1
	fi
}

# has_header LINE : the answer's headers have LINE (a regex, case
# ignored).
has_header() {
	tr -d '\r' <headers | grep -qi -- "^$1" || { echo "no header $1 in:"; cat headers; return 1; }
}

# listening PID : the TCP addresses hotlined PID listens on, one a line.
listening() {
	ss -ltnpH 2>/dev/null | grep "pid=$1," | awk '{print $4}' | sort
}

# operator_secrets NAME OPERATOR PASSWORD : over the unix socket, sets
# OPERATOR's password and a new TOTP secret, kept in
# $TEST_DIR/OPERATOR.totp.
operator_secrets() {
	printf '%s\n' "$3" | hl "$1" operator passwd "$2" --stdin >/dev/null &&
	hl "$1" operator totp "$2" --json >reply &&
	field secret >"$TEST_DIR/$2.totp" &&
	test -s "$TEST_DIR/$2.totp"
}

# totp OPERATOR [SECONDS] : OPERATOR's TOTP code now, or SECONDS later.
totp() {
	oathtool --totp -b "$(cat "$TEST_DIR/$1.totp")" -N "now + ${2:-0} seconds"
}

# login NAME OPERATOR PASSWORD CODE : POST /v1/login; on success the
# CSRF token goes to $TEST_DIR/NAME.csrf.
login() {
	web "$1" POST /v1/login \
		--data-binary "{\"name\":\"$2\",\"password\":\"$3\",\"totp\":\"$4\"}" &&
	if [ "$(cat code)" = 200 ]; then field csrf >"$TEST_DIR/$1.csrf"; fi
}

# login_ticket NAME TICKET : POST /v1/login with a one-time ticket; on
# success the CSRF token goes to $TEST_DIR/NAME.csrf.
login_ticket() {
	web "$1" POST /v1/login --data-binary "{\"ticket\":\"$2\"}" &&
	if [ "$(cat code)" = 200 ]; then field csrf >"$TEST_DIR/$1.csrf"; fi
}

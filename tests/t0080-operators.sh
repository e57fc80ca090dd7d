#!/bin/sh
# Operators: init makes the first one, holding every role and mapped to
# the Unix user who ran it and to root; 'hotline operator' manages the
# others through hotlined's operator API, and every refusal says what
# is wrong.
. "$(dirname "$0")/test-lib.sh"

ME=$(id -un)

# json_field FILE PERL-EXPR : prints what EXPR gives of FILE's JSON ($j).
json_field() {
	perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", $ARGV[0]) or die;
		my $j = JSON::PP->new->utf8->decode(<$f>); print eval $ARGV[1]' "$1" "$2"
}

test_expect_success 'init names the first operator after the Unix user' '
	"$HOTLINE" init --name ru-cert --home "$TEST_DIR/ru-cert" \
		--listen "127.0.0.1:$(free_port)" >out &&
	grep -q "^Operator: *$ME, every role" out &&
	test "$(sqlite3 ru-cert/hotline.db "SELECT name, roles, max_precedence FROM operator")" = "$ME|15|flash" &&
	test "$(sqlite3 ru-cert/hotline.db "SELECT user FROM operator_user ORDER BY user" | sort -u | tr "\n" " ")" = "$(printf "%s\n" "$ME" root | sort -u | tr "\n" " ")"
'

test_expect_success 'init --operator names it so; a bad name is refused before anything is made' '
	"$HOTLINE" init --name us-cert --home "$TEST_DIR/us-cert" --operator ana \
		--listen "127.0.0.1:$(free_port)" >out &&
	grep -q "^Operator: *ana, every role" out &&
	test "$(sqlite3 us-cert/hotline.db "SELECT operator FROM operator_user WHERE user = '\''root'\''")" = ana &&
	expect_code 2 "$HOTLINE" init --name jp-cert --home "$TEST_DIR/jp-cert" --operator "Bad Name" 2>err &&
	grep -q "operator" err &&
	test ! -e jp-cert/hotline.conf
'

test_expect_success 'operator commands need hotlined and say so' '
	expect_code 1 hl ru-cert operator list &&
	grep -q "hotlined is not running" ru-cert.err
'

test_expect_success 'hotlined starts' 'start_daemon ru-cert'

test_expect_success 'list and show the first operator, as text and JSON' '
	hl ru-cert operator list >out &&
	grep -Eq "^$ME +duty,supervisor,auditor,admin +flash +enabled" out &&
	hl ru-cert operator show "$ME" --json >show.json &&
	test "$(json_field show.json "join q(,), \$j->{name}, @{\$j->{roles}}, \$j->{max_precedence}, \$j->{disabled} ? 1 : 0, \$j->{password} ? 1 : 0")" = "$ME,duty,supervisor,auditor,admin,flash,0,0" &&
	hl ru-cert operator list --json >list.json &&
	test "$(json_field list.json "scalar @{\$j->{operators}}")" = 1
'

test_expect_success 'add an operator with roles, a cap and a Unix user' '
	hl ru-cert operator add ana --role duty,auditor --max-precedence priority \
		--unix nobody >out &&
	grep -q "^Roles: *duty,auditor" out &&
	grep -q "^Duty cap: *priority" out &&
	grep -q "^Unix users: *nobody" out &&
	hl ru-cert operator show ana --json >ana.json &&
	test "$(json_field ana.json "join q(,), @{\$j->{unix}}")" = nobody
'

test_expect_success 'a new duty officer is capped at routine unless told otherwise' '
	hl ru-cert operator add bob --role duty >out &&
	grep -q "^Duty cap: *routine" out
'

test_expect_success 'bad operator input is refused, saying what is wrong, and changes nothing' '
	expect_code 1 hl ru-cert operator add ana --role duty &&
	grep -q "already named ana" ru-cert.err &&
	expect_code 1 hl ru-cert operator add cy --role captain &&
	grep -q "captain is not a role" ru-cert.err &&
	expect_code 1 hl ru-cert operator add cy --role , &&
	grep -q "roles: give a list" ru-cert.err &&
	expect_code 1 hl ru-cert operator add cy --role duty --max-precedence urgent &&
	grep -q "urgent is not a precedence" ru-cert.err &&
	expect_code 1 hl ru-cert operator add Cy --role duty &&
	grep -q "^hotline: name:" ru-cert.err &&
	expect_code 1 hl ru-cert operator add cy --role duty --unix "no/such" &&
	grep -q "not a Unix user name" ru-cert.err &&
	expect_code 1 hl ru-cert operator add cy --role duty --unix nobody &&
	grep -q "nobody is already mapped to operator ana" ru-cert.err &&
	expect_code 1 hl ru-cert operator show cy &&
	grep -q "no operator is named cy" ru-cert.err &&
	expect_code 1 hl ru-cert operator role ana duty,nonsense &&
	expect_code 2 hl ru-cert operator add cy &&
	expect_code 2 hl ru-cert operator frobnicate
'

test_expect_success 'role replaces the roles, and keeps the cap unless given' '
	hl ru-cert operator role ana supervisor >out &&
	grep -q "^Roles: *supervisor$" out &&
	grep -q "^Duty cap: *priority" out &&
	hl ru-cert operator role ana duty --max-precedence flash >out &&
	grep -q "^Duty cap: *flash" out
'

test_expect_success 'map and unmap Unix users' '
	hl ru-cert operator map bob daemon >out &&
	grep -q "^Unix users: *daemon" out &&
	expect_code 1 hl ru-cert operator map ana daemon &&
	grep -q "daemon is already mapped to operator bob" ru-cert.err &&
	hl ru-cert operator unmap bob daemon >out &&
	grep -q "^Unix users: *-" out &&
	expect_code 1 hl ru-cert operator unmap bob daemon &&
	grep -q "daemon is not mapped to operator bob" ru-cert.err
'

test_expect_success 'the last enabled admin can be neither disabled nor demoted' '
	expect_code 1 hl ru-cert operator disable "$ME" &&
	grep -q "is the last enabled admin" ru-cert.err &&
	expect_code 1 hl ru-cert operator role "$ME" duty,supervisor &&
	grep -q "is the last enabled admin" ru-cert.err &&
	hl ru-cert operator show "$ME" --json >show.json &&
	test "$(json_field show.json "join q(,), @{\$j->{roles}}")" = duty,supervisor,auditor,admin
'

test_expect_success 'with a second admin, either may go; a disabled admin counts for none' '
	hl ru-cert operator add boss --role admin >/dev/null &&
	hl ru-cert operator disable boss >out &&
	grep -q "^State: *disabled" out &&
	expect_code 1 hl ru-cert operator role "$ME" duty &&
	hl ru-cert operator enable boss >out &&
	grep -q "^State: *enabled" out &&
	hl ru-cert operator role boss admin,auditor >/dev/null
'

test_expect_success 'passwd sets a password from standard input; too short is refused' '
	echo "correct horse battery" | hl ru-cert operator passwd ana --stdin >out &&
	grep -q "^Password: *set" out &&
	hash=$(sqlite3 ru-cert/hotline.db "SELECT pwhash FROM operator WHERE name = '\''ana'\''") &&
	case $hash in "\$argon2id\$"*) ;; *) echo "not Argon2id: $hash"; false ;; esac &&
	echo "short" | expect_code 1 hl ru-cert operator passwd ana --stdin &&
	grep -q "password: give 12 to 1024 characters" ru-cert.err &&
	expect_code 1 hl ru-cert operator passwd ana --stdin </dev/null &&
	grep -q "no password was given" ru-cert.err
'

if command -v script >/dev/null; then
test_expect_success 'passwd reads the password twice from the terminal' '
	printf "terminal password\nterminal password\n" |
		script -qec "\"$HOTLINE\" --home \"$TEST_DIR/ru-cert\" operator passwd bob" /dev/null >out &&
	grep -q "New password:" out && grep -q "Again:" out &&
	grep -q "^Password: *set" out &&
	printf "terminal password\nanother password\n" |
		script -qc "\"$HOTLINE\" --home \"$TEST_DIR/ru-cert\" operator passwd boss" /dev/null >out &&
	grep -q "the two passwords differ; nothing was changed" out &&
	test "$(sqlite3 ru-cert/hotline.db "SELECT pwhash IS NULL FROM operator WHERE name = '\''boss'\''")" = 1
'
fi

test_expect_success 'totp makes a secret once, with an otpauth URI oathtool agrees with' '
	hl ru-cert operator totp ana --json >totp.json &&
	secret=$(json_field totp.json "\$j->{secret}") &&
	uri=$(json_field totp.json "\$j->{uri}") &&
	test "$uri" = "otpauth://totp/ru-cert:ana?secret=$secret&issuer=ru-cert&algorithm=SHA1&digits=6&period=30" &&
	oathtool --totp -b "$secret" >/dev/null &&
	test "$(sqlite3 ru-cert/hotline.db "SELECT length(totp) FROM operator WHERE name = '\''ana'\''")" = 20 &&
	hl ru-cert operator show ana >out &&
	grep -q "^TOTP: *set" out &&
	! grep -q "$secret" out
'

test_expect_success 'the secrets never leave hotlined: show and list carry none' '
	hl ru-cert operator list --json >list.json &&
	! grep -q argon2 list.json &&
	! grep -q "$(json_field totp.json "\$j->{secret}")" list.json
'

test_expect_success 'hotline help operator describes it and says it needs hotlined' '
	"$HOTLINE" help operator >out &&
	grep -q "hotline operator passwd NAME" out &&
	grep -q "needs hotlined running" out
'

test_done

#!/bin/sh
# Listings come in pages, each after a cursor made from a stable key,
# not an offset: messages that arrive between two pages make the next
# page neither repeat an item nor skip one.
. "$(dirname "$0")/test-lib.sh"

EG_PORT=$(free_port)
RU_PORT=$(free_port)
linked_pair eg-cert "$EG_PORT" ru-cert "$RU_PORT"
SOCK="$TEST_DIR/eg-cert/hotlined.sock"

# get PATH : GET PATH on eg-cert's operator API; the body in reply, the
# status in code.
get() {
	curl -s --unix-socket "$SOCK" -o reply -w '%{http_code}' "http://hotlined$1" >code
}

# items FILE : the ids of a page's items, one a line (KEY: the member
# that names an item), then "next CURSOR" or "next -".
items() {
	perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", $ARGV[0]) or die;
		my $j = JSON::PP->new->utf8->decode(<$f>);
		print((ref $_->{case} ? $_->{case}{id} : $_->{$ARGV[1]}), "\n") for @{$j->{items}};
		print "next ", ($j->{next} // "-"), "\n"' "$1" "${2:-id}"
}

# received N : eg-cert's inbox holds N messages.
received() {
	get "/v1/inbox?limit=1000" && test "$(items reply | grep -c /)" = "$1"
}

# send_n FIRST LAST : ru-cert sends notifications FIRST..LAST to eg-cert,
# each mentioning "beacon".
send_n() {
	i=$1
	while [ "$i" -le "$2" ]; do
		hl ru-cert send --to eg-cert --precedence priority "beacon $i" >/dev/null || return 1
		i=$((i + 1))
	done
}

test_expect_success 'five messages arrive' '
	start_daemon eg-cert && start_daemon ru-cert &&
	send_n 1 5 && wait_for 90 received 5
'

test_expect_success 'a page of two, and a cursor to go on' '
	get "/v1/inbox?limit=2" && test "$(cat code)" = 200 &&
	items reply >page1 &&
	printf "ru-cert/1\nru-cert/2\n" >want && sed \$d page1 >got && cmp want got &&
	cursor=$(sed -n "s/^next //p" page1) && test "$cursor" != - &&
	echo "$cursor" >cursor
'

test_expect_success 'three more arrive; the pages after the cursor hold each message once' '
	send_n 6 8 && wait_for 90 received 8 &&
	cursor=$(cat cursor) && : >all &&
	while [ "$cursor" != - ]; do
		get "/v1/inbox?limit=2&after=$cursor" && test "$(cat code)" = 200 &&
		items reply >page && sed \$d page >>all &&
		cursor=$(sed -n "s/^next //p" page) || return 1
	done &&
	printf "ru-cert/%s\n" 3 4 5 6 7 8 >want && cmp want all
'

test_expect_success 'cases and search pages follow the same rule' '
	get "/v1/case/list?limit=3" && items reply >p1 &&
	printf "ru-cert#%s\n" 1 2 3 >want && sed \$d p1 >got && cmp want got &&
	c=$(sed -n "s/^next //p" p1) &&
	send_n 9 9 && wait_for 90 received 9 &&
	get "/v1/case/list?limit=100&after=$c" && items reply >p2 &&
	printf "ru-cert#%s\n" 4 5 6 7 8 9 >want && sed \$d p2 >got && cmp want got &&
	tail -n 1 p2 | grep -qx "next -" &&
	get "/v1/search?value=beacon&limit=4" && items reply message >s1 &&
	c=$(sed -n "s/^next //p" s1) &&
	get "/v1/search?value=beacon&limit=100&after=$c" && items reply message >s2 &&
	cat s1 s2 | grep / >got && printf "ru-cert/%s\n" 1 2 3 4 5 6 7 8 9 >want &&
	cmp want got
'

test_expect_success 'the CLI reads every page: its table holds all nine' '
	hl eg-cert inbox >table && test "$(grep -c "^ru-cert/" table)" = 9 &&
	hl eg-cert inbox --json >j && test "$(wc -l <j)" = 9
'

test_expect_success 'a bad cursor or limit is refused with a JSON error' '
	get "/v1/inbox?after=zz" && test "$(cat code)" = 400 &&
	grep -q "not a cursor" reply &&
	get "/v1/inbox?after=00" && test "$(cat code)" = 400 &&
	get "/v1/inbox?limit=0" && test "$(cat code)" = 400 &&
	get "/v1/inbox?limit=1001" && test "$(cat code)" = 400 &&
	get "/v1/inbox?limit=x" && test "$(cat code)" = 400 &&
	get "/v1/inbox?offset=2" && test "$(cat code)" = 400 && grep -q "no such argument" reply
'

test_expect_success 'both stop cleanly' 'stop_daemon eg-cert && stop_daemon ru-cert'

test_done

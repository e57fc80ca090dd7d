#!/bin/sh
# Each listing of the desk, through curl on the unix socket: its JSON
# shape (docs/api.md), the CLI printing the same data, and each bad
# argument refused with a JSON error of its own status.
. "$(dirname "$0")/test-lib.sh"

EG_PORT=$(free_port)
RU_PORT=$(free_port)
linked_pair eg-cert "$EG_PORT" ru-cert "$RU_PORT"
SOCK="$TEST_DIR/eg-cert/hotlined.sock"

get() {
	curl -s --unix-socket "$SOCK" -o reply -w '%{http_code}' "http://hotlined$1" >code
}

# jcheck PERL : reply is a JSON object and PERL holds for it ($j).
jcheck() {
	perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", "reply") or die;
		my $j = JSON::PP->new->utf8->decode(<$f>); ref $j eq "HASH" or die "not an object\n";
		eval $ARGV[0] or die "failed: $ARGV[0]\n"' "$1" && test "$(cat code)" = 200
}

# refused CODE : reply is a JSON error of status CODE.
refused() {
	test "$(cat code)" = "$1" &&
	perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", "reply") or die;
		my $j = JSON::PP->new->utf8->decode(<$f>);
		exit !($j->{status} == $ARGV[0] && length $j->{error})' "$1"
}

cat >"$TEST_DIR/b.json" <<'JSON'
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "ransomware C2", "pattern": "[ipv4-addr:value = '203.0.113.7']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"}]}
JSON

inbox_has() {
	get "/v1/inbox" && grep -q "\"id\":\"ru-cert/$1\"" reply
}

test_expect_success 'a case with a request and indicators reaches eg-cert' '
	start_daemon eg-cert && start_daemon ru-cert &&
	hl ru-cert send --to eg-cert --precedence flash --tlp TLP:AMBER --lang en \
		--summary "C2 seen" --stix "$TEST_DIR/b.json" "a C2 server at 203.0.113.7" >/dev/null &&
	hl ru-cert send --case ru-cert#1 --action block --lang en "please block" >/dev/null &&
	hl eg-cert send --to ru-cert --lang en "nothing to do with it" >/dev/null &&
	wait_for 90 inbox_has 2
'

test_expect_success 'GET /v1/inbox: items as inbox --json prints them' '
	get /v1/inbox && jcheck "\$j->{items}[0]{id} eq q(ru-cert/1) &&
		\$j->{items}[0]{case} eq q(ru-cert#1) && \$j->{items}[0]{ack}{state} eq q(due) &&
		\$j->{items}[1]{kind} eq q(request) && !defined \$j->{next}" &&
	hl eg-cert inbox --json >j && test "$(wc -l <j)" = 2 &&
	head -n 1 j | grep -q "\"id\":\"ru-cert/1\""
'

test_expect_success 'GET /v1/show: the facts and the content JSON as sent' '
	get "/v1/show?id=ru-cert/1" &&
	jcheck "\$j->{from} eq q(ru-cert) && \$j->{to} eq q(eg-cert) && \$j->{receipted} &&
		\$j->{content}{summary}{text} eq q(C2 seen) && \$j->{content}{tlp} eq q(TLP:AMBER) &&
		\$j->{content}{stix}{type} eq q(bundle) && !defined \$j->{raw}" &&
	hl eg-cert show ru-cert/1 >out && grep -qx "a C2 server at 203.0.113.7" out &&
	grep -qx "summary \\[en\\]:" out
'

test_expect_success 'GET /v1/outbox: per link, its messages awaiting receipt' '
	get /v1/outbox && jcheck "\$j->{items}[0]{link} eq q(ru-cert) &&
		ref \$j->{items}[0]{messages} eq q(ARRAY) && defined \$j->{items}[0]{awaiting}"
'

test_expect_success 'GET /v1/status: every link, with a level' '
	get /v1/status && jcheck "\$j->{party} eq q(eg-cert) && \$j->{hotlined} &&
		\$j->{level} eq q(ok) && \$j->{links}[0]{name} eq q(ru-cert) &&
		\$j->{links}[0]{received} == 2 && \$j->{links}[0]{cases_open} == 2 &&
		\$j->{links}[0]{requests_pending} == 1 && exists \$j->{hook_failing}"
'

# Both cases are on link ru-cert, listed by the time of their
# notification, then ours first: eg-cert#1 may come first when both
# were sent within one second.  ru-cert#1 is picked by its id.
test_expect_success 'GET /v1/case/list and /v1/case/show: the case, both as case --json' '
	get /v1/case/list && jcheck "my (\$c) = grep { \$_->{case}{id} eq q(ru-cert#1) }
			@{\$j->{items}};
		@{\$j->{items}} == 2 && \$c &&
		\$c->{title} eq q(C2 seen) && \$c->{requests} == 1 &&
		\$c->{pending} == 1 && \$c->{link} eq q(ru-cert)" &&
	get "/v1/case/show?id=ru-cert%231" && jcheck "\$j->{case}{id} eq q(ru-cert#1) &&
		\$j->{events}[1]{type} eq q(request) && \$j->{events}[1]{state} eq q(pending) &&
		\$j->{events}[1]{actions}[0] eq q(block) &&
		\$j->{events}[0]{stix} eq q(valid) &&
		\$j->{events}[1]{content}{text}{text} eq q(please block)" &&
	hl eg-cert case show ru-cert#1 --json >j && hl ru-cert case show ru-cert#1 --json >k &&
	cmp j k
'

test_expect_success 'GET /v1/search and /v1/export' '
	get "/v1/search?value=203.0.113.0/24" &&
	jcheck "\$j->{items}[0]{found_in} eq q(stix) && \$j->{items}[0]{case} eq q(ru-cert#1)" &&
	get "/v1/export?case=ru-cert%231" &&
	jcheck "\$j->{case} eq q(ru-cert#1) && \$j->{bundles} == 1 &&
		\$j->{bundle}{type} eq q(bundle)" &&
	hl eg-cert export --stix ru-cert#1 -o out.json && test -s out.json &&
	grep -q "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f" out.json
'

test_expect_success 'bad arguments: each its own status, nothing else' '
	get "/v1/show" && refused 400 &&
	get "/v1/show?id=nonsense" && refused 400 &&
	get "/v1/show?id=ru-cert/99" && refused 404 &&
	get "/v1/show?id=nobody/1" && refused 404 &&
	get "/v1/inbox?link=nobody" && refused 404 &&
	get "/v1/case/show?id=ru-cert%2399" && refused 404 &&
	get "/v1/case/list?open=maybe" && refused 400 &&
	get "/v1/search" && refused 400 &&
	get "/v1/search?value=" && refused 400 &&
	get "/v1/export?case=eg-cert%231" && refused 404 &&
	get "/v1/status?x=1" && refused 400 &&
	expect_code 1 hl eg-cert show ru-cert/99 && grep -q "ru-cert/99: no such message" eg-cert.err
'

test_expect_success 'both stop cleanly' 'stop_daemon eg-cert && stop_daemon ru-cert'

test_done

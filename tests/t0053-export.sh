#!/bin/sh
# export --stix carries the case's TLP as the TLP 2.0 marking definition
# (the fixed ids OASIS published for FIRST's TLP 2.0) on every object,
# and each sending party as an identity that created_by_ref names on the
# objects it sent first; the bundle still passes the STIX check.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

new_party eg-cert "$(free_port)"
new_party ru-cert "$(free_port)"
link_pair eg-cert ru-cert

cat >"$TEST_DIR/eg.json" <<'JSON'
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "ransomware C2", "pattern": "[ipv4-addr:value = '203.0.113.7']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"},
 {"type": "ipv4-addr", "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
  "value": "203.0.113.7"}]}
JSON
cat >"$TEST_DIR/ru.json" <<'JSON'
{"type": "bundle", "id": "bundle--6d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "malware", "spec_version": "2.1",
  "id": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
  "created": "2026-11-22T11:00:00.000Z", "modified": "2026-11-22T11:00:00.000Z",
  "name": "LockBit", "is_family": true},
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "ransomware C2", "pattern": "[ipv4-addr:value = '203.0.113.7']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"}]}
JSON

# check FILE : the perl checks below, on the exported bundle FILE.
check() {
	perl -MJSON::PP -e '
		local $/; open(my $f, "<:raw", $ARGV[0]) or die; my $b = decode_json(<$f>);
		my %o = map { $_->{id} => $_ } @{$b->{objects}};
		my $m = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
		my $x = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
		my $md = $o{$m} or die "no TLP:AMBER+STRICT marking\n";
		$md->{type} eq "marking-definition" && $md->{name} eq "TLP:AMBER+STRICT" &&
		$md->{created} eq "2022-10-01T00:00:00.000Z" && $md->{spec_version} eq "2.1" &&
		$md->{extensions}{$x}{tlp_2_0} eq "amber+strict" &&
		$md->{extensions}{$x}{extension_type} eq "property-extension" or die "marking\n";
		my @mds = grep { $_->{type} eq "marking-definition" } @{$b->{objects}};
		@mds == 1 or die "more than one marking\n";
		for my $o (@{$b->{objects}}) {
			next if $o->{type} eq "marking-definition";
			grep({ $_ eq $m } @{$o->{object_marking_refs} || []}) == 1
				or die "$o->{id} is not marked once\n";
		}
		my %who = map { $_->{name} => $_->{id} }
			grep { $_->{type} eq "identity" } @{$b->{objects}};
		$who{"eg-cert"} && $who{"ru-cert"} or die "identities\n";
		$o{$who{"eg-cert"}}{identity_class} eq "organization" or die "class\n";
		$o{"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}{created_by_ref}
			eq $who{"eg-cert"} or die "indicator creator\n";
		$o{"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"}{created_by_ref}
			eq $who{"ru-cert"} or die "malware creator\n";
		!exists $o{"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"}{created_by_ref}
			or die "an SCO has no creator\n";
		print "$who{q(eg-cert)} $who{q(ru-cert)}\n";
	' "$1"
}

test_expect_success 'a case with both sides indicators, TLP:AMBER+STRICT' '
	only_daemon eg-cert &&
	hl eg-cert send --to ru-cert --precedence flash --lang en \
		--tlp TLP:AMBER+STRICT --stix eg.json "C2 seen" >/dev/null &&
	exchange eg-cert ru-cert b1 &&
	only_daemon ru-cert &&
	hl ru-cert send --case eg-cert#1 --lang en --stix ru.json "its family" >/dev/null &&
	exchange ru-cert eg-cert b2
'

test_expect_success 'the export carries the marking and the senders on both sides' '
	only_daemon ru-cert &&
	hl ru-cert export --stix eg-cert#1 -o ru-out.json &&
	check ru-out.json >ru-ids &&
	only_daemon eg-cert &&
	hl eg-cert export --stix eg-cert#1 -o eg-out.json &&
	check eg-out.json >eg-ids &&
	cmp ru-ids eg-ids
'

test_expect_success 'the exported bundle passes the STIX check, and is found again' '
	only_daemon ru-cert &&
	hl ru-cert send --case eg-cert#1 --lang en --stix ru-out.json "merged" >out &&
	exchange ru-cert eg-cert b3 &&
	only_daemon eg-cert &&
	hl eg-cert export --stix eg-cert#1 -o again.json && check again.json >/dev/null
'

test_expect_success 'a case without TLP has identities and no marking' '
	only_daemon eg-cert &&
	hl eg-cert send --to ru-cert --lang en --stix eg.json "no TLP" >/dev/null &&
	exchange eg-cert ru-cert b4 &&
	only_daemon ru-cert &&
	hl ru-cert export --stix eg-cert#2 -o plain.json &&
	! grep -q "marking" plain.json &&
	grep -q "\"created_by_ref\": \"identity--" plain.json
'

test_done

#!/usr/bin/perl
# openapi-check.pl - docs/openapi.json against what hotlined serves.
#
#   openapi-check.pl OPENAPI routes ROUTES
#       ROUTES holds hotlined --routes' lines (METHOD PATH RIGHT); every
#       one must be an operation of the file with that x-hotline-right,
#       and every operation of the file one of them, but for those
#       the file marks "x-hotline-door": "https" (login, logout: the
#       HTTPS door's own, in no route table), which must be none of
#       them.  Prints each difference; exits 1 if there is one.
#   openapi-check.pl OPENAPI operations [https]
#       prints "METHOD PATH" for each operation of the route table (with
#       https, for each of the HTTPS door's own).
#   openapi-check.pl OPENAPI answer METHOD PATH STATUS BODY
#       the answer (file BODY, HTTP status STATUS) is valid for that
#       operation: its 200 schema, or the Error schema otherwise.
#   openapi-check.pl OPENAPI answers LIST
#       the same for each line of file LIST, "METHOD PATH STATUS BODY";
#       prints what each does wrong, exits 1 if one does.
#
# The schemas are checked for what docs/openapi.json uses: type (one or
# a list), const, enum, required, properties, additionalProperties
# false, items, oneOf, pattern, minimum and $ref within the file.
use strict;
use warnings;
use B;
use JSON::PP;

my ($file, $mode, @arg) = @ARGV;
my $api = do {
	local $/;
	open(my $f, '<', $file) or die "$file: $!\n";
	decode_json(<$f>);
};

# A door the file names must be the one door with routes of its own.
for my $p (keys %{$api->{paths}}) {
	for my $m (keys %{$api->{paths}{$p}}) {
		my $d = $api->{paths}{$p}{$m}{'x-hotline-door'};
		die "$m $p: x-hotline-door $d is not https\n" if defined $d && $d ne 'https';
	}
}

# The operations of the route table, or with $door "https", those of
# the HTTPS door alone.
sub ops {
	my ($door) = @_;
	my @ops;
	for my $p (sort keys %{$api->{paths}}) {
		for my $m (sort keys %{$api->{paths}{$p}}) {
			my $o = $api->{paths}{$p}{$m};
			next unless ($o->{'x-hotline-door'} // '') eq ($door // '');
			push @ops, [uc $m, $p, $o];
		}
	}
	return @ops;
}

sub deref {
	my ($s) = @_;
	while (ref $s eq 'HASH' && exists $s->{'$ref'}) {
		my $r = $s->{'$ref'};
		$r =~ s{^#/}{} or die "$r: not a reference within the file\n";
		$s = $api;
		$s = $s->{$_} for split m{/}, $r;
		die "$r: no such schema\n" unless defined $s;
	}
	return $s;
}

sub type_of {
	my ($v) = @_;
	return 'null' unless defined $v;
	return 'boolean' if JSON::PP::is_bool($v);
	return 'object' if ref $v eq 'HASH';
	return 'array' if ref $v eq 'ARRAY';
	my $flags = B::svref_2object(\$v)->FLAGS;
	return 'integer' if ($flags & (B::SVp_IOK | B::SVp_NOK)) && !($flags & B::SVp_POK)
	    && $v =~ /^-?[0-9]+$/;
	return 'number' if ($flags & (B::SVp_IOK | B::SVp_NOK)) && !($flags & B::SVp_POK);
	return 'string';
}

# Errors of value v against schema s, at path where.
sub check {
	my ($v, $s, $where) = @_;
	my @e;
	$s = deref($s);
	my $t = type_of($v);
	if (exists $s->{type}) {
		my @want = ref $s->{type} ? @{$s->{type}} : ($s->{type});
		my $fits = grep { $_ eq $t || ($_ eq 'number' && $t eq 'integer') } @want;
		return ("$where: a $t, not " . join(' or ', @want)) unless $fits;
	}
	if (exists $s->{const}) {
		push @e, "$where: not " . encode_json([$s->{const}])
		    unless encode_json([$v]) eq encode_json([$s->{const}]);
	}
	if (exists $s->{enum}) {
		my $j = encode_json([$v]);
		push @e, "$where: $j is none of the enum"
		    unless grep { encode_json([$_]) eq $j } @{$s->{enum}};
	}
	if (exists $s->{oneOf}) {
		my $n = grep { !check($v, $_, $where) } @{$s->{oneOf}};
		push @e, "$where: fits $n of oneOf, not 1" unless $n == 1;
	}
	push @e, "$where: does not match $s->{pattern}"
	    if exists $s->{pattern} && $t eq 'string' && $v !~ /$s->{pattern}/;
	push @e, "$where: below $s->{minimum}"
	    if exists $s->{minimum} && ($t eq 'integer' || $t eq 'number') && $v < $s->{minimum};
	if ($t eq 'object') {
		for my $k (@{$s->{required} || []}) {
			push @e, "$where: no member $k" unless exists $v->{$k};
		}
		for my $k (sort keys %$v) {
			my $p = $s->{properties} && $s->{properties}{$k};
			if ($p) {
				push @e, check($v->{$k}, $p, "$where.$k");
			} elsif (exists $s->{additionalProperties} && !$s->{additionalProperties}) {
				push @e, "$where: member $k is not in the schema";
			}
		}
	}
	if ($t eq 'array' && $s->{items}) {
		push @e, check($v->[$_], $s->{items}, "$where\[$_\]") for 0 .. $#$v;
	}
	return @e;
}

if ($mode eq 'operations') {
	print "$_->[0] $_->[1]\n" for ops($arg[0]);
	exit 0;
}

if ($mode eq 'routes') {
	my %served;
	open(my $f, '<', $arg[0]) or die "$arg[0]: $!\n";
	while (<$f>) {
		chomp;
		my ($m, $p, $right) = split / /;
		$served{"$m $p"} = $right;
	}
	my $bad = 0;
	for my $o (ops()) {
		my $k = "$o->[0] $o->[1]";
		my $right = $o->[2]{'x-hotline-right'} // '(none given)';
		if (!exists $served{$k}) {
			print "in openapi.json, not served: $k\n";
			$bad = 1;
		} elsif ($served{$k} ne $right) {
			print "$k: served needing $served{$k}, openapi.json says $right\n";
			$bad = 1;
		}
		delete $served{$k};
	}
	for my $o (ops('https')) {
		my $k = "$o->[0] $o->[1]";
		next unless exists $served{$k};
		print "served, though openapi.json says the HTTPS door alone serves it: $k\n";
		$bad = 1;
		delete $served{$k};
	}
	for my $k (sort keys %served) {
		print "served, not in openapi.json: $k\n";
		$bad = 1;
	}
	exit $bad;
}

# The errors of one answer: BODY (a file), given HTTP status STATUS to
# METHOD PATH.
sub answer_errors {
	my ($m, $p, $status, $body) = @_;
	my $op = $api->{paths}{$p} && $api->{paths}{$p}{lc $m}
	    or return ("$m $p: not in openapi.json");
	my $r = deref($op->{responses}{$status == 200 ? '200' : 'default'});
	my $s = $r->{content}{'application/json'}{schema};
	open(my $f, '<', $body) or die "$body: $!\n";
	local $/;
	my $v = JSON::PP->new->allow_nonref->decode(<$f>);
	return check($v, $s, "$m $p $status");
}

if ($mode eq 'answer') {
	my @e = answer_errors(@arg);
	print "$_\n" for @e;
	exit(@e ? 1 : 0);
}

# Many answers in one run: reading the file is most of a run's time,
# and a test checks a hundred answers.
if ($mode eq 'answers') {
	open(my $f, '<', $arg[0]) or die "$arg[0]: $!\n";
	my ($n, $bad) = (0, 0);
	while (<$f>) {
		chomp;
		my @a = split / /, $_, 4;
		die "$arg[0]: not METHOD PATH STATUS BODY: $_\n" unless @a == 4;
		my @e = answer_errors(@a);
		print "$_\n" for @e;
		$n++;
		$bad++ if @e;
	}
	die "$arg[0]: no answers\n" unless $n;
	exit($bad ? 1 : 0);
}

die "usage: openapi-check.pl OPENAPI routes FILE | operations [https] | " .
    "answer METHOD PATH STATUS BODY | answers LIST\n";

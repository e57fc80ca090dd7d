#!/usr/bin/perl
# po2json.pl LL.po : the catalogue as the console reads it (console/i18n/LL.json):
#   {"dir":"ltr|rtl","lang":"LL","messages":{msgid: msgstr, ...}}
# Translated messages only: no header, nothing fuzzy or empty, no
# message with a context (the console's t() has none), none of the
# CLI's help pages. Printed with
# sorted keys, so the same catalogue gives the same bytes.
use strict;
use warnings;
use JSON::PP;

my $file = shift or die "usage: po2json.pl LL.po\n";
my ($lang) = $file =~ m{([A-Za-z_]+)\.po$} or die "$file: not LL.po\n";
open(my $in, '<:encoding(UTF-8)', $file) or die "$file: $!\n";

my %msg;
my (%cur, $field, $fuzzy);
my $flush = sub {
	if (defined $cur{msgid} && $cur{msgid} ne '' && !defined $cur{msgctxt}
	    && !defined $cur{msgid_plural} && defined $cur{msgstr}
	    && $cur{msgstr} ne '' && !$fuzzy
	    && $cur{msgid} !~ /^NAME\n/) {	# the CLI's manual pages
		$msg{$cur{msgid}} = $cur{msgstr};
	}
	%cur = ();
	$field = undef;
	$fuzzy = 0;
};
my $unquote = sub {
	my $s = shift;
	$s =~ s/\\(["\\ntr])/$1 eq 'n' ? "\n" : $1 eq 't' ? "\t" : $1 eq 'r' ? "\r" : $1/ge;
	return $s;
};
$fuzzy = 0;
while (my $line = <$in>) {
	chomp $line;
	if ($line =~ /^\s*$/) {
		$flush->();
	} elsif ($line =~ /^#,.*\bfuzzy\b/) {
		$fuzzy = 1;
	} elsif ($line =~ /^#/) {
		next;
	} elsif ($line =~ /^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$/) {
		$field = $1;
		$flush->() if $field eq 'msgctxt' && defined $cur{msgstr};
		$field = 'msgstr' if $field eq 'msgstr[0]';
		$cur{$field} = $unquote->($2);
	} elsif ($line =~ /^"(.*)"\s*$/ && defined $field) {
		$cur{$field} .= $unquote->($1);
	}
}
$flush->();
close $in;

my $dir = $lang =~ /^(ar|fa|he|ur)$/ ? 'rtl' : 'ltr';
print JSON::PP->new->utf8->canonical->encode({lang => $lang, dir => $dir, messages => \%msg}), "\n";

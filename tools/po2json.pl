#!/usr/bin/perl
# po2json.pl LL.po : the catalogue as the console reads it
# (console/i18n/LL.json, made by `make i18n`), on standard output:
#   {"dir":"ltr|rtl","lang":"LL","messages":{msgid: msgstr, ...}}
# Translated messages only: no header, nothing fuzzy, obsolete or
# untranslated, no message with a context or a plural (the console's
# t() has neither), none of the CLI's help pages.  The strings are
# unescaped as msgfmt does (\n \t \" \\, \a \b \f \v \r \? \', octal and
# \x escapes, then UTF-8).  Keys are sorted, so that the same catalogue
# gives the same bytes.  Perl's core modules only.
use strict;
use warnings;
use Encode ();
use JSON::PP;

# Any error: said on stderr, exit status 1, nothing on stdout.
sub fail { print STDERR "po2json.pl: @_\n"; exit 1 }

my $file = shift // fail("usage: po2json.pl LL.po");
my ($lang) = $file =~ m{(?:^|/)([a-z]{2,3}(?:_[A-Z]{2})?)\.po$}
	or fail("$file: not a catalogue LL.po");
open(my $in, '<:raw', $file) or fail("$file: $!");

my %esc = (n => "\n", t => "\t", r => "\r", a => "\a", b => "\b", f => "\f",
	   v => "\x0b", '"' => '"', '\\' => '\\', '?' => '?', "'" => "'");

# A quoted string's contents, as bytes.
sub unquote {
	my ($s, $where) = @_;
	$s =~ s{\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))}{
		defined $1 ? chr(oct($1) & 0xff)
		: defined $2 ? chr(hex($2) & 0xff)
		: exists $esc{$3} ? $esc{$3}
		: fail("$where: unknown escape \\$3")
	}ge;
	return $s;
}

my %msg;
my (%cur, $field, %flags, $fuzzy_header);

# The entry read so far goes to %msg when it is a translated message.
sub flush {
	my $keep = defined $cur{msgid} && $cur{msgid} ne '' && defined $cur{msgstr} &&
		$cur{msgstr} ne '' && !defined $cur{msgctxt} && !defined $cur{msgid_plural} &&
		!$flags{fuzzy} && $cur{msgid} !~ /^NAME\n/;	# the CLI's help pages
	if (defined $cur{msgid} && $cur{msgid} eq '' && defined $cur{msgstr}) {
		# The header: the catalogue must be UTF-8.
		$cur{msgstr} =~ /charset=([\w-]+)/i && lc($1) eq 'utf-8'
			or fail("$file: not a UTF-8 catalogue");
	}
	if ($keep) {
		my ($id, $str) = map {
			my $s = eval { Encode::decode('UTF-8', $_, Encode::FB_CROAK | Encode::LEAVE_SRC) };
			defined $s ? $s : fail("$file: entry ending at line $.: not UTF-8");
		} $cur{msgid}, $cur{msgstr};
		$msg{$id} = $str;
	}
	%cur = ();
	%flags = ();
	$field = undef;
}

while (my $line = <$in>) {
	my $where = "$file:$.";
	$line =~ s/\r?\n\z//;
	if ($line =~ /^\s*$/) {
		flush();
	} elsif ($line =~ /^#/) {
		# A comment after a message's msgstr starts the next one.
		flush() if defined $cur{msgstr};
		if ($line =~ /^#,(.*)/) {
			$flags{$_} = 1 for grep { $_ ne '' } split /[\s,]+/, $1;
		}
		# #~ obsolete, #| previous, #: #. translator comments: nothing.
	} elsif ($line =~ /^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$/) {
		my ($key, $text) = ($1, $2);
		flush() if ($key eq 'msgctxt' || $key eq 'msgid') && defined $cur{msgstr};
		$key = 'msgstr' if $key eq 'msgstr[0]';
		$field = $key;
		$cur{$key} = unquote($text, $where);
	} elsif ($line =~ /^\s*"(.*)"\s*$/) {
		defined $field or fail("$where: a string continues nothing");
		$cur{$field} .= unquote($1, $where);
	} else {
		fail("$where: not a line of a PO file");
	}
}
flush();
close $in;

my $dir = $lang =~ /^(ar|fa|he|ur|yi)(_|$)/ ? 'rtl' : 'ltr';
print JSON::PP->new->utf8->canonical->encode({lang => $lang, dir => $dir, messages => \%msg}), "\n";

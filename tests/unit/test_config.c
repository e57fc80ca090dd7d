/* test_config.c - hotline.conf: party-wide and per-link settings.
 *
 * Walks what the parser must accept (per-link deadlines and check
 * schedules over the party-wide ones, link names with dots), what it
 * must refuse with the right line number (unknown keys, repeats, bad
 * names and values, too many links), and that hl_config_format writes
 * back a file that parses to the same settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "config.h"
#include "error.h"

static int parse(const char *text, struct hl_config *c)
{
	return hl_config_parse(text, strlen(text), c);
}

/* Parses text, which must fail at line with a message containing what. */
static void refused(const char *text, unsigned line, const char *what)
{
	struct hl_config c;

	assert_int_equal(parse(text, &c), -HL_ECONFIG);
	assert_int_equal(c.err_line, line);
	if (!strstr(c.err, what))
		fail_msg("error \"%s\" lacks \"%s\"", c.err, what);
}

static void test_defaults(void **state)
{
	struct hl_config c;

	(void)state;
	assert_int_equal(parse("name = ru-cert\n", &c), 0);
	assert_int_equal(hl_config_ack_due(&c, "us-cert", HL_FLASH), 15 * 60);
	assert_int_equal(hl_config_ack_due(&c, NULL, HL_ROUTINE), 72 * 3600);
	assert_int_equal(hl_config_receipt_due(&c, "us-cert", HL_IMMEDIATE), 10 * 60);
	assert_int_equal(hl_config_check_every(&c, "us-cert"), 0);
	assert_int_equal(hl_config_check_every(&c, NULL), 0);
	assert_int_equal(c.check_precedence, HL_IMMEDIATE);
	assert_int_equal(c.nlinks, 0);
}

static void test_per_link_overrides(void **state)
{
	struct hl_config c;

	(void)state;
	assert_int_equal(parse("name = ru-cert\n"
			       "ack.flash = 20m\n"
			       "check.every = 7d\n"
			       "check.precedence = flash\n"
			       "link.us-cert.ack.flash = 10m\n"
			       "  link.us-cert.receipt.immediate =  5m \n"
			       "link.us-cert.check.every = 1d\n"
			       "link.cn.cert.check.every = none\n"
			       "link.cn.cert.ack.routine = 3d\n", &c), 0);
	assert_int_equal(c.nlinks, 2);
	assert_int_equal(c.check_precedence, HL_FLASH);
	/* us-cert: its own where set, the party's elsewhere. */
	assert_int_equal(hl_config_ack_due(&c, "us-cert", HL_FLASH), 600);
	assert_int_equal(hl_config_ack_due(&c, "us-cert", HL_IMMEDIATE), 3600);
	assert_int_equal(hl_config_receipt_due(&c, "us-cert", HL_IMMEDIATE), 300);
	assert_int_equal(hl_config_receipt_due(&c, "us-cert", HL_FLASH), 120);
	assert_int_equal(hl_config_check_every(&c, "us-cert"), 86400);
	/* A name with a dot; none turns the party's schedule off. */
	assert_int_equal(hl_config_check_every(&c, "cn.cert"), 0);
	assert_int_equal(hl_config_ack_due(&c, "cn.cert", HL_ROUTINE), 3 * 86400);
	assert_int_equal(hl_config_ack_due(&c, "cn.cert", HL_FLASH), 20 * 60);
	/* Any other link: the party-wide values. */
	assert_int_equal(hl_config_ack_due(&c, "jp-cert", HL_FLASH), 20 * 60);
	assert_int_equal(hl_config_check_every(&c, "jp-cert"), 7 * 86400);
	assert_int_equal(hl_config_check_every(&c, "us-cer"), 7 * 86400);
}

/* An unknown key names itself and the valid key nearest to it, link
 * keys included; a key far from every valid one gets no guess. */
static void test_unknown_key_guess(void **state)
{
	(void)state;
	refused("name = a\nack.flsh = 5m\n", 2,
		"unknown key 'ack.flsh' (did you mean 'ack.flash'?)");
	refused("name = a\nescalate.evrey = 5m\n", 2, "(did you mean 'escalate.every'?)");
	refused("name = a\nrecipt.routine = 5m\n", 2, "(did you mean 'receipt.routine'?)");
	refused("name = a\nlink.us-cert.ack.flsh = 5m\n", 2,
		"unknown key 'link.us-cert.ack.flsh' (did you mean 'link.us-cert.ack.flash'?)");
	refused("name = a\nlink.cn.cert.chek.every = 1d\n", 2,
		"(did you mean 'link.cn.cert.check.every'?)");
	refused("name = a\ncolour = red\n", 2, "unknown key 'colour'");
	{
		struct hl_config c;

		assert_int_equal(parse("name = a\ncolour = red\n", &c), -HL_ECONFIG);
		assert_null(strstr(c.err, "did you mean"));
	}
}

/* link.<name> keys against the links a store holds. */
static void test_links_check(void **state)
{
	const char *names[] = {"eu-cert", "us-cert"};
	struct hl_config c;

	(void)state;
	assert_int_equal(parse("name = a\nlink.us-cert.ack.flash = 5m\n", &c), 0);
	assert_int_equal(hl_config_links_check(&c, names, 2), 0);
	assert_int_equal(parse("name = a\nack.flash = 1h\n\nlink.us-cert.ack.flash = 5m\n"
			       "link.us-crt.ack.flash = 5m\n", &c), 0);
	assert_int_equal(hl_config_links_check(&c, names, 2), -HL_ECONFIG);
	assert_int_equal(c.err_line, 5);
	assert_string_equal(c.err, "link.us-crt: no link to us-crt (did you mean "
			    "'link.us-cert'?)");
	assert_int_equal(parse("name = a\nlink.jp-cert.check.every = 1d\n", &c), 0);
	assert_int_equal(hl_config_links_check(&c, names, 2), -HL_ECONFIG);
	assert_int_equal(c.err_line, 2);
	assert_non_null(strstr(c.err, "no link to jp-cert; add it"));
	assert_int_equal(hl_config_links_check(&c, NULL, 0), -HL_ECONFIG);
}

static void test_refusals(void **state)
{
	(void)state;
	refused("name = a\nlink.us-cert.ack.urgent = 5m\n", 2, "unknown key");
	refused("name = a\nlink.us-cert = 5m\n", 2, "unknown key");
	refused("name = a\nlink.us-cert.escalate.every = 5m\n", 2, "unknown key");
	refused("name = a\nlink.ack.flash = 5m\n", 2, "unknown key");
	refused("name = a\n\nlink.US_cert.ack.flash = 5m\n", 3, "link.<name>");
	refused("name = a\nlink..ack.flash = 5m\n", 2, "link.<name>");
	refused("name = a\nlink.b.ack.flash = 5m\nlink.c.ack.flash = 5m\n"
		"link.b.ack.flash = 6m\n", 4, "key given twice");
	refused("name = a\ncheck.every = 1d\ncheck.every = 2d\n", 3, "key given twice");
	refused("name = a\nlink.b.ack.flash = 0m\n", 2, "ack.flash: want a duration");
	refused("name = a\nlink.b.ack.flash = none\n", 2, "ack.flash: want a duration");
	refused("name = a\nlink.b.check.every = never\n", 2, "check.every: want a duration");
	refused("name = a\ncheck.every = 0s\n", 2, "or none");
	refused("name = a\ncheck.precedence = urgent\n", 2, "check.precedence");
	refused("name = a\ncheck.precedence = IMMEDIATE\n", 2, "check.precedence");
	refused("name = a\ncheck.precedence = immediateimmediate\n", 2, "check.precedence");
}

static void test_too_many_links(void **state)
{
	struct hl_buf b;
	struct hl_config c;

	(void)state;
	hl_buf_init(&b, HL_CONFIG_MAX);
	assert_int_equal(hl_buf_puts(&b, "name = a\n"), 0);
	for (int i = 0; i < HL_CONFIG_LINKS_MAX; i++)
		assert_int_equal(hl_buf_printf(&b, "link.p%d.check.every = 1d\n", i), 0);
	assert_int_equal(hl_config_parse((const char *)b.data, b.len, &c), 0);
	assert_int_equal(c.nlinks, HL_CONFIG_LINKS_MAX);
	/* A second key for a known link still fits; a new link does not. */
	assert_int_equal(hl_buf_puts(&b, "link.p0.ack.flash = 1m\n"), 0);
	assert_int_equal(hl_config_parse((const char *)b.data, b.len, &c), 0);
	assert_int_equal(hl_buf_puts(&b, "link.one-too-many.ack.flash = 1m\n"), 0);
	assert_int_equal(hl_config_parse((const char *)b.data, b.len, &c), -HL_ECONFIG);
	assert_int_equal(c.err_line, HL_CONFIG_LINKS_MAX + 3);
	assert_non_null(strstr(c.err, "at most 64 links"));
	hl_buf_free(&b);
}

/* text -> config -> format -> config: the same settings. */
static void round_trip(const char *text, struct hl_buf *out)
{
	struct hl_config a, b;

	assert_int_equal(parse(text, &a), 0);
	hl_buf_init(out, HL_CONFIG_MAX);
	assert_int_equal(hl_config_format(&a, out), 0);
	if (hl_config_parse((const char *)out->data, out->len, &b) != 0)
		fail_msg("line %u: %s in\n%.*s", b.err_line, b.err, (int)out->len,
			 (const char *)out->data);
	assert_int_equal(a.nlinks, b.nlinks);
	for (unsigned i = 0; i < a.nlinks; i++) {
		a.links[i].line = b.links[i].line = 0;	/* where, not what */
		memset(a.links[i].key_line, 0, sizeof(a.links[i].key_line));
		memset(b.links[i].key_line, 0, sizeof(b.links[i].key_line));
		assert_memory_equal(&a.links[i], &b.links[i], sizeof(a.links[i]));
	}
	a.nlinks = b.nlinks = 0;
	memset(a.links, 0, sizeof(a.links));
	memset(b.links, 0, sizeof(b.links));
	assert_memory_equal(&a, &b, offsetof(struct hl_config, err_line));
}

static void test_format_round_trip(void **state)
{
	struct hl_buf out;

	(void)state;
	round_trip("name = ru-cert\n", &out);
	/* Defaults are written commented out, as examples. */
	assert_non_null(strstr((const char *)out.data, "\nendpoint = none\n"));
	assert_non_null(strstr((const char *)out.data, "\n#ack.flash = 15m\n"));
	assert_non_null(strstr((const char *)out.data, "\n#check.every = 7d\n"));
	assert_null(strstr((const char *)out.data, "link."));
	hl_buf_free(&out);

	round_trip("name = ru-cert\nendpoint = https://h.example:7443\nlisten = [::1]:9\n"
		   "ack.flash = 90s\nreceipt.routine = 36h\nescalate.ladder = a, b\n"
		   "escalate.every = 2m\nescalate.command = /bin/true\n"
		   "escalate.webhook = http://127.0.0.1:9/x\ncheck.every = 2d\n"
		   "check.precedence = routine\n"
		   "link.us-cert.ack.flash = 10m\nlink.us-cert.receipt.immediate = 5m\n"
		   "link.us-cert.check.every = 1d\nlink.cn.cert.check.every = none\n", &out);
	assert_non_null(strstr((const char *)out.data, "\nack.flash = 90s\n"));
	assert_non_null(strstr((const char *)out.data, "\nreceipt.routine = 36h\n"));
	assert_non_null(strstr((const char *)out.data, "\n#receipt.flash = 2m\n"));
	assert_non_null(strstr((const char *)out.data, "\nescalate.ladder = a, b\n"));
	assert_non_null(strstr((const char *)out.data, "\ncheck.every = 2d\n"));
	assert_non_null(strstr((const char *)out.data, "\ncheck.precedence = routine\n"));
	assert_non_null(strstr((const char *)out.data,
			       "\nlink.us-cert.ack.flash = 10m\n"
			       "link.us-cert.receipt.immediate = 5m\n"
			       "link.us-cert.check.every = 1d\n"
			       "link.cn.cert.check.every = none\n"));
	hl_buf_free(&out);

	/* A party-wide none and the default ladder's first step alone. */
	round_trip("name = a\ncheck.every = none\nescalate.ladder = duty-officer\n", &out);
	assert_non_null(strstr((const char *)out.data, "\ncheck.every = none\n"));
	assert_non_null(strstr((const char *)out.data, "\nescalate.ladder = duty-officer\n"));
	hl_buf_free(&out);
}

/* terms.languages and terms.suspect: what a proposal of terms says. */
static void test_terms_keys(void **state)
{
	struct hl_config c;
	struct hl_buf out;

	(void)state;
	assert_int_equal(parse("name = a\n", &c), 0);
	assert_int_equal(c.nlanguages, 1);
	assert_string_equal(c.languages[0], "en");
	assert_int_equal(c.suspect, 7 * 86400);
	assert_int_equal(parse("name = a\nterms.languages = ru en\nterms.suspect = 36h\n", &c), 0);
	assert_int_equal(c.nlanguages, 2);
	assert_string_equal(c.languages[0], "ru");
	assert_string_equal(c.languages[1], "en");
	assert_int_equal(c.suspect, 36 * 3600);
	assert_int_equal(parse("name = a\nterms.languages = zh-Hant,EN-gb , ar\t fr\n", &c), 0);
	assert_int_equal(c.nlanguages, 4);
	assert_string_equal(c.languages[1], "EN-gb");
	assert_string_equal(c.languages[3], "fr");
	assert_int_equal(parse("name = a\nterms.languages = ar, en, es, fr, ru, zh\n", &c), 0);
	assert_int_equal(c.nlanguages, 6);

	refused("name = a\nterms.languages = ar en es fr ru zh de\n", 2, "1 to 6 distinct");
	refused("name = a\nterms.languages = en, EN\n", 2, "1 to 6 distinct");
	refused("name = a\nterms.languages = english!\n", 2, "1 to 6 distinct");
	refused("name = a\nterms.languages = en-\n", 2, "1 to 6 distinct");
	refused("name = a\nterms.languages = , \n", 2, "1 to 6 distinct");
	refused("name = a\nterms.languages =\n", 2, "1 to 6 distinct");
	refused("name = a\n\nterms.suspect = 367d\n", 3, "terms.suspect: want a duration");
	refused("name = a\nterms.suspect = 0s\n", 2, "terms.suspect: want a duration");
	refused("name = a\nterms.suspect = 1d\nterms.suspect = 2d\n", 3, "key given twice");

	round_trip("name = a\n", &out);
	assert_non_null(strstr((const char *)out.data, "\n#terms.languages = en\n"));
	assert_non_null(strstr((const char *)out.data, "\n#terms.suspect = 7d\n"));
	hl_buf_free(&out);
	round_trip("name = a\nterms.languages = ru en\nterms.suspect = 366d\n", &out);
	assert_non_null(strstr((const char *)out.data, "\nterms.languages = ru, en\n"));
	assert_non_null(strstr((const char *)out.data, "\nterms.suspect = 366d\n"));
	hl_buf_free(&out);
	/* en alone, written out: the default, so commented again. */
	round_trip("name = a\nterms.languages = en\n", &out);
	assert_non_null(strstr((const char *)out.data, "\n#terms.languages = en\n"));
	hl_buf_free(&out);
}

/* The link keys that terms in force leave unused: each key of a link
 * with a version in force, by line; none of a link without. */
static void test_superseded(void **state)
{
	const char *names[] = {"us-cert", "cn.cert", "jp-cert"};
	uint64_t versions[] = {2, 0, 1};
	struct hl_config_unused u[8];
	struct hl_config c;

	(void)state;
	assert_int_equal(parse("name = a\n"
			       "link.us-cert.check.every = none\n"
			       "link.cn.cert.ack.flash = 5m\n"
			       "# a comment\n"
			       "link.us-cert.ack.flash = 10m\n"
			       "link.us-cert.receipt.routine = 1d\n", &c), 0);
	assert_int_equal(hl_config_superseded(&c, names, versions, 3, u, 8), 3);
	assert_int_equal(u[0].line, 2);
	assert_string_equal(u[0].key, "check.every");
	assert_string_equal(u[0].link, "us-cert");
	assert_int_equal(u[0].version, 2);
	assert_int_equal(u[1].line, 5);
	assert_string_equal(u[1].key, "ack.flash");
	assert_int_equal(u[2].line, 6);
	assert_string_equal(u[2].key, "receipt.routine");
	/* Fewer places than keys: the count still says how many. */
	assert_int_equal(hl_config_superseded(&c, names, versions, 3, u, 1), 3);
	assert_int_equal(hl_config_superseded(&c, names, versions, 3, NULL, 0), 3);
	versions[0] = 0;
	assert_int_equal(hl_config_superseded(&c, names, versions, 3, u, 8), 0);
	versions[1] = 7;
	assert_int_equal(hl_config_superseded(&c, names, versions, 3, u, 8), 1);
	assert_int_equal(u[0].line, 3);
	assert_string_equal(u[0].link, "cn.cert");
}

/* evidence.max: a size in bytes, K, M or G, at most 1G; written back in
 * the largest unit that divides it. */
static void test_evidence_max(void **state)
{
	struct hl_config c;
	struct hl_buf out;

	(void)state;
	assert_int_equal(parse("name = a\n", &c), 0);
	assert_int_equal(c.evidence_max, 16 << 20);
	assert_int_equal(parse("name = a\nevidence.max = 3K\n", &c), 0);
	assert_int_equal(c.evidence_max, 3072);
	assert_int_equal(parse("name = a\nevidence.max = 1G\n", &c), 0);
	assert_int_equal(c.evidence_max, 1 << 30);
	assert_int_equal(parse("name = a\nevidence.max = 0\n", &c), 0);
	assert_int_equal(c.evidence_max, 0);
	assert_int_equal(parse("name = a\nevidence.max = 1000\n", &c), 0);
	assert_int_equal(c.evidence_max, 1000);
	refused("name = a\nevidence.max = 2G\n", 2, "evidence.max: want a size");
	refused("name = a\nevidence.max = 1025M\n", 2, "evidence.max: want a size");
	refused("name = a\nevidence.max = M\n", 2, "evidence.max: want a size");
	refused("name = a\nevidence.max = 16MB\n", 2, "evidence.max: want a size");
	refused("name = a\nevidence.max = -1\n", 2, "evidence.max: want a size");
	round_trip("name = a\nevidence.max = 2048K\n", &out);
	assert_non_null(strstr((const char *)out.data, "\nevidence.max = 2M\n"));
	hl_buf_free(&out);
	round_trip("name = a\n", &out);
	assert_non_null(strstr((const char *)out.data, "\n#evidence.max = 16M\n"));
	hl_buf_free(&out);
	round_trip("name = a\nevidence.max = 1000\n", &out);
	assert_non_null(strstr((const char *)out.data, "\nevidence.max = 1000\n"));
	hl_buf_free(&out);
}

/* The operators' HTTPS listener: off by default, a bare port on the
 * loopback, never the peer port (with any address), a certificate
 * only with its key, session times as durations. */
static void test_console(void **state)
{
	struct hl_config c;

	(void)state;
	assert_int_equal(parse("name = ru-cert\n", &c), 0);
	assert_string_equal(c.console_listen, "");
	assert_int_equal(c.console_idle, 15 * 60);
	assert_int_equal(c.console_lifetime, 12 * 3600);
	assert_int_equal(parse("name = ru-cert\nconsole.listen = 8443\n"
			       "console.idle = 90s\nconsole.lifetime = 1h\n", &c), 0);
	assert_string_equal(c.console_listen, "127.0.0.1:8443");
	assert_int_equal(c.console_idle, 90);
	assert_int_equal(c.console_lifetime, 3600);
	assert_int_equal(parse("name = ru-cert\nconsole.listen = [::1]:8443\n"
			       "console.cert = /a.crt\nconsole.key = /a.key\n", &c), 0);
	assert_string_equal(c.console_listen, "[::1]:8443");
	assert_string_equal(c.console_cert, "/a.crt");
	refused("name = ru-cert\nconsole.listen = 7443\n", 0, "the peer port");
	refused("name = ru-cert\nconsole.listen = 0.0.0.0:9000\nlisten = 127.0.0.1:9000\n",
		0, "the peer port");
	refused("name = ru-cert\nconsole.listen = 0\n", 2, "console.listen: want host:port");
	refused("name = ru-cert\nconsole.listen = 65536\n", 2, "console.listen");
	refused("name = ru-cert\nconsole.cert = a.crt\n", 2, "absolute path");
	refused("name = ru-cert\nconsole.key = /a.key\n", 0, "go together");
	refused("name = ru-cert\nconsole.idle = 0s\n", 2, "console.idle: want a duration");
}

/* store: hotline.db in the home unless set; an absolute path, or a
 * PostgreSQL connection string libpq reads, never with a password. */
static void test_store(void **state)
{
	struct hl_config c;

	(void)state;
	assert_int_equal(parse("name = ru-cert\n", &c), 0);
	assert_string_equal(c.store, "");
	assert_int_equal(parse("name = ru-cert\nstore = /srv/hotline.db\n", &c), 0);
	assert_string_equal(c.store, "/srv/hotline.db");
	assert_int_equal(parse("name = ru-cert\nstore = host=/run/pg dbname=hotline"
			       " options=-csearch_path=ru_cert\n", &c), 0);
	assert_string_equal(c.store, "host=/run/pg dbname=hotline options=-csearch_path=ru_cert");
	assert_int_equal(parse("name = ru-cert\nstore = postgresql://hotline@db1/hotline\n",
			       &c), 0);
	refused("name = ru-cert\nstore = hotline.db\n", 2, "store: want an absolute path");
	refused("name = ru-cert\nstore = host=db1 nosuch=1\n", 2, "store: ");
	refused("name = ru-cert\nstore = host=db1 password=secret\n", 2, "pgpass");
	refused("name = ru-cert\nstore = postgresql://hotline:secret@db1/hotline\n", 2,
		"pgpass");
}

/* The console's files: by default where make install put them and
 * Debian's /usr/share/javascript; absolute paths only. */
static void test_console_files(void **state)
{
	struct hl_config c;
	size_t n;

	(void)state;
	assert_int_equal(parse("name = ru-cert\n", &c), 0);
	n = strlen(c.console_root);
	assert_true(c.console_root[0] == '/' && n > 16);
	assert_string_equal(c.console_root + n - 16, "/hotline/console");
	assert_string_equal(c.console_lib, "/usr/share/javascript");
	assert_int_equal(parse("name = ru-cert\nconsole.root = /srv/console\n"
			       "console.lib = /opt/js\n", &c), 0);
	assert_string_equal(c.console_root, "/srv/console");
	assert_string_equal(c.console_lib, "/opt/js");
	refused("name = ru-cert\nconsole.root = console\n", 2, "console.root: want an absolute path");
	refused("name = ru-cert\nconsole.lib =\n", 2, "console.lib: want an absolute path");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_per_link_overrides),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_unknown_key_guess),
		cmocka_unit_test(test_links_check),
		cmocka_unit_test(test_too_many_links),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_evidence_max),
		cmocka_unit_test(test_terms_keys),
		cmocka_unit_test(test_superseded),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_console_files),
		cmocka_unit_test(test_store),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}

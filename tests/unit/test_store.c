/* test_store.c - the SQLite store: schema and its versions, links, logs,
 * nodes, checkpoints, evidence, transactions, damaged files and the
 * rebuild of projections.
 *
 * ru-cert (A) keeps the database; us-cert (B) and jp-cert (C) are its
 * peers.  Every test opens real files in a fresh folder, and some reach
 * under the store with sqlite3 directly to damage or inspect them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sodium.h>

#include "envelope.h"
#include "error.h"
#include "index.h"
#include "merkle.h"
#include "party.h"
#include "storepriv.h"
#include "store.h"

#define HL_XSTR(x) #x
#define HL_STR(x) HL_XSTR(x)
#include "testlib.h"
#include "storelib.h"

#define NOW (TL_CREATED + 3600)

static struct hl_party *A, *B, *C;

struct fx {
	char dir[TS_PATH_MAX];
	char path[TS_PATH_MAX];
	struct hl_store *st;
};

static int group_setup(void **state)
{
	(void)state;
	A = ts_party_new("ru-cert", 1);
	B = ts_party_new("us-cert", 2);
	C = ts_party_new("jp-cert", 3);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	hl_party_free(A);
	hl_party_free(B);
	hl_party_free(C);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	ts_dir_new(f->dir);
	ts_path(f->dir, HL_STORE_FILE, f->path);
	f->st = ts_open(f->path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	hl_store_close(f->st);
	ts_dir_remove(f->dir);
	free(f);
	return 0;
}

/* Seals A's envelope number seq to B into out (initialised here). */
static void seal(uint64_t seq, enum hl_precedence prec, const char *kind,
		 struct hl_buf *out)
{
	char text[64];
	const struct hl_seal_params p = {
		.from = &A->card, .sign_sk = A->sign_sk, .to = &B->card,
		.seq = seq, .time = NOW + (int64_t)seq, .precedence = prec,
		.kind = kind,
	};
	int n = snprintf(text, sizeof(text), "message %llu", (unsigned long long)seq);

	hl_buf_init(out, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	assert_int_equal(hl_envelope_seal(&p, (const unsigned char *)text, (size_t)n, out), 0);
}

/* Stores A's envelopes 1..n on side with their index rows. */
static void put_envelopes(struct hl_store *st, int64_t link, int side, uint64_t n)
{
	static const char *const kinds[] = {"notify", "ack", "check"};

	for (uint64_t seq = 1; seq <= n; seq++) {
		enum hl_precedence prec = (enum hl_precedence)(seq % 4);
		const char *kind = kinds[seq % 3];
		struct hl_buf b;
		hl_hash leaf;

		seal(seq, prec, kind, &b);
		hl_merkle_leaf(b.data, b.len, leaf);
		assert_int_equal(hl_store_envelope_put(st, link, side, seq, b.data, b.len,
						       leaf, NOW), 0);
		assert_int_equal(hl_store_message_put(st, link, side, seq, NOW + (int64_t)seq,
						      hl_precedence_name(prec), kind), 0);
		hl_buf_free(&b);
	}
}

static void assert_card_link(const struct hl_link *l, const struct hl_party *peer,
			     const struct hl_party *me)
{
	unsigned char id[HL_LINK_ID_LEN];

	hl_link_id(me->card.sign_pk, peer->card.sign_pk, id);
	assert_string_equal(l->name, peer->card.name);
	assert_memory_equal(l->link_id, id, sizeof(id));
	assert_string_equal(l->card.name, peer->card.name);
	assert_memory_equal(l->card.sign_pk, peer->card.sign_pk, 32);
	assert_memory_equal(l->card.box_pk, peer->card.box_pk, 32);
	assert_int_equal(l->card_text.len, peer->card_text.len);
	assert_memory_equal(l->card_text.data, peer->card_text.data, peer->card_text.len);
	assert_string_equal(l->endpoint, peer->card.endpoint);
}

/* ---- schema ---- */

static void test_open_creates_schema(void **state)
{
	struct fx *f = *state;
	static const char *const tables[] = {
		"link", "envelope", "node", "checkpoint", "evidence", "message",
	};

	TS_SQLITE_ONLY();

	assert_int_equal(access(f->path, F_OK), 0);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA user_version"), HL_STORE_SCHEMA);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char q[128];

		snprintf(q, sizeof(q), "SELECT count(*) FROM sqlite_master"
			 " WHERE type = 'table' AND name = '%s'", tables[i]);
		assert_int_equal(ts_sql_int(f->path, q), 1);
	}
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM link"), 0);
	assert_string_equal(hl_store_errmsg(f->st), "no error");
}

static void test_reopen(void **state)
{
	struct fx *f = *state;
	struct hl_link l;

	TS_SQLITE_ONLY();

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	hl_link_free(&l);
	hl_store_close(f->st);
	/* Reopening runs no migration again and keeps the rows. */
	f->st = ts_open(f->path);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA user_version"), HL_STORE_SCHEMA);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM pragma_journal_mode"
				    " WHERE journal_mode = 'wal'"), 1);
	assert_int_equal(hl_store_link_get(f->st, "us-cert", &l), 0);
	assert_card_link(&l, B, A);
	assert_int_equal(l.confirmed, NOW + 60);
	hl_link_free(&l);
	hl_store_close(f->st);
	f->st = ts_open(f->path);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM link"), 1);
}

static void test_newer_schema(void **state)
{
	struct fx *f = *state;
	struct hl_store *st = (void *)1;
	char err[256] = "";

	hl_store_close(f->st);
	f->st = NULL;
	ts_sql(f->path, ts_pg() ? "UPDATE hl_meta SET value = 99" : "PRAGMA user_version = 99");
	assert_int_equal(hl_store_open(f->path, &st, err, sizeof(err)), -HL_ESTORE);
	assert_null(st);
	assert_non_null(strstr(err, "newer"));
	assert_non_null(strstr(err, "99"));
	/* Refused, not downgraded. */
	assert_int_equal(ts_sql_int(f->path, ts_pg() ? "SELECT value FROM hl_meta" :
				    "PRAGMA user_version"), 99);
	f->st = NULL;
	ts_sql(f->path, ts_pg() ? "UPDATE hl_meta SET value = " HL_STR(HL_STORE_SCHEMA) :
	       "PRAGMA user_version = " HL_STR(HL_STORE_SCHEMA));
	f->st = ts_open(f->path);
}

/* ---- damaged files ---- */

static void write_at(const char *path, off_t off, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, p, n, off), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

static void assert_refused(const char *path)
{
	struct hl_store *st = (void *)1;
	char err[256] = "";

	assert_int_equal(hl_store_open(path, &st, err, sizeof(err)), -HL_ESTORE);
	assert_null(st);
	assert_true(strlen(err) > 0);
	/* Also without an error buffer. */
	assert_int_equal(hl_store_open(path, &st, NULL, 0), -HL_ESTORE);
	assert_null(st);
}

static void test_corrupt_header(void **state)
{
	struct fx *f = *state;
	unsigned char junk[4096];
	struct hl_link l;

	TS_SQLITE_ONLY();

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	hl_link_free(&l);
	hl_store_close(f->st);
	f->st = NULL;
	randombytes_buf_deterministic(junk, sizeof(junk),
				      (const unsigned char *)"0123456789abcdef0123456789abcdef");
	write_at(f->path, 0, junk, sizeof(junk));
	assert_refused(f->path);
}

static void test_random_file(void **state)
{
	struct fx *f = *state;
	char path[TS_PATH_MAX];
	unsigned char junk[3 * 4096];
	int fd;

	TS_SQLITE_ONLY();

	ts_path(f->dir, "random.db", path);
	randombytes_buf_deterministic(junk, sizeof(junk),
				      (const unsigned char *)"fedcba9876543210fedcba9876543210");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	assert_int_equal(close(fd), 0);
	assert_refused(path);
	/* Text that looks like nothing SQLite knows. */
	ts_path(f->dir, "text.db", path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hotline.card/v1\nname ru-cert\n", 29), 29);
	assert_int_equal(close(fd), 0);
	assert_refused(path);
}

/* Page 1 intact, the table pages overwritten: the file opens, and each
 * query fails with -HL_ESTORE and SQLite's words. */
static void test_corrupt_pages(void **state)
{
	struct fx *f = *state;
	unsigned char junk[4096];
	struct hl_link l;
	int64_t pages;
	uint64_t size = 0;
	char *schema;

	TS_SQLITE_ONLY();

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	put_envelopes(f->st, l.id, HL_THEIRS, 40);
	hl_link_free(&l);
	hl_store_close(f->st);
	f->st = NULL;
	/* Checkpoint the WAL into the file so the damage is not masked. */
	ts_sql(f->path, "PRAGMA wal_checkpoint(TRUNCATE)");
	pages = ts_sql_int(f->path, "PRAGMA page_count");
	assert_true(pages > 3);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA page_size"), sizeof(junk));
	memset(junk, 0xa5, sizeof(junk));
	/* Every page but the schema's (page 1, and those it grew into once
	 * the full-text index's tables joined it). */
	schema = calloc((size_t)pages + 1, 1);
	assert_non_null(schema);
	for (int64_t p = 2; p <= pages; p++) {
		char q[128];

		snprintf(q, sizeof(q), "SELECT count(*) FROM dbstat WHERE name = 'sqlite_schema'"
			 " AND pageno = %lld", (long long)p);
		schema[p] = ts_sql_int(f->path, q) > 0;
	}
	for (int64_t p = 2; p <= pages; p++)
		if (!schema[p])
			write_at(f->path, (off_t)((p - 1) * 4096), junk, sizeof(junk));
	free(schema);
	/* The header and schema pages are intact, so opening succeeds. */
	f->st = ts_open(f->path);
	assert_int_equal(hl_store_link_get(f->st, "us-cert", &l), -HL_ESTORE);
	assert_string_not_equal(hl_store_errmsg(f->st), "no error");
	assert_int_equal(hl_store_log_size(f->st, 1, HL_THEIRS, &size), -HL_ESTORE);
	assert_non_null(strstr(hl_store_errmsg(f->st), "malformed"));
}

/* ---- links ---- */

static int collect(void *ctx, const struct hl_link *l)
{
	struct hl_buf *names = ctx;

	return hl_buf_printf(names, "%s:%lld ", l->name, (long long)l->confirmed);
}

static int stop_at_us(void *ctx, const struct hl_link *l)
{
	(*(int *)ctx)++;
	return strcmp(l->name, "us-cert") == 0 ? 42 : 0;
}

static void test_links(void **state)
{
	struct fx *f = *state;
	struct hl_link lb, lc, l;
	struct hl_buf names;
	int calls = 0;

	ts_link(f->st, A, B, NULL, false, NOW, &lb);
	assert_card_link(&lb, B, A);
	assert_int_equal(lb.added, NOW);
	assert_int_equal(lb.confirmed, 0);
	ts_link(f->st, A, C, NULL, true, NOW + 1, &lc);
	assert_card_link(&lc, C, A);
	assert_int_equal(lc.confirmed, NOW + 61);
	assert_true(lb.id != lc.id);

	assert_int_equal(hl_store_link_by_id(f->st, lb.link_id, &l), 0);
	assert_int_equal(l.id, lb.id);
	assert_card_link(&l, B, A);
	hl_link_free(&l);

	assert_int_equal(hl_store_link_confirm(f->st, lb.id, NOW + 99), 0);
	assert_int_equal(hl_store_link_get(f->st, "us-cert", &l), 0);
	assert_int_equal(l.confirmed, NOW + 99);
	hl_link_free(&l);

	hl_buf_init(&names, 1024);
	assert_int_equal(hl_store_link_each(f->st, collect, &names), 0);
	assert_string_equal((char *)names.data, "jp-cert:1795344901 us-cert:1795344939 ");
	hl_buf_free(&names);
	/* each stops at the first nonzero and returns it. */
	ts_link(f->st, A, A, NULL, false, NOW, &l);	/* ru-cert, between */
	hl_link_free(&l);
	assert_int_equal(hl_store_link_each(f->st, stop_at_us, &calls), 42);
	assert_int_equal(calls, 3);
	hl_link_free(&lb);
	hl_link_free(&lc);
}

static void test_link_duplicate(void **state)
{
	struct fx *f = *state;
	unsigned char other[HL_LINK_ID_LEN];
	struct hl_link l;

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	memset(other, 7, sizeof(other));
	/* The same name with another link ID, and the same ID with another name. */
	assert_int_equal(hl_store_link_add(f->st, "us-cert", other, C->card_text.data,
					   C->card_text.len, "", NOW), -HL_EDUPLICATE);
	assert_int_equal(hl_store_link_add(f->st, "jp-cert", l.link_id, C->card_text.data,
					   C->card_text.len, "", NOW), -HL_EDUPLICATE);
	hl_link_free(&l);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM link"), 1);
	assert_int_equal(hl_store_link_get(f->st, "us-cert", &l), 0);
	assert_card_link(&l, B, A);
	hl_link_free(&l);
}

/* Archive: archiving, then archived under NAME~k, k counting up; a long
 * name is cut so that ~k fits; the link's row and ID stay. */
static void test_link_archive(void **state)
{
	static const char long_name[] =
		"a-party-name-of-sixty-three-bytes-which-is-the-longest-allowed1";
	struct fx *f = *state;
	char as[HL_NAME_MAX + 1];
	unsigned char id[HL_LINK_ID_LEN];
	struct hl_link l, got;

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	assert_false(l.archiving);
	assert_int_equal(hl_store_link_archiving(f->st, &l, 0), 0);
	assert_int_equal(hl_store_link_archiving(f->st, &l, 7), 0);
	assert_int_equal(hl_store_link_get(f->st, "us-cert", &got), 0);
	assert_true(got.archiving);
	assert_int_equal(got.archive_seq, 7);
	assert_int_equal(got.archived, 0);
	hl_link_free(&got);
	assert_int_equal(hl_store_link_archive(f->st, &l, NOW + 5, as), 0);
	assert_string_equal(as, "us-cert~1");
	assert_int_equal(hl_store_link_get(f->st, "us-cert", &got), -HL_ENOLINK);
	assert_int_equal(hl_store_link_get(f->st, "us-cert~1", &got), 0);
	assert_int_equal(got.archived, NOW + 5);
	assert_int_equal(got.archive_seq, 7);
	assert_memory_equal(got.link_id, l.link_id, HL_LINK_ID_LEN);
	hl_link_free(&got);
	/* A second link under the name, archived at once: ~2. */
	memset(id, 9, sizeof(id));
	assert_int_equal(hl_store_link_add(f->st, "us-cert", id, B->card_text.data,
					   B->card_text.len, "", NOW), 0);
	assert_int_equal(hl_store_link_get(f->st, "us-cert", &got), 0);
	assert_int_equal(hl_store_link_archive(f->st, &got, NOW + 9, as), 0);
	assert_string_equal(as, "us-cert~2");
	hl_link_free(&got);
	/* The longest name: cut, twice under the same cut name. */
	assert_int_equal(strlen(long_name), HL_NAME_MAX);
	for (int k = 1; k <= 2; k++) {
		char want[HL_NAME_MAX + 16];

		memset(id, 10 + k, sizeof(id));
		assert_int_equal(hl_store_link_add(f->st, long_name, id, B->card_text.data,
						   B->card_text.len, "", NOW), 0);
		assert_int_equal(hl_store_link_get(f->st, long_name, &got), 0);
		assert_int_equal(hl_store_link_archive(f->st, &got, NOW, as), 0);
		snprintf(want, sizeof(want), "%.58s~%d", long_name, k);
		assert_string_equal(as, want);
		assert_true(hl_link_name_valid(as, strlen(as)));
		hl_link_free(&got);
	}
	hl_link_free(&l);
}

static void test_link_unknown(void **state)
{
	struct fx *f = *state;
	unsigned char id[HL_LINK_ID_LEN] = {0};
	struct hl_link l;
	int calls = 0;

	assert_int_equal(hl_store_link_get(f->st, "us-cert", &l), -HL_ENOLINK);
	hl_link_free(&l);	/* harmless after a failure */
	assert_int_equal(hl_store_link_by_id(f->st, id, &l), -HL_ENOLINK);
	hl_link_free(&l);
	assert_int_equal(hl_store_link_confirm(f->st, 12345, NOW), -HL_ENOLINK);
	assert_int_equal(hl_store_link_each(f->st, stop_at_us, &calls), 0);
	assert_int_equal(calls, 0);
	ts_link(f->st, A, B, NULL, false, NOW, &l);
	hl_link_free(&l);
	assert_int_equal(hl_store_link_get(f->st, "US-CERT", &l), -HL_ENOLINK);
	hl_link_free(&l);
}

/* A card damaged on disk is refused on read, not trusted. */
static void test_link_damaged_card(void **state)
{
	struct fx *f = *state;
	struct hl_link l;
	int calls = 0;

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	hl_link_free(&l);
	ts_sql(f->path, ts_pg() ? "UPDATE link SET card = convert_to(replace(convert_from(card,"
	       " 'UTF8'), 'us-cert', 'us-certx'), 'UTF8')" :
	       "UPDATE link SET card = replace(card, 'us-cert', 'us-certx')");
	assert_true(hl_store_link_get(f->st, "us-cert", &l) < 0);
	hl_link_free(&l);
	assert_true(hl_store_link_each(f->st, stop_at_us, &calls) < 0);
	assert_int_equal(calls, 0);
	ts_sql(f->path, ts_pg() ? "ALTER TABLE link DROP CONSTRAINT link_link_id_check;"
	       " UPDATE link SET link_id = '\\x00'" : "PRAGMA ignore_check_constraints = ON;"
	       " UPDATE link SET link_id = x'00'");
	assert_true(hl_store_link_get(f->st, "us-cert", &l) < 0);
	hl_link_free(&l);
}

/* ---- logs, nodes, checkpoints, evidence ---- */

/* Each envelope in order, its leaf its bytes' hash. */
static int count_env(void *ctx, uint64_t seq, const void *p, size_t n, const hl_hash leaf)
{
	uint64_t *next = ctx;
	hl_hash want;

	assert_int_equal(seq, *next);
	hl_merkle_leaf(p, n, want);
	assert_memory_equal(leaf, want, HL_HASH_LEN);
	(*next)++;
	return 0;
}

/* count_env, stopping the walk at 3. */
static int each_env(void *ctx, uint64_t seq, const void *p, size_t n, const hl_hash leaf)
{
	count_env(ctx, seq, p, n, leaf);
	return seq == 3 ? -7 : 0;
}

static void test_envelopes(void **state)
{
	struct fx *f = *state;
	struct hl_buf b, got;
	struct hl_link l;
	uint64_t size = 99, next = 1;
	hl_hash leaf, stored;

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	assert_int_equal(hl_store_log_size(f->st, l.id, HL_OURS, &size), 0);
	assert_int_equal(size, 0);
	put_envelopes(f->st, l.id, HL_OURS, 5);
	assert_int_equal(hl_store_log_size(f->st, l.id, HL_OURS, &size), 0);
	assert_int_equal(size, 5);
	assert_int_equal(hl_store_log_size(f->st, l.id, HL_THEIRS, &size), 0);
	assert_int_equal(size, 0);

	seal(2, HL_FLASH, "notify", &b);
	hl_merkle_leaf(b.data, b.len, leaf);
	/* (link, side, seq) is unique; the other side is another log. */
	assert_int_equal(hl_store_envelope_put(f->st, l.id, HL_OURS, 2, b.data, b.len,
					       leaf, NOW), -HL_EDUPLICATE);
	assert_int_equal(hl_store_envelope_put(f->st, l.id, HL_THEIRS, 2, b.data, b.len,
					       leaf, NOW), 0);
	hl_buf_init(&got, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	assert_int_equal(hl_store_envelope_get(f->st, l.id, HL_THEIRS, 2, &got, stored), 0);
	assert_int_equal(got.len, b.len);
	assert_memory_equal(got.data, b.data, b.len);
	assert_memory_equal(stored, leaf, HL_HASH_LEN);
	got.len = 0;
	assert_int_equal(hl_store_envelope_get(f->st, l.id, HL_THEIRS, 1, &got, NULL),
			 -HL_ENOTFOUND);
	assert_int_equal(hl_store_envelope_get(f->st, l.id, HL_OURS, 6, &got, NULL),
			 -HL_ENOTFOUND);
	assert_int_equal(hl_store_envelope_get(f->st, l.id + 1, HL_OURS, 1, &got, NULL),
			 -HL_ENOTFOUND);
	/* seq 0 is not a sequence number. */
	assert_int_equal(hl_store_envelope_put(f->st, l.id, HL_THEIRS, 0, b.data, b.len,
					       leaf, NOW), -HL_ESTORE);
	/* each walks in order and stops at fn's first nonzero. */
	assert_int_equal(hl_store_envelope_each(f->st, l.id, HL_OURS, each_env, &next), -7);
	assert_int_equal(next, 4);
	hl_buf_free(&b);
	hl_buf_free(&got);
	hl_link_free(&l);
}

/* A row of another link's log needs that link. */
/* A log longer than a batch of PostgreSQL's cursor (pg.c) is read
 * whole, in order, while other statements run between its rows. */
static void test_long_scan(void **state)
{
	struct fx *f = *state;
	struct hl_link l;
	uint64_t next = 1, size = 0;

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	assert_int_equal(hl_store_begin(f->st), 0);
	put_envelopes(f->st, l.id, HL_OURS, 1100);
	assert_int_equal(hl_store_commit(f->st), 0);
	assert_int_equal(hl_store_envelope_each(f->st, l.id, HL_OURS, count_env, &next), 0);
	assert_int_equal(next, 1101);
	assert_int_equal(hl_store_log_size(f->st, l.id, HL_OURS, &size), 0);
	assert_int_equal(size, 1100);
	hl_link_free(&l);
}

static void test_foreign_key(void **state)
{
	struct fx *f = *state;
	hl_hash leaf = {0};

	assert_int_equal(hl_store_envelope_put(f->st, 77, HL_OURS, 1, "x", 1, leaf, NOW),
			 -HL_ESTORE);
	assert_non_null(strcasestr(hl_store_errmsg(f->st), "FOREIGN KEY"));
	assert_int_equal(hl_store_checkpoint_put(f->st, 77, HL_OURS, 1, "x", 1),
			 -HL_ESTORE);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM envelope"), 0);
}

static void test_nodes(void **state)
{
	struct fx *f = *state;
	struct hl_link l;
	struct hl_store_log log;
	struct hl_merkle_src src;
	struct hl_merkle_frontier fr;
	hl_hash h, root, want;

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	log = (struct hl_store_log){f->st, l.id, HL_THEIRS};
	src = hl_store_merkle(&log);
	hl_merkle_frontier_init(&fr);
	for (uint64_t i = 0; i < 21; i++) {
		struct hl_merkle_node nodes[HL_MERKLE_LEVELS], fnodes[HL_MERKLE_LEVELS];
		size_t count = 0, fcount = 0;
		unsigned char leafdata[8];

		memcpy(leafdata, &i, sizeof(i));
		hl_merkle_leaf(leafdata, sizeof(leafdata), h);
		assert_int_equal(hl_merkle_append(&src, i, h, nodes, &count), 0);
		hl_merkle_frontier_add(&fr, h, fnodes, &fcount);
		assert_int_equal(count, fcount);
		for (size_t k = 0; k < count; k++)
			assert_int_equal(hl_store_node_put(f->st, l.id, HL_THEIRS, &nodes[k]), 0);
		assert_int_equal(hl_store_node_put(f->st, l.id, HL_THEIRS, &nodes[0]),
				 -HL_EDUPLICATE);
		assert_int_equal(hl_merkle_root(&src, i + 1, root), 0);
		hl_merkle_frontier_root(&fr, want);
		assert_memory_equal(root, want, HL_HASH_LEN);
	}
	assert_int_equal(hl_store_node_get(f->st, l.id, HL_THEIRS, 4, 0, h), 0);
	assert_int_equal(hl_store_node_get(f->st, l.id, HL_THEIRS, 4, 1, h), -HL_ENOTFOUND);
	assert_int_equal(hl_store_node_get(f->st, l.id, HL_OURS, 0, 0, h), -HL_ENOTFOUND);
	/* A damaged node is not handed out as a hash. */
	ts_sql(f->path, ts_pg() ? "ALTER TABLE node DROP CONSTRAINT node_hash_check;"
	       " UPDATE node SET hash = '\\x0102' WHERE level = 4" :
	       "PRAGMA ignore_check_constraints = ON;"
	       " UPDATE node SET hash = x'0102' WHERE level = 4");
	assert_int_equal(hl_store_node_get(f->st, l.id, HL_THEIRS, 4, 0, h), -HL_ENOTFOUND);
	assert_true(hl_merkle_root(&src, 21, root) < 0);
	hl_link_free(&l);
}

/* Migration 12 moves envelopes into a rowid table and keys the nodes
 * of both trees by the last leaf they cover: a store of schema 11 keeps
 * every row, the key rules hold, and SQLite's own check finds it sound. */
static void test_layout_migration(void **state)
{
	struct fx *f = *state;
	struct hl_merkle_node node = {.level = 2, .index = 1};
	struct hl_buf b, got;
	struct hl_link l;
	hl_hash h, leaf;

	TS_SQLITE_ONLY();

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	put_envelopes(f->st, l.id, HL_OURS, 5);
	hl_buf_init(&b, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	assert_int_equal(hl_store_envelope_get(f->st, l.id, HL_OURS, 3, &b, leaf), 0);
	memset(node.hash, 7, HL_HASH_LEN);
	assert_int_equal(hl_store_node_put(f->st, l.id, HL_OURS, &node), 0);
	hl_store_close(f->st);
	/* Back to the tables of schema 11. */
	ts_sql(f->path,
	       "CREATE TABLE e11 (link INTEGER NOT NULL REFERENCES link(id),"
	       " side INTEGER NOT NULL CHECK (side IN (0, 1)), seq INTEGER NOT NULL"
	       " CHECK (seq >= 1), bytes BLOB NOT NULL, leaf BLOB NOT NULL"
	       " CHECK (length(leaf) = 32), stored INTEGER NOT NULL,"
	       " PRIMARY KEY (link, side, seq)) WITHOUT ROWID;"
	       " INSERT INTO e11 SELECT link, side, seq, bytes, leaf, stored FROM envelope;"
	       " DROP TABLE envelope; ALTER TABLE e11 RENAME TO envelope;"
	       " CREATE TABLE n11 (link INTEGER NOT NULL REFERENCES link(id),"
	       " side INTEGER NOT NULL, level INTEGER NOT NULL, idx INTEGER NOT NULL,"
	       " hash BLOB NOT NULL CHECK (length(hash) = 32),"
	       " PRIMARY KEY (link, side, level, idx)) WITHOUT ROWID;"
	       " INSERT INTO n11 SELECT link, side, level, idx, hash FROM node;"
	       " DROP TABLE node; ALTER TABLE n11 RENAME TO node;"
	       " CREATE TABLE a11 (level INTEGER NOT NULL, idx INTEGER NOT NULL,"
	       " hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;"
	       " INSERT INTO a11 VALUES (0, 0, x'01'), (0, 1, x'02'), (1, 0, x'03');"
	       " DROP TABLE audit_node; ALTER TABLE a11 RENAME TO audit_node;"
	       " PRAGMA user_version = 11");
	f->st = ts_open(f->path);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA user_version"), HL_STORE_SCHEMA);
	assert_int_equal(hl_store_check(f->st), 0);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM envelope"), 5);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM audit_node"
				    " WHERE last = ((idx + 1) << level) - 1"), 3);
	/* What was stored reads back, by the same calls. */
	hl_buf_init(&got, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	assert_int_equal(hl_store_envelope_get(f->st, l.id, HL_OURS, 3, &got, h), 0);
	assert_int_equal(got.len, b.len);
	assert_memory_equal(got.data, b.data, b.len);
	assert_memory_equal(h, leaf, HL_HASH_LEN);
	hl_buf_free(&got);
	hl_buf_free(&b);
	assert_int_equal(hl_store_node_get(f->st, l.id, HL_OURS, 2, 1, h), 0);
	assert_memory_equal(h, node.hash, HL_HASH_LEN);
	/* The keys are as unique as before. */
	assert_int_equal(hl_store_node_put(f->st, l.id, HL_OURS, &node), -HL_EDUPLICATE);
	seal(3, HL_FLASH, "notify", &b);
	assert_int_equal(hl_store_envelope_put(f->st, l.id, HL_OURS, 3, b.data, b.len, leaf,
					       NOW), -HL_EDUPLICATE);
	hl_buf_free(&b);
	hl_link_free(&l);
}

struct cp_seen {
	uint64_t sizes[4];
	size_t n, cosigned;
};

static int each_cp(void *ctx, uint64_t size, const void *note, size_t n,
		   const char *cosig, size_t cn, int64_t time)
{
	struct cp_seen *s = ctx;

	assert_true(n > 0 && note);
	s->sizes[s->n++] = size;
	if (cosig) {
		assert_int_equal(cn, strlen(cosig));
		assert_int_equal(time, NOW + (int64_t)size);
		s->cosigned++;
	}
	return 0;
}

static void test_checkpoints(void **state)
{
	struct fx *f = *state;
	struct hl_buf note, line;
	struct hl_link l;
	struct cp_seen seen = {0};
	uint64_t size = 99;
	int64_t t = 99;

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	hl_buf_init(&note, 4096);
	hl_buf_init(&line, 4096);
	assert_int_equal(hl_store_cosigned_size(f->st, l.id, HL_OURS, &size), 0);
	assert_int_equal(size, 0);
	assert_int_equal(hl_store_cosigned_covering(f->st, l.id, HL_OURS, 1, &size),
			 -HL_ENOTFOUND);
	for (uint64_t s = 2; s <= 8; s *= 2) {
		char text[32];

		snprintf(text, sizeof(text), "note %llu\n", (unsigned long long)s);
		assert_int_equal(hl_store_checkpoint_put(f->st, l.id, HL_OURS, s, text,
							 strlen(text)), 0);
	}
	assert_int_equal(hl_store_checkpoint_put(f->st, l.id, HL_OURS, 4, "x", 1),
			 -HL_EDUPLICATE);
	assert_int_equal(hl_store_checkpoint_get(f->st, l.id, HL_OURS, 4, &note, &line, &t), 0);
	assert_string_equal((char *)note.data, "note 4\n");
	assert_int_equal(line.len, 0);
	assert_int_equal(t, 0);
	assert_int_equal(hl_store_checkpoint_get(f->st, l.id, HL_OURS, 3, &note, NULL, NULL),
			 -HL_ENOTFOUND);
	assert_int_equal(hl_store_checkpoint_get(f->st, l.id, HL_THEIRS, 4, NULL, NULL, NULL),
			 -HL_ENOTFOUND);

	assert_int_equal(hl_store_cosig_set(f->st, l.id, HL_OURS, 4, "line 4\n", 7, NOW + 4), 0);
	assert_int_equal(hl_store_cosig_set(f->st, l.id, HL_OURS, 2, "line 2\n", 7, NOW + 2), 0);
	/* No cosignature without the checkpoint it signs. */
	assert_int_equal(hl_store_cosig_set(f->st, l.id, HL_OURS, 3, "line 3\n", 7, NOW),
			 -HL_ENOTFOUND);
	assert_int_equal(hl_store_cosig_set(f->st, l.id, HL_THEIRS, 4, "line 4\n", 7, NOW),
			 -HL_ENOTFOUND);
	assert_int_equal(hl_store_cosigned_size(f->st, l.id, HL_OURS, &size), 0);
	assert_int_equal(size, 4);
	assert_int_equal(hl_store_cosigned_size(f->st, l.id, HL_THEIRS, &size), 0);
	assert_int_equal(size, 0);
	assert_int_equal(hl_store_cosigned_covering(f->st, l.id, HL_OURS, 1, &size), 0);
	assert_int_equal(size, 2);
	assert_int_equal(hl_store_cosigned_covering(f->st, l.id, HL_OURS, 3, &size), 0);
	assert_int_equal(size, 4);
	assert_int_equal(hl_store_cosigned_covering(f->st, l.id, HL_OURS, 5, &size),
			 -HL_ENOTFOUND);
	note.len = 0;
	assert_int_equal(hl_store_checkpoint_get(f->st, l.id, HL_OURS, 2, &note, &line, &t), 0);
	assert_string_equal((char *)line.data, "line 2\n");
	assert_int_equal(t, NOW + 2);

	assert_int_equal(hl_store_checkpoint_each(f->st, l.id, HL_OURS, each_cp, &seen), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.sizes[0], 2);
	assert_int_equal(seen.sizes[2], 8);
	assert_int_equal(seen.cosigned, 2);
	hl_buf_free(&note);
	hl_buf_free(&line);
	hl_link_free(&l);
}

static void test_evidence(void **state)
{
	struct fx *f = *state;
	struct hl_link lb, lc;
	uint64_t n = 99;

	ts_link(f->st, A, B, NULL, true, NOW, &lb);
	ts_link(f->st, A, C, NULL, true, NOW, &lc);
	assert_int_equal(hl_store_evidence_count(f->st, lb.id, &n), 0);
	assert_int_equal(n, 0);
	/* The same conflicting object is kept once, however often it comes. */
	for (int i = 0; i < 2; i++)
		assert_int_equal(hl_store_evidence_put(f->st, lb.id, HL_THEIRS, "envelope", 1,
						       "kept", 4, "other", 5, NOW), 0);
	assert_int_equal(hl_store_evidence_put(f->st, lb.id, HL_THEIRS, "checkpoint", 1,
					       "", 0, "other", 5, NOW), 0);
	assert_int_equal(hl_store_evidence_count(f->st, lb.id, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(hl_store_evidence_count(f->st, lc.id, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM evidence"
				    " WHERE kind = 'checkpoint' AND length(kept) = 0"), 1);
	hl_link_free(&lb);
	hl_link_free(&lc);
}

/* ---- transactions ---- */

static void test_transactions(void **state)
{
	struct fx *f = *state;
	struct hl_store *other = ts_open(f->path);
	struct hl_link l;
	uint64_t size = 0;

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	assert_int_equal(hl_store_begin(f->st), 0);
	put_envelopes(f->st, l.id, HL_OURS, 3);
	/* Another handle does not see what is not committed. */
	assert_int_equal(hl_store_log_size(other, l.id, HL_OURS, &size), 0);
	assert_int_equal(size, 0);
	hl_store_rollback(f->st);
	assert_int_equal(hl_store_log_size(f->st, l.id, HL_OURS, &size), 0);
	assert_int_equal(size, 0);
	hl_store_rollback(f->st);	/* harmless outside a transaction */

	assert_int_equal(hl_store_begin(f->st), 0);
	put_envelopes(f->st, l.id, HL_OURS, 3);
	assert_int_equal(hl_store_commit(f->st), 0);
	assert_int_equal(hl_store_log_size(other, l.id, HL_OURS, &size), 0);
	assert_int_equal(size, 3);
	/* COMMIT without BEGIN fails with SQLite's words. */
	assert_int_equal(hl_store_commit(f->st), -HL_ESTORE);
	assert_non_null(strstr(hl_store_errmsg(f->st), "no transaction"));
	hl_store_close(other);
	hl_link_free(&l);
}

/* The handle's synchronous setting: 1 NORMAL, 2 FULL. */
static int sync_mode(struct hl_store *st)
{
	struct hl_dbs *s = NULL;
	int v = -1;

	assert_int_equal(hl_db_prepare(hl_store_db(st), "PRAGMA synchronous", false, &s), 0);
	if (hl_db_step(s) == HL_DB_ROW)
		v = hl_db_column_int(s, 0);
	hl_db_finalize(s);
	return v;
}

/* A lazy transaction commits without fsync, and the handle is FULL
 * again after it, committed or rolled back. */
static void test_lazy(void **state)
{
	struct fx *f = *state;
	struct hl_store *other;
	struct hl_link l;
	uint64_t size = 0;

	TS_SQLITE_ONLY();
	other = ts_open(f->path);

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	assert_int_equal(sync_mode(f->st), 2);
	assert_int_equal(hl_store_begin_lazy(f->st), 0);
	assert_int_equal(sync_mode(f->st), 1);
	put_envelopes(f->st, l.id, HL_OURS, 2);
	assert_int_equal(hl_store_commit(f->st), 0);
	assert_int_equal(sync_mode(f->st), 2);
	assert_int_equal(hl_store_log_size(other, l.id, HL_OURS, &size), 0);
	assert_int_equal(size, 2);
	assert_int_equal(hl_store_begin_lazy(f->st), 0);
	put_envelopes(f->st, l.id, HL_THEIRS, 1);
	hl_store_rollback(f->st);
	assert_int_equal(hl_store_log_size(f->st, l.id, HL_THEIRS, &size), 0);
	assert_int_equal(size, 0);
	assert_int_equal(sync_mode(f->st), 2);
	/* The next ordinary transaction is durable as ever. */
	assert_int_equal(hl_store_begin(f->st), 0);
	assert_int_equal(sync_mode(f->st), 2);
	hl_store_rollback(f->st);
	hl_store_close(other);
	hl_link_free(&l);
}

/* ---- projections ---- */

static void test_rebuild(void **state)
{
	struct fx *f = *state;
	struct hl_link lb, lc;
	const char *q = "SELECT sum(seq * 1000 + time % 1000 + length(precedence) * 7"
			" + length(kind) * 13 + side * 100000 + link * 1000000) FROM message";
	uint64_t count = 0;
	int64_t before;

	TS_SQLITE_ONLY();

	ts_link(f->st, A, B, NULL, true, NOW, &lb);
	ts_link(f->st, A, C, NULL, true, NOW, &lc);
	put_envelopes(f->st, lb.id, HL_OURS, 7);
	put_envelopes(f->st, lb.id, HL_THEIRS, 4);
	put_envelopes(f->st, lc.id, HL_OURS, 2);
	before = ts_sql_int(f->path, q);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM message"), 13);

	ts_sql(f->path, "DELETE FROM message WHERE seq % 2 = 1");
	ts_sql(f->path, "UPDATE message SET kind = 'wrong'");
	ts_sql(f->path, "INSERT INTO message VALUES (9, 0, 1, 0, 'flash', 'stale')");
	assert_int_equal(hl_store_rebuild(f->st, &count), 0);
	assert_int_equal(count, 13);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM message"), 13);
	assert_int_equal(ts_sql_int(f->path, q), before);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM message"
				    " WHERE link = 1 AND side = 0 AND seq = 3"
				    " AND precedence = 'routine' AND kind = 'notify'"), 1);

	ts_sql(f->path, "DELETE FROM message");
	hl_store_close(f->st);
	f->st = ts_open(f->path);
	assert_int_equal(hl_store_rebuild(f->st, &count), 0);
	assert_int_equal(count, 13);
	assert_int_equal(ts_sql_int(f->path, q), before);
	hl_link_free(&lb);
	hl_link_free(&lc);
}

static int count_mismatch(void *ctx, const struct hl_store_mismatch *m)
{
	(void)m;
	(*(unsigned *)ctx)++;
	return 0;
}

/* A shadowed handle rebuilds and compares on one snapshot of the file:
 * what another connection commits in between (hotlined receiving while
 * log verify runs) is no mismatch; a row changed before it is one. */
static void test_shadow_snapshot(void **state)
{
	struct fx *f = *state;
	struct hl_store *sh;
	struct hl_link lb;
	unsigned n = 0;
	uint64_t count = 0;

	TS_SQLITE_ONLY();

	ts_link(f->st, A, B, NULL, true, NOW, &lb);
	put_envelopes(f->st, lb.id, HL_OURS, 3);
	ts_sql(f->path, "UPDATE message SET kind = 'wrong' WHERE side = 0 AND seq = 2");
	sh = ts_open(f->path);
	assert_int_equal(hl_store_shadow(sh), 0);
	assert_int_equal(hl_store_rebuild(sh, &count), 0);
	assert_int_equal(count, 3);
	put_envelopes(f->st, lb.id, HL_THEIRS, 2);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM message"), 5);
	assert_int_equal(hl_store_shadow_diff(sh, count_mismatch, &n), 0);
	assert_int_equal(n, 1);
	hl_store_close(sh);
	hl_link_free(&lb);
}

/* A stored envelope that no longer parses stops the rebuild, which then
 * leaves the projection as it was. */
static void test_rebuild_damaged(void **state)
{
	struct fx *f = *state;
	struct hl_link l;
	uint64_t count = 0;

	TS_SQLITE_ONLY();

	ts_link(f->st, A, B, NULL, true, NOW, &l);
	put_envelopes(f->st, l.id, HL_OURS, 3);
	ts_sql(f->path, "UPDATE envelope SET bytes = x'00' WHERE seq = 2");
	assert_true(hl_store_rebuild(f->st, &count) < 0);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM message"), 3);
	/* The store is usable afterwards: no transaction was left open. */
	assert_int_equal(hl_store_begin(f->st), 0);
	assert_int_equal(hl_store_commit(f->st), 0);
	hl_link_free(&l);
}

/* ---- the clock's records ---- */

/* Pending deadlines come back by due time, whatever their seq order,
 * and only once due. */
static void test_pending(void **state)
{
	struct fx *f = *state;
	struct hl_pending e[4] = {
		{.link = 1, .side = HL_OURS, .seq = 1, .event = "receipt-overdue",
		 .deadline = NOW + 365 * 86400},
		{.link = 1, .side = HL_OURS, .seq = 2, .event = "receipt-overdue", .deadline = NOW},
		{.link = 1, .side = HL_THEIRS, .seq = 3, .event = "ack-overdue", .deadline = NOW - 5},
		{.link = 1, .side = HL_OURS, .seq = 2, .event = "peer-ack-overdue",
		 .deadline = NOW + 10},
	}, got[4];
	size_t n = 0;
	int64_t next = 0;

	assert_int_equal(hl_store_pending_reset(f->st), 0);
	assert_int_equal(hl_store_pending_next(f->st, &next), 0);
	assert_true(next == INT64_MAX);
	for (int i = 0; i < 4; i++)
		assert_int_equal(hl_store_pending_put(f->st, &e[i]), 0);
	assert_int_equal(hl_store_pending_put(f->st, &e[1]), 0);	/* kept once */
	assert_int_equal(hl_store_pending_due(f->st, NOW, 4, got, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].seq, 3);
	assert_string_equal(got[0].event, "ack-overdue");
	assert_int_equal(got[0].deadline, NOW - 5);
	assert_int_equal(got[1].seq, 2);
	assert_int_equal(hl_store_pending_next(f->st, &next), 0);
	assert_int_equal(next, NOW - 5);
	/* Looked at: one again later, one dropped. */
	assert_int_equal(hl_store_pending_set(f->st, &got[0], NOW + 20), 0);
	assert_int_equal(hl_store_pending_set(f->st, &got[1], INT64_MAX), 0);
	assert_int_equal(hl_store_pending_due(f->st, NOW + 15, 4, got, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].seq, 2);
	assert_string_equal(got[0].event, "peer-ack-overdue");
	assert_int_equal(hl_store_pending_due(f->st, NOW + 365 * 86400, 4, got, &n), 0);
	assert_int_equal(n, 3);
	/* A reset (each start of the clock) empties it. */
	assert_int_equal(hl_store_pending_reset(f->st), 0);
	assert_int_equal(hl_store_pending_due(f->st, INT64_MAX - 1, 4, got, &n), 0);
	assert_int_equal(n, 0);
}

/* The last step whose hooks ended is "failing" while it failed. */
static void test_escalation_failing(void **state)
{
	struct fx *f = *state;
	struct hl_escalation e;
	bool done = false;

	assert_int_equal(hl_store_escalation_failing(f->st, &e), -HL_ENOTFOUND);
	assert_int_equal(hl_store_escalation_put(f->st, 1, HL_THEIRS, 4, "ack-overdue", 0,
						 NOW, "skipped"), 0);
	assert_int_equal(hl_store_escalation_put(f->st, 1, HL_THEIRS, 4, "ack-overdue", 1,
						 NOW, "running"), 0);
	assert_int_equal(hl_store_escalated(f->st, 1, HL_THEIRS, 4, "ack-overdue", 1, &done), 0);
	assert_true(done);
	assert_int_equal(hl_store_escalation_failing(f->st, &e), -HL_ENOTFOUND);
	assert_int_equal(hl_store_escalation_done(f->st, 1, HL_THEIRS, 4, "ack-overdue", 1,
						  "failed", "command exit 3"), 0);
	assert_int_equal(hl_store_escalation_failing(f->st, &e), 0);
	assert_int_equal(e.seq, 4);
	assert_int_equal(e.step, 1);
	assert_string_equal(e.event, "ack-overdue");
	assert_string_equal(e.outcome, "command exit 3");
	assert_int_equal(hl_store_escalation_put(f->st, 1, HL_THEIRS, 4, "ack-overdue", 2,
						 NOW + 1, "running"), 0);
	assert_int_equal(hl_store_escalation_done(f->st, 1, HL_THEIRS, 4, "ack-overdue", 2,
						  "ok", "command exit 0"), 0);
	assert_int_equal(hl_store_escalation_failing(f->st, &e), -HL_ENOTFOUND);
	assert_int_equal(hl_store_escalation_done(f->st, 1, HL_THEIRS, 9, "ack-overdue", 0,
						  "ok", ""), -HL_ENOTFOUND);
}

static void test_needs_ack(void **state)
{
	(void)state;
	assert_true(hl_kind_needs_ack("notify", HL_ROUTINE));
	assert_true(hl_kind_needs_ack("request", HL_PRIORITY));
	assert_true(hl_kind_needs_ack("check", HL_IMMEDIATE));
	assert_true(hl_kind_needs_ack("update", HL_FLASH));
	assert_true(hl_kind_needs_ack("update", HL_IMMEDIATE));
	assert_false(hl_kind_needs_ack("update", HL_PRIORITY));
	assert_false(hl_kind_needs_ack("update", HL_ROUTINE));
	assert_true(hl_kind_needs_ack("comm-check", HL_ROUTINE));
	for (int p = HL_FLASH; p <= HL_ROUTINE; p++) {
		assert_false(hl_kind_needs_ack("ack", (enum hl_precedence)p));
		assert_false(hl_kind_needs_ack("answer", (enum hl_precedence)p));
		assert_false(hl_kind_needs_ack("correct", (enum hl_precedence)p));
		assert_false(hl_kind_needs_ack("retract", (enum hl_precedence)p));
		assert_false(hl_kind_needs_ack("close", (enum hl_precedence)p));
		assert_false(hl_kind_needs_ack("check-reply", (enum hl_precedence)p));
	}
}

/* Case numbers: each one given is kept, across a rebuild; a store from
 * before migration 8 starts above the seqs of its own notifies, which
 * named its cases until then (protocol.md 8.10). */
static void test_case_numbers(void **state)
{
	struct fx *f = *state;
	struct hl_link lb, lc;
	uint64_t n = 0, count = 0;

	ts_link(f->st, A, B, NULL, true, NOW, &lb);
	ts_link(f->st, A, C, NULL, true, NOW, &lc);
	assert_int_equal(hl_store_case_number_next(f->st, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hl_store_case_number_take(f->st, 1), 0);
	assert_int_equal(hl_store_case_number_take(f->st, 1), -HL_EDUPLICATE);
	assert_int_equal(hl_store_case_number_take(f->st, 5), 0);
	assert_int_equal(hl_store_case_number_next(f->st, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(hl_store_rebuild(f->st, &count), 0);
	assert_int_equal(hl_store_case_number_next(f->st, &n), 0);
	assert_int_equal(n, 6);

	/* Our notifies at seq 3 and 6 on one link, 3 on the other; the
	 * peer's (3, 6, 9) are not our numbers. */
	if (ts_pg())
		goto out;	/* the rest is a migration from SQLite's schema 7 */
	put_envelopes(f->st, lb.id, HL_OURS, 7);
	put_envelopes(f->st, lc.id, HL_OURS, 4);
	put_envelopes(f->st, lb.id, HL_THEIRS, 9);
	hl_store_close(f->st);
	ts_sql(f->path, "DROP INDEX item_case_no; ALTER TABLE item DROP COLUMN case_no;"
	       " ALTER TABLE item DROP COLUMN op_name; ALTER TABLE item DROP COLUMN op_role;"
	       " DROP TABLE case_number; DROP TABLE operator_user; DROP TABLE operator;"
	       " PRAGMA user_version = 7");
	f->st = ts_open(f->path);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA user_version"), HL_STORE_SCHEMA);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM case_number"), 2);
	assert_int_equal(hl_store_case_number_next(f->st, &n), 0);
	assert_int_equal(n, 7);
out:
	hl_link_free(&lb);
	hl_link_free(&lc);
}

/* One message and its index row, as index.c would put it. */
static void put_item(struct hl_store *st, int64_t link, const struct hl_item *it,
		     const char *prec)
{
	assert_int_equal(hl_store_message_put(st, link, it->side, it->seq, it->time, prec,
					      it->type), 0);
	assert_int_equal(hl_store_item_put(st, link, it), 0);
}

/* Who acknowledged a message: the operator the ack's content names,
 * kept in the index (migration 9), so no envelope is opened. */
static void test_acked_by(void **state)
{
	struct fx *f = *state;
	struct hl_item n1 = {.side = HL_THEIRS, .seq = 1, .time = NOW, .type = "notify",
			     .ref_side = -1, .case_side = HL_THEIRS, .case_seq = 1,
			     .op_name = "ivan", .op_role = "supervisor"};
	struct hl_item n2 = {.side = HL_THEIRS, .seq = 2, .time = NOW + 1, .type = "notify",
			     .ref_side = -1, .case_side = HL_THEIRS, .case_seq = 2};
	struct hl_item ack = {.side = HL_OURS, .seq = 1, .time = NOW + 60, .type = "ack",
			      .ref_side = HL_THEIRS, .ref_seq = 1, .case_side = -1,
			      .op_name = "ana", .op_role = "duty"};
	struct hl_item old = {.side = HL_OURS, .seq = 2, .time = NOW + 61, .type = "ack",
			      .ref_side = HL_THEIRS, .ref_seq = 2, .case_side = -1};
	struct hl_item got;
	struct hl_link lb;

	ts_link(f->st, A, B, NULL, true, NOW, &lb);
	put_item(f->st, lb.id, &n1, "flash");
	put_item(f->st, lb.id, &n2, "routine");
	assert_int_equal(hl_store_acked_by(f->st, lb.id, HL_THEIRS, 1, &got), -HL_ENOTFOUND);
	put_item(f->st, lb.id, &ack, "flash");
	put_item(f->st, lb.id, &old, "routine");
	assert_int_equal(hl_store_acked_by(f->st, lb.id, HL_THEIRS, 1, &got), 0);
	assert_int_equal(got.side, HL_OURS);
	assert_int_equal(got.seq, 1);
	assert_int_equal(got.time, NOW + 60);
	assert_string_equal(got.type, "ack");
	assert_string_equal(got.op_name, "ana");
	assert_string_equal(got.op_role, "duty");
	assert_null(got.fields);
	/* An ack from before operators were named names nobody. */
	assert_int_equal(hl_store_acked_by(f->st, lb.id, HL_THEIRS, 2, &got), 0);
	assert_int_equal(got.seq, 2);
	assert_string_equal(got.op_name, "");
	assert_string_equal(got.op_role, "");
	/* The item keeps the notify's operator too. */
	assert_int_equal(hl_store_item_get(f->st, lb.id, HL_THEIRS, 1, &got), 0);
	assert_string_equal(got.op_name, "ivan");
	assert_string_equal(got.op_role, "supervisor");
	/* A store of schema 9 gets the columns, and its items are read
	 * again (emptied). */
	if (ts_pg()) {
		hl_link_free(&lb);
		return;
	}
	hl_store_close(f->st);
	ts_sql(f->path, "ALTER TABLE item DROP COLUMN op_name; ALTER TABLE item DROP COLUMN op_role;"
	       " PRAGMA user_version = 9");
	f->st = ts_open(f->path);
	assert_int_equal(ts_sql_int(f->path, "PRAGMA user_version"), HL_STORE_SCHEMA);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM item"), 0);
	assert_int_equal(ts_sql_int(f->path, "SELECT count(*) FROM pragma_table_info('item')"
				    " WHERE name IN ('op_name', 'op_role')"), 2);
	hl_link_free(&lb);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_creates_schema),
		T(test_reopen),
		T(test_newer_schema),
		T(test_corrupt_header),
		T(test_random_file),
		T(test_corrupt_pages),
		T(test_links),
		T(test_link_duplicate),
		T(test_link_archive),
		T(test_link_unknown),
		T(test_link_damaged_card),
		T(test_envelopes),
		T(test_foreign_key),
		T(test_long_scan),
		T(test_nodes),
		T(test_layout_migration),
		T(test_checkpoints),
		T(test_evidence),
		T(test_transactions),
		T(test_lazy),
		T(test_rebuild),
		T(test_rebuild_damaged),
		T(test_shadow_snapshot),
		T(test_acked_by),
		T(test_pending),
		T(test_escalation_failing),
		T(test_needs_ack),
		T(test_case_numbers),
	};
#undef T

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("store", tests, group_setup, group_teardown);
}

/* test_auditlog.c - the audit trail's bytes (core/auditlog.c): entries,
 * checkpoints and proofs, against golden vectors that docs/protocol.md
 * quotes ("The audit trail").  HOTLINE_REGEN=1 rewrites the vectors.
 *
 * The vectors: ru-cert's audit log of three entries (keys from seed
 * 0x01, as every vector), its checkpoint, and the proof of entry 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define FILE_MAX (1 << 20)
#include "auditlog.h"
#include "error.h"
#include "golden.h"

static bool regen;

static const char entry1[] =
	"hotline.audit/v1\n"
	"seq 1\n"
	"time 2026-11-22T09:54:00Z\n"
	"operator alice\n"
	"role duty\n"
	"door unix\n"
	"action /v1/send\n"
	"status 200\n"
	"detail {\"precedence\":\"flash\",\"text\":\"R\\u00E9seau \\u00E9lectrique\","
	"\"to\":\"us-cert\"}\n";

static void golden_check(const char *name, const void *p, size_t n)
{
	unsigned char *want;
	size_t len;

	if (regen)
		golden_write(name, p, n);
	want = golden_read(name, &len);
	assert_int_equal(strlen((const char *)p), n);
	assert_string_equal((const char *)want, (const char *)p);
	free(want);
}

/* Entry seq of the vector log, into out. */
static void make_entry(uint64_t seq, struct hl_buf *out)
{
	struct hl_audit_entry e = {.seq = seq, .status = 200};
	json_t *d;

	assert_int_equal(hl_time_parse(CREATED, HL_TIME_LEN, &e.time), 0);
	e.time += (int64_t)(seq - 1) * 60;
	strcpy(e.op, seq == 2 ? "boris" : "alice");
	strcpy(e.role, seq == 2 ? "auditor" : "duty");
	strcpy(e.door, "unix");
	strcpy(e.action, seq == 3 ? "/v1/ack" : "/v1/send");
	if (seq == 2)
		e.status = 403;
	d = seq == 3 ? json_pack("{s:s}", "id", "us-cert/1") :
		       json_pack("{s:s, s:s, s:s}", "to", "us-cert", "precedence", "flash",
				 "text", "R\xc3\xa9seau \xc3\xa9lectrique");
	assert_int_equal(hl_audit_entry_encode(&e, d, out), 0);
	json_decref(d);
}

static void test_entry_vector(void **state)
{
	struct hl_audit_entry e;
	struct hl_buf b;

	(void)state;
	hl_buf_init(&b, HL_AUDIT_ENTRY_MAX);
	make_entry(1, &b);
	assert_int_equal(b.len, strlen(entry1));
	assert_memory_equal(b.data, entry1, b.len);
	golden_check("audit-entry-1.txt", b.data, b.len);
	assert_int_equal(hl_audit_entry_parse(b.data, b.len, &e), 0);
	assert_int_equal(e.seq, 1);
	assert_string_equal(e.op, "alice");
	assert_string_equal(e.action, "/v1/send");
	assert_int_equal(e.status, 200);
	assert_int_equal(e.detail_len, strlen(strstr(entry1, "detail ") + 7) - 1);
	hl_buf_free(&b);
}

/* Each of these is refused by the parser. */
static void test_entry_refused(void **state)
{
	static const struct {
		const char *from, *to;
		int err;
	} bad[] = {
		{"hotline.audit/v1\n", "hotline.audit/v2\n", -HL_ETYPE},
		{"seq 1\n", "seq 01\n", -HL_ENUMBER},
		{"seq 1\n", "seq 0\n", -HL_ENUMBER},
		{"status 200\n", "status 99\n", -HL_ENUMBER},
		{"status 200\n", "status 600\n", -HL_ENUMBER},
		{"role duty\n", "role  \n", -HL_ESYNTAX},
		{"role duty\ndoor unix\n", "door unix\nrole duty\n", -HL_EFIELD},
		{"time 2026-11-22T09:54:00Z", "time 2026-11-22T09:54:00+00:00", -HL_ESYNTAX},
		{"time 2026-11-22T09:54:00Z", "time 2026-11-22T09:54:60Z", -HL_ETIME},
		{"{\"precedence\"", "{ \"precedence\"", -HL_ESYNTAX},
		{"\"to\":\"us-cert\"}", "\"to\":\"us-cert\",\"to\":\"x\"}", -HL_ESYNTAX},
		{"R\\u00E9seau", "R\xc3\xa9seau", -HL_ESYNTAX},
		{"R\\u00E9seau", "R\\u00e9seau", -HL_ESYNTAX},
		{"\"flash\",\"text\"", "\"flash\",\"aaa\":1,\"text\"", -HL_ESYNTAX},
		{"us-cert\"}\n", "us-cert\"}\nx\n", -HL_ETRAILING},
		{"us-cert\"}\n", "us-cert\"}", -HL_ETRUNCATED},
		{"operator alice", "operator al\x01ice", -HL_ECONTROL},
	};
	struct hl_audit_entry e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *at = strstr(entry1, bad[i].from);
		char buf[1024];
		int n;

		assert_non_null(at);
		n = snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - entry1), entry1,
			     bad[i].to, at + strlen(bad[i].from));
		assert_true(n > 0 && (size_t)n < sizeof(buf));
		if (hl_audit_entry_parse((unsigned char *)buf, (size_t)n, &e) != bad[i].err)
			fail_msg("case %zu: %d, want %d", i,
				 hl_audit_entry_parse((unsigned char *)buf, (size_t)n, &e),
				 bad[i].err);
	}
}

static void test_entry_encode_refused(void **state)
{
	struct hl_audit_entry e = {.seq = 1, .status = 200, .time = 0};
	struct hl_buf b;
	json_t *arr = json_array();

	(void)state;
	hl_buf_init(&b, HL_AUDIT_ENTRY_MAX);
	strcpy(e.role, "duty");
	strcpy(e.door, "unix");
	strcpy(e.action, "/v1/send");
	assert_int_equal(hl_audit_entry_encode(&e, NULL, &b), -HL_EFIELD);	/* no operator */
	strcpy(e.op, "a\nb");
	assert_int_equal(hl_audit_entry_encode(&e, NULL, &b), -HL_EFIELD);
	strcpy(e.op, "alice");
	assert_int_equal(hl_audit_entry_encode(&e, arr, &b), -HL_EFIELD);
	e.status = 42;
	assert_int_equal(hl_audit_entry_encode(&e, NULL, &b), -HL_EFIELD);
	e.status = 200;
	assert_int_equal(hl_audit_entry_encode(&e, NULL, &b), 0);
	assert_non_null(strstr((char *)b.data, "\ndetail {}\n"));
	json_decref(arr);
	hl_buf_free(&b);
}

/* A detail past HL_AUDIT_DETAIL_MAX is kept as its digest. */
static void test_entry_long_detail(void **state)
{
	struct hl_audit_entry e = {.seq = 9, .status = 200}, back;
	char *text = malloc(10000);
	struct hl_buf b;
	json_t *d;

	(void)state;
	assert_non_null(text);
	memset(text, 'x', 9999);
	text[9999] = 0;
	strcpy(e.op, "alice");
	strcpy(e.role, "duty");
	strcpy(e.door, "unix");
	strcpy(e.action, "/v1/send");
	d = json_pack("{s:s}", "text", text);
	hl_buf_init(&b, HL_AUDIT_ENTRY_MAX);
	assert_int_equal(hl_audit_entry_encode(&e, d, &b), 0);
	assert_true(b.len < 512);
	assert_non_null(strstr((char *)b.data, "\"size\":10010,\"truncated\":true}\n"));
	assert_int_equal(hl_audit_entry_parse(b.data, b.len, &back), 0);
	json_decref(d);
	free(text);
	hl_buf_free(&b);
}

struct vlog {
	struct hl_buf e[3];
	hl_hash leaf[3];
	struct hl_buf cp;
};

static int vnode(void *ctx, unsigned level, uint64_t index, hl_hash out)
{
	struct vlog *v = ctx;

	if (level == 0 && index < 3) {
		memcpy(out, v->leaf[index], HL_HASH_LEN);
		return 0;
	}
	if (level == 1 && index == 0) {
		hl_merkle_interior(v->leaf[0], v->leaf[1], out);
		return 0;
	}
	return -HL_ENOTFOUND;
}

static void vlog_make(struct vlog *v)
{
	struct hl_merkle_src src = {vnode, v};
	char origin[HL_ORIGIN_MAX + 1];
	hl_hash root;

	derive(&ru);
	for (int i = 0; i < 3; i++) {
		hl_buf_init(&v->e[i], HL_AUDIT_ENTRY_MAX);
		make_entry((uint64_t)i + 1, &v->e[i]);
		hl_merkle_leaf(v->e[i].data, v->e[i].len, v->leaf[i]);
	}
	assert_int_equal(hl_merkle_root(&src, 3, root), 0);
	hl_audit_origin("ru-cert", origin);
	assert_string_equal(origin, "hotline.audit/v1/ru-cert");
	hl_buf_init(&v->cp, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_audit_checkpoint_sign(origin, 3, root, ru.sign_sk, &v->cp), 0);
}

static void vlog_free(struct vlog *v)
{
	for (int i = 0; i < 3; i++)
		hl_buf_free(&v->e[i]);
	hl_buf_free(&v->cp);
}

static void test_checkpoint_vector(void **state)
{
	struct hl_checkpoint cp;
	struct vlog v;

	(void)state;
	vlog_make(&v);
	golden_check("audit.checkpoint", v.cp.data, v.cp.len);
	assert_int_equal(hl_audit_checkpoint_open(v.cp.data, v.cp.len, "ru-cert",
						  ru.card.sign_pk, &cp), 0);
	assert_int_equal(cp.size, 3);
	/* Another party's name, or another key, does not open it. */
	derive(&us);
	assert_int_equal(hl_audit_checkpoint_open(v.cp.data, v.cp.len, "us-cert",
						  ru.card.sign_pk, &cp), -HL_ETYPE);
	assert_int_equal(hl_audit_checkpoint_open(v.cp.data, v.cp.len, "ru-cert",
						  us.card.sign_pk, &cp), -HL_ENOSIG);
	/* Nor does a transcript log's checkpoint signer accept its origin. */
	vlog_free(&v);
}

static void test_proof_vector(void **state)
{
	struct hl_merkle_src src;
	hl_hash path[HL_MERKLE_PROOF_MAX];
	struct hl_audit_proof *p = malloc(sizeof(*p));
	struct hl_audit_entry e;
	struct hl_checkpoint cp;
	struct hl_buf out;
	struct vlog v;
	size_t np;

	(void)state;
	assert_non_null(p);
	vlog_make(&v);
	src = (struct hl_merkle_src){vnode, &v};
	assert_int_equal(hl_merkle_inclusion(&src, 1, 3, path, &np), 0);
	hl_buf_init(&out, HL_AUDIT_PROOF_MAX);
	assert_int_equal(hl_audit_proof_encode(&out, v.e[1].data, v.e[1].len, 1,
					       (const hl_hash *)path, np, v.cp.data,
					       v.cp.len), 0);
	golden_check("audit-2.proof", out.data, out.len);
	assert_int_equal(hl_audit_proof_parse(out.data, out.len, p), 0);
	assert_int_equal(hl_audit_proof_verify(p, "ru-cert", ru.card.sign_pk, &e, &cp), 0);
	assert_int_equal(e.seq, 2);
	assert_string_equal(e.op, "boris");
	assert_int_equal(e.status, 403);
	/* Every single byte changed makes it fail, to parse or to hold. */
	for (size_t i = 0; i < out.len; i++) {
		unsigned char *c = malloc(out.len);
		int r;

		assert_non_null(c);
		memcpy(c, out.data, out.len);
		c[i] ^= 0x01;
		r = hl_audit_proof_parse(c, out.len, p);
		if (r == 0)
			r = hl_audit_proof_verify(p, "ru-cert", ru.card.sign_pk, &e, &cp);
		if (r == 0)
			fail_msg("the proof holds with byte %zu changed", i);
		free(c);
	}
	hl_buf_free(&out);
	vlog_free(&v);
	free(p);
}

static void test_doc_quotes_vectors(void **state)
{
	static const char *const files[] = {"audit-entry-1.txt", "audit.checkpoint",
					    "audit-2.proof"};
	const char *src = getenv("HOTLINE_SRC");
	char path[4096];
	unsigned char *doc, *f;
	size_t dn, n;

	(void)state;
	if (regen)
		skip();
	snprintf(path, sizeof(path), "%s%sdocs/protocol.md",
		 src && *src ? src : "", src && *src ? "/" : "");
	doc = read_path(path, &dn);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		f = golden_read(files[i], &n);
		if (!memmem(doc, dn, f, n))
			fail_msg("docs/protocol.md does not quote %s as it is now", files[i]);
		free(f);
	}
	free(doc);
}

int main(void)
{
	const char *r = getenv("HOTLINE_REGEN");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_vector),
		cmocka_unit_test(test_entry_refused),
		cmocka_unit_test(test_entry_encode_refused),
		cmocka_unit_test(test_entry_long_detail),
		cmocka_unit_test(test_checkpoint_vector),
		cmocka_unit_test(test_proof_vector),
		cmocka_unit_test(test_doc_quotes_vectors),
	};

	if (sodium_init() < 0)
		return 1;
	regen = r && *r && strcmp(r, "0") != 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

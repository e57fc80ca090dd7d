/* golden.h - reading and writing the golden files of the vector tests.
 *
 * Golden files live in tests/golden/, found from $HOTLINE_SRC or the
 * current directory.  The parties that sign them are here too.  Included by the test files that use them, which
 * define FILE_MAX (the largest golden file they read) first.
 */
#ifndef HL_TEST_GOLDEN_H
#define HL_TEST_GOLDEN_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "card.h"
#include "text.h"

/* The two parties of every vector: keys from constant seed bytes, test
 * keys only; derive() fills their cards. */
#define CREATED "2026-11-22T09:54:00Z"

struct party {
	const char *name;
	unsigned char sign_seed, box_seed, tls_byte;
	const char *endpoint;
	unsigned char sign_sk[HL_ED25519_SK_LEN];
	unsigned char box_sk[32];
	struct hl_card card;
};

static struct party ru = {
	.name = "ru-cert", .sign_seed = 0x01, .box_seed = 0x11, .tls_byte = 0x21,
	.endpoint = "https://127.0.0.1:7441",
};
static struct party us = {
	.name = "us-cert", .sign_seed = 0x02, .box_seed = 0x12, .tls_byte = 0x22,
	.endpoint = "https://127.0.0.1:7442",
};

static void derive(struct party *p)
{
	unsigned char seed[32];
	struct hl_card *c = &p->card;

	memset(c, 0, sizeof(*c));
	memcpy(c->name, p->name, strlen(p->name) + 1);
	memset(seed, p->sign_seed, sizeof(seed));
	assert_int_equal(crypto_sign_seed_keypair(c->sign_pk, p->sign_sk, seed), 0);
	memset(seed, p->box_seed, sizeof(seed));
	assert_int_equal(crypto_box_seed_keypair(c->box_pk, p->box_sk, seed), 0);
	memset(c->tls_pin, p->tls_byte, sizeof(c->tls_pin));
	memcpy(c->endpoint, p->endpoint, strlen(p->endpoint) + 1);
	assert_int_equal(hl_time_parse(CREATED, HL_TIME_LEN, &c->created), 0);
}


static void golden_path(const char *name, char *out, size_t cap)
{
	const char *src = getenv("HOTLINE_SRC");
	int n;

	if (src && *src)
		n = snprintf(out, cap, "%s/tests/golden/%s", src, name);
	else
		n = snprintf(out, cap, "tests/golden/%s", name);
	assert_true(n > 0 && (size_t)n < cap);
}

/* Reads a file whole; the caller frees.  NUL-terminated past len. */
static unsigned char *read_path(const char *path, size_t *len)
{
	struct hl_buf b;
	unsigned char chunk[4096];
	FILE *f;
	size_t n;

	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: %s (run from the source tree or set HOTLINE_SRC)",
			 path, strerror(errno));
	hl_buf_init(&b, FILE_MAX);
	for (;;) {
		n = fread(chunk, 1, sizeof(chunk), f);
		if (n == 0)
			break;
		assert_int_equal(hl_buf_append(&b, chunk, n), 0);
	}
	assert_false(ferror(f));
	fclose(f);
	if (!b.data)
		assert_int_equal(hl_buf_append(&b, "", 0), 0);
	return hl_buf_steal(&b, len);
}

static unsigned char *golden_read(const char *name, size_t *len)
{
	char path[4096];

	golden_path(name, path, sizeof(path));
	return read_path(path, len);
}

/* Writes a golden file through a temporary name. */
static void golden_write(const char *name, const void *p, size_t n)
{
	char path[4096], tmp[4200];
	FILE *f;

	golden_path(name, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
		fail_msg("%s: %s", tmp, strerror(errno));
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
	print_message("# wrote %s\n", path);
}

#endif

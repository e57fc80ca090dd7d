/* checkpoint.c - tlog-checkpoints and tlog-cosignatures. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "checkpoint.h"
#include "error.h"

#define COSIG_RAW (4 + 8 + HL_ED25519_SIG_LEN)

void hl_log_origin(const unsigned char link[32], const char *sender,
		   char out[HL_ORIGIN_MAX + 1])
{
	char hex[65];

	sodium_bin2hex(hex, sizeof(hex), link, 32);
	snprintf(out, HL_ORIGIN_MAX + 1, HL_ORIGIN_PREFIX "%s/%s", hex, sender);
}

/* The origin: our prefix, 64 lowercase hex digits, '/', a party name. */
static bool log_origin_valid(const char *s, size_t n)
{
	size_t p = sizeof(HL_ORIGIN_PREFIX) - 1;

	if (n <= p + 65 || n > HL_ORIGIN_MAX || memcmp(s, HL_ORIGIN_PREFIX, p) != 0)
		return false;
	for (size_t i = p; i < p + 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[p + 64] == '/' && hl_name_valid(s + p + 65, n - p - 65);
}

int hl_checkpoint_sign_for(hl_origin_check *valid, const char *origin, uint64_t size,
			   const hl_hash root, const unsigned char sk[HL_ED25519_SK_LEN],
			   struct hl_buf *out)
{
	struct hl_buf text;
	int r;

	/* Sign only what hl_checkpoint_parse_for would read back. */
	if (strlen(origin) > HL_ORIGIN_MAX || !valid(origin, strlen(origin)))
		return -HL_ETYPE;
	if (size > INT64_MAX)
		return -HL_ENUMBER;
	hl_buf_init(&text, HL_CHECKPOINT_MAX);
	r = hl_buf_printf(&text, "%s\n%llu\n", origin, (unsigned long long)size);
	if (r == 0)
		r = hl_buf_b64(&text, root, HL_HASH_LEN);
	if (r == 0)
		r = hl_buf_puts(&text, "\n");
	if (r == 0)
		r = hl_note_sign_text(out, text.data, text.len, origin, sk);
	hl_buf_free(&text);
	return r;
}

int hl_checkpoint_sign(const char *origin, uint64_t size, const hl_hash root,
		       const unsigned char sk[HL_ED25519_SK_LEN], struct hl_buf *out)
{
	return hl_checkpoint_sign_for(log_origin_valid, origin, size, root, sk, out);
}

static int parse_size(const char *s, size_t n, uint64_t *size)
{
	/* tlog-checkpoint: no leading zeroes, but "0" for the empty tree. */
	if (n == 1 && s[0] == '0') {
		*size = 0;
		return 0;
	}
	return hl_parse_u64(s, n, INT64_MAX, size);
}

int hl_checkpoint_parse_for(hl_origin_check *valid, const unsigned char *buf, size_t n,
			    struct hl_checkpoint *cp)
{
	struct hl_lines l;
	const char *line;
	size_t len;
	int r;

	memset(cp, 0, sizeof(*cp));
	if (n > HL_CHECKPOINT_MAX)
		return -HL_ETOOBIG;
	r = hl_note_parse(buf, n, &cp->note);
	if (r < 0)
		return r;
	hl_lines_init(&l, cp->note.text, cp->note.text_len);
	if (!hl_lines_next(&l, &line, &len))
		return -HL_ETRUNCATED;
	if (len > HL_ORIGIN_MAX || !valid(line, len))
		return -HL_ETYPE;
	memcpy(cp->origin, line, len);
	cp->origin[len] = 0;
	if (!hl_lines_next(&l, &line, &len))
		return -HL_ETRUNCATED;
	r = parse_size(line, len, &cp->size);
	if (r < 0)
		return r;
	if (!hl_lines_next(&l, &line, &len))
		return -HL_ETRUNCATED;
	r = hl_b64_exact(line, len, cp->root, HL_HASH_LEN);
	if (r < 0)
		return r;
	return l.p == l.end ? 0 : -HL_EFIELD;
}

int hl_checkpoint_parse(const unsigned char *buf, size_t n, struct hl_checkpoint *cp)
{
	return hl_checkpoint_parse_for(log_origin_valid, buf, n, cp);
}

int hl_checkpoint_verify(const struct hl_checkpoint *cp,
			 const unsigned char pk[HL_ED25519_PK_LEN])
{
	return hl_note_verify(&cp->note, cp->origin, pk);
}

/* "cosignature/v1\ntime <t>\n" followed by the checkpoint text. */
static int cosig_message(const struct hl_checkpoint *cp, uint64_t time,
			 struct hl_buf *msg)
{
	int r = hl_buf_printf(msg, "cosignature/v1\ntime %llu\n",
			      (unsigned long long)time);

	return r < 0 ? r : hl_buf_append(msg, cp->note.text, cp->note.text_len);
}

int hl_cosig_sign(const struct hl_checkpoint *cp, const char *name,
		  const unsigned char sk[HL_ED25519_SK_LEN], uint64_t time,
		  struct hl_buf *line)
{
	unsigned char raw[COSIG_RAW];
	uint32_t id = hl_note_keyid(name, HL_SIGTYPE_COSIG, sk + 32, HL_ED25519_PK_LEN);
	struct hl_buf msg;
	int r;

	if (time > (uint64_t)HL_TIME_MAX)
		return -HL_ETIME;
	if (!hl_note_keyname_valid(name, strlen(name)))
		return -HL_ENAME;
	hl_buf_init(&msg, HL_CHECKPOINT_MAX + 64);
	r = cosig_message(cp, time, &msg);
	if (r < 0)
		goto out;
	for (int i = 0; i < 4; i++)
		raw[i] = (unsigned char)(id >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		raw[4 + i] = (unsigned char)(time >> (56 - 8 * i));
	r = -HL_ECRYPTO;
	if (crypto_sign_detached(raw + 12, NULL, msg.data, msg.len, sk) != 0)
		goto out;
	r = hl_buf_printf(line, "\xe2\x80\x94 %s ", name);
	if (r == 0)
		r = hl_buf_b64(line, raw, sizeof(raw));
	if (r == 0)
		r = hl_buf_puts(line, "\n");
out:
	hl_buf_free(&msg);
	return r;
}

int hl_cosig_verify(const struct hl_checkpoint *cp, const char *name,
		    const unsigned char pk[HL_ED25519_PK_LEN], uint64_t *time)
{
	uint32_t id = hl_note_keyid(name, HL_SIGTYPE_COSIG, pk, HL_ED25519_PK_LEN);
	const struct hl_note_sig *sig = hl_note_find(&cp->note, name, id);
	unsigned char raw[COSIG_RAW];
	struct hl_buf msg;
	uint64_t t = 0;
	int r;

	if (!sig)
		return -HL_ENOSIG;
	if (hl_note_sig_decode(sig, raw, sizeof(raw)) < 0)
		return -HL_EBADSIG;
	for (int i = 0; i < 8; i++)
		t = t << 8 | raw[4 + i];
	/* Signed or not, a time past 9999 is no time we can show (1.5). */
	if (t > (uint64_t)HL_TIME_MAX)
		return -HL_ETIME;
	hl_buf_init(&msg, HL_CHECKPOINT_MAX + 64);
	r = cosig_message(cp, t, &msg);
	if (r == 0 && crypto_sign_verify_detached(raw + 12, msg.data, msg.len, pk) != 0)
		r = -HL_EBADSIG;
	hl_buf_free(&msg);
	if (r == 0 && time)
		*time = t;
	return r;
}

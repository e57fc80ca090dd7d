/* note.c - C2SP signed-note codec with Ed25519 signatures. */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "hash.h"
#include "note.h"
#include "text.h"

#define EM_DASH "\xe2\x80\x94"
#define SIG_PREFIX EM_DASH " "
#define SIG_PREFIX_LEN 4
#define SIG_RAW_MAX ((HL_NOTE_SIG_B64_MAX / 4) * 3)
#define COSIG_PREFIX "cosignature/v1\n"

/* The Unicode space characters (White_Space=yes, excluding controls,
 * which the text check rejects anyway), as UTF-8. */
static bool unicode_space_at(const char *s, size_t n, size_t i)
{
	static const char *const spaces[] = {
		" ", "\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\xa8",
		"\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80",
	};
	const unsigned char *u = (const unsigned char *)s + i;

	/* U+2000..U+200A */
	if (n - i >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] <= 0x8a)
		return true;
	for (size_t k = 0; k < sizeof(spaces) / sizeof(spaces[0]); k++) {
		size_t l = strlen(spaces[k]);

		if (n - i >= l && memcmp(u, spaces[k], l) == 0)
			return true;
	}
	return false;
}

bool hl_note_keyname_valid(const char *s, size_t n)
{
	if (n == 0 || n > HL_KEYNAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '+' || unicode_space_at(s, n, i))
			return false;
	return true;
}

int hl_note_sig_parse(const char *line, size_t len, struct hl_note_sig *sig)
{
	unsigned char raw[SIG_RAW_MAX];
	const char *end = NULL;
	size_t nlen, got = 0;
	const char *b64;
	size_t blen;

	if (len < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
		return -HL_ESYNTAX;
	line += SIG_PREFIX_LEN;
	len -= SIG_PREFIX_LEN;
	if (!hl_split(line, len, &nlen, &b64, &blen) || !hl_note_keyname_valid(line, nlen))
		return -HL_ESYNTAX;
	if (blen > HL_NOTE_SIG_B64_MAX)
		return -HL_ETOOBIG;
	if (!hl_b64_alphabet(b64, blen))
		return -HL_EBASE64;
	if (sodium_base642bin(raw, sizeof(raw), b64, blen, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != b64 + blen || got < 5 ||
	    blen != sodium_base64_ENCODED_LEN(got, sodium_base64_VARIANT_ORIGINAL) - 1)
		return -HL_EBASE64;
	sig->name = line;
	sig->name_len = nlen;
	sig->keyid = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
		     (uint32_t)raw[2] << 8 | raw[3];
	sig->b64 = b64;
	sig->b64_len = blen;
	return 0;
}

static bool same_sig(const struct hl_note_sig *a, const struct hl_note_sig *b)
{
	return a->name_len == b->name_len && a->keyid == b->keyid &&
	       memcmp(a->name, b->name, a->name_len) == 0;
}

int hl_note_text_check(const unsigned char *text, size_t n)
{
	if (n == 0 || text[n - 1] != '\n')
		return -HL_ETRUNCATED;
	if (n > HL_NOTE_MAX)
		return -HL_ETOOBIG;
	return hl_text_check(text, n);
}

int hl_note_parse(const unsigned char *buf, size_t n, struct hl_note *note)
{
	struct hl_lines lines;
	const char *line;
	size_t len, split;
	int r;

	memset(note, 0, sizeof(*note));
	if (n > HL_NOTE_MAX)
		return -HL_ETOOBIG;
	r = hl_text_check(buf, n);
	if (r < 0)
		return r;
	if (n == 0 || buf[n - 1] != '\n')
		return -HL_ETRUNCATED;
	/* The text ends at the last blank line (C2SP signed-note). */
	for (split = n - 1; split > 0; split--)
		if (buf[split] == '\n' && buf[split - 1] == '\n')
			break;
	if (split == 0)
		return -HL_ETRUNCATED;
	note->text = buf;
	note->text_len = split;
	hl_lines_init(&lines, buf + split + 1, n - split - 1);
	while (hl_lines_next(&lines, &line, &len)) {
		struct hl_note_sig *sig;

		if (note->nsigs == HL_NOTE_SIGS_MAX)
			return -HL_ETOOBIG;
		sig = &note->sigs[note->nsigs];
		r = hl_note_sig_parse(line, len, sig);
		if (r < 0)
			return r;
		for (size_t i = 0; i < note->nsigs; i++)
			if (same_sig(&note->sigs[i], sig))
				return -HL_EDUPLICATE;
		note->nsigs++;
	}
	return note->nsigs ? 0 : -HL_ENOSIG;
}

uint32_t hl_note_keyid(const char *name, uint8_t type,
		       const unsigned char *pk, size_t pklen)
{
	unsigned char h[HL_SHA256_LEN];
	const struct hl_part parts[] = {
		{name, strlen(name)}, {"\n", 1}, {&type, 1}, {pk, pklen},
	};

	hl_sha256v(parts, 4, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	       (uint32_t)h[2] << 8 | h[3];
}

int hl_note_sign(struct hl_buf *out, const unsigned char *text, size_t n,
		 const char *name, const unsigned char sk[HL_ED25519_SK_LEN])
{
	unsigned char raw[4 + HL_ED25519_SIG_LEN];
	uint32_t id;
	int r;

	r = hl_note_text_check(text, n);
	if (r < 0)
		return r;
	if (!hl_note_keyname_valid(name, strlen(name)))
		return -HL_ENAME;
	/* One identity key makes note signatures and C2SP cosignatures, whose
	 * message starts with this line: never sign a note that does. */
	if (n >= sizeof(COSIG_PREFIX) - 1 && memcmp(text, COSIG_PREFIX, sizeof(COSIG_PREFIX) - 1) == 0)
		return -HL_ETYPE;
	/* The public key is the second half of libsodium's secret key. */
	id = hl_note_keyid(name, HL_SIGTYPE_ED25519, sk + 32, HL_ED25519_PK_LEN);
	raw[0] = id >> 24;
	raw[1] = id >> 16;
	raw[2] = id >> 8;
	raw[3] = id;
	if (crypto_sign_detached(raw + 4, NULL, text, n, sk) != 0)
		return -HL_ECRYPTO;
	r = hl_buf_printf(out, SIG_PREFIX "%s ", name);
	if (r == 0)
		r = hl_buf_b64(out, raw, sizeof(raw));
	if (r == 0)
		r = hl_buf_append(out, "\n", 1);
	return r;
}

int hl_note_sign_text(struct hl_buf *out, const unsigned char *text,
		      size_t n, const char *name,
		      const unsigned char sk[HL_ED25519_SK_LEN])
{
	int r = hl_note_text_check(text, n);

	/* Check everything before writing, so a failure leaves out as it was. */
	if (r == 0 && !hl_note_keyname_valid(name, strlen(name)))
		r = -HL_ENAME;
	if (r == 0 && n >= sizeof(COSIG_PREFIX) - 1 &&
	    memcmp(text, COSIG_PREFIX, sizeof(COSIG_PREFIX) - 1) == 0)
		r = -HL_ETYPE;
	if (r == 0)
		r = hl_buf_append(out, text, n);
	if (r == 0)
		r = hl_buf_append(out, "\n", 1);
	if (r == 0)
		r = hl_note_sign(out, text, n, name, sk);
	return r;
}

const struct hl_note_sig *hl_note_find(const struct hl_note *note,
				       const char *name, uint32_t keyid)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i < note->nsigs; i++) {
		const struct hl_note_sig *sig = &note->sigs[i];

		if (sig->keyid == keyid && sig->name_len == nlen &&
		    memcmp(sig->name, name, nlen) == 0)
			return sig;
	}
	return NULL;
}

int hl_note_sig_decode(const struct hl_note_sig *sig, unsigned char *raw,
		       size_t len)
{
	return hl_b64_exact(sig->b64, sig->b64_len, raw, len);
}

static int verify_one(const struct hl_note *note, const struct hl_note_sig *sig,
		      const unsigned char pk[HL_ED25519_PK_LEN])
{
	unsigned char raw[4 + HL_ED25519_SIG_LEN];

	if (hl_b64_exact(sig->b64, sig->b64_len, raw, sizeof(raw)) < 0)
		return -HL_EBADSIG;
	if (crypto_sign_verify_detached(raw + 4, note->text, note->text_len, pk) != 0)
		return -HL_EBADSIG;
	return 0;
}

int hl_note_verify(const struct hl_note *note, const char *name,
		   const unsigned char pk[HL_ED25519_PK_LEN])
{
	uint32_t id = hl_note_keyid(name, HL_SIGTYPE_ED25519, pk, HL_ED25519_PK_LEN);
	size_t nlen = strlen(name);
	int found = 0;

	for (size_t i = 0; i < note->nsigs; i++) {
		const struct hl_note_sig *sig = &note->sigs[i];
		int r;

		if (sig->keyid != id || sig->name_len != nlen ||
		    memcmp(sig->name, name, nlen) != 0)
			continue;
		r = verify_one(note, sig, pk);
		if (r < 0)
			return r;
		found = 1;
	}
	return found ? 0 : -HL_ENOSIG;
}

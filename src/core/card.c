/* card.c - encode, parse and fingerprint party cards. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "card.h"
#include "error.h"
#include "hash.h"

#define FINGERPRINT_ROUNDS 5200	/* slows a search for a look-alike key */
#define MEMO_SLOTS 64		/* cards this process parsed and verified */

/* The daemon reads the same few cards from its store on every send and
 * every courier round; each parse would check the signature again.  The
 * memo keeps the cards whose exact bytes (by their BLAKE2b digest) were
 * parsed and verified, so the same bytes give the same card at once. */
static struct {
	pthread_mutex_t lock;
	unsigned next;
	bool used[MEMO_SLOTS];
	unsigned char key[MEMO_SLOTS][crypto_generichash_BYTES];
	struct hl_card card[MEMO_SLOTS];
} memo = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool memo_get(const unsigned char key[crypto_generichash_BYTES], struct hl_card *card)
{
	bool hit = false;

	pthread_mutex_lock(&memo.lock);
	for (unsigned i = 0; i < MEMO_SLOTS && !hit; i++)
		if (memo.used[i] && sodium_memcmp(memo.key[i], key, sizeof(memo.key[i])) == 0) {
			*card = memo.card[i];
			hit = true;
		}
	pthread_mutex_unlock(&memo.lock);
	return hit;
}

static void memo_put(const unsigned char key[crypto_generichash_BYTES],
		     const struct hl_card *card)
{
	pthread_mutex_lock(&memo.lock);
	memcpy(memo.key[memo.next], key, sizeof(memo.key[0]));
	memo.card[memo.next] = *card;
	memo.used[memo.next] = true;
	memo.next = (memo.next + 1) % MEMO_SLOTS;
	pthread_mutex_unlock(&memo.lock);
}

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* https://HOST[:PORT][/PATH]: HOST a DNS name, IPv4 address or [IPv6]. */
int hl_endpoint_check(const char *url)
{
	size_t n = strlen(url), i = 8, h;

	if (n == 0)
		return 0;
	if (n > HL_ENDPOINT_MAX || n <= 8 || strncmp(url, "https://", 8) != 0)
		return -HL_ECONFIG;
	if (url[i] == '[') {
		while (i < n && url[i] != ']')
			if (!strchr("[0123456789abcdefABCDEF:.", url[i++]))
				return -HL_ECONFIG;
		if (i == n || i < 11)
			return -HL_ECONFIG;
		i++;
	} else {
		for (h = i; i < n && host_char(url[i]); i++)
			;
		if (i == h)
			return -HL_ECONFIG;
	}
	if (url[i] == ':') {
		uint64_t port;

		for (h = ++i; i < n && url[i] >= '0' && url[i] <= '9'; i++)
			;
		if (hl_parse_u64(url + h, i - h, 65535, &port) < 0 || port == 0)
			return -HL_ECONFIG;
	}
	if (i < n && url[i] != '/')
		return -HL_ECONFIG;
	for (; i < n; i++)
		if (url[i] <= 0x20 || url[i] >= 0x7f)
			return -HL_ECONFIG;
	return 0;
}

int hl_card_encode(const struct hl_card *card,
		   const unsigned char sk[HL_ED25519_SK_LEN], struct hl_buf *out)
{
	struct hl_buf text;
	char when[HL_TIME_LEN + 1];
	int r;

	if (!hl_name_valid(card->name, strlen(card->name)))
		return -HL_ENAME;
	if (hl_endpoint_check(card->endpoint) < 0)
		return -HL_ECONFIG;
	if (!hl_time_valid(card->created))
		return -HL_ETIME;
	if (sodium_memcmp(sk + 32, card->sign_pk, HL_ED25519_PK_LEN) != 0)
		return -HL_EKEYFILE;
	hl_time_format(card->created, when);
	hl_buf_init(&text, HL_CARD_MAX);
	r = hl_buf_printf(&text, HL_CARD_TYPE "\nname %s\nsign ", card->name);
	if (r == 0)
		r = hl_buf_b64(&text, card->sign_pk, sizeof(card->sign_pk));
	if (r == 0)
		r = hl_buf_puts(&text, "\nbox ");
	if (r == 0)
		r = hl_buf_b64(&text, card->box_pk, sizeof(card->box_pk));
	if (r == 0)
		r = hl_buf_puts(&text, "\ntls ");
	if (r == 0)
		r = hl_buf_b64(&text, card->tls_pin, sizeof(card->tls_pin));
	if (r == 0)
		r = hl_buf_printf(&text, "\nendpoint %s\ncreated %s\n",
				  card->endpoint[0] ? card->endpoint : "none", when);
	if (r == 0)
		r = hl_note_sign_text(out, text.data, text.len, card->name, sk);
	hl_buf_free(&text);
	return r;
}

/* Reads the next line, which must be "<key> <value>". */
static int next_field(struct hl_lines *l, const char *key,
		      const char **val, size_t *vlen)
{
	const char *line;
	size_t len;

	if (!hl_lines_next(l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_field(line, len, key, val, vlen))
		return -HL_EFIELD;
	return 0;
}

static int copy_str(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -HL_ETOOBIG;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

static int field_b64(struct hl_lines *l, const char *key,
		     unsigned char *out, size_t len)
{
	const char *v;
	size_t n;
	int r = next_field(l, key, &v, &n);

	return r < 0 ? r : hl_b64_exact(v, n, out, len);
}

static int field_endpoint(struct hl_lines *l, struct hl_card *card)
{
	const char *v;
	size_t n;
	int r = next_field(l, "endpoint", &v, &n);

	if (r < 0)
		return r;
	if (n == 4 && memcmp(v, "none", 4) == 0)
		return 0;
	if (copy_str(card->endpoint, sizeof(card->endpoint), v, n) < 0 ||
	    hl_endpoint_check(card->endpoint) < 0 || !card->endpoint[0])
		return -HL_ESYNTAX;
	return 0;
}

static int parse_text(struct hl_lines *l, struct hl_card *card)
{
	const char *v, *line;
	size_t n;
	int r;

	if (!hl_lines_next(l, &line, &n))
		return -HL_ETRUNCATED;
	if (!hl_line_is(line, n, HL_CARD_TYPE))
		return -HL_ETYPE;
	r = next_field(l, "name", &v, &n);
	if (r < 0)
		return r;
	if (!hl_name_valid(v, n))
		return -HL_ENAME;
	copy_str(card->name, sizeof(card->name), v, n);
	r = field_b64(l, "sign", card->sign_pk, sizeof(card->sign_pk));
	if (r == 0)
		r = field_b64(l, "box", card->box_pk, sizeof(card->box_pk));
	if (r == 0)
		r = field_b64(l, "tls", card->tls_pin, sizeof(card->tls_pin));
	if (r == 0)
		r = field_endpoint(l, card);
	if (r == 0)
		r = next_field(l, "created", &v, &n);
	if (r == 0)
		r = hl_time_parse(v, n, &card->created);
	if (r == 0 && l->p != l->end)
		r = -HL_EFIELD;
	return r;
}

static bool sig_by(const struct hl_note_sig *sig, const char *name, uint32_t keyid)
{
	size_t n = strlen(name);

	return sig->keyid == keyid && sig->name_len == n && memcmp(sig->name, name, n) == 0;
}

/* Its own signature first; at most one more, under the same name: the
 * endorsement by the key it replaces (3.5).  A card has one byte form
 * with and one without that line, never another order or a third line. */
static int check_sig_lines(const struct hl_note *note, const struct hl_card *card)
{
	uint32_t self = hl_note_keyid(card->name, HL_SIGTYPE_ED25519, card->sign_pk,
				      HL_ED25519_PK_LEN);
	unsigned char raw[4 + HL_ED25519_SIG_LEN];

	if (note->nsigs > 2)
		return -HL_EDUPLICATE;
	if (!sig_by(&note->sigs[0], card->name, self))
		return note->nsigs == 2 && sig_by(&note->sigs[1], card->name, self) ?
		       -HL_EFIELD : -HL_ENOSIG;
	if (note->nsigs == 1)
		return 0;
	if (note->sigs[1].name_len != strlen(card->name) ||
	    memcmp(note->sigs[1].name, card->name, note->sigs[1].name_len) != 0)
		return -HL_ENOSIG;
	return hl_note_sig_decode(&note->sigs[1], raw, sizeof(raw));
}

int hl_card_parse(const unsigned char *buf, size_t n, struct hl_card *card)
{
	unsigned char key[crypto_generichash_BYTES];
	struct hl_note note;
	struct hl_lines l;
	int r;

	memset(card, 0, sizeof(*card));
	if (n > HL_CARD_MAX)
		return -HL_ETOOBIG;
	crypto_generichash(key, sizeof(key), buf, n, NULL, 0);
	if (memo_get(key, card))
		return 0;
	r = hl_note_parse(buf, n, &note);
	if (r < 0)
		return r;
	hl_lines_init(&l, note.text, note.text_len);
	r = parse_text(&l, card);
	if (r == 0)
		r = check_sig_lines(&note, card);
	if (r == 0)
		r = hl_note_verify(&note, card->name, card->sign_pk);
	if (r < 0)
		memset(card, 0, sizeof(*card));
	else
		memo_put(key, card);
	return r;
}

void hl_card_fingerprint(const struct hl_card *card,
			 char out[HL_FINGERPRINT_LEN + 1])
{
	static const char ctx[] = "hotline.fingerprint/v1\n";
	unsigned char h[crypto_hash_sha512_BYTES];
	crypto_hash_sha512_state st;
	char *p = out;

	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, (const unsigned char *)ctx, sizeof(ctx) - 1);
	crypto_hash_sha512_update(&st, (const unsigned char *)card->name,
				  strlen(card->name));
	crypto_hash_sha512_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha512_update(&st, card->sign_pk, sizeof(card->sign_pk));
	crypto_hash_sha512_final(&st, h);
	for (int i = 1; i < FINGERPRINT_ROUNDS; i++) {
		crypto_hash_sha512_init(&st);
		crypto_hash_sha512_update(&st, h, sizeof(h));
		crypto_hash_sha512_update(&st, card->sign_pk, sizeof(card->sign_pk));
		crypto_hash_sha512_final(&st, h);
	}
	/* Each group: five bytes, big-endian, modulo 100000. */
	for (int g = 0; g < HL_FINGERPRINT_GROUPS; g++) {
		uint64_t v = 0;

		for (int k = 0; k < 5; k++)
			v = v << 8 | h[g * 5 + k];
		snprintf(p, 7, g ? " %05u" : "%05u", (unsigned)(v % 100000));
		p += g ? 6 : 5;
	}
}

int hl_card_text_hash(const unsigned char *buf, size_t n,
		      unsigned char out[HL_SHA256_LEN])
{
	struct hl_card card;
	struct hl_note note;
	int r = hl_card_parse(buf, n, &card);

	if (r == 0)
		r = hl_note_parse(buf, n, &note);
	if (r == 0)
		hl_sha256(note.text, note.text_len, out);
	return r;
}

int hl_card_endorsed(const unsigned char *buf, size_t n, const char *name,
		     const unsigned char old_pk[HL_ED25519_PK_LEN])
{
	struct hl_card card;
	struct hl_note note;
	int r = hl_card_parse(buf, n, &card);

	if (r == 0 && strcmp(card.name, name) != 0)
		r = -HL_ENAME;
	if (r < 0 || sodium_memcmp(card.sign_pk, old_pk, HL_ED25519_PK_LEN) == 0)
		return r;
	r = hl_note_parse(buf, n, &note);
	if (r == 0 && note.nsigs != 2)
		r = -HL_ENOSIG;
	if (r == 0)
		r = hl_note_verify(&note, name, old_pk);
	return r;
}

int hl_card_endorse(const unsigned char *buf, size_t n,
		    const unsigned char old_sk[HL_ED25519_SK_LEN], struct hl_buf *out)
{
	struct hl_card card;
	struct hl_note note;
	size_t was;
	int r = hl_card_parse(buf, n, &card);

	if (r == 0)
		r = hl_note_parse(buf, n, &note);
	if (r == 0 && note.nsigs != 1)
		r = -HL_EDUPLICATE;
	if (r == 0 && sodium_memcmp(card.sign_pk, old_sk + 32, HL_ED25519_PK_LEN) == 0)
		r = -HL_EKEYFILE;
	/* "— " (4 bytes) name " " base64(68 bytes) LF */
	if (r == 0 && n + 4 + strlen(card.name) + 1 + 92 + 1 > HL_CARD_MAX)
		r = -HL_ETOOBIG;
	if (r < 0)
		return r;
	was = out->len;
	r = hl_buf_append(out, buf, n);
	if (r == 0)
		r = hl_note_sign(out, note.text, note.text_len, card.name, old_sk);
	if (r < 0 && out->data) {
		out->len = was;
		out->data[was] = 0;
	}
	return r;
}

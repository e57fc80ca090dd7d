/* gen_seeds.c - writes the valid inputs that seed each fuzz target.
 *
 *   gen_seeds DIR	writes DIR/<target>/<name> for note, card,
 *			envelope and text
 *
 * Signed by the fixture parties, so the fuzz targets can verify and open
 * them.  Envelopes differ on every run (fresh content keys and nonces);
 * the other seeds are the same bytes each time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "envelope.h"
#include "error.h"
#include "fixture.h"

static const char *dir;
static struct fixture_party sender, recipient;

static int write_seed(const char *target, const char *name,
		      const void *p, size_t n)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return -1;
	}
	ok = fwrite(p, 1, n, f) == n;
	ok = fclose(f) == 0 && ok;
	if (!ok)
		perror(path);
	return ok ? 0 : -1;
}

static int write_buf(const char *target, const char *name, struct hl_buf *b, int r)
{
	if (r == 0)
		r = write_seed(target, name, b->data, b->len);
	else
		fprintf(stderr, "gen_seeds: %s/%s: %s\n", target, name, hl_strerror(r));
	hl_buf_free(b);
	return r;
}

static int notes(void)
{
	static const char text[] = "hotline.checkpoint/v1\nru-cert\n42\n"
				   "vmFxHkA0cQm5hJZ3Ef9ZJ1A3o0vPz5hXXkSVs9ExXAs=\n";
	struct hl_buf b;
	int r;

	hl_buf_init(&b, HL_NOTE_MAX);
	r = hl_note_sign_text(&b, (const unsigned char *)text, strlen(text),
			      sender.card.name, sender.sign_sk);
	if (write_buf("note", "signed", &b, r) < 0)
		return -1;
	r = hl_note_sign_text(&b, (const unsigned char *)text, strlen(text),
			      sender.card.name, sender.sign_sk);
	if (r == 0)
		r = hl_note_sign(&b, (const unsigned char *)text, strlen(text),
				 recipient.card.name, recipient.sign_sk);
	return write_buf("note", "cosigned", &b, r);
}

static int cards(void)
{
	struct hl_buf b;
	int r;

	hl_buf_init(&b, HL_CARD_MAX);
	r = hl_card_encode(&sender.card, sender.sign_sk, &b);
	if (write_buf("card", "ru-cert", &b, r) < 0)
		return -1;
	r = hl_card_encode(&recipient.card, recipient.sign_sk, &b);
	return write_buf("card", "us-cert", &b, r);
}

static int envelope(const char *name, const struct hl_seal_params *p,
		    const char *plain)
{
	struct hl_buf b;
	int r;

	hl_buf_init(&b, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	r = hl_envelope_seal(p, (const unsigned char *)plain, strlen(plain), &b);
	return write_buf("envelope", name, &b, r);
}

static int envelopes(void)
{
	struct hl_seal_params p = {
		.from = &sender.card,
		.sign_sk = sender.sign_sk,
		.to = &recipient.card,
		.seq = 1,
		.time = sender.card.created + 60,
		.precedence = HL_FLASH,
		.kind = "notify",
	};

	if (envelope("notify", &p, "Exercise: line to us-cert up, please ack.\n") < 0)
		return -1;
	p.seq = INT64_MAX;
	p.precedence = HL_ROUTINE;
	p.kind = "ack";
	return envelope("empty", &p, "");
}

static int texts(void)
{
	static const char *const seeds[][2] = {
		{"time", "2026-11-22T09:54:00Z"},
		{"leap", "2024-02-29T23:59:59Z"},
		{"u64", "18446744073709551615"},
		{"b64", "vmFxHkA0cQm5hJZ3Ef9ZJ1A3o0vPz5hXXkSVs9ExXAs="},
		{"utf8", "\xe2\x80\x94 \xc3\xa9\xe2\x82\xac\xf0\x9f\x93\x9f\xef\xbf\xbd\n"},
		{"name", "ru-cert.example"},
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		if (write_seed("text", seeds[i][0], seeds[i][1], strlen(seeds[i][1])) < 0)
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	dir = argv[1];
	fixture_sender(&sender);
	fixture_recipient(&recipient);
	if (notes() < 0 || cards() < 0 || envelopes() < 0 || texts() < 0)
		return 1;
	return 0;
}

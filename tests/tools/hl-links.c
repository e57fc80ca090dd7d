/* hl-links - gives a party many linked peers at once, each with a
 * message waiting for its receipt.
 *
 *   hl-links --home DIR --count N
 *
 * Opens the party in DIR with its secrets and its store, and adds N
 * links to made-up peers "m1-cert" .. "mN-cert": each peer's card has
 * fresh keys and no endpoint (such a peer pulls from us, so the courier
 * never calls it), the link is confirmed, and one routine notify is
 * sent on it through hl_transcript_send().  No peer ever runs, so every
 * message stays unreceipted.  Run it with the party's hotlined stopped.
 * Prints "linked N".
 *
 * Exit status: 0 all linked, 1 failed, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "card.h"
#include "content.h"
#include "envelope.h"
#include "error.h"
#include "party.h"
#include "store.h"
#include "text.h"
#include "transcript.h"

static int usage(void)
{
	fputs("usage: hl-links --home DIR --count N\n", stderr);
	return 2;
}

/* A made-up peer's card, signed with its fresh key, into text. */
static int peer_card(const char *name, struct hl_card *card, struct hl_buf *text)
{
	unsigned char sk[HL_ED25519_SK_LEN], box_sk[32];
	int r;

	memset(card, 0, sizeof(*card));
	snprintf(card->name, sizeof(card->name), "%s", name);
	crypto_sign_keypair(card->sign_pk, sk);
	crypto_box_keypair(card->box_pk, box_sk);
	randombytes_buf(card->tls_pin, sizeof(card->tls_pin));
	card->created = (int64_t)time(NULL);
	r = hl_card_encode(card, sk, text);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(box_sk, sizeof(box_sk));
	return r;
}

static int send_one(struct hl_store *st, const struct hl_party *me, const struct hl_link *l)
{
	static const char words[] = "waiting for a receipt";
	struct hl_send msg = {.precedence = HL_ROUTINE, .kind = "notify"};
	struct hl_text t = {.lang = "en", .text = words, .len = sizeof(words) - 1};
	struct hl_buf json;
	uint64_t seq = 0;
	int r;

	hl_buf_init(&json, 4096);
	r = hl_content_encode(msg.kind, &t, NULL, NULL, &json);
	msg.plain = json.data;
	msg.plain_len = json.len;
	msg.now = (int64_t)time(NULL);
	if (r == 0)
		r = hl_transcript_send(st, me, l, &msg, &seq);
	hl_buf_free(&json);
	return r;
}

/* Adds, confirms and writes to link i. */
static int link_one(struct hl_store *st, const struct hl_party *me, uint64_t i)
{
	unsigned char id[HL_LINK_ID_LEN];
	struct hl_card card;
	struct hl_buf text;
	struct hl_link l = {0};
	char name[HL_NAME_MAX + 1];
	int64_t now = (int64_t)time(NULL);
	int r;

	snprintf(name, sizeof(name), "m%llu-cert", (unsigned long long)i);
	hl_buf_init(&text, HL_CARD_MAX);
	r = peer_card(name, &card, &text);
	hl_link_id(me->card.sign_pk, card.sign_pk, id);
	if (r == 0)
		r = hl_store_link_add(st, name, id, text.data, text.len, "", now);
	if (r == 0)
		r = hl_store_link_get(st, name, &l);
	if (r == 0)
		r = hl_store_link_confirm(st, l.id, now);
	hl_link_free(&l);
	if (r == 0)
		r = hl_store_link_get(st, name, &l);
	if (r == 0)
		r = send_one(st, me, &l);
	if (r < 0)
		fprintf(stderr, "hl-links: %s: %s %s\n", name, hl_strerror(r),
			r == -HL_ESTORE ? hl_store_errmsg(st) : "");
	hl_link_free(&l);
	hl_buf_free(&text);
	return r;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{"count", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	char why[PATH_MAX + 64] = "", path[PATH_MAX], err[256] = "";
	struct hl_party *me = NULL;
	struct hl_store *st = NULL;
	const char *home = NULL;
	uint64_t count = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (c == 'H')
			home = optarg;
		else if (c != 'n' || hl_parse_u64(optarg, strlen(optarg), 100000, &count) < 0)
			return usage();
	if (!home || !count || optind != argc)
		return usage();
	if (sodium_init() < 0)
		return 1;
	r = hl_party_open(home, HL_PARTY_SECRETS, &me, why, sizeof(why));
	if (r == 0)
		r = hl_party_path(home, HL_STORE_FILE, path, sizeof(path));
	if (r == 0)
		r = hl_store_open(path, &st, err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "hl-links: %s: %s %s%s\n", home, hl_strerror(r), why, err);
	for (uint64_t i = 1; r == 0 && i <= count; i++)
		r = link_one(st, me, i);
	if (r == 0)
		printf("linked %llu\n", (unsigned long long)count);
	hl_store_close(st);
	hl_party_free(me);
	return r < 0 ? 1 : 0;
}

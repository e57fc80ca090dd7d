/* tlsdesk.c - our TLS certificate: when it expires, and its renewal.
 *
 * Hotline never checks a certificate's dates (protocol.md 10.1): peers
 * are pinned to its key (SPKI SHA-256), so an expired certificate breaks
 * no link.  Tools outside Hotline may still look at them, so status
 * warns from TLS_WARN_DAYS before our certificate's notAfter, and 'card
 * tls-renew' issues a new certificate for the same key: the pin stays,
 * no message is sent, and the peer server restarts on it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include <sodium.h>

#include "deskpriv.h"
#include "error.h"
#include "file.h"
#include "peer.h"
#include "text.h"
#include "tlscert.h"

#define TLS_WARN_DAYS 90
#define TLS_FILE_MAX (64 * 1024)

/* The notAfter of our tls.crt. */
static int expiry(const struct hl_party *me, int64_t *not_after)
{
	char path[PATH_MAX];
	struct hl_buf crt;
	int r = hl_party_path(me->home, "tls.crt", path, sizeof(path));

	hl_buf_init(&crt, TLS_FILE_MAX);
	if (r == 0)
		r = hl_file_read(path, &crt);
	if (r == 0)
		r = hl_tlscert_expiry(crt.data, crt.len, not_after);
	hl_buf_free(&crt);
	return r;
}

json_t *hl_desk_tls_status(const struct hl_party *me, int64_t now, bool *renew)
{
	int64_t not_after = 0;

	*renew = false;
	if (expiry(me, &not_after) < 0)
		return json_null();
	*renew = now >= not_after - (int64_t)TLS_WARN_DAYS * 86400;
	return json_pack("{s:I, s:b}", "not_after", (json_int_t)not_after, "renew", *renew);
}

/* A certificate for tls.key, into crt; refused unless its key is the
 * one our card pins (a TLS change-over under way renews nothing). */
static int reissue(const struct hl_party *me, int64_t now, struct hl_buf *crt)
{
	unsigned char *key = NULL, pin[HL_TLS_PIN_LEN];
	char path[PATH_MAX];
	size_t n = 0;
	int r = hl_party_path(me->home, "tls.key", path, sizeof(path));

	if (r == 0)
		r = hl_secret_read(path, TLS_FILE_MAX, &key, &n);
	if (r == 0)
		r = hl_tlscert_renew(me->card.name, now, key, n, crt, pin);
	if (key) {
		sodium_memzero(key, n);
		sodium_free(key);
	}
	if (r == 0 && sodium_memcmp(pin, me->card.tls_pin, sizeof(pin)) != 0)
		r = -HL_EKEY;
	return r;
}

/* {} -> {"not_after", "before"}: tls.crt issued again for the same key,
 * written in place of the old one (0644), and the peer server restarted
 * on it; with the note that the console's door, when it serves tls.crt,
 * follows at the next start. */
json_t *hl_desk_card_tls_renew(struct hl_desk *d, const struct hl_desk_req *q,
			       struct hl_desk_err *e)
{
	char path[PATH_MAX], err[200] = "", when[HL_TIME_LEN + 1];
	int64_t before = 0, after = 0;
	struct hl_buf crt;
	int r;

	if (!hl_desk_args_only(q, e, NULL))
		return NULL;
	if (expiry(d->me, &before) < 0)
		before = 0;
	hl_buf_init(&crt, TLS_FILE_MAX);
	r = reissue(d->me, q->now, &crt);
	if (r == -HL_EKEY) {
		hl_buf_free(&crt);
		return hl_desk_fail(e, 409, "tls.key is not the key our card pins: "
				    "the certificate is not renewed");
	}
	if (r == 0)
		r = hl_tlscert_expiry(crt.data, crt.len, &after);
	if (r == 0)
		r = hl_party_path(d->me->home, "tls.crt", path, sizeof(path));
	if (r == 0)
		r = hl_file_write_atomic(path, crt.data, crt.len, 0644);
	hl_buf_free(&crt);
	if (r < 0)
		return hl_desk_fail(e, 503, "cannot renew the TLS certificate: %s", hl_strerror(r));
	r = hl_peer_renew(err, sizeof(err));
	hl_time_format(after, when);
	if (r < 0 && r != -ENOENT)
		return hl_desk_fail(e, 503, "tls.crt is renewed (until %s), but %s", when, err);
	/* The console's door, whose own requests may be this one, is not
	 * stopped under them: browsers check dates, so say when it follows. */
	if (d->me->conf.console_listen[0] && !d->me->conf.console_cert[0])
		snprintf(d->note, sizeof(d->note), "the console's HTTPS door serves the "
			 "renewed certificate from hotlined's next start");
	return json_pack("{s:I, s:o}", "not_after", (json_int_t)after,
			 "before", before ? json_integer(before) : json_null());
}

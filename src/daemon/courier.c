/* courier.c - push what peers have not receipted, with backoff. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "batch.h"
#include "courier.h"
#include "error.h"
#include "events.h"
#include "guard.h"
#include "keys.h"
#include "log.h"
#include "tlscert.h"
#include "transcript.h"
#include "wire.h"

#define MAX_LINKS 256
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 60000
#define PULL_EVERY_MS 2000
#define IDLE_MS 30000
#define FETCH_MS 10000		/* a card fetch, all of it */
#define PIN_LEN 80		/* "sha256//<base64>" */
#define PINS_LEN (2 * PIN_LEN)

struct lane {
	struct hl_courier_link s;	/* what status reports */
	CURL *curl;			/* kept alive between attempts */
	char pin[PINS_LEN];		/* "sha256//<base64>", and ";sha256//<old>" */
	uint64_t resync_from;		/* UINT64_MAX, or the size a witness asked for */
	bool pin_bad;			/* this attempt met a key not the card's */
	/* The TLS change-over (protocol.md 10.1): while the link has an old
	 * pin, each answer's handshake is read for the card's key. */
	unsigned char new_pin[32];
	bool new_key_seen, old_pin_dropped;
	bool in_use;
	unsigned cert_gen;		/* the client certificate it was made with */
};

struct hl_courier {
	const struct hl_party *me;
	struct hl_store *st;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool woken, stopping, started;
	struct lane lanes[MAX_LINKS];
	char cert[PATH_MAX], key[PATH_MAX];
	atomic_uint cert_gen;		/* moves when those files change */
	char db[PATH_MAX];		/* for the handles of card fetches */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct lane *lane_of(struct hl_courier *c, const struct hl_link *l)
{
	struct lane *free_lane = NULL;

	for (size_t i = 0; i < MAX_LINKS; i++) {
		if (c->lanes[i].in_use && strcmp(c->lanes[i].s.name, l->name) == 0)
			return &c->lanes[i];
		if (!c->lanes[i].in_use && !free_lane)
			free_lane = &c->lanes[i];
	}
	if (!free_lane)
		return NULL;
	memset(free_lane, 0, sizeof(*free_lane));
	free_lane->in_use = true;
	free_lane->resync_from = UINT64_MAX;
	snprintf(free_lane->s.name, sizeof(free_lane->s.name), "%s", l->name);
	return free_lane;
}

struct reply {
	struct hl_buf body;
	long status;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct reply *rp = ctx;

	return hl_buf_append(&rp->body, p, size * n) < 0 ? 0 : size * n;
}

/* "sha256//<base64>": a pin as libcurl takes it. */
static void pin_text(const unsigned char pin[32], char out[PIN_LEN])
{
	char b64[64];

	sodium_bin2base64(b64, sizeof(b64), pin, 32, sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, PIN_LEN, "sha256//%s", b64);
}

/* The pins of l as libcurl takes them: its card's, and while its TLS
 * key changes over (protocol.md 10.1) its old one after a ';'. */
static void pin_of(const struct hl_link *l, char out[PINS_LEN])
{
	char now[PIN_LEN], old[PIN_LEN];

	pin_text(l->card.tls_pin, now);
	if (!l->has_old_pin) {
		snprintf(out, PINS_LEN, "%s", now);
		return;
	}
	pin_text(l->old_pin, old);
	snprintf(out, PINS_LEN, "%s;%s", now, old);
}

/* Each answer's head: whether the handshake it came over presented the
 * card's key (the lane's new_pin). */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct lane *ln = ctx;
	struct curl_tlssessioninfo *ti = NULL;
	unsigned char pin[32];

	(void)p;
	if (!ln->new_key_seen &&
	    curl_easy_getinfo(ln->curl, CURLINFO_TLS_SSL_PTR, &ti) == CURLE_OK && ti &&
	    ti->backend == CURLSSLBACKEND_GNUTLS && ti->internals &&
	    hl_guard_pin(ti->internals, pin) == 0 && memcmp(pin, ln->new_pin, 32) == 0)
		ln->new_key_seen = true;
	return size * n;
}

/* A new handle that speaks to the holder of pin as this party. */
static CURL *pinned(struct hl_courier *c, const char *pin)
{
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	/* No certificate authority: the peer is whoever holds the pinned
	 * key, and we are whoever holds ours. */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, pin);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_3);
	curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert);
	curl_easy_setopt(h, CURLOPT_SSLKEY, c->key);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	return h;
}

/* The lane's curl handle, pinned to the peer's card; kept alive. */
static CURL *handle(struct hl_courier *c, struct lane *ln, const struct hl_link *l)
{
	char pin[PINS_LEN];

	pin_of(l, pin);
	if (ln->curl && strcmp(ln->pin, pin) == 0 && ln->cert_gen == atomic_load(&c->cert_gen))
		return ln->curl;
	ln->cert_gen = atomic_load(&c->cert_gen);
	if (ln->curl)
		curl_easy_cleanup(ln->curl);
	memcpy(ln->pin, pin, sizeof(pin));
	ln->curl = pinned(c, ln->pin);
	memcpy(ln->new_pin, l->card.tls_pin, 32);
	ln->new_key_seen = false;
	ln->old_pin_dropped = false;
	if (ln->curl)
		curl_easy_setopt(ln->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	if (ln->curl && l->has_old_pin) {
		curl_easy_setopt(ln->curl, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(ln->curl, CURLOPT_HEADERDATA, ln);
	}
	return ln->curl;
}

/* After an exchange that succeeded: the first with the card's key ends
 * the change-over, and the old pin is no longer accepted. */
static void new_key(struct hl_courier *c, struct lane *ln, const struct hl_link *l)
{
	int r;

	if (!l->has_old_pin || !ln->new_key_seen || ln->old_pin_dropped)
		return;
	r = hl_store_link_old_pin_drop(c->st, l);
	if (r < 0) {
		log_warn("courier %s: cannot drop its old TLS pin: %s", l->name, hl_strerror(r));
		return;
	}
	ln->old_pin_dropped = true;
	log_info("courier %s: the peer presents its new TLS key: its old pin is no longer "
		 "accepted", l->name);
}

/* One HTTPS exchange; body NULL for GET.  0, or -1 with why filled. */
static int exchange(struct hl_courier *c, struct lane *ln, const struct hl_link *l,
		    const char *path, const char *type, const struct hl_buf *body,
		    struct reply *rp, char *why, size_t whylen)
{
	struct curl_slist *hdr = NULL;
	char url[HL_ENDPOINT_MAX + 64], ctype[96];
	CURL *h = handle(c, ln, l);
	CURLcode rc;

	hl_buf_init(&rp->body, HL_WIRE_BODY_MAX);
	rp->status = 0;
	if (!h) {
		snprintf(why, whylen, "cannot make an HTTP handle");
		return -1;
	}
	snprintf(url, sizeof(url), "%s%s", l->endpoint, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, rp);
	if (body) {
		snprintf(ctype, sizeof(ctype), "Content-Type: %s", type);
		hdr = curl_slist_append(NULL, ctype);
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)body->data);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	rc = curl_easy_perform(h);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdr);
	if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
		ln->pin_bad = true;
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s", curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rp->status);
	new_key(c, ln, l);
	return 0;
}

/* The peer's answer as one printable line, for logs and status. */
static void answer(const struct reply *rp, char *why, size_t whylen)
{
	size_t n = 0;

	while (n < rp->body.len && n < 150 && rp->body.data[n] >= 0x20 &&
	       rp->body.data[n] < 0x7f)
		n++;
	snprintf(why, whylen, "HTTP %ld: %.*s", rp->status, (int)n,
		 rp->body.data ? (const char *)rp->body.data : "");
}

/* Stores the cosignature line that came back for the push we sent. */
static int take_receipt(struct hl_courier *c, const struct hl_link *l,
			const struct hl_buf *push, const struct reply *rp, uint64_t *size)
{
	struct hl_batch *b = malloc(sizeof(*b));
	struct hl_checkpoint cp;
	struct hl_buf cosigned;
	int r = b ? hl_batch_parse(push->data, push->len, b) : -ENOMEM;

	hl_buf_init(&cosigned, HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX);
	/* Our checkpoint as stored: the pushed copy may carry the peer's
	 * older cosignature too (the proof of a store loss). */
	if (r == 0)
		r = hl_checkpoint_parse(b->checkpoint, b->checkpoint_len, &cp);
	if (r == 0)
		r = hl_store_checkpoint_get(c->st, l->id, HL_OURS, cp.size, &cosigned, NULL, NULL);
	if (r == 0)
		r = hl_buf_append(&cosigned, rp->body.data, rp->body.len);
	if (r == 0)
		r = hl_transcript_receipt(c->st, c->me, l, cosigned.data, cosigned.len, size);
	hl_buf_free(&cosigned);
	free(b);
	return r;
}

static bool stopping(struct hl_courier *c)
{
	bool s;

	pthread_mutex_lock(&c->lock);
	s = c->stopping;
	pthread_mutex_unlock(&c->lock);
	return s;
}

/* The size in a 409 answer: "N\n", as text/x.tlog.size. */
static bool conflict_size(const struct reply *rp, uint64_t *size)
{
	const struct hl_buf *b = &rp->body;

	return rp->status == 409 && b->len >= 2 && b->data[b->len - 1] == '\n' &&
	       hl_parse_u64((const char *)b->data, b->len - 1, INT64_MAX, size) == 0;
}

/* Pushes until the peer has receipted everything; 0 or -1 with why.
 * A 409 may move the start back once; one that does not is a failure,
 * so the backoff applies.  Stops between pushes when the daemon does. */
static int push_all(struct hl_courier *c, struct lane *ln, const struct hl_link *l,
		    char *why, size_t whylen)
{
	while (!stopping(c)) {
		struct hl_buf out;
		struct reply rp = {{0}};
		uint64_t count = 0, size = 0, start = ln->resync_from;
		int r;

		if (start == UINT64_MAX)
			hl_store_cosigned_size(c->st, l->id, HL_OURS, &start);

		hl_buf_init(&out, HL_WIRE_BODY_MAX);
		r = hl_transcript_push_from(c->st, c->me, l, ln->resync_from, &out, &count);
		if (r < 0)
			snprintf(why, whylen, "cannot build a push: %s", hl_strerror(r));
		if (r == 0 && count == 0) {
			hl_buf_free(&out);
			return 0;
		}
		if (r == 0)
			r = exchange(c, ln, l, HL_PATH_PUSH, HL_TYPE_PUSH, &out, &rp, why, whylen);
		if (r == 0 && rp.status == 200) {
			r = take_receipt(c, l, &out, &rp, &size);
			if (r < 0)
				snprintf(why, whylen, "bad receipt: %s", hl_strerror(r));
			else
				ln->resync_from = UINT64_MAX;
			if (r == 0)
				hl_event_receipt(l->name, size);
		} else if (r == 0 && conflict_size(&rp, &size) && size < start) {
			log_warn("courier %s: the peer stands at %llu: resending from there",
				 l->name, (unsigned long long)size);
			ln->resync_from = size;
		} else if (r == 0 && conflict_size(&rp, &size)) {
			snprintf(why, whylen, "the peer stands at %llu, past our push from %llu: "
				 "our log and its record disagree (restored from a backup?)",
				 (unsigned long long)size, (unsigned long long)start);
			r = -1;
		} else if (r == 0) {
			answer(&rp, why, whylen);
			r = -1;
		}
		hl_buf_free(&out);
		hl_buf_free(&rp.body);
		if (r < 0)
			return -1;
	}
	snprintf(why, whylen, "stopping");
	return -1;
}

/* Pulls what the peer has queued for us, witnesses it, sends the receipt. */
static int pull(struct hl_courier *c, struct lane *ln, const struct hl_link *l,
		char *why, size_t whylen)
{
	struct hl_witness_result res;
	struct reply rp = {{0}}, rr = {{0}};
	struct hl_buf line, receipt;
	int r = exchange(c, ln, l, HL_PATH_PULL, NULL, NULL, &rp, why, whylen);

	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	hl_buf_init(&receipt, HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX);
	if (r == 0 && rp.status == 200) {
		r = hl_transcript_witness(c->st, c->me, l, rp.body.data, rp.body.len,
					  (int64_t)time(NULL), &line, &res);
		if (r < 0 && res.clock) {
			char cw[160];

			hl_transcript_clock_why(&res, c->me->conf.clock_skew, cw, sizeof(cw));
			snprintf(why, whylen, "pulled push refused: %s", cw);
		} else if (r < 0 && res.why[0]) {
			log_warn("peer %s: key change refused: %s", l->name, res.why);
			snprintf(why, whylen, "pulled push refused: %.150s", res.why);
		} else if (r < 0)
			snprintf(why, whylen, "pulled push refused: %s", hl_strerror(r));
		if (r == 0 && !res.repeat && res.added)
			hl_event_arrived(c->st, l, res.old);
		if (r == 0)
			r = hl_transcript_cosigned(c->st, l, HL_THEIRS, res.size, &receipt);
		if (r == 0)
			r = exchange(c, ln, l, HL_PATH_RECEIPT, HL_TYPE_CHECKPOINT, &receipt,
				     &rr, why, whylen);
		if (r == 0 && rr.status != 200) {
			answer(&rr, why, whylen);
			r = -1;
		}
		if (r == 0 && !res.repeat)
			log_info("courier %s: pulled %llu message(s), receipted up to %llu",
				 l->name, (unsigned long long)res.added,
				 (unsigned long long)res.size);
	} else if (r == 0 && rp.status != 204) {
		answer(&rp, why, whylen);
		r = -1;
	}
	hl_buf_free(&rp.body);
	hl_buf_free(&rr.body);
	hl_buf_free(&line);
	hl_buf_free(&receipt);
	return r < 0 ? -1 : 0;
}

static int64_t backoff_ms(unsigned attempts)
{
	int64_t d = BACKOFF_FIRST_MS;

	for (unsigned i = 1; i < attempts && d < BACKOFF_MAX_MS; i++)
		d *= 2;
	if (d > BACKOFF_MAX_MS)
		d = BACKOFF_MAX_MS;
	/* Jitter: somewhere in [d/2, d], so peers do not retry in step. */
	return d / 2 + randombytes_uniform((uint32_t)(d / 2 + 1));
}

/* The pin of the key the peer at l's endpoint presents: a handshake
 * alone, pinned to nothing, that reads its certificate. */
static void seen_pin(struct hl_courier *c, const struct hl_link *l, char *out, size_t cap)
{
	CURL *h = curl_easy_init();
	struct curl_certinfo *ci = NULL;
	unsigned char pin[HL_TLS_PIN_LEN];
	char b64[64];

	out[0] = 0;
	if (!h)
		return;
	curl_easy_setopt(h, CURLOPT_URL, l->endpoint);
	curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert);
	curl_easy_setopt(h, CURLOPT_SSLKEY, c->key);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	if (curl_easy_perform(h) == CURLE_OK &&
	    curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci && ci->num_of_certs)
		for (struct curl_slist *e = ci->certinfo[0]; e; e = e->next)
			if (strncmp(e->data, "Cert:", 5) == 0 &&
			    hl_tlscert_pin((const unsigned char *)e->data + 5,
					   strlen(e->data + 5), 1, pin) == 0) {
				sodium_bin2base64(b64, sizeof(b64), pin, sizeof(pin),
						  sodium_base64_VARIANT_ORIGINAL);
				snprintf(out, cap, "sha256//%s", b64);
			}
	curl_easy_cleanup(h);
}

/* A pin mismatch is an incident from the first attempt that meets it to
 * the next that succeeds (ok): logged once with both pins, and reported
 * in status (the clock escalates it).  Called with the lock not held. */
static void pin_incident(struct hl_courier *c, struct lane *ln, const struct hl_link *l,
			 int64_t now, bool ok)
{
	char seen[80] = "";

	if (!ln->pin_bad && !ok)
		return;
	if (!ln->pin_bad) {
		if (ln->s.pin_mismatch)
			log_info("courier %s: the peer's TLS key matches its card again", l->name);
		pthread_mutex_lock(&c->lock);
		ln->s.pin_mismatch = false;
		ln->s.pin_since = 0;
		pthread_mutex_unlock(&c->lock);
		return;
	}
	ln->pin_bad = false;
	if (ln->s.pin_mismatch)
		return;
	seen_pin(c, l, seen, sizeof(seen));
	log_warn("courier %s: TLS KEY PIN MISMATCH: the card pins %s, the peer presented %s",
		 l->name, ln->pin, seen[0] ? seen : "a key that could not be read");
	pthread_mutex_lock(&c->lock);
	ln->s.pin_mismatch = true;
	ln->s.pin_since = now;
	pin_text(l->card.tls_pin, ln->s.pin_expected);
	snprintf(ln->s.pin_seen, sizeof(ln->s.pin_seen), "%s", seen);
	pthread_mutex_unlock(&c->lock);
}

struct round {
	struct hl_courier *c;
	int64_t now;
	int64_t next;	/* the earliest time any lane wants attention */
};

static int visit(void *ctx, const struct hl_link *l)
{
	struct round *rd = ctx;
	struct hl_courier *c = rd->c;
	struct lane *ln;
	char why[200] = "";
	uint64_t size = 0, acked = 0;
	bool pulls = !c->me->card.endpoint[0];
	int r = 0;

	if (!l->confirmed || !l->endpoint[0] || l->archived)
		return 0;
	pthread_mutex_lock(&c->lock);
	ln = lane_of(c, l);
	pthread_mutex_unlock(&c->lock);
	if (!ln || ln->s.next_attempt > rd->now) {
		if (ln && ln->s.next_attempt < rd->next)
			rd->next = ln->s.next_attempt;
		return 0;
	}
	hl_store_log_size(c->st, l->id, HL_OURS, &size);
	hl_store_cosigned_size(c->st, l->id, HL_OURS, &acked);
	if (size == acked && !pulls && ln->resync_from == UINT64_MAX) {
		/* Nothing to carry: no attempt, so no claim about reachability. */
		pthread_mutex_lock(&c->lock);
		ln->s.attempts = 0;
		ln->s.next_attempt = 0;
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	if (size > acked || ln->resync_from != UINT64_MAX)
		r = push_all(c, ln, l, why, sizeof(why));
	if (r == 0 && pulls)
		r = pull(c, ln, l, why, sizeof(why));
	pin_incident(c, ln, l, rd->now / 1000, r == 0);
	pthread_mutex_lock(&c->lock);
	ln->s.last_attempt = rd->now / 1000;
	if (r == 0) {
		if (ln->s.attempts)
			log_info("courier %s: reachable again", l->name);
		ln->s.reachable = true;
		ln->s.last_ok = rd->now / 1000;
		ln->s.attempts = 0;
		ln->s.last_error[0] = 0;
		ln->s.next_attempt = pulls ? rd->now + PULL_EVERY_MS : 0;
	} else {
		if (ln->s.attempts == 0 || strcmp(ln->s.last_error, why) != 0)
			log_warn("courier %s: %s (will retry)", l->name, why);
		ln->s.reachable = false;
		ln->s.attempts++;
		snprintf(ln->s.last_error, sizeof(ln->s.last_error), "%s", why);
		ln->s.next_attempt = rd->now + backoff_ms(ln->s.attempts);
	}
	if (ln->s.next_attempt && ln->s.next_attempt < rd->next)
		rd->next = ln->s.next_attempt;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static void round_all(struct round *rd)
{
	int r = hl_store_link_each(rd->c->st, visit, rd);

	if (r < 0)
		log_warn("courier: store: %s", r == -HL_ESTORE ?
			 hl_store_errmsg(rd->c->st) : hl_strerror(r));
}

/* The wall-clock time at (ms) as a CLOCK_MONOTONIC deadline, the
 * clock of the condition variable: a step of the wall clock then
 * stalls no wait. */
static void monotonic_until(int64_t at, struct timespec *until)
{
	int64_t ms;

	clock_gettime(CLOCK_MONOTONIC, until);
	ms = (int64_t)until->tv_sec * 1000 + until->tv_nsec / 1000000 + (at - now_ms());
	until->tv_sec = ms / 1000;
	until->tv_nsec = (ms % 1000) * 1000000;
}

static void *run(void *arg)
{
	struct hl_courier *c = arg;

	for (;;) {
		struct round rd = {c, now_ms(), now_ms() + IDLE_MS};
		struct timespec until;

		pthread_mutex_lock(&c->lock);
		if (c->stopping) {
			pthread_mutex_unlock(&c->lock);
			break;
		}
		c->woken = false;
		pthread_mutex_unlock(&c->lock);
		round_all(&rd);
		pthread_mutex_lock(&c->lock);
		monotonic_until(rd.next, &until);
		while (!c->woken && !c->stopping &&
		       pthread_cond_timedwait(&c->cond, &c->lock, &until) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&c->lock);
	}
	return NULL;
}

int hl_courier_start(const struct hl_party *me, const char *db,
		     struct hl_courier **out, char *err, size_t errlen)
{
	struct hl_courier *c = calloc(1, sizeof(*c));
	pthread_condattr_t ca;
	int r;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->me = me;
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &ca);
	pthread_condattr_destroy(&ca);
	r = (size_t)snprintf(c->db, sizeof(c->db), "%s", db) < sizeof(c->db) ? 0 : -ENAMETOOLONG;
	if (r == 0)
		r = hl_party_path(me->home, "tls.crt", c->cert, sizeof(c->cert));
	if (r == 0)
		r = hl_party_path(me->home, "tls.key", c->key, sizeof(c->key));
	if (r == 0)
		r = hl_store_open(db, &c->st, err, errlen);
	if (r == 0 && pthread_create(&c->thread, NULL, run, c) != 0)
		r = -errno;
	if (r < 0) {
		hl_courier_stop(c);
		return r;
	}
	c->started = true;
	*out = c;
	return 0;
}

void hl_courier_wake(struct hl_courier *c)
{
	pthread_mutex_lock(&c->lock);
	c->woken = true;
	/* A wake is a request to try now, whatever the backoff said. */
	for (size_t i = 0; i < MAX_LINKS; i++)
		c->lanes[i].s.next_attempt = 0;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void hl_courier_new_cert(struct hl_courier *c)
{
	atomic_fetch_add(&c->cert_gen, 1);
	hl_courier_wake(c);
}

void hl_courier_stop(struct hl_courier *c)
{
	if (!c)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->lock);
		c->stopping = true;
		pthread_cond_signal(&c->cond);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
	}
	for (size_t i = 0; i < MAX_LINKS; i++)
		if (c->lanes[i].curl)
			curl_easy_cleanup(c->lanes[i].curl);
	hl_store_close(c->st);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c);
}

size_t hl_courier_status(struct hl_courier *c, struct hl_courier_link *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&c->lock);
	/* A lane exists from the first look at its link, but says nothing
	 * about the peer before its first attempt. */
	for (size_t i = 0; i < MAX_LINKS && n < max; i++)
		if (c->lanes[i].in_use && c->lanes[i].s.last_attempt)
			out[n++] = c->lanes[i].s;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* Why a fetch from l failed, as one sentence: the courier's words for
 * the transport, the peer's answer otherwise. */
static void fetch_why(const struct hl_link *l, CURLcode rc, const struct reply *rp,
		      const char *pin, char *err, size_t errlen)
{
	char why[200];

	if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH) {
		snprintf(err, errlen, "%s: TLS KEY PIN MISMATCH: the peer at %s does not "
			 "present the key its card pins (%s)", l->name, l->endpoint, pin);
	} else if (rc == CURLE_WRITE_ERROR || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errlen, "%s served more than %d bytes: not a card", l->name,
			 HL_CARD_MAX);
	} else if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s cannot be reached at %s: %s", l->name, l->endpoint,
			 curl_easy_strerror(rc));
	} else {
		answer(rp, why, sizeof(why));
		snprintf(err, errlen, "%s answered the card request with %s", l->name, why);
	}
}

/* GETs l's card into rp; 0, or -HL_EPEER with err filled. */
static int fetch(struct hl_courier *c, const struct hl_link *l, struct reply *rp,
		 char *err, size_t errlen)
{
	char url[HL_ENDPOINT_MAX + 64], pin[PINS_LEN];
	const char *type = NULL;
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	CURL *h;

	pin_of(l, pin);
	h = pinned(c, pin);
	snprintf(url, sizeof(url), "%s%s", l->endpoint, HL_PATH_CARD);
	if (h) {
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, rp);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)FETCH_MS);
		curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HL_CARD_MAX);
		rc = curl_easy_perform(h);
	}
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rp->status);
		curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
	}
	if (rc != CURLE_OK || rp->status != 200)
		fetch_why(l, rc, rp, pin, err, errlen);
	else if (!type || strcmp(type, HL_TYPE_CARD) != 0)
		snprintf(err, errlen, "%s answered the card request with %s, not %s", l->name,
			 type ? type : "no Content-Type", HL_TYPE_CARD);
	else
		err[0] = 0;
	if (h)
		curl_easy_cleanup(h);
	return err[0] ? -HL_EPEER : 0;
}

int hl_courier_fetch_card(struct hl_courier *c, const char *link, char **card, size_t *len,
			  char *err, size_t errlen)
{
	struct hl_store *st = NULL;
	struct reply rp = {{0}};
	struct hl_link l = {0};
	int r;

	*card = NULL;
	*len = 0;
	err[0] = 0;
	hl_buf_init(&rp.body, HL_CARD_MAX);
	/* The courier's handle is its thread's: this one is the caller's. */
	r = hl_store_open(c->db, &st, err, errlen);
	if (r == 0)
		r = hl_store_link_get(st, link, &l);
	if (r < 0 && !err[0])
		snprintf(err, errlen, "%s: %s", link, r == -HL_ESTORE && st ?
			 hl_store_errmsg(st) : hl_strerror(r));
	if (r == 0 && !l.confirmed) {
		snprintf(err, errlen, "%s is not confirmed: its card cannot be fetched", link);
		r = -HL_EUNCONFIRMED;
	} else if (r == 0 && !l.endpoint[0]) {
		snprintf(err, errlen, "%s has no endpoint: its card cannot be fetched", link);
		r = -EDESTADDRREQ;
	}
	if (r == 0)
		r = fetch(c, &l, &rp, err, errlen);
	if (r == 0) {
		*card = (char *)rp.body.data;
		*len = rp.body.len;
		rp.body.data = NULL;
	}
	hl_buf_free(&rp.body);
	hl_link_free(&l);
	hl_store_close(st);
	return r;
}

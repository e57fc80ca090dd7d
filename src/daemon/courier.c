/* courier.c - push what peers have not receipted, with backoff.
 *
 * One thread (the dispatcher) goes through the links in rounds and
 * queues each lane that has something to carry; a bounded pool of
 * workers, each with its own store handle, serves the queue, so a peer
 * that does not answer holds up one worker, never the other lanes. */
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
#include "trace.h"

#define WORKERS_MAX 32		/* lanes served at once */
#define FAILING_MAX 16		/* of which lanes whose last attempt failed */
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 60000
#define PULL_EVERY_MS 2000
#define IDLE_MS 30000
#define CONNECT_MS 5000		/* TCP and TLS handshake */
#define EXCHANGE_MS 60000	/* one exchange, all of it */
#define STALL_S 15L		/* an exchange with no byte moving that long fails */
#define FETCH_MS 10000		/* a card fetch, all of it */
#define PIN_LEN 80		/* "sha256//<base64>" */
#define PINS_LEN (2 * PIN_LEN)
/* A worker's stack: libcurl, GnuTLS and SQLite need far less than the
 * default 8 MiB; the sanitizers' frames are larger. */
#if defined(__SANITIZE_ADDRESS__)
#define WORKER_STACK (2u << 20)
#else
#define WORKER_STACK (512u << 10)
#endif

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
	unsigned cert_gen;		/* the client certificate it was made with */
	/* Under the courier's lock: queued or served by a worker (then
	 * only that worker touches the fields above but s), and woken
	 * while it was. */
	bool busy, again;
	bool failing;			/* queued or served as such */
	struct lane *next;		/* in its queue */
};

/* A worker: its thread and its own store handle, opened once. */
struct worker {
	struct hl_courier *c;
	struct hl_store *st;
	pthread_t thread;
};

struct hl_courier {
	const struct hl_party *me;
	struct hl_store *st;		/* the dispatcher's */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* the dispatcher waits on it */
	pthread_cond_t work;		/* idle workers wait on it */
	bool woken, stopping, started;
	int64_t due;			/* the earliest next attempt of a lane not busy */
	/* Every lane met, sorted by name; each allocated once and kept
	 * until the courier stops, so a worker's pointer stays good. */
	struct lane **lanes;
	size_t nlanes, cap;
	/* Two queues: the lanes whose last attempt succeeded (or that have
	 * none yet), served first; and those whose last attempt failed,
	 * served by at most FAILING_MAX workers at a time, so that peers
	 * that do not answer never take every worker. */
	struct lane *queue[2], **queue_tail[2];
	size_t queued, failing;		/* lanes queued; failing ones served */
	struct worker workers[WORKERS_MAX];
	size_t nworkers, idle;
	char cert[PATH_MAX], key[PATH_MAX];
	atomic_uint cert_gen;		/* moves when those files change */
	char db[PATH_MAX];		/* for the handles of workers and card fetches */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Where the lane of name is, or would go, in the sorted table; with the
 * lock held. */
static size_t lane_at(const struct hl_courier *c, const char *name, bool *found)
{
	size_t lo = 0, hi = c->nlanes;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->lanes[mid]->s.name, name);

		if (cmp == 0) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The lane of name, made at its first look; NULL when out of memory.
 * With the lock held. */
static struct lane *lane_of(struct hl_courier *c, const char *name)
{
	bool found;
	size_t at = lane_at(c, name, &found);
	struct lane *ln;

	if (found)
		return c->lanes[at];
	if (c->nlanes == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct lane **t = realloc(c->lanes, cap * sizeof(*t));

		if (!t)
			return NULL;
		c->lanes = t;
		c->cap = cap;
	}
	ln = calloc(1, sizeof(*ln));
	if (!ln)
		return NULL;
	ln->resync_from = UINT64_MAX;
	snprintf(ln->s.name, sizeof(ln->s.name), "%s", name);
	memmove(&c->lanes[at + 1], &c->lanes[at], (c->nlanes - at) * sizeof(*c->lanes));
	c->lanes[at] = ln;
	c->nlanes++;
	return ln;
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

/* TLS as this party, to whoever holds the key it is pinned to (or to
 * anyone, for seen_pin).  No certificate authority: the peer is whoever
 * holds the pinned key, and we are whoever holds ours; so no CA store
 * is loaded either (the system's is some 290 files, read again for each
 * connection, that would cost megabytes per link for nothing). */
static void as_party(struct hl_courier *c, CURL *h)
{
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
	curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert);
	curl_easy_setopt(h, CURLOPT_SSLKEY, c->key);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_MS);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
}

/* A new handle that speaks to the holder of pin as this party.  A peer
 * that stops answering (a frozen process: TCP still connects) costs its
 * worker CONNECT_MS on a new connection and STALL_S on a kept one. */
static CURL *pinned(struct hl_courier *c, const char *pin)
{
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	as_party(c, h);
	curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, pin);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_3);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)EXCHANGE_MS);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, STALL_S);
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
static void new_key(struct worker *w, struct lane *ln, const struct hl_link *l)
{
	int r;

	if (!l->has_old_pin || !ln->new_key_seen || ln->old_pin_dropped)
		return;
	r = hl_store_link_old_pin_drop(w->st, l);
	if (r < 0) {
		log_warn("courier %s: cannot drop its old TLS pin: %s", l->name, hl_strerror(r));
		return;
	}
	ln->old_pin_dropped = true;
	log_info("courier %s: the peer presents its new TLS key: its old pin is no longer "
		 "accepted", l->name);
}

/* One HTTPS exchange; body NULL for GET.  0, or -1 with why filled. */
static int exchange(struct worker *w, struct lane *ln, const struct hl_link *l,
		    const char *path, const char *type, const struct hl_buf *body,
		    struct reply *rp, char *why, size_t whylen)
{
	struct hl_courier *c = w->c;
	struct curl_slist *hdr = NULL, *more;
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
		/* No "Expect: 100-continue", which curl sends before a body
		 * over 1 MiB and which costs a round trip: the peer reads every
		 * push it admits. */
		more = hdr ? curl_slist_append(hdr, "Expect:") : NULL;
		hdr = more ? more : hdr;
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
	new_key(w, ln, l);
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

/* Stores the cosignature line that came back for the push we sent,
 * with our checkpoint when the push signed it without storing it. */
static int take_receipt(struct worker *w, const struct hl_link *l,
			const struct hl_buf *push, const struct reply *rp, uint64_t *size)
{
	struct hl_batch *b = malloc(sizeof(*b));
	int r = b ? hl_batch_parse(push->data, push->len, b) : -ENOMEM;

	if (r == 0)
		r = hl_transcript_receipt_pushed(w->st, w->c->me, l, b->checkpoint,
						 b->checkpoint_len, rp->body.data, rp->body.len,
						 size);
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
static int push_all(struct worker *w, struct lane *ln, const struct hl_link *l,
		    char *why, size_t whylen)
{
	struct hl_courier *c = w->c;
	while (!stopping(c)) {
		struct hl_buf out;
		struct reply rp = {{0}};
		uint64_t count = 0, size = 0, start = ln->resync_from;
		int r;

		if (start == UINT64_MAX)
			hl_store_cosigned_size(w->st, l->id, HL_OURS, &start);

		hl_buf_init(&out, HL_WIRE_BODY_MAX);
		r = hl_transcript_push_read(w->st, c->me, l, ln->resync_from, &out, &count);
		if (r < 0)
			snprintf(why, whylen, "cannot build a push: %s", hl_strerror(r));
		if (r == 0 && count == 0) {
			hl_buf_free(&out);
			return 0;
		}
		hl_trace("courier.built", count);
		if (r == 0)
			r = exchange(w, ln, l, HL_PATH_PUSH, HL_TYPE_PUSH, &out, &rp, why, whylen);
		hl_trace("courier.answered", rp.status);
		if (r == 0 && rp.status == 200) {
			r = take_receipt(w, l, &out, &rp, &size);
			hl_trace("courier.receipted", size);
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
static int pull(struct worker *w, struct lane *ln, const struct hl_link *l,
		char *why, size_t whylen)
{
	struct hl_courier *c = w->c;
	struct hl_witness_result res;
	struct reply rp = {{0}}, rr = {{0}};
	struct hl_buf line, receipt;
	int r = exchange(w, ln, l, HL_PATH_PULL, NULL, NULL, &rp, why, whylen);

	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	hl_buf_init(&receipt, HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX);
	if (r == 0 && rp.status == 200) {
		r = hl_transcript_witness(w->st, c->me, l, rp.body.data, rp.body.len,
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
			hl_event_arrived(w->st, l, res.old);
		if (r == 0)
			r = hl_transcript_cosigned(w->st, l, HL_THEIRS, res.size, &receipt);
		if (r == 0)
			r = exchange(w, ln, l, HL_PATH_RECEIPT, HL_TYPE_CHECKPOINT, &receipt,
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
	as_party(c, h);
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

/* ---- a worker's attempt ---- */

/* Whether the lane of l has anything to carry (10.8, step 1): what the
 * peer has not receipted, a resend it asked for, or a pull. */
static bool has_work(struct hl_store *st, const struct hl_link *l, const struct lane *ln,
		     bool pulls)
{
	uint64_t size = 0, acked = 0;

	hl_store_log_size(st, l->id, HL_OURS, &size);
	hl_store_cosigned_size(st, l->id, HL_OURS, &acked);
	return size != acked || pulls || ln->resync_from != UINT64_MAX;
}

/* Nothing to carry: no attempt, so no claim about reachability. */
static void idle_lane(struct hl_courier *c, struct lane *ln)
{
	pthread_mutex_lock(&c->lock);
	ln->s.attempts = 0;
	ln->s.next_attempt = 0;
	pthread_mutex_unlock(&c->lock);
}

/* What an attempt at now ended with (r 0, or -1 and why): the lane's
 * state and its next attempt. */
static void settle(struct hl_courier *c, struct lane *ln, const char *name, int64_t now,
		   bool pulls, int r, const char *why)
{
	pthread_mutex_lock(&c->lock);
	ln->s.last_attempt = now / 1000;
	if (r == 0) {
		if (ln->s.attempts)
			log_info("courier %s: reachable again", name);
		ln->s.reachable = true;
		ln->s.last_ok = now / 1000;
		ln->s.attempts = 0;
		ln->s.last_error[0] = 0;
		ln->s.next_attempt = pulls ? now + PULL_EVERY_MS : 0;
	} else {
		if (ln->s.attempts == 0 || strcmp(ln->s.last_error, why) != 0)
			log_warn("courier %s: %s (will retry)", name, why);
		ln->s.reachable = false;
		ln->s.attempts++;
		snprintf(ln->s.last_error, sizeof(ln->s.last_error), "%s", why);
		ln->s.next_attempt = now + backoff_ms(ln->s.attempts);
	}
	pthread_mutex_unlock(&c->lock);
}

/* One attempt on a lane the dispatcher queued.  The link is read again
 * on the worker's handle: it may have changed since the round. */
static void attempt(struct worker *w, struct lane *ln)
{
	struct hl_courier *c = w->c;
	struct hl_link l = {0};
	char why[200] = "";
	bool pulls = !c->me->card.endpoint[0], push;
	int64_t now = now_ms();
	int r = hl_store_link_get(w->st, ln->s.name, &l);

	if (r < 0 || !l.confirmed || !l.endpoint[0] || l.archived)
		goto out;
	push = has_work(w->st, &l, ln, false);
	if (!push && !pulls) {
		idle_lane(c, ln);
		goto out;
	}
	if (push)
		r = push_all(w, ln, &l, why, sizeof(why));
	if (r == 0 && pulls)
		r = pull(w, ln, &l, why, sizeof(why));
	pin_incident(c, ln, &l, now / 1000, r == 0);
	settle(c, ln, l.name, now, pulls, r, why);
out:
	hl_link_free(&l);
}

/* A worker is done with ln (lock held): a wake that came meanwhile
 * makes it due again, and the dispatcher learns its next attempt. */
static void done(struct hl_courier *c, struct lane *ln)
{
	ln->busy = false;
	if (ln->failing) {
		/* Room for another failing lane, if one waits. */
		ln->failing = false;
		c->failing--;
		pthread_cond_signal(&c->work);
	}
	if (ln->again) {
		ln->again = false;
		ln->s.next_attempt = 0;
		c->woken = true;
	}
	if (ln->s.next_attempt && ln->s.next_attempt < c->due)
		c->due = ln->s.next_attempt;
	pthread_cond_signal(&c->cond);
}

/* The next lane for a worker (lock held), or NULL: a lane whose last
 * attempt succeeded first, then one that failed while fewer than
 * FAILING_MAX of those are served. */
static struct lane *take(struct hl_courier *c)
{
	int q = c->queue[0] ? 0 : c->queue[1] && c->failing < FAILING_MAX ? 1 : -1;
	struct lane *ln;

	if (q < 0)
		return NULL;
	ln = c->queue[q];
	c->queue[q] = ln->next;
	if (!c->queue[q])
		c->queue_tail[q] = &c->queue[q];
	c->queued--;
	c->failing += ln->failing;
	return ln;
}

/* A worker: takes lanes off the queues, one at a time, until the
 * courier stops. */
static void *serve(void *arg)
{
	struct worker *w = arg;
	struct hl_courier *c = w->c;

	pthread_mutex_lock(&c->lock);
	while (!c->stopping) {
		struct lane *ln = take(c);

		if (!ln) {
			c->idle++;
			pthread_cond_wait(&c->work, &c->lock);
			c->idle--;
			continue;
		}
		pthread_mutex_unlock(&c->lock);
		attempt(w, ln);
		pthread_mutex_lock(&c->lock);
		done(c, ln);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* One more worker, with its store handle and a small stack; called by
 * the dispatcher only, below WORKERS_MAX. */
static int spawn(struct hl_courier *c)
{
	struct worker *w = &c->workers[c->nworkers];
	pthread_attr_t attr;
	char err[200] = "";
	int r = hl_store_open(c->db, &w->st, err, sizeof(err));

	if (r < 0) {
		log_warn("courier: a worker cannot open the store: %s", err[0] ? err : hl_strerror(r));
		return r;
	}
	w->c = c;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	r = -pthread_create(&w->thread, &attr, serve, w);
	pthread_attr_destroy(&attr);
	if (r < 0) {
		log_warn("courier: cannot start a worker: %s", strerror(-r));
		hl_store_close(w->st);
		w->st = NULL;
		return r;
	}
	pthread_mutex_lock(&c->lock);
	c->nworkers++;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/* ---- the dispatcher ---- */

struct round {
	struct hl_courier *c;
	int64_t now;
	int64_t next;	/* the earliest time a lane not busy wants attention */
};

/* Queues ln for a worker (lock held); whether one more is needed.  A
 * worker that cannot take a failing lane waits for other work. */
static bool enqueue(struct hl_courier *c, struct lane *ln)
{
	int q = ln->s.attempts > 0;

	ln->busy = true;
	ln->again = false;
	ln->failing = q;
	ln->next = NULL;
	*c->queue_tail[q] = ln;
	c->queue_tail[q] = &ln->next;
	c->queued++;
	pthread_cond_signal(&c->work);
	return c->queued > c->idle && c->nworkers < WORKERS_MAX;
}

/* Queues the lane of l if it is due and has something to carry. */
static int visit(void *ctx, const struct hl_link *l)
{
	struct round *rd = ctx;
	struct hl_courier *c = rd->c;
	bool due, more = false;
	struct lane *ln;

	if (!l->confirmed || !l->endpoint[0] || l->archived)
		return 0;
	pthread_mutex_lock(&c->lock);
	ln = lane_of(c, l->name);
	due = ln && !ln->busy && ln->s.next_attempt <= rd->now;
	if (ln && !ln->busy && !due && ln->s.next_attempt < rd->next)
		rd->next = ln->s.next_attempt;
	pthread_mutex_unlock(&c->lock);
	if (!due)
		return 0;
	if (!has_work(c->st, l, ln, !c->me->card.endpoint[0])) {
		idle_lane(c, ln);
		return 0;
	}
	/* A wake may have queued the lane meanwhile (hl_courier_wake): a
	 * lane queued twice would have two workers on its one handle. */
	pthread_mutex_lock(&c->lock);
	if (!ln->busy)
		more = enqueue(c, ln);
	pthread_mutex_unlock(&c->lock);
	if (more)
		spawn(c);
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
		c->due = INT64_MAX;
		pthread_mutex_unlock(&c->lock);
		round_all(&rd);
		pthread_mutex_lock(&c->lock);
		/* Workers that finished during the round lowered due. */
		if (rd.next < c->due)
			c->due = rd.next;
		while (!c->woken && !c->stopping) {
			monotonic_until(c->due, &until);
			if (pthread_cond_timedwait(&c->cond, &c->lock, &until) == ETIMEDOUT)
				break;
		}
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
	c->queue_tail[0] = &c->queue[0];
	c->queue_tail[1] = &c->queue[1];
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&c->work, NULL);
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

/* Makes ln due now (lock held); a worker's lane is tried again as
 * soon as the worker is done with it. */
static void wake_lane(struct lane *ln)
{
	if (ln->busy)
		ln->again = true;
	else
		ln->s.next_attempt = 0;
}

void hl_courier_wake(struct hl_courier *c, const char *link)
{
	bool found = false;
	size_t at = 0;

	pthread_mutex_lock(&c->lock);
	if (link)
		at = lane_at(c, link, &found);
	/* A lane that was fine, to a worker that waits: straight to it,
	 * without a round of the dispatcher (which reads every link); the
	 * worker reads the link and what it has to carry itself.  A message
	 * reaches the peer a thread switch and a store read sooner. */
	if (found && !c->lanes[at]->busy && c->lanes[at]->s.attempts == 0 &&
	    c->idle > c->queued && !c->stopping) {
		enqueue(c, c->lanes[at]);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	c->woken = true;
	/* A wake is a request to try now, whatever the backoff said: for
	 * that link only, when it names one. */
	if (found)
		wake_lane(c->lanes[at]);
	for (size_t i = 0; !link && i < c->nlanes; i++)
		wake_lane(c->lanes[i]);
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void hl_courier_new_cert(struct hl_courier *c)
{
	atomic_fetch_add(&c->cert_gen, 1);
	hl_courier_wake(c, NULL);
}

void hl_courier_stop(struct hl_courier *c)
{
	if (!c)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->lock);
		c->stopping = true;
		pthread_cond_signal(&c->cond);
		pthread_cond_broadcast(&c->work);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
	}
	/* The dispatcher, the only one that starts workers, is gone. */
	for (size_t i = 0; i < c->nworkers; i++) {
		pthread_join(c->workers[i].thread, NULL);
		hl_store_close(c->workers[i].st);
	}
	for (size_t i = 0; i < c->nlanes; i++) {
		if (c->lanes[i]->curl)
			curl_easy_cleanup(c->lanes[i]->curl);
		free(c->lanes[i]);
	}
	free(c->lanes);
	hl_store_close(c->st);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	pthread_cond_destroy(&c->work);
	free(c);
}

size_t hl_courier_status(struct hl_courier *c, struct hl_courier_link *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&c->lock);
	/* A lane exists from the first look at its link, but says nothing
	 * about the peer before its first attempt. */
	for (size_t i = 0; i < c->nlanes && n < max; i++)
		if (c->lanes[i]->s.last_attempt)
			out[n++] = c->lanes[i]->s;
	pthread_mutex_unlock(&c->lock);
	return n;
}

const struct hl_courier_link *hl_courier_find(const struct hl_courier_link *cl, size_t n,
					      const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(cl[mid].name, name);

		if (cmp == 0)
			return &cl[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t hl_courier_count(struct hl_courier *c)
{
	size_t n;

	pthread_mutex_lock(&c->lock);
	n = c->nlanes;
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

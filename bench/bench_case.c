/* bench_case - cases and the content index, each beside its floor.
 *
 *   bench_case [DIR]
 *
 * In a fresh folder made in DIR, else $TMPDIR, else /tmp (put it on the
 * disk the store will live on), and removed afterwards, it measures in
 * one run:
 *
 *   - the fold (hl_case_fold) of one case of 1000 and of 100000 events
 *     in memory (a notify, requests from one party, answers from the
 *     other, updates, acks, retractions, corrections; times with ties
 *     and the peer's clock 2 s behind), per event, as a multiple of
 *     qsort of the same events by time alone: the least any order costs;
 *   - the content index (hl_index_update) of 2000 envelopes received
 *     from a peer, in one update (one commit), per envelope, as a
 *     multiple of opening one (hl_envelope_unwrap + hl_envelope_decrypt),
 *     which indexing cannot avoid; and one new envelope per update, as a
 *     multiple of the fsync floor (write 4 KiB + fdatasync), since each
 *     update is one commit;
 *   - loading and folding every case of a link from the index
 *     (hl_store_case_each + hl_case_load, as `hotline case list --json`)
 *     for 500 cases of about 4 messages, per case, as a multiple of one
 *     point query of the index (hl_store_item_get).
 *
 * The messages are built by real parties, sealed with hl_transcript_send_many
 * and carried by push, witness and receipt, so the stores are the ones a
 * party has.  The input is the same on every run (a fixed seed).
 *
 * Prints a table; exit status 0, or 1 with a message on failure.
 */
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "batch.h"
#include "case.h"
#include "checkpoint.h"
#include "content.h"
#include "index.h"
#include "merkle.h"
#include "stix.h"
#include "transcript.h"

#define BENCH_NAME "bench_case"
#include "bench.h"

#define FOLD_SMALL 1000
#define FOLD_SMALL_RUNS 301
#define FOLD_LARGE 100000
#define FOLD_LARGE_RUNS 9
#define INDEX_CASES 500		/* x 4 envelopes from the peer */
#define INDEX_RUNS 5
#define INCR_RUNS 40
#define LIST_CASES 500		/* x about 4 messages, both sides */
#define LIST_PASSES 20
#define POINT_RUNS 250		/* point queries after each pass */
#define FSYNC_BEFORE 60
#define FSYNC_AFTER 60
#define FSYNC_SAMPLES (FSYNC_BEFORE + INCR_RUNS + FSYNC_AFTER)
#define ROUNDS 5
#define BLOCK 50		/* cases sent per transaction and round */
#define T0 ((int64_t)1795000000)
#define NOW (T0 + 400000)

static const char *const names[2] = {"eg-cert", "ru-cert"};	/* us, the peer */

/* A fixed sequence, so every run folds and indexes the same input. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* ---- 1. the fold, in memory ---- */

struct gen {
	struct hl_case_event *e;
	size_t n;
	uint64_t seq[2];
	int64_t clock;
	uint32_t *reqs, *open;	/* our requests; those still to answer */
	size_t nreqs, nopen;
	size_t last[2];		/* each side's latest event */
};

static const char *const severities[] = {"low", "medium", "high", "critical"};
static const char *const tlps[] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:RED"};

/* Appends an event of side, signed now by its clock (the peer's runs
 * 2 s behind ours, and either may lag a second more). */
static struct hl_case_event *add(struct gen *g, int side, const char *type, size_t ref)
{
	struct hl_case_event *e = &g->e[g->n];

	memset(e, 0, sizeof(*e));
	snprintf(e->from, sizeof(e->from), "%s", names[side]);
	snprintf(e->type, sizeof(e->type), "%s", type);
	snprintf(e->precedence, sizeof(e->precedence), "routine");
	e->side = side;
	e->seq = ++g->seq[side];
	if (rnd(3) == 0)
		g->clock++;
	e->time = g->clock - (side ? 2 : 0) - (rnd(4) == 0);
	e->ref_side = -1;
	if (ref != (size_t)-1) {
		e->ref_side = g->e[ref].side;
		e->ref_seq = g->e[ref].seq;
	}
	g->last[side] = g->n++;
	return e;
}

/* Their answer to one of our recent requests: accepted, then done or
 * declined, which end it. */
static void gen_answer(struct gen *g)
{
	size_t k = g->nopen - 1 - rnd(g->nopen < 8 ? (unsigned)g->nopen : 8);
	struct hl_case_event *e = add(g, HL_THEIRS, "answer", g->open[k]);
	unsigned r = rnd(10);

	snprintf(e->answer, sizeof(e->answer), "%s",
		 r < 5 ? "accepted" : r < 9 ? "done" : "declined");
	if (r >= 5)
		g->open[k] = g->open[--g->nopen];
}

static void gen_one(struct gen *g)
{
	unsigned r = rnd(100);
	struct hl_case_event *e;

	if (r < 25 || (r < 50 && !g->nopen)) {
		e = add(g, HL_OURS, "request", (size_t)-1);
		e->actions = 1u | (1u << rnd(7));
		g->reqs[g->nreqs++] = g->open[g->nopen++] = (uint32_t)(g->n - 1);
	} else if (r < 50) {
		gen_answer(g);
	} else if (r < 62) {
		e = add(g, (int)rnd(2), "update", (size_t)-1);
		snprintf(e->severity, sizeof(e->severity), "%s", severities[rnd(4)]);
		if (rnd(3) == 0)
			snprintf(e->tlp, sizeof(e->tlp), "%s", tlps[rnd(4)]);
		if (rnd(10) == 0)
			snprintf(e->stix, sizeof(e->stix), "valid");
	} else if (r < 84) {
		int side = (int)rnd(2);

		add(g, side, "ack", g->last[!side]);
	} else if (!g->nreqs) {
		add(g, HL_THEIRS, "ack", 0);
	} else if (r < 92) {
		add(g, HL_OURS, "retract", g->reqs[rnd((unsigned)g->nreqs)]);
	} else {
		e = add(g, HL_OURS, "correct", rnd(2) ? 0 : g->reqs[rnd((unsigned)g->nreqs)]);
		snprintf(e->severity, sizeof(e->severity), "%s", severities[rnd(4)]);
	}
}

/* The order hl_case_load reads a case in: by time, side and seq. */
static int cmp_stored(const void *a, const void *b)
{
	const struct hl_case_event *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->side != y->side)
		return x->side < y->side ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One case of n events opened by our notify, closed by its last. */
static struct hl_case_event *gen_case(size_t n)
{
	struct gen g = {0};
	struct hl_case_event *e;

	g.e = malloc(n * sizeof(*g.e));
	g.reqs = malloc(n * sizeof(*g.reqs));
	g.open = malloc(n * sizeof(*g.open));
	if (!g.e || !g.reqs || !g.open)
		die("gen_case", -ENOMEM);
	g.clock = T0;
	e = add(&g, HL_OURS, "notify", (size_t)-1);
	snprintf(e->category, sizeof(e->category), "malicious-code/c2-server");
	snprintf(e->tlp, sizeof(e->tlp), "TLP:AMBER");
	snprintf(e->severity, sizeof(e->severity), "high");
	e->time = g.clock;
	while (g.n < n - 1)
		gen_one(&g);
	if (g.n < n)
		add(&g, HL_OURS, "close", (size_t)-1);
	qsort(g.e, n, sizeof(*g.e), cmp_stored);
	free(g.reqs);
	free(g.open);
	return g.e;
}

static int cmp_time(const void *a, const void *b)
{
	const struct hl_case_event *x = a, *y = b;

	return x->time < y->time ? -1 : x->time > y->time;
}

struct fold_result {
	struct stats fold, floor;	/* per event */
	size_t n;
	unsigned requests, pending, ignored;
	char state[16];
};

/* Runs the fold and the floor in turn on copies of the same input, the
 * copy not timed. */
static struct fold_result bench_fold(size_t n, int runs)
{
	struct hl_case_event *in = gen_case(n), *work = malloc(n * sizeof(*work));
	double *tf = malloc((size_t)runs * sizeof(*tf));
	double *tq = malloc((size_t)runs * sizeof(*tq));
	struct hl_case c = {0};
	struct fold_result res = {.n = n};

	if (!work || !tf || !tq)
		die("bench_fold", -ENOMEM);
	snprintf(c.id, sizeof(c.id), "%s#1", names[HL_OURS]);
	c.side = HL_OURS;
	c.seq = 1;
	for (int i = 0; i < runs; i++) {
		double t0;

		memcpy(work, in, n * sizeof(*work));
		t0 = now_s();
		qsort(work, n, sizeof(*work), cmp_time);
		tq[i] = (now_s() - t0) / (double)n;
		memcpy(work, in, n * sizeof(*work));
		c.ev = work;
		c.n = n;
		t0 = now_s();
		hl_case_fold(&c);
		tf[i] = (now_s() - t0) / (double)n;
	}
	for (size_t i = 0; i < n; i++)
		res.ignored += (work[i].flags & HL_EV_IGNORED) != 0;
	res.requests = c.requests;
	res.pending = c.pending;
	snprintf(res.state, sizeof(res.state), "%s", c.state);
	res.fold = summarise(tf, (size_t)runs);
	res.floor = summarise(tq, (size_t)runs);
	free(c.by_log);
	free(work);
	free(in);
	free(tf);
	free(tq);
	return res;
}

/* ---- conversations: cases of a few messages, sent and delivered ---- */

/* Message round of case i: who sends it (-1: none), its type and the
 * round of the message it names (-1: none).  Round 0 is the peer's
 * notify, which the others name as their case. */
struct spec {
	int from;
	const char *type;
	int ref;
};
typedef struct spec (*script_fn)(unsigned i, unsigned round);

struct sent {
	int side;
	uint64_t seq;
	hl_hash leaf;
};

/* 2. Only the peer speaks: a notify, a request, an update, then a
 * second request, a correction, a retraction or the close. */
static struct spec script_peer(unsigned i, unsigned round)
{
	static const struct spec fourth[] = {
		{HL_THEIRS, "request", -1}, {HL_THEIRS, "request", -1},
		{HL_THEIRS, "correct", 0}, {HL_THEIRS, "retract", 1},
		{HL_THEIRS, "close", -1},
	};

	switch (round) {
	case 0: return (struct spec){HL_THEIRS, "notify", -1};
	case 1: return (struct spec){HL_THEIRS, "request", -1};
	case 2: return (struct spec){HL_THEIRS, "update", -1};
	case 3: return fourth[(i * 7) % 5];
	default: return (struct spec){-1, NULL, -1};
	}
}

/* 3. Both: their notify, our request, their answer, then our ack of it,
 * their update, our retraction, their correction or nothing, and
 * sometimes their close. */
static struct spec script_both(unsigned i, unsigned round)
{
	static const struct spec fourth[] = {
		{HL_OURS, "ack", 2}, {HL_OURS, "ack", 2}, {HL_THEIRS, "update", -1},
		{HL_OURS, "retract", 1}, {HL_THEIRS, "correct", 0}, {-1, NULL, -1},
		{HL_OURS, "ack", 2}, {HL_THEIRS, "update", -1},
	};

	switch (round) {
	case 0: return (struct spec){HL_THEIRS, "notify", -1};
	case 1: return (struct spec){HL_OURS, "request", -1};
	case 2: return (struct spec){HL_THEIRS, "answer", 1};
	case 3: return fourth[(i * 5) % 8];
	case 4: return i % 5 == 2 ? (struct spec){HL_THEIRS, "close", -1} :
				    (struct spec){-1, NULL, -1};
	default: return (struct spec){-1, NULL, -1};
	}
}

/* A small valid STIX bundle: an indicator and the domain it names. */
static json_t *bundle(unsigned i)
{
	char s[1024];
	json_error_t err;
	json_t *j;

	snprintf(s, sizeof(s),
		 "{\"type\":\"bundle\",\"id\":\"bundle--f43d105a-e88c-4d9f-8577-33d779593099\","
		 "\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\","
		 "\"id\":\"indicator--fa341487-12ff-428b-ba06-06eaeb841773\","
		 "\"created\":\"2026-11-22T09:54:00.000Z\",\"modified\":\"2026-11-22T09:54:00.000Z\","
		 "\"name\":\"C2 server\",\"indicator_types\":[\"malicious-activity\"],"
		 "\"pattern\":\"[ipv4-addr:value = '198.51.%u.%u']\",\"pattern_type\":\"stix\","
		 "\"valid_from\":\"2026-11-22T09:54:00Z\"},"
		 "{\"type\":\"domain-name\",\"id\":\"domain-name--3dc97d05-8729-5012-a9d7-cd1bb23b3cd9\","
		 "\"value\":\"c2-%u.example\"}]}", i / 256 % 256, i % 256, i);
	j = json_loads(s, 0, &err);
	if (!j || hl_stix_check(j, NULL) < 0)
		die("the STIX fixture", -HL_ESTIX);
	return j;
}

static struct hl_ref ref_of(const struct sent *s)
{
	struct hl_ref r = {.seq = s->seq};

	snprintf(r.from, sizeof(r.from), "%s", names[s->side]);
	memcpy(r.leaf, s->leaf, sizeof(r.leaf));
	return r;
}

static const char *const categories[] = {
	"malicious-code/c2-server", "availability/ddos", "fraud/phishing",
	"intrusions/system-compromise", "vulnerable/vulnerable-system",
	"malicious-code/malware-distribution", "information-content-security/data-leak",
};
static const char *const answers[] = {"accepted", "done", "declined", "accepted"};

/* The structured fields of message round of case i, by its type. */
static void fields(struct hl_content *c, unsigned i, unsigned round)
{
	const char *t = c->type;

	if (!strcmp(t, "notify")) {
		c->category = categories[i % 7];
		c->tlp = tlps[i % 4];
		c->severity = severities[(i / 4) % 4];
		if (i % 10 == 3)
			c->stix = bundle(i);
	} else if (!strcmp(t, "request")) {
		c->actions = 1u | (1u << (i % 7));
		if (i % 20 == 7)
			c->stix = bundle(i);
	} else if (!strcmp(t, "update") || !strcmp(t, "correct")) {
		c->severity = severities[(i + round) % 4];
		c->tlp = i % 3 ? NULL : tlps[(i + 1) % 4];
	} else if (!strcmp(t, "answer")) {
		c->answer = answers[i % 4];
	}
}

/* Writes the content of message round of case i into out. */
static void compose(unsigned i, unsigned round, const struct spec *sp,
		    struct sent (*sent)[ROUNDS], struct hl_buf *out)
{
	struct hl_content c = {0};
	char text[512];
	int r, n;

	n = snprintf(text, sizeof(text),
		     "Case %u, %s: C2 of a ransomware group at 198.51.100.%u seen since 09:54 UTC "
		     "on our constituency's mail servers; logs preserved, please confirm.",
		     i, sp->type, i % 256);
	snprintf(c.type, sizeof(c.type), "%s", sp->type);
	snprintf(c.text.lang, sizeof(c.text.lang), "en");
	c.text.text = text;
	c.text.len = (size_t)n;
	if (round > 0) {
		c.has_case = true;
		c.case_ref = ref_of(&sent[i][0]);
	}
	if (sp->ref >= 0) {
		c.has_ref = true;
		c.ref = ref_of(&sent[i][sp->ref]);
	}
	fields(&c, i, round);
	out->len = 0;
	r = hl_content_write(&c, out);
	json_decref(c.stix);
	if (r < 0)
		die("hl_content_write", r);
}

/* Time of message round of case i: two cases start each 90 s, their
 * messages follow 2 s apart give or take 3, on the sender's clock. */
static int64_t when(unsigned i, unsigned round, int from)
{
	return T0 + (int64_t)(i / 2) * 90 + round * 2 + (i * 7 + round * 3) % 4 -
	       (from == HL_THEIRS ? 2 : 0);
}

static struct hl_buf contents[BLOCK];	/* the contents of one transaction */

/* Sends round of cases [lo, hi) that from sends, in one transaction. */
static void send_round(struct side *s, int from, unsigned lo, unsigned hi,
		       unsigned round, script_fn script, struct sent (*sent)[ROUNDS])
{
	struct hl_send_job jobs[BLOCK];
	unsigned which[BLOCK], k = 0;
	struct hl_buf raw;
	int r;

	for (unsigned i = lo; i < hi; i++) {
		struct spec sp = script(i, round);

		if (sp.from != from)
			continue;
		if (!contents[k].max)
			hl_buf_init(&contents[k], HL_PLAIN_MAX);
		compose(i, round, &sp, sent, &contents[k]);
		jobs[k] = (struct hl_send_job){.link = &s->l, .msg = {
			.precedence = round ? HL_ROUTINE : HL_PRIORITY, .kind = sp.type,
			.plain = contents[k].data, .plain_len = contents[k].len,
			.now = when(i, round, from)}};
		which[k++] = i;
	}
	if (!k)
		return;
	r = hl_transcript_send_many(s->st, s->p, jobs, k);
	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	for (unsigned j = 0; r == 0 && j < k; j++) {
		struct sent *m = &sent[which[j]][round];

		r = jobs[j].result;
		m->side = from;
		m->seq = jobs[j].seq;
		if (r == 0)
			r = hl_store_envelope_get(s->st, s->l.id, HL_OURS, m->seq, &raw,
						  m->leaf);
	}
	hl_buf_free(&raw);
	if (r < 0)
		die("send", r);
}

/* Pushes what the peer sent to us until we have all of it, with the
 * receipts in between, as two daemons would. */
static void deliver(struct side *peer, struct side *us)
{
	struct hl_buf push, line, receipt;
	uint64_t count = 1, size;
	int r = 0;

	hl_buf_init(&push, HL_BATCH_MAX);
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	hl_buf_init(&receipt, HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX);
	while (r == 0 && count) {
		struct hl_witness_result res;

		push.len = line.len = receipt.len = 0;
		r = hl_transcript_push(peer->st, peer->p, &peer->l, &push, &count);
		if (r < 0 || !count)
			break;
		r = hl_transcript_witness(us->st, us->p, &us->l, push.data, push.len, NOW,
					  &line, &res);
		if (r == 0)
			r = hl_transcript_cosigned(us->st, &us->l, HL_THEIRS, res.size,
						   &receipt);
		if (r == 0)
			r = hl_transcript_receipt(peer->st, peer->p, &peer->l, receipt.data,
						  receipt.len, &size);
	}
	hl_buf_free(&push);
	hl_buf_free(&line);
	hl_buf_free(&receipt);
	if (r < 0)
		die("deliver", r);
}

/* Both sides send cases [0, cases) by script, block by block and round
 * by round (a message names only earlier rounds), then the peer's
 * messages are delivered to us. */
static void converse(struct side *us, struct side *peer, unsigned cases, script_fn script)
{
	struct sent (*sent)[ROUNDS] = calloc(cases, sizeof(*sent));

	if (!sent)
		die("converse", -ENOMEM);
	for (unsigned lo = 0; lo < cases; lo += BLOCK)
		for (unsigned round = 0; round < ROUNDS; round++) {
			unsigned hi = lo + BLOCK < cases ? lo + BLOCK : cases;

			send_round(peer, HL_THEIRS, lo, hi, round, script, sent);
			send_round(us, HL_OURS, lo, hi, round, script, sent);
		}
	deliver(peer, us);
	free(sent);
}

/* ---- 2. the content index ---- */

/* The peer's envelopes, read back from our store for the floor. */
struct envs {
	struct hl_buf *raw;
	size_t n;
};

static void envs_load(struct side *us, struct envs *e)
{
	uint64_t size = 0;
	int r = hl_store_log_size(us->st, us->l.id, HL_THEIRS, &size);

	e->n = (size_t)size;
	e->raw = calloc(e->n, sizeof(*e->raw));
	if (!e->raw)
		r = -ENOMEM;
	for (size_t i = 0; r == 0 && i < e->n; i++) {
		hl_buf_init(&e->raw[i], HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
		r = hl_store_envelope_get(us->st, us->l.id, HL_THEIRS, i + 1, &e->raw[i], NULL);
	}
	if (r < 0)
		die("envelopes", r);
}

/* Opening each envelope as the index does (parsing it, not timed). */
static void bench_open(const struct hl_party *me, const struct envs *e, double *t)
{
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	struct hl_buf plain;

	if (!key)
		die("sodium_malloc", -ENOMEM);
	hl_buf_init(&plain, HL_PLAIN_MAX);
	for (size_t i = 0; i < e->n; i++) {
		struct hl_envelope env;
		double t0;
		int r = hl_envelope_parse(e->raw[i].data, e->raw[i].len, &env);

		plain.len = 0;
		t0 = now_s();
		if (r == 0)
			r = hl_envelope_unwrap(&env, me->card.name, me->card.box_pk,
					       me->box_sk, key);
		if (r == 0)
			r = hl_envelope_decrypt(&env, key, &plain);
		t[i] = now_s() - t0;
		if (r < 0)
			die("open", r);
	}
	sodium_free(key);
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	hl_buf_free(&plain);
}

static void copy_file(const char *from, const char *to)
{
	char a[2048], b[2048], buf[65536];
	FILE *in, *out;
	size_t n;
	int fd;

	snprintf(a, sizeof(a), "%s/%s", bench_dir, from);
	snprintf(b, sizeof(b), "%s/%s", bench_dir, to);
	in = fopen(a, "rb");
	if (!in)
		return;		/* a -wal that is not there */
	/* 0600, or the store refuses it. */
	fd = open(b, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	out = fd < 0 ? NULL : fdopen(fd, "wb");
	if (!out)
		die(b, -errno);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			die(b, -EIO);
	fclose(in);
	if (fclose(out) != 0)
		die(b, -errno);
}

/* Opens a copy of our store as it was before any index update. */
static void copy_open(struct side *s, struct hl_party *me, const char *db)
{
	char wal[64];
	int r;

	copy_file("index.db", db);
	snprintf(wal, sizeof(wal), "%s-wal", db);
	copy_file("index.db-wal", wal);
	s->p = me;
	store_open(s, db);
	r = hl_store_link_get(s->st, names[HL_THEIRS], &s->l);
	if (r < 0)
		die("link", r);
}

struct index_result {
	struct stats open, full, incr, fsync;
	size_t envelopes, fsyncs;
};

/* One new envelope from the peer per update: its commit is the floor. */
static void bench_incr(struct side *peer, struct side *us, struct fsync_probe *f,
		       struct stats *out)
{
	static const char text[] = "{\"summary\":{\"lang\":\"en\",\"text\":\"x\"},"
				   "\"text\":{\"lang\":\"en\",\"text\":\"Logs preserved.\"},"
				   "\"type\":\"notify\",\"v\":1}";
	static double t[INCR_RUNS];
	struct hl_send msg = {.precedence = HL_ROUTINE, .kind = "notify", .plain = text,
			      .plain_len = sizeof(text) - 1, .now = NOW - 60};

	for (int i = 0; i < INCR_RUNS; i++) {
		uint64_t seq, added = 0;
		double t0;
		int r = hl_transcript_send(peer->st, peer->p, &peer->l, &msg, &seq);

		if (r < 0)
			die("send", r);
		deliver(peer, us);
		t0 = now_s();
		r = hl_index_update(us->st, us->p, &us->l, &added);
		t[i] = now_s() - t0;
		if (r < 0 || added != 1)
			die("hl_index_update", r < 0 ? r : -HL_ECONSISTENCY);
		fsync_sample(f, 1);
	}
	*out = summarise(t, INCR_RUNS);
}

static void bench_index(struct hl_party *us_p, struct hl_party *peer_p,
			struct index_result *res)
{
	struct fsync_probe probe;
	static double full[INDEX_RUNS];
	struct side us = {0}, peer = {0}, copy = {0};
	struct envs e;
	double *open_t;

	side_open(&us, us_p, peer_p, "index.db", T0);
	side_open(&peer, peer_p, us_p, "peer-index.db", T0);
	converse(&us, &peer, INDEX_CASES, script_peer);
	envs_load(&us, &e);
	side_close(&us);
	res->envelopes = e.n;
	open_t = malloc(2 * e.n * sizeof(*open_t));
	if (!open_t)
		die("bench_index", -ENOMEM);
	fsync_open(&probe, FSYNC_SAMPLES);
	fsync_sample(&probe, FSYNC_BEFORE);
	bench_open(us_p, &e, open_t);
	for (int i = 0; i < INDEX_RUNS; i++) {
		char db[32];
		uint64_t added = 0;
		double t0;
		int r;

		snprintf(db, sizeof(db), "index-%d.db", i);
		copy_open(&copy, us_p, db);
		t0 = now_s();
		r = hl_index_update(copy.st, copy.p, &copy.l, &added);
		full[i] = (now_s() - t0) / (double)e.n;
		if (r < 0 || added != e.n)
			die("hl_index_update", r < 0 ? r : -HL_ECONSISTENCY);
		if (i < INDEX_RUNS - 1)
			side_close(&copy);
	}
	bench_open(us_p, &e, open_t + e.n);
	/* The last copy, indexed, takes new envelopes one by one. */
	bench_incr(&peer, &copy, &probe, &res->incr);
	fsync_sample(&probe, FSYNC_AFTER);
	res->fsyncs = probe.n;
	res->fsync = fsync_close(&probe);
	res->full = summarise(full, INDEX_RUNS);
	res->open = summarise(open_t, 2 * e.n);
	side_close(&copy);
	side_close(&peer);
	for (size_t i = 0; i < e.n; i++)
		hl_buf_free(&e.raw[i]);
	free(e.raw);
	free(open_t);
}

/* ---- 3. every case of a link, from the index ---- */

struct lister {
	struct side *us;
	double *t, *tj;
	size_t n;
	unsigned open, closed, retracted, messages;
};

static int list_one(void *ctx, const struct hl_item *it)
{
	struct lister *ls = ctx;
	struct hl_case c;
	double t0 = now_s(), t1;
	char *s;
	int r = hl_case_load(ls->us->st, ls->us->p->card.name, &ls->us->l, it->side, it->seq,
			     &c);

	t1 = now_s();
	if (r < 0)
		return r;
	ls->t[ls->n] = t1 - t0;
	s = hl_case_json(&c);
	ls->tj[ls->n++] = now_s() - t1;
	ls->open += !strcmp(c.state, "open");
	ls->closed += !strcmp(c.state, "closed");
	ls->retracted += !strcmp(c.state, "retracted");
	ls->messages += (unsigned)c.n;
	r = s ? 0 : -ENOMEM;
	free(s);
	hl_case_free(&c);
	return r;
}

struct list_result {
	struct stats load, json, pass, point;
	double index;		/* per envelope, one update */
	unsigned cases, messages, open, closed, retracted;
	size_t envelopes;
};

/* Point queries of random items of both logs. */
static void bench_point(struct side *us, const uint64_t size[2], double *t)
{
	for (int i = 0; i < POINT_RUNS; i++) {
		int side = (int)rnd(2);
		uint64_t seq = 1 + rnd((unsigned)size[side]);
		struct hl_item it;
		double t0 = now_s();
		int r = hl_store_item_get(us->st, us->l.id, side, seq, &it);

		t[i] = now_s() - t0;
		if (r < 0)
			die("hl_store_item_get", r);
	}
}

static void bench_list(struct hl_party *us_p, struct hl_party *peer_p,
		       struct list_result *res)
{
	static double pass[LIST_PASSES], point[LIST_PASSES * POINT_RUNS];
	struct side us = {0}, peer = {0};
	struct lister ls = {&us, NULL, NULL, 0, 0, 0, 0, 0};
	uint64_t size[2], added = 0;
	double t0;
	int r;

	side_open(&us, us_p, peer_p, "cases.db", T0);
	side_open(&peer, peer_p, us_p, "peer-cases.db", T0);
	converse(&us, &peer, LIST_CASES, script_both);
	side_close(&peer);
	t0 = now_s();
	r = hl_index_update(us.st, us.p, &us.l, &added);
	if (r < 0)
		die("hl_index_update", r);
	res->index = (now_s() - t0) / (double)added;
	res->envelopes = (size_t)added;
	r = hl_store_log_size(us.st, us.l.id, HL_OURS, &size[HL_OURS]);
	if (r == 0)
		r = hl_store_log_size(us.st, us.l.id, HL_THEIRS, &size[HL_THEIRS]);
	ls.t = malloc(LIST_PASSES * LIST_CASES * sizeof(*ls.t));
	ls.tj = malloc(LIST_PASSES * LIST_CASES * sizeof(*ls.tj));
	if (r < 0 || !ls.t || !ls.tj)
		die("bench_list", r < 0 ? r : -ENOMEM);
	for (int p = 0; p < LIST_PASSES; p++) {
		ls.open = ls.closed = ls.retracted = ls.messages = 0;
		t0 = now_s();
		r = hl_store_case_each(us.st, us.l.id, list_one, &ls);
		pass[p] = (now_s() - t0) / LIST_CASES;
		if (r < 0 || ls.n != (size_t)(p + 1) * LIST_CASES)
			die("hl_store_case_each", r < 0 ? r : -HL_ECONSISTENCY);
		bench_point(&us, size, point + p * POINT_RUNS);
	}
	res->cases = LIST_CASES;
	res->messages = ls.messages;
	res->open = ls.open;
	res->closed = ls.closed;
	res->retracted = ls.retracted;
	res->load = summarise(ls.t, ls.n);
	res->json = summarise(ls.tj, ls.n);
	res->pass = summarise(pass, LIST_PASSES);
	res->point = summarise(point, LIST_PASSES * POINT_RUNS);
	free(ls.t);
	free(ls.tj);
	side_close(&us);
}

/* ---- the report ---- */

static void report_fold(const struct fold_result *f)
{
	char what[64], x[160];

	snprintf(what, sizeof(what), "floor: qsort by time, %zu events", f->n);
	row(what, &f->floor, 1 / f->floor.median, "per event");
	snprintf(what, sizeof(what), "fold: hl_case_fold, %zu events", f->n);
	snprintf(x, sizeof(x), "%.1f x qsort by time, per event",
		 f->fold.median / f->floor.median);
	row(what, &f->fold, 1 / f->fold.median, x);
}

static void report(const struct fold_result *f, size_t nf, const struct index_result *ix,
		   const struct list_result *ls)
{
	char x[160], y[32], z[32];

	printf("%-44s %10s %10s %14s  %s\n", "measure", "median", "p99", "rate",
	       "against its floor");
	for (size_t i = 0; i < nf; i++)
		report_fold(&f[i]);
	row("floor: unwrap + decrypt one envelope", &ix->open, 1 / ix->open.median,
	    "each of the peer's envelopes, twice");
	snprintf(x, sizeof(x), "%.1f x opening one, per envelope (%d runs)",
		 ix->full.median / ix->open.median, INDEX_RUNS);
	row("index: hl_index_update, 2000 in 1 commit", &ix->full, 1 / ix->full.median, x);
	snprintf(x, sizeof(x), "%zu samples, before, among and after the updates", ix->fsyncs);
	row("floor: write 4 KiB + fdatasync", &ix->fsync, 1 / ix->fsync.median, x);
	snprintf(x, sizeof(x), "%.2f x fsync floor", ix->incr.median / ix->fsync.median);
	row("index: 1 new envelope per update", &ix->incr, 1 / ix->incr.median, x);
	row("floor: hl_store_item_get", &ls->point, 1 / ls->point.median,
	    "random items, among the passes");
	snprintf(x, sizeof(x), "%.1f x one point query", ls->load.median / ls->point.median);
	row("case: hl_case_load, 500 cases", &ls->load, 1 / ls->load.median, x);
	snprintf(x, sizeof(x), "%.1f x one point query, per case (%d passes)",
		 ls->pass.median / ls->point.median, LIST_PASSES);
	row("case list --json: each + load + json", &ls->pass, 1 / ls->pass.median, x);
	snprintf(x, sizeof(x), "%.1f x one point query", ls->json.median / ls->point.median);
	row("case: hl_case_json (what --json prints)", &ls->json, 1 / ls->json.median, x);

	printf("\nfold: %s/event = %.1f x qsort by time at %zu events; %s/event = %.1f x at %zu"
	       " (events of %zu bytes)\n",
	       dur(f[0].fold.median, x, sizeof(x)), f[0].fold.median / f[0].floor.median, f[0].n,
	       dur(f[nf - 1].fold.median, y, sizeof(y)),
	       f[nf - 1].fold.median / f[nf - 1].floor.median, f[nf - 1].n,
	       sizeof(struct hl_case_event));
	for (size_t i = 0; i < nf; i++)
		printf("  %zu events: %s, %u requests, %u pending, %u not counted\n", f[i].n,
		       f[i].state, f[i].requests, f[i].pending, f[i].ignored);
	printf("index: %s/envelope = %.1f x opening one (%s); 1 fsync = %s, %.2f%% of an"
	       " update of %zu\n",
	       dur(ix->full.median, x, sizeof(x)), ix->full.median / ix->open.median,
	       dur(ix->open.median, y, sizeof(y)), dur(ix->fsync.median, z, sizeof(z)),
	       100 * ix->fsync.median / (ix->full.median * (double)ix->envelopes),
	       ix->envelopes);
	printf("index: one new envelope: %s = %.2f x fsync floor\n",
	       dur(ix->incr.median, x, sizeof(x)), ix->incr.median / ix->fsync.median);
	printf("cases: %s/case = %.1f x one point query (%s); %u cases, %u messages: %u open,"
	       " %u closed, %u retracted\n",
	       dur(ls->load.median, x, sizeof(x)), ls->load.median / ls->point.median,
	       dur(ls->point.median, y, sizeof(y)), ls->cases, ls->messages, ls->open,
	       ls->closed, ls->retracted);
	printf("cases: a listing of %u takes %s; indexing their %zu envelopes took %s each\n",
	       ls->cases, dur(ls->pass.median * ls->cases, x, sizeof(x)), ls->envelopes,
	       dur(ls->index, y, sizeof(y)));
}

int main(int argc, char **argv)
{
	static struct index_result ix;
	static struct list_result ls;
	struct fold_result f[2];
	struct hl_party *us, *peer;

	if (argc > 2) {
		fputs("usage: bench_case [DIR]\n", stderr);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	make_dir(argc == 2 ? argv[1] : NULL, "bench-case");
	printf("in %s\n", bench_dir);
	f[0] = bench_fold(FOLD_SMALL, FOLD_SMALL_RUNS);
	f[1] = bench_fold(FOLD_LARGE, FOLD_LARGE_RUNS);
	us = party(names[HL_OURS], T0);
	peer = party(names[HL_THEIRS], T0);
	bench_index(us, peer, &ix);
	bench_list(us, peer, &ls);
	report(f, 2, &ix, &ls);
	hl_party_free(us);
	hl_party_free(peer);
	for (size_t i = 0; i < BLOCK; i++)
		hl_buf_free(&contents[i]);
	remove_tree(bench_dir);
	return 0;
}

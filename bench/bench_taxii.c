/* bench_taxii - the TAXII 2.1 feed end to end, on two real hotlined.
 *
 *   bench_taxii [--hotlined PATH] [--fill N] [DIR]
 *
 * In a fresh folder made in DIR, else $TMPDIR, else /tmp, and removed
 * afterwards: two parties, eg-cert (the sender) and ru-cert (whose feed
 * is read, on its console's HTTPS listener), linked, each its own
 * hotlined on loopback.  The load is the one the reference TAXII server
 * (OASIS medallion) was measured with (issue 14):
 *
 *   - ingest: 30,000 STIX 2.1 indicators sent over the hotline, as 30
 *     messages carrying a bundle of 1,000 each, in 3 cases of 10
 *     messages, at TLP:AMBER, through eg-cert's operator API (the 3
 *     notifications at once, then the 27 updates at once, each on a
 *     connection of its own); timed from the first send until the last
 *     indicator of every message is served by ru-cert's feed (polled
 *     through TAXII, match[id]), then the count checked in ru-cert's
 *     objects table;
 *   - read-all: the tlp-amber collection read through TAXII, limit 1000
 *     and `next`, on one kept TLS connection (libcurl), with a feed token
 *     an admin made with the CLI (hotline feed token add);
 *   - queries: match[id] (one indicator), and match[type]=indicator
 *     limit 100, each timed as the whole HTTPS round trip and as the
 *     store's own time (hl_store_stix_each on a read-only handle); at
 *     30,000 rows, then at 1,000,000 (ru-cert stopped, its table filled
 *     through the store API as bench_feed does, in cases of 1,000,
 *     restarted);
 *   - collections/ (one collection per case) at 30,000 and 1,000,000.
 *
 * Each figure is printed beside the JSON-parse floor measured in the
 * same run (jansson parsing the same objects) and the target: ingest
 * >= 50,000 objects/s, read-all >= 100,000 objects/s, query < 1 ms.
 * Exit status 0, or 1 with a message.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <sodium.h>

#include "stixobj.h"

#define BENCH_NAME "bench_taxii"
#include "bench.h"
#include "daemons.h"

#define MESSAGES 30
#define PER_BUNDLE 1000
#define OBJECTS (MESSAGES * PER_BUNDLE)
#define PER_CASE 10
#define FILL 1000000
#define FILL_BATCH 10000
#define RUNS 300
#define PAGE 1000
#define T0 1795341240000000LL	/* 2026-11-22T09:54:00Z in µs */
#define ROOT "/taxii2/eg-cert/collections/tlp-amber/objects/"

static struct daemon eg = {.name = "eg-cert"}, ru = {.name = "ru-cert"};
static char hotlined[PATH_MAX], hotline[PATH_MAX];
static int console_port;
static size_t fill_rows = FILL;

static void stop_all(void)
{
	stop_daemon(&eg);
	stop_daemon(&ru);
}

static void fail(const char *what, int err)
{
	stop_all();
	die(what, err);
}

/* ---- the load ---- */

static void ind_id(size_t i, char out[64])
{
	snprintf(out, 64, "indicator--%08x-7b1c-4a2b-8c3d-%012zx",
		 (unsigned)(i * 2654435761u), i);
}

/* Message k's /v1/send body: a bundle of PER_BUNDLE indicators; a
 * notification opening a case every PER_CASE messages, else an update
 * of case. */
static char *send_body(size_t k, const char *case_name, size_t *len)
{
	size_t cap = PER_BUNDLE * 512 + 4096, n = 0;
	char *s = malloc(cap), id[64];

	if (!s)
		fail("send_body", -ENOMEM);
	if (k % PER_CASE == 0)
		n += (size_t)snprintf(s + n, cap - n, "{\"to\":\"ru-cert\",\"text\":\"bundle %zu\"", k);
	else
		n += (size_t)snprintf(s + n, cap - n,
				      "{\"case\":\"%s\",\"kind\":\"update\",\"text\":\"bundle %zu\"",
				      case_name, k);
	n += (size_t)snprintf(s + n, cap - n,
			      ",\"tlp\":\"TLP:AMBER\",\"lang\":\"en\",\"stix\":{\"type\":\"bundle\","
			      "\"id\":\"bundle--%08zx-5f74-4287-9642-33f4c354e56d\",\"objects\":[", k);
	for (size_t j = 0; j < PER_BUNDLE; j++) {
		size_t i = k * PER_BUNDLE + j;

		ind_id(i, id);
		n += (size_t)snprintf(s + n, cap - n,
			"%s{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\","
			"\"created\":\"2026-11-22T10:00:00.000Z\",\"modified\":\"2026-11-22T10:00:00.000Z\","
			"\"name\":\"C2 server %zu\",\"indicator_types\":[\"malicious-activity\"],"
			"\"pattern\":\"[ipv4-addr:value = '10.%zu.%zu.%zu']\",\"pattern_type\":\"stix\","
			"\"valid_from\":\"2026-11-22T10:00:00Z\"}",
			j ? "," : "", id, i, i >> 16 & 255, i >> 8 & 255, i & 255);
	}
	n += (size_t)snprintf(s + n, cap - n, "]}}");
	if (n >= cap)
		fail("send_body: too long", -EOVERFLOW);
	*len = n;
	return s;
}

/* ---- the feed over HTTPS ---- */

struct feed {
	CURL *h;
	struct curl_slist *hdr, *resolve;
	char *body;
	size_t len, cap;
	long status;
	long connects;		/* TLS connections opened */
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct feed *f = ctx;
	size_t k = size * n;

	if (f->len + k + 1 > f->cap) {
		size_t cap = (f->len + k + 1) * 2;
		char *b = realloc(f->body, cap);

		if (!b)
			return 0;
		f->body = b;
		f->cap = cap;
	}
	memcpy(f->body + f->len, p, k);
	f->len += k;
	f->body[f->len] = 0;
	return k;
}

static int feed_open(struct feed *f, const char *secret)
{
	char line[256], crt[PATH_MAX];

	memset(f, 0, sizeof(*f));
	f->h = curl_easy_init();
	snprintf(line, sizeof(line), "Authorization: Bearer %s", secret);
	f->hdr = curl_slist_append(NULL, line);
	f->hdr = curl_slist_append(f->hdr, "Accept: application/taxii+json;version=2.1");
	snprintf(line, sizeof(line), "ru-cert:%d:127.0.0.1", console_port);
	f->resolve = curl_slist_append(NULL, line);
	if (!f->h || !f->hdr || !f->resolve || hl_party_path(ru.home, "tls.crt", crt, sizeof(crt)))
		return -ENOMEM;
	curl_easy_setopt(f->h, CURLOPT_HTTPHEADER, f->hdr);
	curl_easy_setopt(f->h, CURLOPT_RESOLVE, f->resolve);
	curl_easy_setopt(f->h, CURLOPT_CAINFO, crt);
	curl_easy_setopt(f->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(f->h, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(f->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(f->h, CURLOPT_TIMEOUT_MS, 60000L);
	if (getenv("BENCH_TAXII_VERBOSE"))
		curl_easy_setopt(f->h, CURLOPT_VERBOSE, 1L);
	return 0;
}

static void feed_close(struct feed *f)
{
	curl_easy_cleanup(f->h);
	curl_slist_free_all(f->hdr);
	curl_slist_free_all(f->resolve);
	free(f->body);
}

/* GET path on ru-cert's console; the body in f->body. */
static int feed_get(struct feed *f, const char *path)
{
	char url[4200];
	CURLcode rc;

	snprintf(url, sizeof(url), "https://ru-cert:%d%s", console_port, path);
	f->len = 0;
	if (f->body)
		f->body[0] = 0;
	curl_easy_setopt(f->h, CURLOPT_URL, url);
	rc = curl_easy_perform(f->h);
	if (rc != CURLE_OK) {
		fprintf(stderr, BENCH_NAME ": %s: %s\n", url, curl_easy_strerror(rc));
		return -EIO;
	}
	curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &f->status);
	{
		long k = 0;

		curl_easy_getinfo(f->h, CURLINFO_NUM_CONNECTS, &k);
		f->connects += k;
	}
	return f->status == 200 ? 0 : -EPROTO;
}

/* The objects in a TAXII envelope, without parsing it: each served
 * object has one "spec_version". */
static size_t count_objects(const char *s, size_t n)
{
	static const char key[] = "\"spec_version\":";
	size_t c = 0;
	const char *p = s, *end = s + n;

	while ((p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1)) != NULL) {
		c++;
		p += sizeof(key) - 1;
	}
	return c;
}

/* The envelope's "next" into out ("" when more is false). */
static void next_of(const char *s, char *out, size_t cap)
{
	const char *p = strstr(s, "\"next\":\""), *q;

	out[0] = 0;
	if (!strstr(s, "\"more\":true") || !p)
		return;
	p += 8;
	q = strchr(p, '"');
	if (q && (size_t)(q - p) < cap)
		snprintf(out, cap, "%.*s", (int)(q - p), p);
}

/* ---- the CLI ---- */

/* Runs `hotline --home ru.home ARGS`; its standard output in out. */
static int cli(const char *args, char *out, size_t cap)
{
	char cmd[PATH_MAX * 3];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' --home '%s' %s", hotline, ru.home, args);
	p = popen(cmd, "r");
	if (!p)
		return -errno;
	n = fread(out, 1, cap - 1, p);
	out[n] = 0;
	return pclose(p) == 0 ? 0 : -EIO;
}

static void make_token(char *secret, size_t cap)
{
	char out[4096];
	json_t *j;
	const char *s = NULL;

	if (cli("operator add ana --role duty", out, sizeof(out)) < 0)
		fail("hotline operator add ana", -EIO);
	if (cli("feed token add ana bench --tlp amber --json", out, sizeof(out)) < 0)
		fail("hotline feed token add", -EIO);
	j = json_loads(out, 0, NULL);
	if (!j || json_unpack(j, "{s:s}", "secret", &s) < 0 || strlen(s) >= cap)
		fail("hotline feed token add: no secret", -EPROTO);
	snprintf(secret, cap, "%s", s);
	json_decref(j);
}

/* ---- ingest ---- */

struct ingest {
	double rate, floor_rate, seconds, sent_s;
	double cpu_eg, cpu_ru;	/* each daemon's CPU seconds during it */
	size_t rows;
};

/* The CPU seconds (user and system) pid has used so far: on a shared
 * machine, the work the ingest costs whatever else runs beside it. */
static double cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');	/* fields 14 and 15, counted after the name */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* One sender: its own connection to eg-cert's API. */
struct sender {
	pthread_t t;
	char *body;
	size_t len;
	char case_name[64];	/* the case a notification opened */
	int r;
};

static void *send_one(void *ctx)
{
	struct sender *x = ctx;
	struct api a;

	x->r = api_open(&a, eg.sock);
	if (x->r == 0)
		x->r = api_post(&a, "/v1/send", x->body, x->len);
	if (x->r == 0 && a.status != 200) {
		fprintf(stderr, BENCH_NAME ": send: %ld %s\n", a.status, a.reply);
		x->r = -EPROTO;
	}
	if (x->r == 0) {
		json_t *j = json_loadb(a.reply, a.len, 0, NULL);
		const char *c = NULL;

		if (j && json_unpack(j, "{s?s}", "case", &c) == 0 && c)
			snprintf(x->case_name, sizeof(x->case_name), "%s", c);
		json_decref(j);
	}
	api_close(&a);
	return NULL;
}

/* Sends messages from..to-1 at once, each from a thread of its own:
 * hotlined commits what arrives together in one group, so one client
 * sending a message after another would measure the latency of a
 * round, not the capacity (bench_delivery says the same). */
static void send_all(struct sender *x, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++)
		if (pthread_create(&x[k].t, NULL, send_one, &x[k]) != 0)
			fail("pthread_create", -EAGAIN);
	for (size_t k = from; k < to; k++) {
		pthread_join(x[k].t, NULL);
		if (x[k].r < 0)
			fail("send", x[k].r);
	}
}

static void ingest(struct feed *f, struct ingest *in)
{
	static struct sender x[MESSAGES];
	char path[4096], id[64];
	double t0, t;
	size_t served = 0, n;

	/* The notifications that open the cases first, all at once; then
	 * every update, naming its case, all at once. */
	for (size_t k = 0; k < MESSAGES; k += PER_CASE)
		x[k].body = send_body(k, "", &x[k].len);
	in->cpu_eg = cpu_s(eg.pid);
	in->cpu_ru = cpu_s(ru.pid);
	t0 = now_s();
	for (size_t k = 0; k < MESSAGES; k += PER_CASE)
		if (pthread_create(&x[k].t, NULL, send_one, &x[k]) != 0)
			fail("pthread_create", -EAGAIN);
	for (size_t k = 0; k < MESSAGES; k += PER_CASE) {
		pthread_join(x[k].t, NULL);
		if (x[k].r < 0 || !x[k].case_name[0])
			fail("send: no case opened", x[k].r < 0 ? x[k].r : -EPROTO);
	}
	for (size_t k = 0; k < MESSAGES; k++)
		if (k % PER_CASE)
			x[k].body = send_body(k, x[k - k % PER_CASE].case_name, &x[k].len);
	for (size_t k = 0; k < MESSAGES; k += PER_CASE)
		send_all(x, k + 1, k + PER_CASE);
	in->sent_s = now_s() - t0;
	/* Served: the last indicator of every message (each message's
	 * objects are indexed in one transaction). */
	n = (size_t)snprintf(path, sizeof(path), ROOT "?limit=%d&match[id]=", MESSAGES);
	for (size_t k = 0; k < MESSAGES; k++) {
		ind_id(k * PER_BUNDLE + PER_BUNDLE - 1, id);
		n += (size_t)snprintf(path + n, sizeof(path) - n, "%s%s", k ? "," : "", id);
	}
	if (n >= sizeof(path))
		fail("ingest: the poll's URL", -EOVERFLOW);
	for (;;) {
		int r = feed_get(f, path);

		if (r == 0 && count_objects(f->body, f->len) == MESSAGES)
			break;
		if (r < 0 && f->status != 200 && f->status != 0 && f->status != 404)
			fail(f->body ? f->body : "poll", r);
		if (now_s() - t0 > 600)
			fail("ingest: not every message served in 10 minutes", -ETIMEDOUT);
		sleep_us(2000);
	}
	t = now_s() - t0;
	in->cpu_eg = cpu_s(eg.pid) - in->cpu_eg;
	in->cpu_ru = cpu_s(ru.pid) - in->cpu_ru;
	in->seconds = t;
	in->rate = OBJECTS / t;
	/* The floor: parsing the same bundles. */
	t0 = now_s();
	for (size_t k = 0; k < MESSAGES; k++) {
		json_t *j = json_loadb(x[k].body, x[k].len, 0, NULL);

		if (!j)
			fail("floor: parse", -EPROTO);
		served += json_array_size(json_object_get(json_object_get(j, "stix"), "objects"));
		json_decref(j);
	}
	in->floor_rate = (double)served / (now_s() - t0);
	for (size_t k = 0; k < MESSAGES; k++)
		free(x[k].body);
}

/* The rows of the link in ru-cert's table, every level. */
static int count_row(void *ctx, const struct hl_stix_row *r)
{
	(void)r;
	(*(size_t *)ctx)++;
	return 0;
}

static size_t table_rows(struct watch *w, int tlp)
{
	struct hl_stix_query q = {.link = w->link, .tlp = tlp, .clearance = 4,
				  .case_side = -1, .added_after = -1,
				  .versions = HL_STIX_ALL, .limit = 0};
	size_t n = 0;

	if (hl_store_stix_each(w->st, &q, count_row, &n, NULL) < 0)
		fail(hl_store_errmsg(w->st), -HL_ESTORE);
	return n;
}

/* ---- read-all ---- */

struct readall {
	double rate, floor_rate, seconds;
	size_t objects, pages, bytes;
	long connects;
};

static void read_all(struct feed *f, struct readall *ra)
{
	char path[512], next[256];
	char **page = calloc(OBJECTS / PAGE + 64, sizeof(*page));
	size_t *plen = calloc(OBJECTS / PAGE + 64, sizeof(*plen));
	double t0;

	if (!page || !plen)
		fail("read_all", -ENOMEM);
	memset(ra, 0, sizeof(*ra));
	snprintf(path, sizeof(path), ROOT "?limit=%d", PAGE);
	f->connects = 0;
	t0 = now_s();
	for (;;) {
		if (feed_get(f, path) < 0)
			fail(f->body ? f->body : "read-all", -EPROTO);
		ra->objects += count_objects(f->body, f->len);
		ra->bytes += f->len;
		if (ra->pages < OBJECTS / PAGE + 64) {
			page[ra->pages] = f->body;
			plen[ra->pages] = f->len;
			f->body = NULL;
			f->cap = 0;
		}
		ra->pages++;
		next_of(page[ra->pages - 1], next, sizeof(next));
		if (!next[0])
			break;
		snprintf(path, sizeof(path), ROOT "?limit=%d&next=%s", PAGE, next);
	}
	ra->seconds = now_s() - t0;
	ra->connects = f->connects;
	ra->rate = (double)ra->objects / ra->seconds;
	t0 = now_s();
	for (size_t i = 0; i < ra->pages && i < OBJECTS / PAGE + 64; i++) {
		json_t *j = json_loadb(page[i], plen[i], 0, NULL);

		if (!j)
			fail("floor: a page is not JSON", -EPROTO);
		json_decref(j);
	}
	ra->floor_rate = (double)ra->objects / (now_s() - t0);
	for (size_t i = 0; i < ra->pages && i < OBJECTS / PAGE + 64; i++)
		free(page[i]);
	free(page);
	free(plen);
}

/* ---- the queries ---- */

struct query {
	struct stats https, store, floor;
	size_t objects;
};

struct got {
	size_t n;
	char *json[128];
};

static int take(void *ctx, const struct hl_stix_row *r)
{
	struct got *g = ctx;

	if (g->n < 128)
		g->json[g->n] = strndup(r->json, r->json_len);
	g->n++;
	return 0;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n && i < 128; i++)
		free(g->json[i]);
	g->n = 0;
}

/* RUNS times: the query over HTTPS, the same in the store, and the
 * floor of parsing the objects it returned. by_id: one random
 * indicator; else match[type]=indicator limit 100. */
static void query(struct feed *f, struct watch *w, size_t ids, bool by_id, struct query *m)
{
	static double th[RUNS], ts[RUNS], tf[RUNS];
	char path[256], id[64], list[80];
	struct got g = {0};

	for (size_t i = 0; i < RUNS; i++) {
		struct hl_stix_query q = {.link = w->link, .tlp = 2, .clearance = 3,
					  .case_side = -1, .added_after = -1};
		size_t n;
		double t0;

		ind_id(randombytes_uniform((uint32_t)ids), id);
		if (by_id) {
			snprintf(path, sizeof(path), ROOT "?match[id]=%s", id);
			snprintf(list, sizeof(list), "[\"%s\"]", id);
			q.ids = list;
		} else {
			snprintf(path, sizeof(path), ROOT "?match[type]=indicator&limit=100");
			q.types = "[\"indicator\"]";
			q.limit = 100;
		}
		t0 = now_s();
		if (feed_get(f, path) < 0)
			fail(f->body ? f->body : "query", -EPROTO);
		th[i] = now_s() - t0;
		n = count_objects(f->body, f->len);
		got_free(&g);
		t0 = now_s();
		if (hl_store_stix_each(w->st, &q, take, &g, NULL) < 0)
			fail(hl_store_errmsg(w->st), -HL_ESTORE);
		ts[i] = now_s() - t0;
		if (g.n != n || n != (by_id ? 1u : 100u)) {
			fprintf(stderr, BENCH_NAME ": %s: %zu objects over HTTPS, %zu in the store\n",
				path, n, g.n);
			fail("query", -EPROTO);
		}
		t0 = now_s();
		for (size_t k = 0; k < g.n && k < 128; k++)
			json_decref(json_loads(g.json[k], 0, NULL));
		tf[i] = now_s() - t0;
		m->objects = n;
	}
	got_free(&g);
	m->https = summarise(th, RUNS);
	m->store = summarise(ts, RUNS);
	m->floor = summarise(tf, RUNS);
}

/* GET collections/ (the TLP levels, then one per case) RUNS / 10
 * times: its median. */
static struct stats collections(struct feed *f, size_t *cases)
{
	static double t[RUNS / 10];

	for (size_t i = 0; i < RUNS / 10; i++) {
		double t0 = now_s();

		if (feed_get(f, "/taxii2/eg-cert/collections/") < 0)
			fail(f->body ? f->body : "collections", -EPROTO);
		t[i] = now_s() - t0;
	}
	*cases = 0;
	for (const char *p = f->body; (p = strstr(p, "\"case-")) != NULL; p++)
		(*cases)++;
	return summarise(t, RUNS / 10);
}

/* ---- a million rows ---- */

/* Puts fill_rows - have more amber indicators into ru-cert's table,
 * ru-cert stopped, as bench_feed does; their rate. */
static double fill(size_t have)
{
	char db[PATH_MAX], err[256] = "", sid[64], json[1024], case_name[64];
	struct hl_store *st = NULL;
	struct watch w;
	double t0;
	size_t n = 0;
	int r = hl_party_path(ru.home, HL_STORE_FILE, db, sizeof(db));

	if (r == 0)
		r = watch_open(&w, &ru, "eg-cert");
	if (r < 0)
		fail("fill: the link", r);
	hl_store_close(w.st);
	r = hl_store_open(db, &st, err, sizeof(err));
	if (r < 0)
		fail(err, r);
	t0 = now_s();
	for (size_t i = have; i < fill_rows; i += FILL_BATCH) {
		r = hl_store_begin(st);
		for (size_t j = i; r == 0 && j < i + FILL_BATCH && j < fill_rows; j++) {
			struct hl_stix_obj o = {
				.link = w.link, .side = 1, .seq = 1000 + j / 1000, .case_side = 1,
				.case_seq = 1000 + j / 1000, .case_name = case_name,
				.sid = sid, .type = "indicator", .spec = "2.1",
				.version = T0 + 360000000LL,
				.version_text = "2026-11-22T10:00:00.000Z", .tlp = 2, .json = json,
				.sent = 2 * (T0 / 1000000 + (int64_t)j), .now = 0,
			};

			ind_id(j, sid);
			snprintf(case_name, sizeof(case_name), "eg-cert#%zu", 1000 + j / 1000);
			o.json_len = (size_t)snprintf(json, sizeof(json),
				"{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\","
				"\"created\":\"2026-11-22T10:00:00.000Z\",\"modified\":\"2026-11-22T10:00:00.000Z\","
				"\"name\":\"C2 server %zu\",\"indicator_types\":[\"malicious-activity\"],"
				"\"pattern\":\"[ipv4-addr:value = '10.%zu.%zu.%zu']\",\"pattern_type\":\"stix\","
				"\"valid_from\":\"2026-11-22T10:00:00Z\","
				"\"object_marking_refs\":[\"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421\"],"
				"\"created_by_ref\":\"identity--2964a73c-28f3-4b28-b18f-6c52d7a7b3db\"}",
				sid, j, j >> 16 & 255, j >> 8 & 255, j & 255);
			r = hl_store_stix_put(st, &o, NULL);
			n++;
		}
		r = r == 0 ? hl_store_commit(st) : r;
		if (r < 0)
			fail(hl_store_errmsg(st), r);
	}
	t0 = now_s() - t0;
	hl_store_close(st);
	return (double)n / t0;
}

/* ---- the report ---- */

static void rate_line(const char *what, double rate, double floor, double target)
{
	printf("%-40s %12.0f/s   floor (jansson parse) %10.0f/s  %5.2f x floor   target >= %.0f/s: %s\n",
	       what, rate, floor, floor > 0 ? rate / floor : 0, target,
	       rate >= target ? "met" : "MISSED");
}

static void query_lines(const char *what, const struct query *m)
{
	char a[32], b[32], c[32], d[32], e[32];

	printf("%-40s  https round trip %9s (p99 %9s)  store %9s (p99 %9s)  floor %9s  "
	       "target < 1 ms (store): %s, (https): %s\n",
	       what, dur(m->https.median, a, sizeof(a)), dur(m->https.p99, b, sizeof(b)),
	       dur(m->store.median, c, sizeof(c)), dur(m->store.p99, d, sizeof(d)),
	       dur(m->floor.median, e, sizeof(e)), m->store.median < 1e-3 ? "met" : "MISSED",
	       m->https.median < 1e-3 ? "met" : "MISSED");
}

/* ru-cert's hotline.conf gets console.listen. */
static int console_on(void)
{
	char conf[PATH_MAX];
	FILE *f;
	int r = hl_party_path(ru.home, "hotline.conf", conf, sizeof(conf));

	if (r < 0)
		return r;
	f = fopen(conf, "a");
	if (!f)
		return -errno;
	fprintf(f, "console.listen = 127.0.0.1:%d\n", console_port);
	return fclose(f) == 0 ? 0 : -errno;
}

static void setup(const char *dir)
{
	int ports[3] = {0, 0, 0};
	char *slash;
	int r;

	if (!hotlined[0] && default_hotlined(hotlined, sizeof(hotlined)) < 0)
		die("no hotlined: give --hotlined PATH", -ENOENT);
	snprintf(hotline, sizeof(hotline), "%s", hotlined);
	slash = strrchr(hotline, '/');
	if (slash)
		snprintf(slash + 1, sizeof(hotline) - (size_t)(slash + 1 - hotline), "hotline");
	make_dir(dir, "bench-taxii");
	printf("in %s\n", bench_dir);
	r = free_ports(ports, 3);
	eg.port = ports[0];
	ru.port = ports[1];
	console_port = ports[2];
	if (r == 0)
		r = make_party(bench_dir, &eg);
	if (r == 0)
		r = make_party(bench_dir, &ru);
	if (r == 0)
		r = console_on();
	if (r == 0)
		r = link_both(&eg, &ru);
	if (r == 0)
		r = start_daemon(hotlined, &ru);
	if (r == 0)
		r = start_daemon(hotlined, &eg);
	if (r < 0)
		fail("setup", r);
}

int main(int argc, char **argv)
{
	struct ingest in = {0};
	struct readall ra;
	struct query q30[2], q1m[2];
	struct feed f;
	struct watch w;
	char secret[128];
	const char *dir = NULL;
	double put_rate;
	size_t rows30, rows1m, cases30, cases1m;
	struct stats coll30, coll1m;
	char a[32], b[32], at[32], line[64];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--hotlined") == 0 && i + 1 < argc)
			snprintf(hotlined, sizeof(hotlined), "%s", argv[++i]);
		else if (strcmp(argv[i], "--fill") == 0 && i + 1 < argc)
			fill_rows = strtoul(argv[++i], NULL, 10);
		else if (!dir && argv[i][0] != '-')
			dir = argv[i];
		else
			fill_rows = 0;
	}
	if (fill_rows < OBJECTS) {
		fputs("usage: bench_taxii [--hotlined PATH] [--fill N (>= 30000)] [DIR]\n", stderr);
		return 2;
	}
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;
	setup(dir);
	make_token(secret, sizeof(secret));
	if (feed_open(&f, secret) < 0)
		fail("feed", -ENOMEM);

	ingest(&f, &in);
	if (watch_open(&w, &ru, "eg-cert") < 0)
		fail("watch", -HL_ESTORE);
	rows30 = table_rows(&w, 2);
	if (rows30 != OBJECTS)
		fprintf(stderr, BENCH_NAME ": %zu amber rows, not %d\n", rows30, OBJECTS);
	read_all(&f, &ra);
	if (ra.objects != rows30)
		fprintf(stderr, BENCH_NAME ": read %zu objects, the table has %zu\n", ra.objects,
			rows30);
	query(&f, &w, OBJECTS, true, &q30[0]);
	query(&f, &w, OBJECTS, false, &q30[1]);
	coll30 = collections(&f, &cases30);
	hl_store_close(w.st);
	feed_close(&f);

	stop_daemon(&ru);
	put_rate = fill(OBJECTS);
	if (start_daemon(hotlined, &ru) < 0)
		fail("restart", -EIO);
	if (feed_open(&f, secret) < 0 || watch_open(&w, &ru, "eg-cert") < 0)
		fail("reopen", -EIO);
	rows1m = table_rows(&w, 2);
	query(&f, &w, fill_rows, true, &q1m[0]);
	query(&f, &w, fill_rows, false, &q1m[1]);
	coll1m = collections(&f, &cases1m);
	hl_store_close(w.st);
	feed_close(&f);
	stop_all();

	printf("\n%d indicators in %d messages of %d, %d cases, TLP:AMBER; feed over HTTPS "
	       "(one kept TLS connection, bearer token)\n", OBJECTS, MESSAGES, PER_BUNDLE,
	       MESSAGES / PER_CASE);
	printf("ingest: %.2f s from the first send until the last is served (sending took %.2f s); "
	       "%zu amber rows\n", in.seconds, in.sent_s, rows30);
	rate_line("ingest (send -> served by TAXII)", in.rate, in.floor_rate, 50000);
	printf("ingest CPU: sender %.2f s, receiver %.2f s (%.0f + %.0f us an object; at "
	       "50,000/s both must fit in %.0f us on %ld cores)\n", in.cpu_eg, in.cpu_ru,
	       1e6 * in.cpu_eg / OBJECTS, 1e6 * in.cpu_ru / OBJECTS,
	       1e6 / 50000 * (double)sysconf(_SC_NPROCESSORS_ONLN),
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("read-all: %zu objects in %zu pages of <= %d, %.1f MB, %.2f s, %ld new TLS connection(s)\n",
	       ra.objects, ra.pages, PAGE, (double)ra.bytes / 1e6, ra.seconds, ra.connects);
	rate_line("read-all (limit 1000, next)", ra.rate, ra.floor_rate, 100000);
	printf("queries (median of %d; store = hl_store_stix_each on a read-only handle; "
	       "https = the whole request on the kept connection; floor = parsing the objects "
	       "returned)\n", RUNS);
	query_lines("at 30k: match[id]", &q30[0]);
	query_lines("at 30k: match[type] limit 100", &q30[1]);
	printf("filled to %zu amber rows in cases of 1000 (put %.0f objects/s, %d to a commit)\n", rows1m,
	       put_rate, FILL_BATCH);
	/* "1M" unless --fill asked for another size. */
	snprintf(at, sizeof(at), fill_rows == FILL ? "1M" : "%zuk", rows1m / 1000);
	snprintf(line, sizeof(line), "at %s: match[id]", at);
	query_lines(line, &q1m[0]);
	snprintf(line, sizeof(line), "at %s: match[type] limit 100", at);
	query_lines(line, &q1m[1]);
	printf("collections/ (https): %s with %zu case collections at 30k, %s with %zu at %s "
	       "(median of %d)\n", dur(coll30.median, a, sizeof(a)), cases30,
	       dur(coll1m.median, b, sizeof(b)), cases1m, at, RUNS / 10);
	remove_tree(bench_dir);
	curl_global_cleanup();
	return 0;
}

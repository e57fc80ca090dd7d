/* daemons.h - what the benchmarks that run real hotlined share: a
 * party made and linked through the library (as 'hotline init', 'link
 * add' and 'link confirm' would, before its daemon starts), its daemon
 * started and stopped, the operator API over its unix socket, and a
 * read-only handle on its store.
 *
 * Included after bench.h (BENCH_NAME, BENCH_SHARED); everything is
 * static and marked unused, as there.
 */
#ifndef HL_BENCH_DAEMONS_H
#define HL_BENCH_DAEMONS_H

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <curl/curl.h>
#include <jansson.h>

#include "text.h"

/* One party's daemon: its home, its log, its socket and port, and its
 * store (hotline.conf's store: "" for hotline.db in its home). */
struct daemon {
	const char *name;
	char home[PATH_MAX], log[PATH_MAX], sock[PATH_MAX];
	char store[HL_STORE_WHERE_MAX + 1];
	int port;
	pid_t pid;
};

BENCH_SHARED int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

BENCH_SHARED double ms_since(int64_t t0)
{
	return (double)(now_ns() - t0) / 1e6;
}

BENCH_SHARED void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The nearest-rank percentile p (0..1) of n sorted values. */
BENCH_SHARED double pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p * (double)n + 0.999999);

	if (n == 0)
		return 0;
	return v[k == 0 ? 0 : (k > n ? n - 1 : k - 1)];
}

BENCH_SHARED double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return pct(v, n, 0.5);
}

BENCH_SHARED int make_party(const char *dir, struct daemon *s)
{
	struct hl_config conf;
	char why[PATH_MAX + 64] = "";
	int r;

	snprintf(s->home, sizeof(s->home), "%s/%s", dir, s->name);
	snprintf(s->log, sizeof(s->log), "%s/%s.log", dir, s->name);
	if (hl_party_path(s->home, "hotlined.sock", s->sock, sizeof(s->sock)) < 0)
		return -ENAMETOOLONG;
	hl_config_defaults(&conf);
	snprintf(conf.name, sizeof(conf.name), "%s", s->name);
	snprintf(conf.listen, sizeof(conf.listen), "127.0.0.1:%d", s->port);
	snprintf(conf.endpoint, sizeof(conf.endpoint), "https://127.0.0.1:%d", s->port);
	snprintf(conf.store, sizeof(conf.store), "%s", s->store);
	r = hl_party_create(s->home, &conf, (int64_t)time(NULL), why, sizeof(why));
	if (r < 0)
		fprintf(stderr, BENCH_NAME ": %s: %s\n", why, hl_strerror(r));
	return r;
}

/* Adds b's card to a's store st and confirms it, as 'hotline link add'
 * and 'hotline link confirm' do once the fingerprints were read out. */
BENCH_SHARED int link_in(struct hl_store *st, const struct hl_party *a,
			 const struct hl_party *b)
{
	unsigned char id[HL_LINK_ID_LEN];
	struct hl_link l;
	int r;

	hl_link_id(a->card.sign_pk, b->card.sign_pk, id);
	r = hl_store_link_add(st, b->card.name, id, b->card_text.data, b->card_text.len,
			      b->card.endpoint, (int64_t)time(NULL));
	if (r == 0)
		r = hl_store_link_get(st, b->card.name, &l);
	if (r == 0) {
		r = hl_store_link_confirm(st, l.id, (int64_t)time(NULL));
		hl_link_free(&l);
	}
	if (r < 0)
		fprintf(stderr, BENCH_NAME ": link %s -> %s: %s %s\n", a->card.name,
			b->card.name, hl_strerror(r), hl_store_errmsg(st));
	return r;
}

/* The same, opening a's store for it. */
BENCH_SHARED int link_one(const struct hl_party *a, const struct hl_party *b)
{
	char db[PATH_MAX], err[256] = "";
	struct hl_store *st = NULL;
	int r = hl_party_store(a->home, &a->conf, db, sizeof(db));

	if (r == 0)
		r = hl_store_open(db, &st, err, sizeof(err));
	if (r < 0)
		fprintf(stderr, BENCH_NAME ": %s: %s %s\n", db, hl_strerror(r), err);
	if (r == 0)
		r = link_in(st, a, b);
	hl_store_close(st);
	return r;
}

BENCH_SHARED int link_both(const struct daemon *a, const struct daemon *b)
{
	struct hl_party *pa = NULL, *pb = NULL;
	char why[PATH_MAX + 64] = "";
	int r = hl_party_open(a->home, HL_PARTY_PUBLIC, &pa, why, sizeof(why));

	if (r == 0)
		r = hl_party_open(b->home, HL_PARTY_PUBLIC, &pb, why, sizeof(why));
	if (r < 0)
		fprintf(stderr, BENCH_NAME ": %s: %s\n", why, hl_strerror(r));
	if (r == 0)
		r = link_one(pa, pb);
	if (r == 0)
		r = link_one(pb, pa);
	hl_party_free(pa);
	hl_party_free(pb);
	return r;
}

/* Whether the daemon's log holds s; the log's tail goes to stderr
 * when show is set. */
BENCH_SHARED bool log_has(const struct daemon *s, const char *what, bool show)
{
	static char text[65536];
	FILE *f = fopen(s->log, "r");
	size_t n = 0;

	if (f) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = 0;
	if (show)
		fprintf(stderr, "--- %s ---\n%s---\n", s->log, text);
	return strstr(text, what) != NULL;
}

/* Starts s's hotlined (its standard error into s->log), without
 * waiting for it. */
BENCH_SHARED int launch_daemon(const char *hotlined, struct daemon *s)
{
	int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	pid_t pid;

	if (fd < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(fd, 2);
		execl(hotlined, "hotlined", "--home", s->home, (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (pid < 0)
		return -errno;
	s->pid = pid;
	return 0;
}

/* Waits until s's log has its "ready:" line, limit_ms at most. */
BENCH_SHARED int wait_ready(struct daemon *s, int64_t t0, double limit_ms)
{
	int st = 0;

	while (!log_has(s, "ready:", false)) {
		bool gone = waitpid(s->pid, &st, WNOHANG) == s->pid;

		if (gone || ms_since(t0) > limit_ms) {
			if (gone)
				s->pid = 0;
			fprintf(stderr, BENCH_NAME ": hotlined %s did not start (%s)\n",
				s->name, gone ? "it exited" : "no ready line in time");
			log_has(s, "", true);
			return -EIO;
		}
		sleep_us(5000);
	}
	return 0;
}

BENCH_SHARED int start_daemon(const char *hotlined, struct daemon *s)
{
	int r = launch_daemon(hotlined, s);

	/* 30 s: on a loaded machine (load 10 on 2 CPUs) a daemon on
	 * PostgreSQL once took more than 10 s from the lease to ready. */
	return r < 0 ? r : wait_ready(s, now_ns(), 30000);
}

/* SIGTERM, then its exit status (-1 when it had to be killed). */
BENCH_SHARED int stop_daemon(struct daemon *s)
{
	int64_t t0 = now_ns();
	int st = 0;

	if (s->pid <= 0)
		return 0;
	kill(s->pid, SIGTERM);
	while (waitpid(s->pid, &st, WNOHANG) == 0) {
		if (ms_since(t0) > 30000) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &st, 0);
			s->pid = 0;
			return -1;
		}
		sleep_us(10000);
	}
	s->pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- the operator API, and the sender's store ---- */

struct api {
	CURL *h;
	struct curl_slist *hdr;
	char reply[65536];	/* a group send answers for every member */
	size_t len;
	char url[64];
	long status;		/* the last answer's */
};

BENCH_SHARED size_t on_reply(char *p, size_t size, size_t n, void *ctx)
{
	struct api *a = ctx;
	size_t k = size * n;

	if (k > sizeof(a->reply) - 1 - a->len)
		k = sizeof(a->reply) - 1 - a->len;
	memcpy(a->reply + a->len, p, k);
	a->len += k;
	a->reply[a->len] = 0;
	return size * n;
}

BENCH_SHARED int api_open(struct api *a, const char *sock)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->url, sizeof(a->url), "http://localhost/v1/send");
	a->h = curl_easy_init();
	a->hdr = curl_slist_append(NULL, "Content-Type: application/json");
	/* No "Expect: 100-continue" wait before a 1 KiB body. */
	if (a->hdr)
		a->hdr = curl_slist_append(a->hdr, "Expect:");
	if (!a->h || !a->hdr)
		return -ENOMEM;
	curl_easy_setopt(a->h, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(a->h, CURLOPT_URL, a->url);
	curl_easy_setopt(a->h, CURLOPT_HTTPHEADER, a->hdr);
	curl_easy_setopt(a->h, CURLOPT_POST, 1L);
	curl_easy_setopt(a->h, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(a->h, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(a->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(a->h, CURLOPT_TIMEOUT_MS, 60000L);
	return 0;
}

BENCH_SHARED void api_close(struct api *a)
{
	curl_easy_cleanup(a->h);
	curl_slist_free_all(a->hdr);
}

/* POST path (/v1/...) with the JSON body json; the answer in a->reply,
 * its status in a->status.  -EIO when none came. */
BENCH_SHARED int api_post(struct api *a, const char *path, const char *json, size_t n)
{
	CURLcode rc;

	a->len = 0;
	a->reply[0] = 0;
	a->status = 0;
	snprintf(a->url, sizeof(a->url), "http://localhost%s", path);
	curl_easy_setopt(a->h, CURLOPT_URL, a->url);
	curl_easy_setopt(a->h, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(a->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	rc = curl_easy_perform(a->h);
	if (rc != CURLE_OK) {
		snprintf(a->reply, sizeof(a->reply), "%s", curl_easy_strerror(rc));
		return -EIO;
	}
	curl_easy_getinfo(a->h, CURLINFO_RESPONSE_CODE, &a->status);
	return 0;
}

/* POST /v1/send; *seq gets the durable message's sequence number. */
BENCH_SHARED int api_send(struct api *a, const char *json, size_t n, uint64_t *seq)
{
	json_int_t v = 0;
	json_t *j;
	int r = api_post(a, "/v1/send", json, n);

	if (r < 0)
		return r;
	if (a->status != 200)
		return -EPROTO;
	j = json_loadb(a->reply, a->len, 0, NULL);
	if (j && json_unpack(j, "{s:I}", "seq", &v) < 0)
		v = 0;
	json_decref(j);
	if (v <= 0)
		return -EPROTO;
	*seq = (uint64_t)v;
	return 0;
}

/* A store handle of the bench's own on the sender's database; it only
 * reads (WAL, or PostgreSQL's snapshots: it never blocks the daemon's
 * writers). */
struct watch {
	struct hl_store *st;
	int64_t link;
};

BENCH_SHARED int watch_open(struct watch *w, const struct daemon *s, const char *peer)
{
	char db[PATH_MAX], err[256] = "";
	struct hl_link l;
	int r = 0;

	if (s->store[0])
		snprintf(db, sizeof(db), "%s", s->store);
	else
		r = hl_party_path(s->home, HL_STORE_FILE, db, sizeof(db));
	if (r == 0)
		r = hl_store_open(db, &w->st, err, sizeof(err));
	if (r == 0)
		r = hl_store_link_get(w->st, peer, &l);
	if (r == 0) {
		w->link = l.id;
		hl_link_free(&l);
	}
	if (r < 0)
		fprintf(stderr, BENCH_NAME ": %s: %s %s\n", db, hl_strerror(r), err);
	return r;
}

/* n distinct free ports on 127.0.0.1, all held until all are known. */
BENCH_SHARED int free_ports(int *port, unsigned n)
{
	int *fd = malloc(n * sizeof(*fd)), r = fd ? 0 : -ENOMEM;

	for (unsigned i = 0; fd && i < n; i++)
		fd[i] = -1;
	for (unsigned i = 0; r == 0 && i < n; i++) {
		struct sockaddr_in sa = {.sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t len = sizeof(sa);

		fd[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd[i] < 0 || bind(fd[i], (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    getsockname(fd[i], (struct sockaddr *)&sa, &len) < 0)
			r = -errno;
		else
			port[i] = ntohs(sa.sin_port);
	}
	for (unsigned i = 0; fd && i < n; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	free(fd);
	return r;
}

BENCH_SHARED uint64_t cosigned(struct watch *w)
{
	uint64_t n = 0;

	hl_store_cosigned_size(w->st, w->link, HL_OURS, &n);
	return n;
}

/* Waits until w's log is cosigned up to seq, reading the store every
 * poll_us, limit_ms at most. */
BENCH_SHARED int wait_cosigned(struct watch *w, uint64_t seq, double limit_ms, long poll_us)
{
	int64_t t0 = now_ns();

	while (cosigned(w) < seq) {
		if (ms_since(t0) > limit_ms)
			return -ETIMEDOUT;
		sleep_us(poll_us);
	}
	return 0;
}

/* Stops s; -EIO, said with its log's tail, unless it ran and exited 0. */
BENCH_SHARED int stop_checked(struct daemon *s)
{
	bool ran = s->pid > 0;
	int st = stop_daemon(s);

	if (!ran || st == 0)
		return 0;
	fprintf(stderr, BENCH_NAME ": hotlined %s exited %d on SIGTERM\n", s->name, st);
	log_has(s, "", true);
	return -EIO;
}

BENCH_SHARED int number(const char *s, unsigned max, unsigned *out)
{
	uint64_t v = 0;

	if (hl_parse_u64(s, strlen(s), max, &v) < 0 || v == 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* The hotlined in the parent of the folder this program is in. */
BENCH_SHARED int default_hotlined(char *out, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = 0;
	for (int i = 0; i < 2; i++) {
		slash = strrchr(self, '/');
		if (!slash)
			return -1;
		*slash = 0;
	}
	return snprintf(out, cap, "%s/hotlined", self) < (int)cap ? 0 : -1;
}

#endif

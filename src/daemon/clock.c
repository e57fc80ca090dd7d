/* clock.c - find what is late and escalate it, step by step. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "check.h"
#include "clock.h"
#include "error.h"
#include "file.h"
#include "index.h"
#include "log.h"
#include "store.h"

#define TICK_MS 1000
#define HOOK_TIMEOUT_S 10
#define CHECK_RETRY_S 60	/* after a scheduled check failed to append */

struct hl_clock {
	const struct hl_party *me;
	struct hl_store *st;
	struct hl_courier *courier;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping, started;
};

/* One late message: what, whose, how late. */
struct late {
	const struct hl_link *l;
	int side;
	const struct hl_message *m;
	const char *event;
	int64_t deadline;
	unsigned step;
};

static char *event_json(const struct hl_clock *c, const struct late *e, int64_t now)
{
	char id[HL_NAME_MAX + 32], sent[HL_TIME_LEN + 1], due[HL_TIME_LEN + 1];
	json_t *j;
	char *s;

	snprintf(id, sizeof(id), "%.*s/%s%llu", HL_NAME_MAX, e->l->name,
		 e->side == HL_OURS ? "out/" : "", (unsigned long long)e->m->seq);
	hl_time_format(e->m->time, sent);
	hl_time_format(e->deadline, due);
	j = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I}",
		      "party", c->me->card.name, "event", e->event, "link", e->l->name,
		      "step", (int)e->step + 1, "step_name", c->me->conf.ladder[e->step],
		      "message", id, "seq", (json_int_t)e->m->seq,
		      "side", e->side == HL_OURS ? "sent" : "received",
		      "precedence", e->m->precedence, "kind", e->m->kind, "sent", sent,
		      "deadline", due, "late_seconds", (json_int_t)(now - e->deadline));
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return s;
}

/* Runs the command with the event on its standard input; its status. */
static int run_command(const char *cmd, const char *event, const char *json)
{
	int in[2], status = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return -errno;
	}
	if (pid == 0) {
		sigset_t none;

		/* hotlined blocks its signals in every thread; a hook must not. */
		sigemptyset(&none);
		pthread_sigmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		dup2(in[0], STDIN_FILENO);
		execl(cmd, cmd, event, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	hl_write_all(in[1], json, strlen(json));
	close(in[1]);
	for (int i = 0; i < HOOK_TIMEOUT_S * 10; i++) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -ETIMEDOUT;
}

static long post_webhook(const char *url, const char *json)
{
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *h = curl_easy_init();
	long status = -1;

	if (h) {
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)HOOK_TIMEOUT_S);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
		if (curl_easy_perform(h) == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(h);
	}
	curl_slist_free_all(hdr);
	return status;
}

/* Runs one step's hooks, then records it. */
static void escalate(struct hl_clock *c, const struct late *e, int64_t now)
{
	const struct hl_config *conf = &c->me->conf;
	char *json = event_json(c, e, now), done[96] = "";
	int r;

	if (!json)
		return;
	if (conf->escalate_command[0]) {
		r = run_command(conf->escalate_command, e->event, json);
		if (r < 0)
			snprintf(done, sizeof(done), "command: %s", hl_strerror(r));
		else
			snprintf(done, sizeof(done), "command exit %d", r);
	}
	if (conf->escalate_webhook[0]) {
		size_t n = strlen(done);

		snprintf(done + n, sizeof(done) - n, "%swebhook %ld", n ? ", " : "",
			 post_webhook(conf->escalate_webhook, json));
	}
	log_warn("escalation: %s %s/%s%llu, %lld s late: step %u (%s)%s%s", e->event,
		 e->l->name, e->side == HL_OURS ? "out/" : "", (unsigned long long)e->m->seq,
		 (long long)(now - e->deadline), e->step + 1, conf->ladder[e->step],
		 done[0] ? ": " : "", done);
	free(json);
	if (hl_store_escalation_put(c->st, e->l->id, e->side, e->m->seq, e->event, e->step,
				    now) < 0)
		log_warn("escalation: store: %s", hl_store_errmsg(c->st));
}

#define MAX_LATE 256
#define MAX_LINKS 256

/* What one tick found late on one link, escalated after the scan (a
 * write inside the scan's read would fail once another connection has
 * committed). */
struct found {
	struct hl_message m;
	int side;
	const char *event;
	int64_t deadline;
};

struct scan {
	struct hl_clock *c;
	const struct hl_link *l;
	int side;
	int64_t now;
	uint64_t receipted;
	uint64_t *mark;		/* first seq that may still need escalation */
	bool settled;		/* every message so far is */
	struct found late[MAX_LATE];
	size_t nlate;
};

/* Whether the ladder has run to its last step for this event. */
static bool ladder_done(const struct scan *sc, const struct hl_message *m, const char *event)
{
	bool done = false;

	hl_store_escalated(sc->c->st, sc->l->id, sc->side, m->seq, event,
			   sc->c->me->conf.nladder - 1, &done);
	return done;
}

/* The shortest deadline of any kind on link: nothing newer can be late. */
static int64_t shortest(const struct hl_config *conf, const char *link)
{
	int64_t s = hl_config_ack_due(conf, link, HL_FLASH);

	for (int i = 0; i < 4; i++) {
		int64_t a = hl_config_ack_due(conf, link, (enum hl_precedence)i);
		int64_t r = hl_config_receipt_due(conf, link, (enum hl_precedence)i);

		if (a < s)
			s = a;
		if (r < s)
			s = r;
	}
	return s;
}

static void note(struct scan *sc, const struct hl_message *m, const char *event,
		 int64_t deadline)
{
	if (sc->now < deadline || sc->nlate == MAX_LATE)
		return;
	sc->late[sc->nlate].m = *m;
	sc->late[sc->nlate].side = sc->side;
	sc->late[sc->nlate].event = event;
	sc->late[sc->nlate++].deadline = deadline;
}

static int scan_msg(void *ctx, const struct hl_message *m)
{
	struct scan *sc = ctx;
	const struct hl_config *conf = &sc->c->me->conf;
	enum hl_precedence p = HL_ROUTINE;
	bool receipted = sc->side == HL_THEIRS || m->seq <= sc->receipted;
	bool acked = !hl_kind_needs_ack(m->kind);
	uint64_t ack_seq = 0;
	int64_t ack_time = 0;

	const char *ack_event = sc->side == HL_THEIRS ? "ack-overdue" : "peer-ack-overdue";

	/* Messages come in order; nothing this recent can be late yet. */
	if (m->time > sc->now - shortest(conf, sc->l->name))
		return 1;
	hl_precedence_parse(m->precedence, &p);
	if (!acked)
		acked = hl_store_acked(sc->c->st, sc->l->id, sc->side, m->seq, &ack_seq,
				       &ack_time) == 0;
	if (!receipted)
		note(sc, m, "receipt-overdue",
		     m->time + hl_config_receipt_due(conf, sc->l->name, p));
	if (!acked)
		note(sc, m, ack_event, m->time + hl_config_ack_due(conf, sc->l->name, p));
	/* Settled: nothing more can happen to it, so later ticks start after
	 * it: answered, or its ladders run to their last step. */
	if (!receipted)
		receipted = ladder_done(sc, m, "receipt-overdue");
	if (!acked)
		acked = ladder_done(sc, m, ack_event);
	sc->settled = sc->settled && receipted && acked;
	if (sc->settled)
		*sc->mark = m->seq + 1;
	return 0;
}

/* Runs the steps of the ladder due by now that have not run. */
static void ladder(struct hl_clock *c, const struct hl_link *l, const struct found *f,
		   int64_t now)
{
	const struct hl_config *conf = &c->me->conf;
	unsigned top = (unsigned)((now - f->deadline) / conf->escalate_every);
	struct late e = {l, f->side, &f->m, f->event, f->deadline, 0};

	if (top >= conf->nladder)
		top = conf->nladder - 1;
	for (unsigned s = 0; s <= top; s++) {
		bool done = false;

		if (hl_store_escalated(c->st, l->id, f->side, f->m.seq, f->event, s, &done) < 0 ||
		    done)
			continue;
		e.step = s;
		escalate(c, &e, now);
	}
}

/* A link's check schedule: the last check in our log (its time) and
 * the last of our messages looked at for it. */
struct sched {
	int64_t link;
	uint64_t after;
	int64_t last;
	int64_t retry;		/* no new try before, after a failure */
};

struct marks {
	int64_t link[MAX_LINKS];
	uint64_t from[MAX_LINKS][2];
	size_t n;
	struct sched sched[MAX_LINKS];
	size_t nsched;
};

static uint64_t *mark_of(struct marks *mk, int64_t link, int side)
{
	for (size_t i = 0; i < mk->n; i++)
		if (mk->link[i] == link)
			return &mk->from[i][side];
	if (mk->n == MAX_LINKS)
		return &mk->from[0][side];
	mk->link[mk->n] = link;
	mk->from[mk->n][0] = mk->from[mk->n][1] = 1;
	return &mk->from[mk->n++][side];
}

/* The schedule of link, or NULL past MAX_LINKS (the caller then reads
 * the whole log each time). */
static struct sched *sched_of(struct marks *mk, int64_t link)
{
	for (size_t i = 0; i < mk->nsched; i++)
		if (mk->sched[i].link == link)
			return &mk->sched[i];
	if (mk->nsched == MAX_LINKS)
		return NULL;
	mk->sched[mk->nsched] = (struct sched){.link = link};
	return &mk->sched[mk->nsched++];
}

/* Sends a check on l when none went out for check.every.  The check is
 * appended on the clock's own store handle, not through the writer:
 * hl_check_send commits in one BEGIN IMMEDIATE transaction that numbers
 * the envelope inside it, so it serialises with the writer's group
 * commits and the CLI as every writer of the database does, and the
 * clock stays free of the writer's lifetime.  Then the courier is woken,
 * as the writer does after a commit. */
static void schedule(struct hl_clock *c, struct marks *mk, const struct hl_link *l)
{
	const struct hl_config *conf = &c->me->conf;
	int64_t every = hl_config_check_every(conf, l->name), now = (int64_t)time(NULL);
	struct sched tmp = {.link = l->id}, *s;
	uint64_t seq = 0;
	int r;

	if (!every)
		return;
	s = sched_of(mk, l->id);
	if (!s)
		s = &tmp;
	if (hl_check_last(c->st, l->id, &s->after, &s->last) < 0) {
		log_warn("clock: check schedule of %s: %s", l->name, hl_store_errmsg(c->st));
		return;
	}
	if ((s->last && now < s->last + every) || now < s->retry)
		return;
	r = hl_check_send(c->st, c->me, l, conf->check_precedence, now, &seq);
	if (r < 0) {
		log_warn("clock: scheduled check to %s: %s", l->name,
			 r == -HL_ESTORE ? hl_store_errmsg(c->st) : hl_strerror(r));
		s->retry = now + CHECK_RETRY_S;
		return;
	}
	log_info("check sent to %s as %s/out/%llu", l->name, l->name, (unsigned long long)seq);
	hl_courier_wake(c->courier);
}

static int first_time(void *ctx, const struct hl_message *m)
{
	*(int64_t *)ctx = m->time;
	return 1;
}

/* Whether the first unsettled message of either log is old enough to be
 * late.  Only then is the content index, which opens every body, brought
 * up to date (acks must be known before anything is called late); under
 * a stream of fresh messages the clock then opens none of them. */
static bool may_be_late(struct hl_clock *c, struct marks *mk, const struct hl_link *l,
			int64_t now)
{
	int64_t soon = now - shortest(&c->me->conf, l->name);

	for (int side = HL_OURS; side <= HL_THEIRS; side++) {
		int64_t first = INT64_MAX;

		hl_store_message_each(c->st, l->id, side, *mark_of(mk, l->id, side) - 1,
				      first_time, &first);
		if (first <= soon)
			return true;
	}
	return false;
}

static void tick_link(struct hl_clock *c, struct marks *mk, const struct hl_link *l)
{
	struct scan *sc = calloc(1, sizeof(*sc));
	uint64_t added = 0;
	int64_t now = (int64_t)time(NULL);

	if (!sc)
		return;
	if (may_be_late(c, mk, l, now) && hl_index_update(c->st, c->me, l, &added) < 0)
		log_warn("clock: indexing %s: %s", l->name, hl_store_errmsg(c->st));
	for (int side = HL_OURS; side <= HL_THEIRS; side++) {
		uint64_t *mark = mark_of(mk, l->id, side);

		memset(sc, 0, sizeof(*sc));
		*sc = (struct scan){.c = c, .l = l, .side = side, .now = now, .mark = mark,
				    .settled = true};
		hl_store_cosigned_size(c->st, l->id, HL_OURS, &sc->receipted);
		hl_store_message_each(c->st, l->id, side, *mark - 1, scan_msg, sc);
		for (size_t i = 0; i < sc->nlate; i++)
			ladder(c, l, &sc->late[i], now);
	}
	free(sc);
}

struct tick {
	struct hl_clock *c;
	struct marks *mk;
};

static int tick_one(void *ctx, const struct hl_link *l)
{
	struct tick *t = ctx;

	if (!l->confirmed)
		return 0;
	schedule(t->c, t->mk, l);
	tick_link(t->c, t->mk, l);
	return 0;
}

static void tick(struct hl_clock *c, struct marks *mk)
{
	struct tick t = {c, mk};

	if (hl_store_link_each(c->st, tick_one, &t) < 0)
		log_warn("clock: store: %s", hl_store_errmsg(c->st));
}

static void *run(void *arg)
{
	struct hl_clock *c = arg;
	struct marks *mk = calloc(1, sizeof(*mk));

	for (;;) {
		struct timespec until;

		pthread_mutex_lock(&c->lock);
		if (c->stopping) {
			pthread_mutex_unlock(&c->lock);
			break;
		}
		pthread_mutex_unlock(&c->lock);
		if (mk)
			tick(c, mk);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += TICK_MS / 1000;
		pthread_mutex_lock(&c->lock);
		while (!c->stopping &&
		       pthread_cond_timedwait(&c->cond, &c->lock, &until) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&c->lock);
	}
	free(mk);
	return NULL;
}

int hl_clock_start(const struct hl_party *me, const char *db, struct hl_courier *courier,
		   struct hl_clock **out, char *err, size_t errlen)
{
	struct hl_clock *c = calloc(1, sizeof(*c));
	int r;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->me = me;
	c->courier = courier;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	r = hl_store_open(db, &c->st, err, errlen);
	if (r == 0 && pthread_create(&c->thread, NULL, run, c) != 0)
		r = -errno;
	if (r < 0) {
		hl_clock_stop(c);
		return r;
	}
	c->started = true;
	*out = c;
	return 0;
}

void hl_clock_stop(struct hl_clock *c)
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
	hl_store_close(c->st);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c);
}

/* writer.c - the group-commit thread behind POST /v1/send. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "events.h"
#include "log.h"
#include "writer.h"
#include "trace.h"

/* One caller's messages: it waits until none is left pending.  With
 * then, they go in one transaction, then run after them (fed the
 * caller's seqs and results) before it commits. */
struct waiter {
	size_t pending;
	pthread_cond_t done;		/* its caller waits on this alone */
	hl_writer_then_fn then;
	void *ctx;
	struct job *jobs;
	size_t n;
	uint64_t *seqs;
	int *results;
	bool then_done;			/* then ran, and its transaction committed */
};

struct job {
	const char *link;
	const struct hl_send *msg;
	uint64_t seq;
	int result;
	struct waiter *waiter;
	struct job *next;
};

struct hl_writer {
	const struct hl_party *me;
	struct hl_store *st;
	struct hl_courier *courier;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct job *head, **tail;
	bool stopping, started;
	int64_t floor;		/* the latest time given a message (writer thread) */
	/* The writer thread's scratch, sized for one group. */
	struct hl_send_job jobs[HL_WRITER_GROUP_MAX];
	struct hl_link links[HL_WRITER_GROUP_MAX];
	struct job *taken[HL_WRITER_GROUP_MAX];
};

/* The link of each job, loaded once per name in the group. */
static int load_links(struct hl_writer *w, size_t n, size_t *nlinks)
{
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < *nlinks; k++)
			if (strcmp(w->links[k].name, w->taken[i]->link) == 0)
				break;
		if (k == *nlinks) {
			int r = hl_store_link_get(w->st, w->taken[i]->link, &w->links[k]);

			if (r < 0) {
				w->taken[i]->result = r;
				w->jobs[i].link = NULL;
				continue;
			}
			(*nlinks)++;
		}
		w->jobs[i].link = &w->links[k];
		w->jobs[i].msg = *w->taken[i]->msg;
	}
	return 0;
}

/* Tells the event hub that job j is durable. */
static void committed(const struct hl_writer *w, const char *link, const struct hl_send_job *j)
{
	char ref[HL_NAME_MAX + 24];

	if (j->msg.case_no)
		snprintf(ref, sizeof(ref), "%s#%llu", w->me->card.name,
			 (unsigned long long)j->msg.case_no);
	hl_event_message(link, true, j->seq, j->msg.kind, hl_precedence_name(j->msg.precedence),
			 j->msg.now, j->msg.case_no ? ref : NULL);
}

struct group {
	struct hl_writer *w;
	size_t n, m;
	struct hl_send_job *batch;
	const size_t *idx;
};

/* In the group's transaction, once every job is appended: each
 * caller's then, on its last job, with its seqs and results. */
static int thens(void *ctx, struct hl_store *st)
{
	struct group *g = ctx;
	struct job **taken = g->w->taken;
	int r = 0;

	for (size_t k = 0; k < g->m; k++) {
		taken[g->idx[k]]->result = g->batch[k].result;
		taken[g->idx[k]]->seq = g->batch[k].seq;
	}
	for (size_t i = 0; r == 0 && i < g->n; i++) {
		struct waiter *wt = taken[i]->waiter;

		if (!wt->then || taken[i] != &wt->jobs[wt->n - 1])
			continue;
		for (size_t k = 0; k < wt->n; k++) {
			wt->seqs[k] = wt->jobs[k].seq;
			wt->results[k] = wt->jobs[k].result;
		}
		r = wt->then(wt->ctx, st, wt->seqs, wt->results, wt->n);
	}
	return r;
}

/* Appends one group: every job whose link loaded, in one transaction. */
static void commit_group(struct hl_writer *w, size_t n)
{
	struct hl_send_job batch[HL_WRITER_GROUP_MAX];
	size_t nlinks = 0, m = 0, idx[HL_WRITER_GROUP_MAX];
	struct group g = {w, n, 0, batch, idx};
	int r;

	hl_trace("writer.begin", 0);
	load_links(w, n, &nlinks);
	for (size_t i = 0; i < n; i++) {
		if (!w->jobs[i].link)
			continue;
		idx[m] = i;
		batch[m] = w->jobs[i];
		/* Requests read the clock in parallel and reach the log in
		 * queue order: a message is never dated before the one it
		 * follows (a witness refuses that, protocol.md 9.5). */
		if (batch[m].msg.now < w->floor)
			batch[m].msg.now = w->floor;
		w->floor = batch[m++].msg.now;
	}
	g.m = m;
	r = m ? hl_transcript_send_each_then(w->st, w->me, batch, m, thens, &g) : 0;
	if (r == -HL_ESTORE)
		log_warn("writer: store: %s", hl_store_errmsg(w->st));
	for (size_t i = 0; m && r == 0 && i < n; i++)
		w->taken[i]->waiter->then_done = w->taken[i]->waiter->then != NULL;
	for (size_t k = 0; k < m; k++) {
		w->taken[idx[k]]->result = batch[k].result;
		w->taken[idx[k]]->seq = batch[k].seq;
		if (batch[k].result == 0)
			committed(w, w->taken[idx[k]]->link, &batch[k]);
	}
	hl_trace("writer.commit", m ? batch[0].seq : 0);
	for (size_t k = 0; k < nlinks; k++)
		hl_link_free(&w->links[k]);
}

static void *run(void *arg)
{
	struct hl_writer *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		size_t n = 0;

		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->work, &w->lock);
		if (!w->head)
			break;
		while (w->head && n < HL_WRITER_GROUP_MAX) {
			const struct waiter *wt = w->head->waiter;

			/* A call with then goes whole into one transaction. */
			if (n && wt->then && w->head == wt->jobs &&
			    n + wt->n > HL_WRITER_GROUP_MAX)
				break;
			w->taken[n++] = w->head;
			w->head = w->head->next;
		}
		if (!w->head)
			w->tail = &w->head;
		pthread_mutex_unlock(&w->lock);
		commit_group(w, n);
		for (size_t i = 0; w->courier && i < n; i++)
			hl_courier_wake(w->courier, w->taken[i]->link);
		pthread_mutex_lock(&w->lock);
		/* Wake each caller whose messages are all done, and no
		 * other: a broadcast woke every waiting request thread to find
		 * its job not done. */
		for (size_t i = 0; i < n; i++) {
			struct waiter *wt = w->taken[i]->waiter;

			if (--wt->pending == 0)
				pthread_cond_signal(&wt->done);
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int hl_writer_start(const struct hl_party *me, const char *db,
		    struct hl_courier *courier, struct hl_writer **out,
		    char *err, size_t errlen)
{
	struct hl_writer *w = calloc(1, sizeof(*w));
	int r;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->me = me;
	w->courier = courier;
	w->tail = &w->head;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work, NULL);
	r = hl_store_open(db, &w->st, err, errlen);
	if (r == 0 && pthread_create(&w->thread, NULL, run, w) != 0)
		r = -errno;
	if (r < 0) {
		hl_writer_stop(w);
		return r;
	}
	w->started = true;
	*out = w;
	return 0;
}

/* Queues the n jobs of wt at once, so they go into the same group
 * commit (or consecutive ones, without then), and waits until the last
 * is durable. */
static int queue_and_wait(struct hl_writer *w, struct waiter *wt)
{
	struct job *jobs = wt->jobs;
	size_t n = wt->n;

	wt->pending = n;
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return -ESHUTDOWN;
	}
	pthread_cond_init(&wt->done, NULL);
	for (size_t i = 0; i < n; i++) {
		jobs[i].waiter = wt;
		*w->tail = &jobs[i];
		w->tail = &jobs[i].next;
	}
	pthread_cond_signal(&w->work);
	while (wt->pending)
		pthread_cond_wait(&wt->done, &w->lock);
	pthread_mutex_unlock(&w->lock);
	pthread_cond_destroy(&wt->done);
	return 0;
}

int hl_writer_send_then(struct hl_writer *w, const char *const *links,
			const struct hl_send *msgs, size_t n, uint64_t *seqs, int *results,
			hl_writer_then_fn then, void *ctx)
{
	struct job one;
	struct waiter wt = {.then = then, .ctx = ctx, .n = n, .seqs = seqs, .results = results};
	int r;

	if (n == 0)
		return 0;
	if (then && n > HL_WRITER_GROUP_MAX)
		return -E2BIG;
	wt.jobs = n == 1 ? &one : calloc(n, sizeof(*wt.jobs));
	if (!wt.jobs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		wt.jobs[i] = (struct job){.link = links[i], .msg = &msgs[i]};
	r = queue_and_wait(w, &wt);
	for (size_t i = 0; i < n; i++) {
		seqs[i] = r == 0 ? wt.jobs[i].seq : 0;
		results[i] = r == 0 ? wt.jobs[i].result : r;
	}
	if (wt.jobs != &one)
		free(wt.jobs);
	return r < 0 ? r : wt.then_done;
}

int hl_writer_send_many(struct hl_writer *w, const char *const *links,
			const struct hl_send *msgs, size_t n, uint64_t *seqs, int *results)
{
	int r = hl_writer_send_then(w, links, msgs, n, seqs, results, NULL, NULL);

	return r < 0 ? r : 0;
}

int hl_writer_send(struct hl_writer *w, const char *link,
		   const struct hl_send *msg, uint64_t *seq)
{
	int result;

	hl_writer_send_many(w, &link, msg, 1, seq, &result);
	return result;
}

void hl_writer_stop(struct hl_writer *w)
{
	if (!w)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->lock);
		w->stopping = true;
		pthread_cond_signal(&w->work);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
	}
	hl_store_close(w->st);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->work);
	free(w);
}

/* trail.c - the audit trail's group-commit thread (trail.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "error.h"
#include "trail.h"

/* An entry to append (malloc'd, freed by the writer once stored: its
 * caller does not wait), or a request a caller waits for (on its stack):
 * a flush, or a checkpoint. */
struct job {
	bool entry, checkpoint;
	struct hl_audit_entry e;
	json_t *detail;			/* owned */
	int result;
	bool done;
	struct job *next;
};

struct hl_trail {
	const struct hl_party *me;
	struct hl_store *st;
	char origin[HL_ORIGIN_MAX + 1];
	pthread_t thread;
	pthread_mutex_t lock;		/* guards the queue, health and stopping */
	pthread_cond_t work, done;
	struct job *head, **tail;
	size_t queued;			/* entries in the queue */
	bool stopping, started;
	int health;			/* 0, or the last failed commit's error */
	int fatal;			/* the store's log cannot be extended */
	/* The writer thread's own. */
	struct hl_merkle_frontier f;
	uint64_t cp_size;
	int64_t cp_time;
	struct job *taken[HL_TRAIL_GROUP_MAX];
	struct hl_buf entry;
};

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

struct rebuild {
	struct hl_merkle_frontier *f;
	int gap;
};

static int rebuild_one(void *ctx, uint64_t seq, const unsigned char *p, size_t n)
{
	struct rebuild *rb = ctx;
	struct hl_merkle_node nodes[HL_MERKLE_LEVELS];
	size_t count;
	hl_hash leaf;

	if (seq != rb->f->size + 1) {
		rb->gap = -HL_EGAP;
		return 1;
	}
	hl_merkle_leaf(p, n, leaf);
	hl_merkle_frontier_add(rb->f, leaf, nodes, &count);
	return 0;
}

/* The frontier of the tree hotlined built, from the nodes it stored:
 * an entry changed or deleted since does not change what the next
 * checkpoints sign (verify keeps naming it). */
static int from_nodes(struct hl_trail *t)
{
	struct hl_merkle_src src = hl_store_audit_src(t->st);
	uint64_t size;
	int r = hl_store_audit_leaves(t->st, &size);

	hl_merkle_frontier_init(&t->f);
	for (unsigned l = 0; r == 0 && l < HL_MERKLE_LEVELS; l++)
		if (size >> l & 1)
			r = src.node(src.ctx, l, (size >> l) - 1, t->f.h[l]);
	t->f.size = r == 0 ? size : 0;
	return r;
}

/* The tree, and the latest checkpoint's size.  Without the nodes, the
 * tree is made again from the entries; a gap there stops the trail. */
static int load(struct hl_trail *t)
{
	struct rebuild rb = {&t->f, 0};
	struct hl_buf cp;
	int r = from_nodes(t);

	if (r == -HL_ENOTFOUND) {
		hl_merkle_frontier_init(&t->f);
		r = hl_store_audit_each(t->st, 0, 0, rebuild_one, &rb);
		if (r > 0)
			t->fatal = rb.gap;
	}
	if (r < 0)
		return r;
	hl_buf_init(&cp, HL_CHECKPOINT_MAX);
	r = hl_store_audit_checkpoint_last(t->st, &t->cp_size, &cp);
	hl_buf_free(&cp);
	t->cp_time = 0;
	return r;
}

/* Stores entry job j as the next leaf; *stored false when only j's own
 * fields were refused (the group goes on). */
static int put_entry(struct hl_trail *t, struct job *j, bool *stored)
{
	struct hl_audit_entry e = j->e;
	struct hl_merkle_node nodes[HL_MERKLE_LEVELS];
	size_t count = 0;
	hl_hash leaf;
	int r;

	*stored = false;
	e.seq = t->f.size + 1;
	t->entry.len = 0;
	r = hl_audit_entry_encode(&e, j->detail, &t->entry);
	if (r < 0) {
		j->result = r;
		return 0;
	}
	r = hl_store_audit_put(t->st, e.seq, t->entry.data, t->entry.len);
	if (r < 0)
		return r;
	hl_merkle_leaf(t->entry.data, t->entry.len, leaf);
	hl_merkle_frontier_add(&t->f, leaf, nodes, &count);
	for (size_t i = 0; r == 0 && i < count; i++)
		r = hl_store_audit_node_put(t->st, &nodes[i]);
	*stored = r == 0;
	return r;
}

static int put_checkpoint(struct hl_trail *t)
{
	struct hl_buf note;
	hl_hash root;
	int r;

	if (!t->me->sign_sk)
		return -HL_ENOKEY;
	hl_merkle_frontier_root(&t->f, root);
	hl_buf_init(&note, HL_CHECKPOINT_MAX);
	r = hl_audit_checkpoint_sign(t->origin, t->f.size, root, t->me->sign_sk, &note);
	if (r == 0)
		r = hl_store_audit_checkpoint_put(t->st, t->f.size, note.data, note.len);
	hl_buf_free(&note);
	return r;
}

static bool checkpoint_due(const struct hl_trail *t, int64_t now)
{
	return t->f.size > t->cp_size && now >= t->cp_time + HL_TRAIL_CHECKPOINT_EVERY;
}

/* One transaction: every entry of the group, then a checkpoint when
 * one is due or asked for.  On failure nothing of it stays. */
static void commit_group(struct hl_trail *t, size_t n, bool force_cp)
{
	struct hl_merkle_frontier saved = t->f;
	bool stored, want_cp = force_cp || checkpoint_due(t, now_s());
	size_t entries = 0;
	int r = t->fatal;

	for (size_t i = 0; i < n; i++) {
		want_cp |= t->taken[i]->checkpoint;
		entries += t->taken[i]->entry;
		t->taken[i]->result = 0;
	}
	/* Nothing to write (a flush, a checkpoint already signed): the
	 * trail's health stays what the last write made it. */
	if (!entries && !(want_cp && t->f.size > t->cp_size)) {
		for (size_t i = 0; i < n; i++)
			t->taken[i]->result = hl_trail_health(t);
		return;
	}
	/* Entries ride on the next fsync of the database (a message's
	 * commit, or the checkpoint due within HL_TRAIL_CHECKPOINT_EVERY
	 * seconds); a checkpoint's commit syncs itself. */
	if (r == 0)
		r = hl_store_audit_sync(t->st, want_cp);
	if (r == 0)
		r = hl_store_begin(t->st);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (t->taken[i]->entry)
			r = put_entry(t, t->taken[i], &stored);
	if (r == 0 && want_cp && t->f.size > t->cp_size)
		r = put_checkpoint(t);
	if (r == 0)
		r = hl_store_commit(t->st);
	else if (!t->fatal)
		hl_store_rollback(t->st);
	if (r < 0) {
		t->f = saved;
		for (size_t i = 0; i < n; i++)
			t->taken[i]->result = r;
	} else if (want_cp && t->f.size > t->cp_size) {
		t->cp_size = t->f.size;
		t->cp_time = now_s();
	}
	pthread_mutex_lock(&t->lock);
	t->health = r;
	pthread_mutex_unlock(&t->lock);
}

/* Waits for work, or until a checkpoint falls due. */
static void wait_work(struct hl_trail *t)
{
	while (!t->head && !t->stopping) {
		struct timespec ts;

		if (t->f.size <= t->cp_size || t->fatal) {
			pthread_cond_wait(&t->work, &t->lock);
			continue;
		}
		if (checkpoint_due(t, now_s()))
			return;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec = t->cp_time + HL_TRAIL_CHECKPOINT_EVERY;
		ts.tv_nsec = 0;
		pthread_cond_timedwait(&t->work, &t->lock, &ts);
	}
}

/* Lets entries gather for HL_TRAIL_GATHER_NS after the last commit, so
 * that the trail takes the database's write lock a few hundred times a
 * second at most, whatever the rate of actions: the message writer
 * shares that lock.  Called and returns with t->lock held. */
static void gather(struct hl_trail *t, const struct timespec *last)
{
	struct timespec now, nap = {0, 0};
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (now.tv_sec - last->tv_sec) * 1000000000LL + (now.tv_nsec - last->tv_nsec);
	if (ns < 0 || ns >= HL_TRAIL_GATHER_NS || t->stopping)
		return;
	nap.tv_nsec = HL_TRAIL_GATHER_NS - ns;
	pthread_mutex_unlock(&t->lock);
	nanosleep(&nap, NULL);
	pthread_mutex_lock(&t->lock);
}

static void *run(void *arg)
{
	struct hl_trail *t = arg;
	struct timespec last = {0, 0};

	pthread_mutex_lock(&t->lock);
	for (;;) {
		size_t n = 0;

		wait_work(t);
		if (!t->head && t->stopping)
			break;
		gather(t, &last);
		while (t->head && n < HL_TRAIL_GROUP_MAX) {
			t->taken[n++] = t->head;
			t->head = t->head->next;
		}
		if (!t->head)
			t->tail = &t->head;
		pthread_mutex_unlock(&t->lock);
		commit_group(t, n, false);
		clock_gettime(CLOCK_MONOTONIC, &last);
		pthread_mutex_lock(&t->lock);
		for (size_t i = 0; i < n; i++) {
			struct job *j = t->taken[i];

			if (j->entry) {
				t->queued--;
				json_decref(j->detail);
				free(j);
			} else {
				j->done = true;
			}
		}
		pthread_cond_broadcast(&t->done);
	}
	pthread_mutex_unlock(&t->lock);
	commit_group(t, 0, true);	/* the last checkpoint */
	return NULL;
}

int hl_trail_start(const struct hl_party *me, const char *db, struct hl_trail **out,
		   char *err, size_t errlen)
{
	struct hl_trail *t = calloc(1, sizeof(*t));
	int r;

	*out = NULL;
	if (!t)
		return -ENOMEM;
	t->me = me;
	t->tail = &t->head;
	hl_audit_origin(me->card.name, t->origin);
	hl_buf_init(&t->entry, HL_AUDIT_ENTRY_MAX);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->work, NULL);
	pthread_cond_init(&t->done, NULL);
	r = hl_store_open(db, &t->st, err, errlen);
	if (r == 0)
		r = load(t);
	if (r == 0 && pthread_create(&t->thread, NULL, run, t) != 0)
		r = -errno;
	if (r < 0) {
		hl_trail_stop(t);
		return r;
	}
	t->health = t->fatal;
	t->started = true;
	*out = t;
	return 0;
}

void hl_trail_stop(struct hl_trail *t)
{
	if (!t)
		return;
	if (t->started) {
		pthread_mutex_lock(&t->lock);
		t->stopping = true;
		pthread_cond_signal(&t->work);
		pthread_mutex_unlock(&t->lock);
		pthread_join(t->thread, NULL);
	}
	hl_store_close(t->st);
	hl_buf_free(&t->entry);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->work);
	pthread_cond_destroy(&t->done);
	free(t);
}

/* Queues j; with wait, until the writer has done it. */
static int submit(struct hl_trail *t, struct job *j, bool wait)
{
	int r = 0;

	pthread_mutex_lock(&t->lock);
	while (!t->stopping && j->entry && t->queued >= HL_TRAIL_QUEUE_MAX)
		pthread_cond_wait(&t->done, &t->lock);
	if (t->stopping) {
		pthread_mutex_unlock(&t->lock);
		return -ESHUTDOWN;
	}
	*t->tail = j;
	t->tail = &j->next;
	t->queued += j->entry;
	pthread_cond_signal(&t->work);
	while (wait && !j->done)
		pthread_cond_wait(&t->done, &t->lock);
	if (wait)
		r = j->result;
	pthread_mutex_unlock(&t->lock);
	return r;
}

int hl_trail_append(struct hl_trail *t, const struct hl_audit_entry *e,
		    const json_t *detail)
{
	struct job *j = calloc(1, sizeof(*j));
	int r = 0;

	if (!j)
		return -ENOMEM;
	j->entry = true;
	j->e = *e;
	j->detail = detail ? json_deep_copy(detail) : NULL;
	if (detail && !j->detail)
		r = -ENOMEM;
	if (r == 0)
		r = submit(t, j, false);
	if (r < 0) {
		json_decref(j->detail);
		free(j);
	}
	return r;
}

int hl_trail_flush(struct hl_trail *t)
{
	struct job j = {0};

	return submit(t, &j, true);
}

int hl_trail_checkpoint(struct hl_trail *t)
{
	struct job j = {.checkpoint = true};

	return submit(t, &j, true);
}

int hl_trail_health(struct hl_trail *t)
{
	int r;

	pthread_mutex_lock(&t->lock);
	r = t->health;
	pthread_mutex_unlock(&t->lock);
	return r;
}

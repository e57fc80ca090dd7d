/* node.c - the active node and the standby (node.h). */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "lease.h"
#include "log.h"
#include "net.h"
#include "node.h"
#include "store.h"

/* How often the lease's connection is asked whether it is there, and
 * how long it may take to answer: past that, this node may no longer
 * hold the lease, and stops. */
#define WATCH_MS 500
#define ANSWER_MS 2000
/* How often the standby tries to take the lease. */
#define TRY_MS 500

struct hl_node {
	struct hl_store *st;	/* its connection holds the lease */
	pthread_t watch;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	bool took_over;		/* another node held the lease before */
};

void hl_node_name(const char *name, char out[HL_NODE_MAX + 1])
{
	char host[256] = "";

	if (name && *name) {
		snprintf(out, HL_NODE_MAX + 1, "%s", name);
		return;
	}
	if (gethostname(host, sizeof(host) - 1) < 0 || !host[0])
		snprintf(host, sizeof(host), "node-%ld", (long)getpid());
	snprintf(out, HL_NODE_MAX + 1, "%.*s", HL_NODE_MAX, host);
}

/* A node that cannot show it holds the lease must not act one moment
 * more: no clean stop, which would finish deliveries and write; what
 * was committed is safe, and the rest is the other node's now. */
static void *watch(void *arg)
{
	struct hl_node *n = arg;
	struct timespec at;

	pthread_mutex_lock(&n->lock);
	while (!n->stop) {
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_nsec += WATCH_MS * 1000000L;
		at.tv_sec += at.tv_nsec / 1000000000L;
		at.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&n->cond, &n->lock, &at);
		if (n->stop)
			break;
		if (hl_store_alive(n->st, ANSWER_MS) < 0) {
			log_err("lost the database connection that holds the lease (%s): "
				"stopping at once, for the standby to take over",
				hl_store_errmsg(n->st));
			_exit(75);	/* EX_TEMPFAIL: a supervisor starts it again */
		}
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

static void node_free(struct hl_node *n)
{
	hl_store_close(n->st);
	pthread_mutex_destroy(&n->lock);
	pthread_cond_destroy(&n->cond);
	free(n);
}

/* Waits TRY_MS for one of the signals in set: 1 (and *sig) if one came. */
static int pause_for(const sigset_t *set, int *sig)
{
	struct timespec t = {.tv_sec = 0, .tv_nsec = TRY_MS * 1000000L};
	int s = sigtimedwait(set, NULL, &t);

	if (s < 0)
		return 0;
	*sig = s;
	return 1;
}

static void say_holder(struct hl_node *n, const char *name)
{
	char holder[HL_NODE_MAX + 1];
	int64_t epoch, since;

	if (hl_store_lease_holder(n->st, holder, &epoch, &since) < 0)
		snprintf(holder, sizeof(holder), "another node");
	log_info("standby: %s is the active node; %s takes over when it stops",
		 holder[0] ? holder : "another node", name);
}

int hl_node_take(const char *db, const char *name, const sigset_t *set, int *sig,
		 struct hl_node **out, char *err, size_t errlen)
{
	struct hl_node *n = calloc(1, sizeof(*n));
	bool said = false;
	int64_t epoch = 0;
	int r;

	*out = NULL;
	if (!n)
		return -ENOMEM;
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->cond, NULL);
	r = hl_store_open(db, &n->st, err, errlen);
	if (r == 0 && !hl_store_shared(n->st)) {
		node_free(n);
		return 0;
	}
	while (r == 0 && (r = hl_store_lease_try(n->st, name)) == 0) {
		if (!said)
			say_holder(n, name);
		said = true;
		if (pause_for(set, sig)) {
			node_free(n);
			return 1;
		}
	}
	if (r == 1)
		r = hl_store_lease_begin(n->st, (int64_t)time(NULL), &epoch);
	if (r == 0)
		r = -pthread_create(&n->watch, NULL, watch, n);
	if (r < 0) {
		if (n->st && !err[0])
			snprintf(err, errlen, "the lease: %s", hl_store_errmsg(n->st));
		node_free(n);
		return r;
	}
	log_info("active: %s holds the lease (epoch %lld)%s", name, (long long)epoch,
		 said ? ", taking over" : "");
	n->took_over = said;
	*out = n;
	return 0;
}

bool hl_node_took_over(const struct hl_node *n)
{
	return n && n->took_over;
}

static bool port_free(const struct sockaddr_storage *ss)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
	bool free_ = false;

	if (fd < 0)
		return true;	/* the listener will say what is wrong */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	free_ = bind(fd, (const struct sockaddr *)ss, ss->ss_family == AF_INET6 ?
		     sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) == 0 ||
		errno != EADDRINUSE;
	close(fd);
	return free_;
}

void hl_node_wait_port(const char *listen)
{
	struct sockaddr_storage ss;

	if (!listen[0] || hl_net_resolve(listen, &ss) < 0)
		return;
	for (int i = 0; i < 100 && !port_free(&ss); i++)
		usleep(100 * 1000);
}

void hl_node_release(struct hl_node *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	n->stop = true;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
	pthread_join(n->watch, NULL);
	node_free(n);
}

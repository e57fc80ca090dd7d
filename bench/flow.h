/* flow.h - the sustained load of bench_delivery and bench_memory: client
 * threads posting 1 KiB ROUTINE messages on their own kept-alive
 * connections to the sender's API until a deadline, each waiting for
 * its message to be durable before the next.
 *
 * Include after daemons.h.
 */
#ifndef BENCH_FLOW_H
#define BENCH_FLOW_H

#include <pthread.h>
#include <stdatomic.h>

#define BODY_BYTES 1024		/* the messages' text */

struct flow {
	const char *sock;
	char json[BODY_BYTES + 128];
	size_t json_len;
	int64_t deadline;	/* CLOCK_MONOTONIC ns: set before the clients start */
	atomic_uint_fast64_t accepted, errors, max_seq;
	pthread_mutex_t lock;
	char first_error[256];	/* what the API answered to the first failure */
};

/* A client thread: posts until the deadline. */
BENCH_SHARED void *client(void *arg)
{
	struct flow *f = arg;
	struct api a;

	if (api_open(&a, f->sock) < 0) {
		atomic_fetch_add(&f->errors, 1);
		api_close(&a);
		return NULL;
	}
	while (now_ns() < f->deadline) {
		uint64_t seq = 0, m;

		if (api_send(&a, f->json, f->json_len, &seq) < 0) {
			pthread_mutex_lock(&f->lock);
			if (!f->first_error[0])
				snprintf(f->first_error, sizeof(f->first_error), "%.200s",
					 a.reply);
			pthread_mutex_unlock(&f->lock);
			atomic_fetch_add(&f->errors, 1);
			sleep_us(10000);
			continue;
		}
		atomic_fetch_add(&f->accepted, 1);
		m = atomic_load(&f->max_seq);
		while (m < seq && !atomic_compare_exchange_weak(&f->max_seq, &m, seq))
			;
	}
	api_close(&a);
	return NULL;
}

/* A flow to the party to, through the API socket sock; NULL when out
 * of memory. */
BENCH_SHARED struct flow *flow_new(const char *sock, const char *to)
{
	struct flow *f = calloc(1, sizeof(*f));
	char text[BODY_BYTES + 1];

	if (!f)
		return NULL;
	f->sock = sock;
	pthread_mutex_init(&f->lock, NULL);
	for (size_t i = 0; i < BODY_BYTES; i++)
		text[i] = (char)('a' + (i * 7 + i / 26) % 26);
	for (size_t i = 63; i < BODY_BYTES; i += 64)
		text[i] = ' ';
	text[BODY_BYTES] = 0;
	f->json_len = (size_t)snprintf(f->json, sizeof(f->json),
		"{\"to\":\"%s\",\"text\":\"%s\",\"precedence\":\"routine\"}", to, text);
	return f;
}

BENCH_SHARED void flow_free(struct flow *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f);
}

#endif

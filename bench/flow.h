/* flow.h - the sustained load of bench_delivery and bench_memory: client
 * threads posting 1 KiB ROUTINE messages on their own kept-alive
 * connections to the sender's API until a deadline, each waiting for
 * its message to be durable before the next.  Each answer's time, from
 * the request to the API's answer (the message durable at the sender),
 * goes into a histogram of 10 us steps, for its percentiles.
 *
 * Include after daemons.h.
 */
#ifndef BENCH_FLOW_H
#define BENCH_FLOW_H

#include <pthread.h>
#include <stdatomic.h>

#define BODY_BYTES 1024		/* the messages' text */
#define ANSWER_STEP_US 10	/* the histogram's step */
#define ANSWER_STEPS 100000	/* up to 1 s; slower answers count in the last */

struct flow {
	const char *sock;
	char json[BODY_BYTES + 128];
	size_t json_len;
	int64_t deadline;	/* CLOCK_MONOTONIC ns: set before the clients start */
	atomic_uint_fast64_t accepted, errors, max_seq;
	atomic_uint_fast64_t *answers;	/* ANSWER_STEPS counts of answer times */
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
		int64_t t0 = now_ns(), us;

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
		us = (now_ns() - t0) / 1000 / ANSWER_STEP_US;
		atomic_fetch_add(&f->answers[us < ANSWER_STEPS ? us : ANSWER_STEPS - 1], 1);
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

	if (f)
		f->answers = calloc(ANSWER_STEPS, sizeof(*f->answers));
	if (f && !f->answers) {
		free(f);
		return NULL;
	}
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

/* The percentile p (0..1) of the accepted messages' answer times, in
 * ms: the upper edge of the step that holds it (nearest rank). */
BENCH_SHARED double flow_answer_ms(struct flow *f, double p)
{
	uint64_t n = atomic_load(&f->accepted), seen = 0;
	uint64_t rank = (uint64_t)(p * (double)n + 0.999999);

	if (rank == 0)
		rank = 1;
	for (size_t i = 0; n && i < ANSWER_STEPS; i++) {
		seen += atomic_load(&f->answers[i]);
		if (seen >= rank)
			return (double)((i + 1) * ANSWER_STEP_US) / 1e3;
	}
	return 0;
}

BENCH_SHARED void flow_free(struct flow *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f->answers);
	free(f);
}

#endif

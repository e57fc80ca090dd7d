/* gate.c - one writer at a time per database file (gate.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "gate.h"
#include "walcp.h"

#define GATE_WAIT_S 10		/* as long as the busy handler waits */

struct hl_gate {
	dev_t dev;
	ino_t ino;
	unsigned refs;
	pthread_mutex_t lock;
	_Atomic int64_t floor;		/* hl_gate_floor */
	struct hl_walcp *walcp;		/* hotlined's checkpointer (walcp.h) */
	struct hl_gate *next;
};

static pthread_mutex_t gates_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hl_gate *gates;

struct hl_gate *hl_gate_get(const char *path)
{
	struct hl_gate *g;
	struct stat sb;

	if (stat(path, &sb) < 0)
		return NULL;
	pthread_mutex_lock(&gates_lock);
	for (g = gates; g; g = g->next)
		if (g->dev == sb.st_dev && g->ino == sb.st_ino)
			break;
	if (!g && (g = calloc(1, sizeof(*g)))) {
		atomic_store(&g->floor, INT64_MIN);
		g->dev = sb.st_dev;
		g->ino = sb.st_ino;
		pthread_mutex_init(&g->lock, NULL);
		g->walcp = hl_walcp_new(path);
		g->next = gates;
		gates = g;
	}
	if (g)
		g->refs++;
	pthread_mutex_unlock(&gates_lock);
	return g;
}

void hl_gate_put(struct hl_gate *g)
{
	struct hl_gate **p;

	if (!g)
		return;
	pthread_mutex_lock(&gates_lock);
	if (--g->refs == 0) {
		for (p = &gates; *p != g; p = &(*p)->next)
			;
		*p = g->next;
		hl_walcp_free(g->walcp);
		pthread_mutex_destroy(&g->lock);
		free(g);
	}
	pthread_mutex_unlock(&gates_lock);
}

bool hl_gate_enter(struct hl_gate *g)
{
	struct timespec until;

	if (!g)
		return false;
	if (pthread_mutex_trylock(&g->lock) == 0)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += GATE_WAIT_S;
	return pthread_mutex_clocklock(&g->lock, CLOCK_MONOTONIC, &until) == 0;
}

void hl_gate_leave(struct hl_gate *g)
{
	pthread_mutex_unlock(&g->lock);
}

struct hl_walcp *hl_gate_walcp(struct hl_gate *g)
{
	return g ? g->walcp : NULL;
}

int64_t hl_gate_floor(struct hl_gate *g)
{
	return g ? atomic_load(&g->floor) : INT64_MIN;
}

void hl_gate_floor_set(struct hl_gate *g, int64_t t)
{
	if (g)
		atomic_store(&g->floor, t);
}

/* stages.h - where one FLASH message's time goes, from the daemons'
 * stage marks (src/core/trace.h, HOTLINE_TRACE=1).
 *
 * The benchmark sends FLASH messages one at a time and notes, on
 * CLOCK_MONOTONIC as the daemons do, when it posted each and when it saw
 * it receipted.  Each daemon's log holds its marks.  For each message
 * the stages are found in order inside that window, each the first mark
 * of its name, on its daemon, at or after the stage before; the time
 * between two marks is the cost of the stage between them.  A message
 * missing a mark is left out and counted.
 */
#ifndef BENCH_STAGES_H
#define BENCH_STAGES_H

#define STAGE_MAX 12

struct mark {
	double t;	/* CLOCK_MONOTONIC seconds */
	char side;	/* 's' the sender, 'r' the receiver */
	char name[24];
};

struct marks {
	struct mark *v;
	size_t n, cap;
};

/* A stage ends at the mark named end on side; the first starts at the
 * benchmark's post, and the last row ends when the benchmark saw the
 * receipt (end NULL). */
struct stage {
	const char *label, *end;
	char side;
};

static const struct stage stages[STAGE_MAX] = {
	{"sender's API: request in (HTTP on the unix socket)", "api.read", 's'},
	{"sender's API: parse the JSON", "api.parsed", 's'},
	{"seal: compose, AEAD, wrap the key twice", "send.sealed", 's'},
	{"hand to the writer thread", "writer.begin", 's'},
	{"commit: number, sign, append, fsync", "writer.commit", 's'},
	{"courier: wake, read the log, build the push", "courier.built", 's'},
	{"TLS + HTTP: the push to the peer", "peer.push", 'r'},
	{"witness: verify, append, cosign", "witness.verified", 'r'},
	{"witness commit (fsync)", "witness.committed", 'r'},
	{"TLS + HTTP: the cosignature back", "courier.answered", 's'},
	{"receipt: verify, commit (fsync)", "courier.receipted", 's'},
	{"until the benchmark's poll sees it", NULL, 0},
};

/* Adds the "trace T STAGE SEQ" lines of log to m. */
BENCH_SHARED int marks_read(struct marks *m, const char *log, char side)
{
	FILE *f = fopen(log, "r");
	char line[512];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct mark k = {.side = side};

		if (strncmp(line, "trace ", 6) != 0 ||
		    sscanf(line + 6, "%lf %23s", &k.t, k.name) != 2)
			continue;
		if (m->n == m->cap) {
			size_t cap = m->cap ? 2 * m->cap : 4096;
			struct mark *v = realloc(m->v, cap * sizeof(*v));

			if (!v) {
				fclose(f);
				return -ENOMEM;
			}
			m->v = v;
			m->cap = cap;
		}
		m->v[m->n++] = k;
	}
	fclose(f);
	return 0;
}

static int mark_cmp(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

/* The first mark named name on side in [from, to]; -1 for none. */
BENCH_SHARED double mark_find(const struct marks *m, const char *name, char side,
			      double from, double to)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {	/* the first mark at or after from */
		size_t mid = (lo + hi) / 2;

		if (m->v[mid].t < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < m->n && m->v[i].t <= to; i++)
		if (m->v[i].side == side && strcmp(m->v[i].name, name) == 0)
			return m->v[i].t;
	return -1;
}

/* ms[s * n + i]: stage s of message i, for the n messages posted at
 * sent[i] and seen receipted at seen[i]; returns how many had every
 * mark (their rows come first). */
BENCH_SHARED size_t stages_split(struct marks *m, const double *sent, const double *seen,
				 size_t n, double *ms)
{
	size_t kept = 0;

	qsort(m->v, m->n, sizeof(*m->v), mark_cmp);
	for (size_t i = 0; i < n; i++) {
		double at = sent[i], d[STAGE_MAX];
		int s;

		for (s = 0; s < STAGE_MAX; s++) {
			double t = stages[s].end ?
				   mark_find(m, stages[s].end, stages[s].side, at, seen[i]) :
				   seen[i];

			if (t < 0)
				break;
			d[s] = (t - at) * 1e3;
			at = t;
		}
		if (s < STAGE_MAX)
			continue;
		for (s = 0; s < STAGE_MAX; s++)
			ms[s * n + kept] = d[s];
		kept++;
	}
	return kept;
}

#endif

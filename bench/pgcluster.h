/* pgcluster.h - a throw-away PostgreSQL cluster for a benchmark, made by
 * tools/pgtest.sh in a folder on the disk measured, with a schema for
 * each party's store.
 *
 * pgtest.sh starts the server on a unix socket in that folder only,
 * fsync and synchronous_commit on, and prints its connection string;
 * its stop stops the server at once and removes the folder.  The
 * cluster is stopped whatever happens: by the benchmark at its end, and
 * by pg_cluster_on_signal when it is interrupted.
 *
 * Include after daemons.h.
 */
#ifndef BENCH_PGCLUSTER_H
#define BENCH_PGCLUSTER_H

#include <libpq-fe.h>
#include <signal.h>
#include <sys/stat.h>

#define PG_SKIPPED 3		/* the exit status: no cluster, nothing measured */

struct pg_cluster {
	char script[PATH_MAX];	/* tools/pgtest.sh */
	char dir[PATH_MAX];	/* the cluster's folder; "" until it is made */
	char conn[HL_STORE_WHERE_MAX + 1];	/* what pgtest.sh printed */
	bool up;
};

/* The one cluster of the process, for the signal handler. */
static struct pg_cluster *pg_running;

/* Runs 'sh SCRIPT VERB DIR'; its exit status, or -1.  Its stdout goes
 * to the file out when set (a file, not a pipe: the server the script
 * starts could keep a pipe open, and its end would never come).  Only
 * async-signal-safe calls, for the signal handler (out NULL there). */
BENCH_SHARED int pg_script(const struct pg_cluster *c, const char *verb, const char *out)
{
	int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1, st = 0;
	pid_t pid;

	if (out && fd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		if (out)
			dup2(fd, 1);
		execl("/bin/sh", "sh", c->script, verb, c->dir, (char *)NULL);
		_exit(127);
	}
	if (fd >= 0)
		close(fd);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first line of the file path into out, without its newline. */
BENCH_SHARED int pg_read_line(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	bool ok = f && fgets(out, (int)cap, f);

	if (f)
		fclose(f);
	if (!ok)
		out[0] = 0;
	out[strcspn(out, "\n")] = 0;
	return out[0] ? 0 : -1;
}

/* Stops and removes the cluster, if it was made; -EIO if it stays. */
BENCH_SHARED int pg_cluster_stop(struct pg_cluster *c)
{
	int r = 0;

	if (c->dir[0] && access(c->dir, F_OK) == 0 && pg_script(c, "stop", NULL) != 0) {
		fprintf(stderr, BENCH_NAME ": cannot stop the PostgreSQL cluster in %s\n",
			c->dir);
		r = -EIO;
	}
	c->dir[0] = 0;
	c->up = false;
	pg_running = NULL;
	return r;
}

/* SIGINT, SIGTERM, SIGHUP: the cluster goes too, then the process. */
BENCH_SHARED void pg_cluster_on_signal(int sig)
{
	if (pg_running && pg_running->dir[0])
		pg_script(pg_running, "stop", NULL);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Runs each of the statements sql on conn; 0, or -HL_ESTORE said. */
BENCH_SHARED int pg_exec(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);
	int r = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -HL_ESTORE;

	if (r < 0)
		fprintf(stderr, BENCH_NAME ": PostgreSQL: %s: %s", sql, PQerrorMessage(pg));
	PQclear(res);
	return r;
}

/* Starts a cluster in base/pg with script, and makes the schemas named
 * in schemas (NULL-terminated) in it.  0; PG_SKIPPED (positive) when
 * the script could not start one (it said why); -errno. */
BENCH_SHARED int pg_cluster_start(struct pg_cluster *c, const char *base,
				  const char *const *schemas)
{
	char out[PATH_MAX + 16];
	PGconn *pg = NULL;
	int r = 0;

	/* root runs the server as another user, who must reach the folder. */
	if (chmod(base, 0711) < 0)
		return -errno;
	if (snprintf(c->dir, sizeof(c->dir), "%s/pg", base) >= (int)sizeof(c->dir)) {
		c->dir[0] = 0;
		return -ENAMETOOLONG;
	}
	pg_running = c;
	signal(SIGINT, pg_cluster_on_signal);
	signal(SIGTERM, pg_cluster_on_signal);
	signal(SIGHUP, pg_cluster_on_signal);
	snprintf(out, sizeof(out), "%s/pgtest.out", base);
	if (pg_script(c, "start", out) != 0 || pg_read_line(out, c->conn, sizeof(c->conn)) < 0) {
		fprintf(stderr, BENCH_NAME ": %s could not start a PostgreSQL cluster in %s\n",
			c->script, c->dir);
		pg_cluster_stop(c);
		return PG_SKIPPED;
	}
	c->up = true;
	pg = PQconnectdb(c->conn);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, BENCH_NAME ": %s: %s", c->conn, PQerrorMessage(pg));
		r = -HL_ESTORE;
	}
	for (size_t i = 0; r == 0 && schemas[i]; i++) {
		char sql[128];

		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schemas[i]);
		r = pg_exec(pg, sql);
	}
	PQfinish(pg);
	return r;
}

/* The connection string of the cluster's schema into out. */
BENCH_SHARED int pg_cluster_where(const struct pg_cluster *c, const char *schema, char *out,
				  size_t cap)
{
	int n = snprintf(out, cap, "%s options=-csearch_path=%s", c->conn, schema);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

#endif

/* pg.c - the statement interface (db.h) on PostgreSQL, through libpq.
 *
 * SQLite's shape kept: a statement is prepared once per connection
 * (PQprepare, named sN), its parameters bound one by one, and run at its
 * first step (PQexecPrepared); the rows come from the whole result,
 * read in text form.  The whole result, not a row at a time: the store
 * runs other statements on the same connection while it reads rows, as
 * SQLite allows and a streamed libpq result does not.
 *
 * The SQL is the store's own, written once for both engines, turned into
 * PostgreSQL's at prepare time (pg_sql below): ?N parameters become $N,
 * SQLite's planner hints go, INSERT OR IGNORE is ON CONFLICT DO NOTHING,
 * two-argument max() and min() are greatest() and least(), json_each(?N)
 * is jsonb_array_elements_text, and main. and temp. name the store's
 * schema and the session's.  A statement
 * that needs more carries its PostgreSQL form after HL_DB_PG (db.h).
 *
 * Transactions: BEGIN IMMEDIATE (a writer) takes a transaction-scoped
 * advisory lock on the store's schema, so that writers follow one
 * another as on SQLite, across connections and across nodes; BEGIN (a
 * reader's snapshot) is REPEATABLE READ. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "db.h"
#include "pgpriv.h"

/* PostgreSQL's type numbers (pg_type.oid) of the store's columns. */
enum { PG_BOOL = 16, PG_INT8 = 20, PG_INT2 = 21, PG_INT4 = 23, PG_TEXT = 25, PG_NUMERIC = 1700 };

/* A scan's rows come from its cursor this many at a time. */
#define FETCH_ROWS 512

/* SQLSTATE of a taken primary key or unique value. */
#define UNIQUE_VIOLATION "23505"

struct hl_pgdb {
	PGconn *conn;
	char schema[72];	/* SQLite's main., quoted: the store's schema */
	unsigned next;		/* the next statement's name */
	int64_t changes;
	bool duplicate;		/* the last failure was a taken key */
	char err[256];
};

struct param {
	const char *p;		/* the value, or NULL for SQL NULL */
	int n;
	int format;		/* 0 text, 1 binary (blobs) */
	char *owned;		/* a copy, or an integer's digits */
};

struct blob {
	int row;		/* the row it was decoded for, -1 none */
	unsigned char *p;
	size_t n;
};

struct hl_pgs {
	struct hl_pgdb *db;
	char name[16];
	int nparams;
	bool dupcheck;		/* an INSERT whose taken key changes nothing */
	struct param *params;
	const char **vals;	/* the params as PQexecPrepared takes them */
	int *lens, *fmts;
	PGresult *res;
	int row;		/* the row steps have reached, -1 before */
	bool cursor;		/* a scan, read in batches (hl_pg_prepare) */
	bool open;		/* its cursor is declared */
	bool last_batch;	/* the batch in res is the cursor's last */
	struct blob *blobs;	/* bytea columns decoded, by column */
	int nblobs;
};

static void set_err(struct hl_pgdb *db, const char *what)
{
	size_t n;

	snprintf(db->err, sizeof(db->err), "%s", what ? what : "PostgreSQL: unknown error");
	n = strlen(db->err);
	while (n && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = '\0';
}

/* Takes a result: true if it says the command worked. */
static bool result_ok(struct hl_pgdb *db, PGresult *res)
{
	ExecStatusType t = PQresultStatus(res);
	const char *state;

	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
		return true;
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	db->duplicate = state && strcmp(state, UNIQUE_VIOLATION) == 0;
	set_err(db, res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
	return false;
}

/* The server's notices and warnings (a ROLLBACK outside a transaction,
 * a schema's IF NOT EXISTS) are not errors, and not for our log. */
static void quiet(void *ctx, const char *message)
{
	(void)ctx;
	(void)message;
}

/* The schema the connection's tables are in, the first of its search
 * path that exists, quoted. */
static int schema(struct hl_pgdb *db)
{
	PGresult *res = PQexec(db->conn, "SELECT quote_ident(current_schema())");
	bool ok = result_ok(db, res);

	if (ok && (PQntuples(res) != 1 || PQgetisnull(res, 0, 0) ||
		   (size_t)PQgetlength(res, 0, 0) >= sizeof(db->schema))) {
		set_err(db, "no schema to keep the store in: make one, or name one"
			" in the connection's search_path");
		ok = false;
	}
	if (ok)
		snprintf(db->schema, sizeof(db->schema), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return ok ? 0 : -1;
}

int hl_pg_open(const char *conninfo, struct hl_pgdb **out)
{
	struct hl_pgdb *db = calloc(1, sizeof(*db));

	*out = db;
	if (!db)
		return -1;
	db->conn = PQconnectdb(conninfo);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		set_err(db, PQerrorMessage(db->conn));
		return -1;
	}
	PQsetNoticeProcessor(db->conn, quiet, NULL);
	if (schema(db) < 0)
		return -1;
	/* Every commit durable before it returns, whatever the server's
	 * default: a cosignature goes out only for what is committed. */
	return hl_pg_exec(db, "SET synchronous_commit = on");
}

int hl_pg_conninfo_check(const char *conninfo, char *why, size_t n)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
	size_t len;

	if (opts) {
		bool password = false;

		for (PQconninfoOption *o = opts; o->keyword; o++)
			password |= strcmp(o->keyword, "password") == 0 && o->val && *o->val;
		PQconninfoFree(opts);
		if (!password)
			return 0;
		/* hotline.conf is shown and copied more freely than a secret. */
		snprintf(why, n, "no password here: put it in the ~/.pgpass file of"
			 " hotlined's user (libpq reads it)");
		return -1;
	}
	snprintf(why, n, "%s", err ? err : "out of memory");
	len = strlen(why);
	while (len && why[len - 1] == '\n')
		why[--len] = '\0';
	PQfreemem(err);
	return -1;
}

void hl_pg_close(struct hl_pgdb *db)
{
	if (!db)
		return;
	PQfinish(db->conn);
	free(db);
}

/* The store's transaction words, in PostgreSQL's terms. */
static const char *transaction_sql(const char *sql)
{
	if (strcmp(sql, "BEGIN IMMEDIATE") == 0)
		return "BEGIN; SELECT pg_advisory_xact_lock(hashtext(current_schema()))";
	if (strcmp(sql, "BEGIN") == 0)
		return "BEGIN ISOLATION LEVEL REPEATABLE READ";
	return sql;
}

int hl_pg_exec(struct hl_pgdb *db, const char *sql)
{
	const char *pg = strstr(sql, HL_DB_PG);
	PGresult *res;

	/* PostgreSQL only warns; the store counts on a refusal. */
	if (strcmp(sql, "COMMIT") == 0 && !hl_pg_in_transaction(db)) {
		set_err(db, "cannot commit - no transaction is active");
		return -1;
	}
	res = PQexec(db->conn, transaction_sql(pg ? pg + strlen(HL_DB_PG) : sql));
	bool ok = result_ok(db, res);

	PQclear(res);
	return ok ? 0 : -1;
}

/* ---- SQL: the store's text in PostgreSQL's dialect ---- */

struct out {
	char *p;
	size_t n, cap;
	bool failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->n + n + 1 > o->cap) {
		size_t cap = (o->n + n + 1) * 2;
		char *p = realloc(o->p, cap);

		if (!p) {
			o->failed = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
	o->p[o->n] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static bool word_at(const char *s, const char *start, const char *w)
{
	size_t n = strlen(w);
	char before = s > start ? s[-1] : ' ', after;

	if (strncmp(s, w, n) != 0)
		return false;
	after = s[n];
	return !(before == '_' || (before >= 'a' && before <= 'z') ||
		 (before >= 'A' && before <= 'Z') || (before >= '0' && before <= '9')) &&
	       !(after == '_' || (after >= 'a' && after <= 'z') ||
		 (after >= 'A' && after <= 'Z') || (after >= '0' && after <= '9'));
}

/* Past a quoted literal or name that starts at s. */
static const char *skip_quoted(const char *s)
{
	char q = *s++;

	while (*s) {
		if (*s == q && s[1] == q)
			s += 2;
		else if (*s++ == q)
			break;
	}
	return s;
}

/* Past an identifier (and one following space) at s. */
static const char *skip_name(const char *s)
{
	while (*s == ' ')
		s++;
	while (*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	       (*s >= '0' && *s <= '9'))
		s++;
	return s;
}

/* Whether the call whose "(" is at s has two arguments or more. */
static bool several_args(const char *s)
{
	int depth = 0;

	for (; *s; s++) {
		if (*s == '\'' || *s == '"') {
			s = skip_quoted(s) - 1;
			continue;
		}
		if (*s == '(')
			depth++;
		else if (*s == ')' && --depth == 0)
			return false;
		else if (*s == ',' && depth == 1)
			return true;
	}
	return false;
}

/* Translates SQLite's text; the number of parameters in *nparams.
 *
 * A taken key fails a statement on both engines, but on PostgreSQL it
 * also aborts the transaction around it, where SQLite goes on: the store
 * tries an INSERT and takes a taken key as an answer.  So a plain INSERT
 * ... VALUES does nothing on a conflict here, and *dupcheck asks the
 * caller to report a duplicate when it changed no row. */
static char *pg_sql(const char *schema, const char *sql, int *nparams, bool *dupcheck,
		    uint64_t *used)
{
	struct out o = {0};
	const char *start = sql, *s = sql, *pg = strstr(sql, HL_DB_PG);
	bool ignore = false;
	int last = 0;

	*dupcheck = false;
	*used = 0;

	if (pg)
		start = s = pg + strlen(HL_DB_PG);
	while (*s) {
		if (*s == '\'' || *s == '"') {
			const char *e = skip_quoted(s);

			put(&o, s, (size_t)(e - s));
			s = e;
		} else if (*s == '?') {
			char num[16];
			long n = last + 1;

			if (s[1] >= '0' && s[1] <= '9')
				n = strtol(s + 1, (char **)&s, 10);
			else
				s++;
			if (n > last)
				last = (int)n;
			if (n > 0 && n <= 64)
				*used |= 1ull << (n - 1);
			snprintf(num, sizeof(num), "$%ld", n);
			puts_(&o, num);
		} else if (word_at(s, start, "INDEXED BY")) {
			s = skip_name(s + strlen("INDEXED BY"));
		} else if (word_at(s, start, "NOT INDEXED")) {
			s += strlen("NOT INDEXED");
		} else if (word_at(s, start, "INSERT OR IGNORE")) {
			puts_(&o, "INSERT");
			s += strlen("INSERT OR IGNORE");
			ignore = true;
		} else if (s == start && strncmp(s, "INSERT INTO", 11) == 0 &&
			   strstr(s, " VALUES ") && !strstr(s, "ON CONFLICT")) {
			puts_(&o, "INSERT INTO");
			s += strlen("INSERT INTO");
			ignore = *dupcheck = true;
		} else if (word_at(s, start, "json_each") && strncmp(s + 9, "(?", 2) == 0) {
			/* The elements of a JSON array, as text: json_each(?N)
			 * names its parameter alone. */
			char num[64];
			long n = strtol(s + 11, (char **)&s, 10);

			if (*s == ')')
				s++;
			if (n > last)
				last = (int)n;
			if (n > 0 && n <= 64)
				*used |= 1ull << (n - 1);
			snprintf(num, sizeof(num), "jsonb_array_elements_text(CAST($%ld AS jsonb))", n);
			puts_(&o, num);
		} else if (word_at(s, start, "main") && s[4] == '.') {
			/* SQLite's name for the database itself */
			puts_(&o, schema);
			puts_(&o, ".");
			s += 5;
		} else if (word_at(s, start, "temp") && s[4] == '.') {
			puts_(&o, "pg_temp.");	/* the session's own tables */
			s += 5;
		} else if ((word_at(s, start, "max") || word_at(s, start, "min")) &&
			   s[3] == '(' && several_args(s + 3)) {
			puts_(&o, *s == 'm' && s[1] == 'a' ? "greatest" : "least");
			s += 3;
		} else {
			put(&o, s, 1);
			s++;
		}
		if (pg && s == pg)
			break;
	}
	if (ignore) {
		char *ret = o.p ? strstr(o.p, " RETURNING ") : NULL;

		if (ret) {
			char *tail = strdup(ret);

			if (!tail) {
				free(o.p);
				return NULL;
			}
			o.n = (size_t)(ret - o.p);
			puts_(&o, " ON CONFLICT DO NOTHING");
			puts_(&o, tail);
			free(tail);
		} else {
			puts_(&o, " ON CONFLICT DO NOTHING");
		}
	}
	if (o.failed || !o.p) {
		free(o.p);
		return NULL;
	}
	*nparams = last;
	return o.p;
}

char *hl_pg_sql(const char *sql, int *nparams)
{
	uint64_t used;
	bool dupcheck;

	return pg_sql("public", sql, nparams, &dupcheck, &used);
}

/* ---- statements ---- */

int hl_pg_prepare(struct hl_pgdb *db, const char *sql, bool persistent,
		  struct hl_pgs **out)
{
	struct hl_pgs *s = calloc(1, sizeof(*s));
	Oid types[64] = {0};
	char *text = NULL;
	uint64_t used = 0;
	PGresult *res;
	bool ok;

	*out = NULL;
	if (s)
		text = pg_sql(db->schema, sql, &s->nparams, &s->dupcheck, &used);
	if (s && text) {
		size_t n = (size_t)s->nparams + 1;

		s->params = calloc(n, sizeof(*s->params));
		s->vals = calloc(n, sizeof(*s->vals));
		s->lens = calloc(n, sizeof(*s->lens));
		s->fmts = calloc(n, sizeof(*s->fmts));
	}
	if (!s || !text || !s->params || !s->vals || !s->lens || !s->fmts) {
		set_err(db, "out of memory");
		free(text);
		hl_pg_finalize(s);
		return -1;
	}
	s->db = db;
	s->row = -1;
	/* Named even when run once: the unnamed statement is replaced by
	 * the next one prepared, which may come before this one runs. */
	snprintf(s->name, sizeof(s->name), "s%u", db->next++);
	/* A query run once is a scan (a whole log, a table to compare):
	 * its rows come from a cursor in batches, not all at once into
	 * memory.  WITH HOLD lets it outlive the transaction it began in,
	 * and serves outside one. */
	if (!persistent && (strncmp(text, "SELECT", 6) == 0 || strncmp(text, "WITH", 4) == 0)) {
		char *declare = NULL;

		if (asprintf(&declare, "DECLARE c%s NO SCROLL CURSOR WITH HOLD FOR %s", s->name,
			     text) < 0) {
			set_err(db, "out of memory");
			free(text);
			hl_pg_finalize(s);
			return -1;
		}
		free(text);
		text = declare;
		s->cursor = true;
	}
	/* A parameter the text does not name (a statement that shares its
	 * numbering with others) still comes: as text, for want of a type. */
	for (int i = 0; i < s->nparams && i < 64; i++)
		types[i] = used >> i & 1 ? 0 : PG_TEXT;
	res = PQprepare(db->conn, s->name, text, s->nparams <= 64 ? s->nparams : 0,
			s->nparams <= 64 ? types : NULL);
	ok = result_ok(db, res);
	PQclear(res);
	free(text);
	if (!ok) {
		s->name[0] = '\0';
		hl_pg_finalize(s);
		return -1;
	}
	*out = s;
	return 0;
}

static void drop_batch(struct hl_pgs *s)
{
	for (int i = 0; i < s->nblobs; i++) {
		PQfreemem(s->blobs[i].p);
		s->blobs[i] = (struct blob){.row = -1};
	}
	PQclear(s->res);
	s->res = NULL;
}

static void drop_result(struct hl_pgs *s)
{
	char q[32];

	if (s->open && PQstatus(s->db->conn) == CONNECTION_OK) {
		snprintf(q, sizeof(q), "CLOSE c%s", s->name);
		PQclear(PQexec(s->db->conn, q));
	}
	s->open = false;
	drop_batch(s);
	s->row = -1;
}

static void unbind(struct param *p)
{
	free(p->owned);
	*p = (struct param){0};
}

void hl_pg_finalize(struct hl_pgs *s)
{
	char q[32];

	if (!s)
		return;
	drop_result(s);
	if (s->name[0] && PQstatus(s->db->conn) == CONNECTION_OK) {
		snprintf(q, sizeof(q), "DEALLOCATE %s", s->name);
		PQclear(PQexec(s->db->conn, q));
	}
	for (int i = 0; s->params && i < s->nparams; i++)
		unbind(&s->params[i]);
	free(s->params);
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s->blobs);
	free(s);
}

static struct param *param(struct hl_pgs *s, int i)
{
	if (i < 1 || i > s->nparams)
		return NULL;
	unbind(&s->params[i - 1]);
	return &s->params[i - 1];
}

int hl_pg_bind_int64(struct hl_pgs *s, int i, int64_t v)
{
	struct param *p = param(s, i);

	if (!p)
		return HL_DB_ERROR;
	if (asprintf(&p->owned, "%" PRId64, v) < 0) {
		p->owned = NULL;
		return HL_DB_ERROR;
	}
	p->p = p->owned;
	p->n = (int)strlen(p->owned);
	return HL_DB_OK;
}

/* Text goes in text form: libpq wants it NUL-terminated, so a length
 * that stops short of the end, or a transient value, is copied. */
int hl_pg_bind_text(struct hl_pgs *s, int i, const char *t, int n, enum hl_db_life life)
{
	struct param *p = param(s, i);

	if (!p)
		return HL_DB_ERROR;
	if (!t)
		return HL_DB_OK;
	if (n < 0)
		n = (int)strlen(t);
	if (life == HL_DB_TRANSIENT || t[n] != '\0') {
		p->owned = strndup(t, (size_t)n);
		if (!p->owned)
			return HL_DB_ERROR;
		t = p->owned;
	}
	p->p = t;
	p->n = n;
	return HL_DB_OK;
}

/* A blob goes in binary form, its bytes as they are. */
int hl_pg_bind_blob(struct hl_pgs *s, int i, const void *b, int n, enum hl_db_life life)
{
	struct param *p = param(s, i);

	if (!p)
		return HL_DB_ERROR;
	if (!b)
		return HL_DB_OK;
	p->format = 1;
	p->n = n;
	if (life == HL_DB_TRANSIENT) {
		p->owned = malloc(n ? (size_t)n : 1);
		if (!p->owned)
			return HL_DB_ERROR;
		memcpy(p->owned, b, (size_t)n);
		b = p->owned;
	}
	/* A zero-length blob is an empty value, not NULL. */
	p->p = n ? b : "";
	return HL_DB_OK;
}

int hl_pg_bind_null(struct hl_pgs *s, int i)
{
	return param(s, i) ? HL_DB_OK : HL_DB_ERROR;
}

/* Room to decode each column of the result's rows. */
static int fit_blobs(struct hl_pgs *s)
{
	if (PQnfields(s->res) > s->nblobs) {
		struct blob *b = realloc(s->blobs, (size_t)PQnfields(s->res) * sizeof(*b));

		if (!b)
			return HL_DB_ERROR;
		for (int i = s->nblobs; i < PQnfields(s->res); i++)
			b[i] = (struct blob){.row = -1};
		s->blobs = b;
		s->nblobs = PQnfields(s->res);
	}
	return HL_DB_OK;
}

/* The cursor's next batch of rows into res. */
static int fetch(struct hl_pgs *s)
{
	char q[48];

	drop_batch(s);
	snprintf(q, sizeof(q), "FETCH %d FROM c%s", FETCH_ROWS, s->name);
	s->res = PQexec(s->db->conn, q);
	if (!result_ok(s->db, s->res)) {
		drop_batch(s);
		return HL_DB_ERROR;
	}
	s->row = -1;
	s->last_batch = PQntuples(s->res) < FETCH_ROWS;
	return fit_blobs(s);
}

static int run(struct hl_pgs *s)
{
	const char *tuples;

	for (int i = 0; i < s->nparams; i++) {
		s->vals[i] = s->params[i].p;
		s->lens[i] = s->params[i].n;
		s->fmts[i] = s->params[i].format;
	}
	s->db->duplicate = false;
	s->res = PQexecPrepared(s->db->conn, s->name, s->nparams, s->vals, s->lens,
				s->fmts, 0);
	if (!result_ok(s->db, s->res)) {
		PQclear(s->res);
		s->res = NULL;
		return HL_DB_ERROR;
	}
	tuples = PQcmdTuples(s->res);
	s->db->changes = tuples && *tuples ? strtoll(tuples, NULL, 10) : 0;
	if (s->dupcheck && s->db->changes == 0) {
		s->db->duplicate = true;
		set_err(s->db, "duplicate key value");
		PQclear(s->res);
		s->res = NULL;
		return HL_DB_ERROR;
	}
	if (s->cursor) {
		PQclear(s->res);
		s->res = NULL;
		s->open = true;
		return fetch(s);
	}
	return fit_blobs(s);
}

int hl_pg_step(struct hl_pgs *s)
{
	if (!s->res && !s->open && s->row < 0 && run(s) != HL_DB_OK)
		return HL_DB_ERROR;
	if (!s->res)
		return HL_DB_DONE;
	s->row++;
	if (s->row < PQntuples(s->res))
		return HL_DB_ROW;
	if (!s->cursor || s->last_batch)
		return HL_DB_DONE;
	if (fetch(s) != HL_DB_OK)
		return HL_DB_ERROR;
	s->row++;
	return s->row < PQntuples(s->res) ? HL_DB_ROW : HL_DB_DONE;
}

int hl_pg_reset(struct hl_pgs *s)
{
	drop_result(s);
	return HL_DB_OK;
}

int hl_pg_clear(struct hl_pgs *s)
{
	for (int i = 0; i < s->nparams; i++)
		unbind(&s->params[i]);
	return HL_DB_OK;
}

static bool has(struct hl_pgs *s, int i)
{
	return s->res && s->row >= 0 && s->row < PQntuples(s->res) && i >= 0 &&
	       i < PQnfields(s->res) && !PQgetisnull(s->res, s->row, i);
}

bool hl_pg_column_null(struct hl_pgs *s, int i)
{
	return !has(s, i);
}

enum hl_db_type hl_pg_column_type(struct hl_pgs *s, int i)
{
	if (!has(s, i))
		return HL_DB_NULL;
	switch (PQftype(s->res, i)) {
	case PG_BOOL: case PG_INT8: case PG_INT2: case PG_INT4: case PG_NUMERIC:
		return HL_DB_INTEGER;
	case HL_PG_BYTEA:
		return HL_DB_BLOB;
	default:
		return HL_DB_TEXT;
	}
}

/* Integers, and booleans (t or f) as 1 or 0, as SQLite reads them. */
int64_t hl_pg_column_int64(struct hl_pgs *s, int i)
{
	const char *v;

	if (!has(s, i))
		return 0;
	v = PQgetvalue(s->res, s->row, i);
	if (*v == 't')
		return 1;
	if (*v == 'f')
		return 0;
	return strtoll(v, NULL, 10);
}

const unsigned char *hl_pg_column_text(struct hl_pgs *s, int i)
{
	return has(s, i) ? (const unsigned char *)PQgetvalue(s->res, s->row, i) : NULL;
}

/* A bytea column comes hex-escaped in text form: decoded once a row. */
static struct blob *blob(struct hl_pgs *s, int i)
{
	struct blob *b;

	if (!has(s, i) || PQftype(s->res, i) != HL_PG_BYTEA)
		return NULL;
	b = &s->blobs[i];
	if (b->row != s->row) {
		PQfreemem(b->p);
		b->p = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, i),
				       &b->n);
		b->row = b->p ? s->row : -1;
	}
	return b->p ? b : NULL;
}

const void *hl_pg_column_blob(struct hl_pgs *s, int i)
{
	struct blob *b = blob(s, i);

	if (b)
		return b->p;
	return has(s, i) ? PQgetvalue(s->res, s->row, i) : NULL;
}

int hl_pg_column_bytes(struct hl_pgs *s, int i)
{
	struct blob *b = blob(s, i);

	if (b)
		return (int)b->n;
	return has(s, i) ? PQgetlength(s->res, s->row, i) : 0;
}

int64_t hl_pg_changes(struct hl_pgdb *db)
{
	return db->changes;
}

/* The value an identity column last gave in this session. */
int64_t hl_pg_last_insert_rowid(struct hl_pgdb *db)
{
	PGresult *res = PQexec(db->conn, "SELECT lastval()");
	int64_t v = 0;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return v;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A query with a deadline: a server cut off by the network would keep
 * a plain PQexec waiting for as long as TCP takes to give up. */
int hl_pg_ping(struct hl_pgdb *db, int ms)
{
	int64_t end = now_ms() + ms;
	PGresult *res;
	bool ok = true;

	if (!PQsendQuery(db->conn, "SELECT 1")) {
		set_err(db, PQerrorMessage(db->conn));
		return -1;
	}
	while (PQisBusy(db->conn)) {
		struct pollfd p = {.fd = PQsocket(db->conn), .events = POLLIN};
		int64_t left = end - now_ms();

		if (left <= 0) {
			snprintf(db->err, sizeof(db->err),
				 "the database did not answer within %d ms", ms);
			return -1;
		}
		if ((poll(&p, 1, (int)left) < 0 && errno != EINTR) ||
		    !PQconsumeInput(db->conn)) {
			set_err(db, PQerrorMessage(db->conn));
			return -1;
		}
	}
	while ((res = PQgetResult(db->conn))) {
		ok = ok && result_ok(db, res);
		PQclear(res);
	}
	return ok ? 0 : -1;
}

bool hl_pg_in_transaction(struct hl_pgdb *db)
{
	PGTransactionStatusType t = PQtransactionStatus(db->conn);

	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

const char *hl_pg_errmsg(struct hl_pgdb *db)
{
	return db->err[0] ? db->err : "no error";
}

bool hl_pg_duplicate(struct hl_pgdb *db)
{
	return db->duplicate;
}

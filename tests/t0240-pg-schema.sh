#!/bin/sh
# The PostgreSQL schema (src/store/pgschema.h) is the SQLite schema that
# sqlite.c's migrations make, table for table: a fresh database of the
# test cluster ($HOTLINE_TEST_PG, which make check starts) takes it,
# and both have the same tables, the same columns in the same order
# with the same types (INTEGER as BIGINT, BLOB as BYTEA) and null-ness,
# the same primary keys, unique constraints, foreign keys and index
# names, and the same schema version.  A migration that changes one
# schema and not the other fails here, with the difference shown.
#
# What SQLite's FTS5 table text_fts has implicitly, PostgreSQL's plain
# table has in the open: the rowid as a column and key, and a full-text
# index on each column (text_fts_body).  hl_meta, PostgreSQL's stand-in
# for PRAGMA user_version, is compared by its value.
. "$(dirname "$0")/test-lib.sh"

DB="$TEST_DIR/ru-cert/hotline.db"
PG_DB=hl_t0240_$$

# psql_ [CONNINFO] : psql, quiet, rows only, stopping at the first error.
psql_() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}
# The fresh database: HOTLINE_TEST_PG is keyword=value pairs, where a
# later dbname wins.
pg_db() {
	psql_ "$HOTLINE_TEST_PG dbname=$PG_DB" "$@"
}

pg_drop() {
	[ -n "${HOTLINE_TEST_PG:-}" ] &&
		psql_ "$HOTLINE_TEST_PG" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1
	cleanup
}
trap pg_drop EXIT

# Each listing prints one line per thing, SQLite's then PostgreSQL's;
# same() sorts and compares them.  A table's columns: name, position,
# type, null-ness; a primary key counts as NOT NULL (SQLite allows a
# NULL in a text key, the code never stores one).
SQLITE_TABLES="WITH tb AS (SELECT name, type FROM pragma_table_list WHERE schema = 'main'
	AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\_%' ESCAPE '\')"
sqlite_columns() {
	sqlite3 "$DB" "$SQLITE_TABLES SELECT printf('%s %03d %s %s%s', t.name, c.cid + 1 + (t.type = 'virtual'),
		c.name, CASE WHEN t.type = 'virtual' THEN 'text' ELSE
			CASE upper(c.type) WHEN 'INTEGER' THEN 'bigint' WHEN 'BLOB' THEN 'bytea'
				WHEN 'TEXT' THEN 'text' ELSE 'unknown:' || c.type END END,
		CASE WHEN c.\"notnull\" OR c.pk > 0 OR t.type = 'virtual' THEN ' NOT NULL' ELSE '' END)
	FROM tb AS t, pragma_table_info(t.name) AS c
	UNION ALL SELECT name || ' 001 rowid bigint NOT NULL' FROM tb WHERE type = 'virtual'"
}
pg_columns() {
	pg_db -c "SELECT format('%s %s %s %s%s', table_name, lpad((row_number() OVER
			(PARTITION BY table_name ORDER BY ordinal_position))::text, 3, '0'),
		column_name, data_type, CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END)
	FROM information_schema.columns
	WHERE table_schema = current_schema() AND table_name <> 'hl_meta'"
}

sqlite_keys() {
	sqlite3 "$DB" "$SQLITE_TABLES SELECT t.name || ' ' || coalesce((SELECT group_concat(name, ',') FROM
		(SELECT name FROM pragma_table_info(t.name) WHERE pk > 0 ORDER BY pk)),
		CASE t.type WHEN 'virtual' THEN 'rowid' ELSE '-' END)
	FROM tb AS t"
}
pg_keys() {
	pg_db -c "SELECT c.relname || ' ' || coalesce((SELECT string_agg(a.attname, ',' ORDER BY k.n)
		FROM pg_index i, unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n), pg_attribute a
		WHERE i.indrelid = c.oid AND i.indisprimary AND a.attrelid = c.oid
			AND a.attnum = k.attnum), '-')
	FROM pg_class c
	WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
		AND c.relname <> 'hl_meta'"
}

# UNIQUE constraints (SQLite's origin 'u'), not unique indexes.
sqlite_uniques() {
	sqlite3 "$DB" "$SQLITE_TABLES SELECT t.name || ' ' || (SELECT group_concat(name, ',') FROM
		(SELECT name FROM pragma_index_info(l.name) ORDER BY seqno))
	FROM tb AS t, pragma_index_list(t.name) AS l WHERE l.origin = 'u'"
}
pg_uniques() {
	pg_db -c "SELECT c.conrelid::regclass || ' ' || (SELECT string_agg(a.attname, ',' ORDER BY k.n)
		FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n), pg_attribute a
		WHERE a.attrelid = c.conrelid AND a.attnum = k.attnum)
	FROM pg_constraint c
	WHERE c.contype = 'u' AND c.connamespace = current_schema()::regnamespace"
}

sqlite_fkeys() {
	sqlite3 "$DB" "$SQLITE_TABLES SELECT printf('%s %s -> %s(%s)', t.name, f.\"from\", f.\"table\", f.\"to\")
	FROM tb AS t, pragma_foreign_key_list(t.name) AS f"
}
pg_fkeys() {
	pg_db -c "SELECT format('%s %s -> %s(%s)', c.conrelid::regclass, a.attname,
		c.confrelid::regclass, fa.attname)
	FROM pg_constraint c, unnest(c.conkey, c.confkey) AS k(a1, a2), pg_attribute a,
		pg_attribute fa
	WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
		AND a.attrelid = c.conrelid AND a.attnum = k.a1
		AND fa.attrelid = c.confrelid AND fa.attnum = k.a2"
}

# Indexes made by CREATE INDEX, not those behind a key or constraint
# (SQLite's have no sql; PostgreSQL's are named as their constraint).
sqlite_indexes() {
	sqlite3 "$DB" "$SQLITE_TABLES SELECT name FROM sqlite_schema
		WHERE type = 'index' AND sql IS NOT NULL
	UNION ALL SELECT t.name || '_' || c.name
	FROM tb AS t, pragma_table_info(t.name) AS c WHERE t.type = 'virtual'"
}
pg_indexes() {
	pg_db -c "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()
	AND indexname NOT IN (SELECT conname FROM pg_constraint
		WHERE connamespace = current_schema()::regnamespace)"
}

# same WHAT : SQLite's and PostgreSQL's WHAT, sorted, are the same;
# else prints the difference (- SQLite, + PostgreSQL).
same() {
	"sqlite_$1" | sort >"sqlite.$1"
	"pg_$1" | sort >"pg.$1"
	test -s "sqlite.$1" || { echo "no $1 read from SQLite"; return 1; }
	diff -u --label "SQLite $1" --label "PostgreSQL $1" "sqlite.$1" "pg.$1" ||
		{ echo "the schemas differ in their $1 (above)"; return 1; }
}

test_expect_success 'HOTLINE_TEST_PG names the test cluster (make check starts one)' '
	test -n "${HOTLINE_TEST_PG:-}" ||
		{ echo "HOTLINE_TEST_PG is unset: run tools/check.sh prove ..., or make check"; false; }
'
if [ -z "${HOTLINE_TEST_PG:-}" ]; then
	test_done
	exit
fi

test_expect_success 'a SQLite store at the latest schema, the PostgreSQL schema in a fresh database' '
	new_party ru-cert "$(free_port)" &&
	test "$(sqlite3 "$DB" "PRAGMA user_version")" = \
		"$(sed -n "s/^#define HL_STORE_SCHEMA \([0-9]*\).*/\1/p" "$SRC_DIR/src/store/store.h")" &&
	printf "#include <stdio.h>\n#include \"pgschema.h\"\n%s\n" \
		"int main(void) { return fputs(hl_pg_schema, stdout) == EOF; }" >pgschema.c &&
	${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Werror -I"$SRC_DIR/src/core" \
		-I"$SRC_DIR/src/store" -I"$SRC_DIR/src/party" -o pgschema pgschema.c &&
	./pgschema >pgschema.sql &&
	psql_ "$HOTLINE_TEST_PG" -c "CREATE DATABASE $PG_DB" &&
	pg_db -1 -f pgschema.sql
'

test_expect_success 'the same schema version' '
	test "$(pg_db -c "SELECT value FROM hl_meta WHERE key = '\''user_version'\''")" = \
		"$(sqlite3 "$DB" "PRAGMA user_version")"
'

test_expect_success 'the same tables, and their columns in the same order, types and null-ness' '
	same columns
'

test_expect_success 'the same primary keys' '
	same keys
'

test_expect_success 'the same unique constraints' '
	same uniques
'

test_expect_success 'the same foreign keys' '
	same fkeys
'

test_expect_success 'the same index names' '
	same indexes
'

test_expect_success 'a difference is seen and shown' '
	pg_db -c "ALTER TABLE link ADD COLUMN extra BIGINT; CREATE INDEX extra ON link (extra)" &&
	! same columns >out &&
	grep -q "^+link 011 extra bigint$" out &&
	! same indexes >out &&
	grep -q "^+extra$" out
'

test_done

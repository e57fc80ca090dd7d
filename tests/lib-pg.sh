# lib-pg.sh - for the tests of a party whose store is PostgreSQL: a
# schema of its own in the test cluster (make check starts it and names
# it in $HOTLINE_TEST_PG), dropped when the test ends by test-lib.sh's
# cleanup, as new_party's are.  Source after test-lib.sh and
# lib-transcript.sh.

PG_SCHEMA=$(basename "$0" .sh | cut -d- -f1)_$$
# The store setting of a party in that schema.
PG="${HOTLINE_TEST_PG:-} options=-csearch_path=$PG_SCHEMA"

# pg_schema : makes the schema; fails when no cluster is named.
pg_schema() {
	test -n "${HOTLINE_TEST_PG:-}" &&
	echo "$PG_SCHEMA" >>"$TEST_DIR/.pg_schemas" &&
	psql -X -q -v ON_ERROR_STOP=1 "$HOTLINE_TEST_PG" -c "CREATE SCHEMA $PG_SCHEMA"
}

# pg_rows TABLE : the rows of TABLE in the schema.
pg_rows() {
	psql -X -A -t "$PG" -c "SELECT count(*) FROM $1"
}

# received HOME LINK N : HOME has received N messages on LINK.
received() {
	test "$(show_field "$1" "$2" received)" = "$3 $3"
}

# receipted HOME LINK N : HOME's N messages on LINK are all receipted.
receipted() {
	test "$(show_field "$1" "$2" sent)" = "$3 $3"
}

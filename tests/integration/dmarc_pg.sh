#!/bin/sh
# dmarc_pg.sh - the PostgreSQL store of DMARC report records
# (lib/dmarcrep/dmarcrep_pg.c) against a real server: runs the unit test
# tests/unit/test_dmarcrep with AUTHGATE_TEST_PG (a private postgres,
# tests/lib/pg.sh, reached over TCP with a password from a passfile, as
# the docs advise), AUTHGATE_TEST_PG_FRESH (an empty database, reached
# over the unix socket), AUTHGATE_TEST_PG_NEWER (a database whose schema
# is newer than this authgate's) and AUTHGATE_TEST_PG_LEAST (a role with
# only the rights authgate.conf(5) names for a schema that exists), and
# AUTHGATE_TEST_PG_FAKE: servers that answer garbage, nothing, close at
# once or claim a 2 GB message (fake_pg.py) - rows dropped and counted.
#
# AUTHGATE_TEST_DMARCREP_BIN names the test program (default: the build
# tree's tests/unit/test_dmarcrep).
. "$(dirname "$0")/../lib/common.sh"
ag_init dmarc_pg
. "$top_srcdir/tests/lib/pg.sh"
AG_CLEANUP_HOOK=pg_cleanup

TEST_BIN="${AUTHGATE_TEST_DMARCREP_BIN:-$top_builddir/tests/unit/test_dmarcrep}"
[ -x "$TEST_BIN" ] || ag_skip "$TEST_BIN is not built"

pg_start "$AG_WORK"
PASSWORD="authgate-test-$$"
pg_role authgate "$PASSWORD"
pg_role fresh "$PASSWORD"
pg_role newer "$PASSWORD"
pg_psql -d newer -c "SET ROLE newer" -c "CREATE TABLE schema_version (version INTEGER NOT NULL)" \
    -c "INSERT INTO schema_version VALUES (99)" ||
	ag_fail "cannot set up the newer schema"
# the password in a passfile (libpq wants it 0600), never in the string
printf '127.0.0.1:%s:authgate:authgate:%s\n' "$PG_PORT" "$PASSWORD" \
    > "$AG_WORK/pgpass"
chmod 600 "$AG_WORK/pgpass"
# the schema, created by the first program that opens the store
# (authgate-report here); then a role with only the rights the docs
# name for a host that finds it there: no CREATE anywhere
ag_write_conf "$AG_WORK/report.conf"
mkdir "$AG_WORK/rua"
"$top_builddir/milter/authgate-report" -c "$AG_WORK/report.conf" \
    --store "postgresql:host=$PG_SOCK port=$PG_PORT dbname=authgate user=authgate" \
    --from 0 --to 1 --dry-run "$AG_WORK/rua" > "$AG_WORK/report.out" 2>&1 ||
	ag_fail "authgate-report could not create the schema: $(cat "$AG_WORK/report.out")"
pg_psql -d postgres -c "CREATE ROLE least LOGIN" ||
	ag_fail "cannot create the role least"
pg_psql -d authgate -c "SET ROLE authgate" \
    -c "GRANT SELECT, INSERT, DELETE ON dmarc_message, dmarc_dkim, dmarc_failure, schema_version TO least" \
    -c "GRANT USAGE ON SEQUENCE dmarc_message_id_seq TO least" ||
	ag_fail "cannot grant the rights"

# servers that misbehave (tests/integration/fake_pg.py), stopped by PID
python3 "$top_srcdir/tests/integration/fake_pg.py" "$AG_WORK/fake.ports" \
    "$AG_WORK/fake.pid" 120 garbage silent close hugelen \
    > "$AG_WORK/fake.log" 2>&1 &
echo $! > "$AG_WORK/fake.pid.0"
AG_PIDS="$AG_PIDS $AG_WORK/fake.pid.0"
ag_wait_for 10 test -s "$AG_WORK/fake.pid" ||
	ag_fail "the fake PostgreSQL servers did not start"
FAKE=$(awk '{ printf "%s%s:%s", sep, $1, $2; sep = "," }' "$AG_WORK/fake.ports")

AUTHGATE_TEST_PG_FAKE="$FAKE" \
AUTHGATE_TEST_PG="host=127.0.0.1 port=$PG_PORT dbname=authgate user=authgate passfile=$AG_WORK/pgpass" \
AUTHGATE_TEST_PG_FRESH="postgresql://fresh@/fresh?host=$PG_SOCK&port=$PG_PORT" \
AUTHGATE_TEST_PG_NEWER="host=$PG_SOCK port=$PG_PORT dbname=newer user=newer" \
AUTHGATE_TEST_PG_LEAST="host=$PG_SOCK port=$PG_PORT dbname=authgate user=least" \
    "$TEST_BIN" > "$AG_WORK/unit.out" 2>&1 ||
	ag_fail "test_dmarcrep failed against PostgreSQL: $(cat "$AG_WORK/unit.out")"
cat "$AG_WORK/unit.out"
grep -q '^\[       OK \] test_postgresql$' "$AG_WORK/unit.out" ||
	ag_fail "test_postgresql did not run"
[ "$(pg_psql -d authgate -At -c 'SELECT max(version) FROM schema_version')" = 3 ] ||
	ag_fail "the schema version is not 3"
echo "ok - the PostgreSQL store against a real server"

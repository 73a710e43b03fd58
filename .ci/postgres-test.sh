#!/usr/bin/env bash
# Runs the test suite against PostgreSQL on 127.0.0.1:5432 in a throwaway database that is
# dropped afterwards (pytest-django creates test_<name> next to it). With arguments, runs that
# command instead of `make test` (`make fuzz` does).
set -euo pipefail
cd "$(dirname "$0")/.."
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
DB="innovasjonsradar_ci_$$"
export PGHOST PGPORT PGUSER
cleanup() {
  psql -q -d postgres -c "DROP DATABASE IF EXISTS \"$DB\";" >/dev/null 2>&1 || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS \"test_$DB\";" >/dev/null 2>&1 || true
  for i in 0 1 2 3 4 5 6 7; do
    psql -q -d postgres -c "DROP DATABASE IF EXISTS \"test_${DB}_gw$i\";" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT
psql -q -d postgres -c "CREATE DATABASE \"$DB\";"
if [ "$#" -gt 0 ]; then
  DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" "$@"
else
  DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" make test
fi

#!/usr/bin/env bash
# The load test (`make loadtest`): 50 users of mixed roles for 60 s against gunicorn with 4 workers on
# PostgreSQL, then a consistency check; then the manager's board alone against 2 workers, for its
# requests per second. Binds to 127.0.0.1 only. Needs `pip install -e '.[load]'` (the Makefile does it).
#   REUSE=1 (keep the last run's database)  SCALE=1.0 (bench-data size)  USERS=50  SECONDS_=60  PGURL=postgresql+psycopg://postgres@127.0.0.1:5432
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.venv/bin}
SCALE=${SCALE:-1.0}
USERS=${USERS:-50}
RUN_FOR=${SECONDS_:-60}
PGURL=${PGURL:-postgresql+psycopg://postgres@127.0.0.1:5432}
DB=eduflow_load
PORT=${PORT:-8077}
OUT=${OUT:-test-artifacts/load}
mkdir -p "$OUT"
export EDUFLOW_DATABASE_URL="$PGURL/$DB"
export EDUFLOW_LOAD_SAMPLE="$OUT/sample.json" EDUFLOW_LOAD_LOG="$OUT/accepted.json"

if [ -z "${REUSE:-}" ]; then  # REUSE=1: the database of the last run (bench-data takes minutes)
"$BIN/python" - "$PGURL" "$DB" <<'PY'
import sys
from sqlalchemy import create_engine, text
engine = create_engine(f"{sys.argv[1]}/postgres", isolation_level="AUTOCOMMIT")
with engine.connect() as conn:
    conn.execute(text(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)'))
    conn.execute(text(f'CREATE DATABASE "{sys.argv[2]}"'))
PY
"$BIN/flask" --app eduflow db upgrade
time "$BIN/flask" --app eduflow bench-data --campuses 1 --scale "$SCALE"
fi
"$BIN/python" tests/load/sample.py "$EDUFLOW_LOAD_SAMPLE"

serve() {  # the README's production command, with the given number of workers
  local config=(); [ -f gunicorn.conf.py ] && config=(--config gunicorn.conf.py)
  "$BIN/gunicorn" "${config[@]}" --workers "$1" --bind "127.0.0.1:$PORT" wsgi:app \
    >"$OUT/gunicorn-$1.log" 2>&1 &
  GUNICORN=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.2; done
  echo "gunicorn did not start"; cat "$OUT/gunicorn-$1.log"; exit 1
}
stop() { kill "$GUNICORN"; wait "$GUNICORN" 2>/dev/null || true; }

STARTED=$(date -u +%Y-%m-%dT%H:%M:%S)
serve 4
"$BIN/locust" -f tests/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" -u "$USERS" -r 10 \
  -t "${RUN_FOR}s" --stop-timeout 10 --csv "$OUT/mixed" --only-summary --exit-code-on-error 1 || { stop; exit 1; }
stop
"$BIN/python" tests/load/check.py "$EDUFLOW_LOAD_SAMPLE" "$EDUFLOW_LOAD_LOG" "$STARTED"

serve 2
EDUFLOW_LOAD_MODE=board "$BIN/locust" -f tests/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  -u 8 -r 8 -t 30s --csv "$OUT/board" --only-summary --exit-code-on-error 1 || { stop; exit 1; }
stop
"$BIN/python" - "$OUT/board_stats.csv" <<'PY'
import csv, sys
rows = {row["Name"]: row for row in csv.DictReader(open(sys.argv[1]))}
board = rows["/leads/board"]
rps = float(board["Requests/s"])
print(f"board on 2 workers: {rps:.1f} requests/s, p95 {board['95%']} ms, failures {board['Failure Count']}")
sys.exit(0 if rps >= 100 else 1)
PY

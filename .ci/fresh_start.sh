#!/usr/bin/env bash
# CI, first step: the README's start command works on a fresh machine.
#
# A new venv gets exactly what the README runs, `pip install -e .` (base dependencies, no
# extras); then `python -m signaling` runs from that venv on a free port with a throwaway
# SQLite file and a generated admin credential, and .ci/fresh_start_probe.py (stdlib only)
# checks /healthz, the start page, creating a session and reading it back. The server is
# started outside the checkout, so it runs the installed package, not the working directory.
# Any failure prints the server log and exits non-zero; so does a "Traceback" or
# "Exception in ASGI application" anywhere in the server log.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fresh-start.XXXXXX")"
VENV="$WORK/venv"
PY="$VENV/bin/python"
PIP_LOG="$WORK/pip.log"
SERVER_LOG="$WORK/server.log"
START_WAIT=60 # seconds for /healthz to answer 200
STOP_WAIT=15  # seconds between SIGTERM and SIGKILL
SERVER_PID=""
STARTED=$SECONDS

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for ((i = 0; i < STOP_WAIT * 10; i++)); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "fresh machine: the server did not stop within ${STOP_WAIT}s of SIGTERM; SIGKILL" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

cleanup() {
  stop_server
  rm -rf "$WORK"
}

fail() {
  trap - ERR
  echo "fresh machine: FAILED: $*" >&2
  stop_server
  if [ -s "$SERVER_LOG" ]; then
    echo "----- server log -----" >&2
    cat "$SERVER_LOG" >&2
    echo "----- end of server log -----" >&2
  fi
  exit 1
}

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'fail "line $LINENO: $BASH_COMMAND"' ERR

# 1. a new venv and the README's install, from the repository root
python3 -m venv "$VENV"
if ! (cd "$ROOT" && "$PY" -m pip install -q -e .) >"$PIP_LOG" 2>&1; then
  cat "$PIP_LOG" >&2
  fail "'pip install -e .' in a new venv failed (pip output above)"
fi

# 2. the README's start command, with temporary storage, a free port and an admin credential
PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ADMIN_TOKEN="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')"
BASE="http://127.0.0.1:$PORT"
(
  cd "$WORK" # not the checkout: `python -m` would import the working tree from the cwd
  unset PYTHONPATH PYTHONHOME
  while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^MENTOR_ROOMS_' || true)
  export PYTHONUNBUFFERED=1 # a complete log even if it has to be killed
  export MENTOR_ROOMS_STORAGE_URL="sqlite:///$WORK/fresh.db"
  export MENTOR_ROOMS_PORT="$PORT"
  export MENTOR_ROOMS_ADMIN_TOKEN="$ADMIN_TOKEN"
  exec "$PY" -m signaling
) >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

# 3. wait (bounded) for /healthz
deadline=$((SECONDS + START_WAIT))
until "$PY" "$ROOT/.ci/fresh_start_probe.py" health "$BASE"; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    wait "$SERVER_PID" && code=0 || code=$?
    SERVER_PID=""
    fail "'python -m signaling' exited during start-up (exit status $code)"
  fi
  if ((SECONDS >= deadline)); then
    fail "GET $BASE/healthz did not answer 200 within ${START_WAIT}s"
  fi
  sleep 0.5
done

# 4. the start page, create a session (admin credential), read it back, open the invite
if ! FRESH_START_ADMIN_TOKEN="$ADMIN_TOKEN" "$PY" "$ROOT/.ci/fresh_start_probe.py" check "$BASE"
then
  fail "the HTTP checks against the running server failed (reason above)"
fi
[ -s "$WORK/fresh.db" ] || fail "nothing was written to MENTOR_ROOMS_STORAGE_URL ($WORK/fresh.db)"

# 5. stop it and read its log
stop_server
if grep -qE 'Traceback|Exception in ASGI application' "$SERVER_LOG"; then
  fail "the server log has a Traceback / 'Exception in ASGI application'"
fi

echo "fresh machine: README start works (healthz, /, create session) [$((SECONDS - STARTED))s]"

#!/usr/bin/env bash
# Stop the Kafka broker that scripts/kafka-start.sh started for KAFKA_PORT (via its pid file):
# SIGTERM, up to 30 s for a clean shutdown, then SIGKILL. Harmless if nothing runs.
# Env (same defaults as kafka-start.sh): KAFKA_PORT (9092), KAFKA_DATA_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${KAFKA_PORT:-9092}"
DATA_DIR="${KAFKA_DATA_DIR:-$ROOT/.local/kafka/broker-$PORT}"
[[ -d "$DATA_DIR" ]] && DATA_DIR="$(cd "$DATA_DIR" && pwd)"
PID_FILE="$DATA_DIR/broker.pid"

[[ -f "$PID_FILE" ]] || { echo "No Kafka broker started for port $PORT"; exit 0; }
PID="$(cat "$PID_FILE")"

# Only signal the pid if it is still our broker (pids get reused).
if kill -0 "$PID" 2>/dev/null && grep -qaF "$DATA_DIR/server.properties" "/proc/$PID/cmdline" 2>/dev/null; then
  echo "Stopping Kafka on port $PORT (pid $PID)"
  kill -TERM "$PID"
  for _ in $(seq 30); do
    kill -0 "$PID" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$PID" 2>/dev/null; then
    echo "Kafka did not stop within 30 s; killing it"
    kill -KILL "$PID"
  fi
else
  echo "Kafka on port $PORT was not running"
fi
rm -f "$PID_FILE"

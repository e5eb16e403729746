#!/usr/bin/env bash
# `kafka-cluster.sh start|stop`: a local cluster of KAFKA_CLUSTER_SIZE (3) KRaft nodes, each a
# combined broker and controller set up by kafka-start.sh (SASL, ACLs), with a static quorum of
# all nodes, internal topics at replication factor min(3, size) and min.insync.replicas one less.
# Node i listens on KAFKA_PORT + 2(i-1) (its controller on the next port); data in
# .local/kafka/cluster-$KAFKA_PORT/node-i. `start` prints the broker list last, for KAFKA_BROKERS.
# Env: KAFKA_CLUSTER_SIZE (3), KAFKA_PORT (9092), KAFKA_FRESH=1 (wipe first), KAFKA_HEAP (384m),
#      KAFKA_START_TIMEOUT (120 s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE="${KAFKA_CLUSTER_SIZE:-3}"
PORT="${KAFKA_PORT:-9092}"
BASE="$ROOT/.local/kafka/cluster-$PORT"
TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
REPLICATION=$((SIZE < 3 ? SIZE : 3))

node_port() { echo $((PORT + 2 * ($1 - 1))); }
node_env() { echo "KAFKA_PORT=$(node_port "$1") KAFKA_DATA_DIR=$BASE/node-$1"; }
brokers() {
  local list=()
  for i in $(seq 1 "$SIZE"); do list+=("localhost:$(node_port "$i")"); done
  (IFS=,; echo "${list[*]}")
}

stop() {
  for i in $(seq 1 "$SIZE"); do
    env $(node_env "$i") bash "$ROOT/scripts/kafka-stop.sh" &
  done
  wait
}

start() {
  bash "$ROOT/scripts/kafka-fetch.sh"
  if [[ "${KAFKA_FRESH:-0}" == 1 ]]; then
    stop >/dev/null
    rm -rf "$BASE"
  fi
  mkdir -p "$BASE"
  [[ -f "$BASE/cluster-id" ]] ||
    java -cp "$ROOT/.local/kafka/libs/*" kafka.tools.StorageTool random-uuid >"$BASE/cluster-id"
  local voters=()
  for i in $(seq 1 "$SIZE"); do voters+=("$i@127.0.0.1:$(($(node_port "$i") + 1))"); done
  echo "Starting a $SIZE-node Kafka cluster on $(brokers) (replication factor $REPLICATION)"
  for i in $(seq 1 "$SIZE"); do
    env $(node_env "$i") KAFKA_NODE_ID="$i" KAFKA_QUORUM_VOTERS="$(IFS=,; echo "${voters[*]}")" \
      KAFKA_CLUSTER_ID="$(cat "$BASE/cluster-id")" KAFKA_REPLICATION="$REPLICATION" \
      KAFKA_HEAP="${KAFKA_HEAP:-384m}" KAFKA_NO_WAIT=1 KAFKA_FRESH=0 \
      bash "$ROOT/scripts/kafka-start.sh"
  done
  local started=$SECONDS
  for i in $(seq 1 "$SIZE"); do
    local log="$BASE/node-$i/broker.log"
    until grep -q "Kafka Server started" "$log" 2>/dev/null; do
      if ((SECONDS - started >= TIMEOUT)); then
        echo "Kafka node $i not ready after $TIMEOUT s; last lines of $log:" >&2
        tail -n 60 "$log" >&2
        stop >/dev/null
        exit 1
      fi
      sleep 1
      (((SECONDS - started) % 5 == 0)) && echo "  waiting for node $i… $((SECONDS - started)) s"
    done
    echo "  node $i ready on localhost:$(node_port "$i")"
  done
  brokers
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  brokers) brokers ;;
  *) echo "usage: kafka-cluster.sh start|stop|brokers" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Start a local single-node Apache Kafka broker (KRaft, combined broker+controller) in the
# background, unless one already answers on KAFKA_PORT; wait until it is ready.
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1),
#      KAFKA_DATA_DIR (.local/kafka/broker-$KAFKA_PORT), KAFKA_FRESH=1 (stop it and wipe the
#      data dir first), KAFKA_HEAP (512m), KAFKA_START_TIMEOUT (90 s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
DATA_DIR="${KAFKA_DATA_DIR:-$ROOT/.local/kafka/broker-$PORT}"
HEAP="${KAFKA_HEAP:-512m}"
TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
LIBS="$ROOT/.local/kafka/libs"
STARTED_LINE="Kafka Server started" # logged by KafkaRaftServer once the broker serves

port_open() { (exec 3<>"/dev/tcp/localhost/$1") 2>/dev/null; }
kafka_java() { java -cp "$LIBS/*" "$@"; }

bash "$ROOT/scripts/kafka-fetch.sh"

if [[ "${KAFKA_FRESH:-0}" == 1 ]]; then
  bash "$ROOT/scripts/kafka-stop.sh"
  rm -rf "$DATA_DIR"
fi

if port_open "$PORT"; then
  echo "Kafka already running on localhost:$PORT"
  exit 0
fi
if port_open "$CONTROLLER_PORT"; then
  echo "Port $CONTROLLER_PORT (KAFKA_CONTROLLER_PORT) is taken; pick another" >&2
  exit 1
fi

mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
LOG="$DATA_DIR/broker.log"
PID_FILE="$DATA_DIR/broker.pid"

cat >"$DATA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$CONTROLLER_PORT
listeners=PLAINTEXT://:$PORT,CONTROLLER://:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$PORT,CONTROLLER://localhost:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
default.replication.factor=1
group.initial.rebalance.delay.ms=0
num.partitions=6
auto.create.topics.enable=false
delete.topic.enable=true
PROPS

if [[ ! -f "$DATA_DIR/logs/meta.properties" ]]; then
  echo "Formatting KRaft storage in $DATA_DIR/logs"
  kafka_java kafka.tools.StorageTool format --standalone \
    -t "$(kafka_java kafka.tools.StorageTool random-uuid)" -c "$DATA_DIR/server.properties"
fi

echo "Starting Kafka on localhost:$PORT (controller $CONTROLLER_PORT), log: $LOG"
nohup setsid java "-Xmx$HEAP" -Dlog4j2.configurationFile="$ROOT/scripts/kafka/log4j2.yaml" \
  -cp "$LIBS/*" kafka.Kafka "$DATA_DIR/server.properties" >"$LOG" 2>&1 </dev/null &
PID=$!
echo "$PID" >"$PID_FILE"

fail() {
  echo "$1; last 80 lines of $LOG:" >&2
  tail -n 80 "$LOG" >&2
  exit 1
}

START=$SECONDS
TICKS=0
until port_open "$PORT" && grep -q "$STARTED_LINE" "$LOG"; do
  kill -0 "$PID" 2>/dev/null || fail "Kafka (pid $PID) exited during startup"
  if ((SECONDS - START >= TIMEOUT)); then
    KAFKA_PORT="$PORT" KAFKA_DATA_DIR="$DATA_DIR" bash "$ROOT/scripts/kafka-stop.sh" >/dev/null
    fail "Kafka not ready on localhost:$PORT after $TIMEOUT s (stopped it)"
  fi
  sleep 1
  ((++TICKS % 5 == 0)) && echo "  waiting for Kafka… $((SECONDS - START)) s"
done
echo "Kafka ready on localhost:$PORT after $((SECONDS - START)) s"

#!/usr/bin/env bash
# Start a local single-node Apache Kafka broker (KRaft, combined broker+controller) in the
# background, unless one already answers on KAFKA_PORT; wait until it is ready.
# Clients authenticate with SASL/SCRAM-SHA-512 and are authorised by ACL (StandardAuthorizer,
# deny when no ACL matches); the SCRAM users (admin, intake, assignment, reporting, integration)
# are written at storage-format time. The controller listener is bound to 127.0.0.1 and
# authenticates the broker with SASL/PLAIN as the admin. Neither listener uses TLS: this is a
# single-machine broker (see docs/operations.md, "Kafka security").
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1),
#      KAFKA_DATA_DIR (.local/kafka/broker-$KAFKA_PORT), KAFKA_FRESH=1 (stop it and wipe the
#      data dir first), KAFKA_HEAP (512m), KAFKA_START_TIMEOUT (90 s),
#      KAFKA_<USER>_PASSWORD for USER in ADMIN INTAKE ASSIGNMENT REPORTING INTEGRATION
#      (development defaults `<user>-dev-password`, read only when the storage is formatted),
#      KAFKA_ADVERTISED_HOST (localhost), KAFKA_EXTERNAL_LISTENER (host:port: a second SASL
#      listener advertised as that), KAFKA_LIBS (.local/kafka/libs, fetched; else used as is),
#      KAFKA_FOREGROUND=1 (run in the foreground, as a container's main process).
# As one node of a cluster (scripts/kafka-cluster.sh sets these): KAFKA_NODE_ID (1),
#      KAFKA_QUORUM_VOTERS (id@host:port,…: a static controller quorum instead of a standalone one),
#      KAFKA_CLUSTER_ID (shared by every node), KAFKA_REPLICATION (1: replication factor of
#      Kafka's internal topics and the default of others; min.insync.replicas is one less, at
#      least 1), KAFKA_NO_WAIT=1 (return once launched: a node alone cannot form its quorum).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
DATA_DIR="${KAFKA_DATA_DIR:-$ROOT/.local/kafka/broker-$PORT}"
HEAP="${KAFKA_HEAP:-512m}"
TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
LIBS="${KAFKA_LIBS:-$ROOT/.local/kafka/libs}"
ADVERTISED_HOST="${KAFKA_ADVERTISED_HOST:-localhost}"
EXTERNAL="${KAFKA_EXTERNAL_LISTENER:-}"
NODE_ID="${KAFKA_NODE_ID:-1}"
VOTERS="${KAFKA_QUORUM_VOTERS:-}"
REPLICATION="${KAFKA_REPLICATION:-1}"
MIN_ISR=$((REPLICATION > 1 ? REPLICATION - 1 : 1))
QUORUM="controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT"
[[ -n "$VOTERS" ]] && QUORUM="controller.quorum.voters=$VOTERS"
STARTED_LINE="Kafka Server started" # logged by KafkaRaftServer once the broker serves
SCRAM_USERS=(admin intake assignment reporting integration)
# Development defaults, also known to libs/common (DEV_KAFKA_PASSWORDS): never for production.
password_of() {
  local var="KAFKA_${1^^}_PASSWORD"
  printf '%s' "${!var:-$1-dev-password}"
}
for user in "${SCRAM_USERS[@]}"; do
  # They end up in server.properties and in StorageTool's --add-scram argument.
  case "$(password_of "$user")" in
    *[\"\\,\]\ ]*)
      echo "KAFKA_${user^^}_PASSWORD must not contain quotes, backslashes, commas, ] or spaces" >&2
      exit 1
      ;;
  esac
done
ADMIN_PASSWORD="$(password_of admin)"

port_open() { (exec 3<>"/dev/tcp/localhost/$1") 2>/dev/null; }
kafka_java() { java -cp "$LIBS/*" "$@"; }

[[ -n "${KAFKA_LIBS:-}" ]] || bash "$ROOT/scripts/kafka-fetch.sh"

if [[ "${KAFKA_FRESH:-0}" == 1 ]]; then
  bash "$ROOT/scripts/kafka-stop.sh"
  rm -rf "$DATA_DIR"
fi

if [[ "${KAFKA_FOREGROUND:-0}" != 1 ]] && port_open "$PORT"; then
  echo "Kafka already running on localhost:$PORT"
  exit 0
fi
if [[ "${KAFKA_FOREGROUND:-0}" != 1 ]] && port_open "$CONTROLLER_PORT"; then
  echo "Port $CONTROLLER_PORT (KAFKA_CONTROLLER_PORT) is taken; pick another" >&2
  exit 1
fi

mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
LOG="$DATA_DIR/broker.log"
PID_FILE="$DATA_DIR/broker.pid"

# The properties file holds the admin password (inter-broker and controller logins): owner only.
umask 077
cat >"$DATA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=$NODE_ID
$QUORUM
listeners=SASL_PLAINTEXT://:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT${EXTERNAL:+,EXTERNAL://:${EXTERNAL##*:}}
advertised.listeners=SASL_PLAINTEXT://$ADVERTISED_HOST:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT${EXTERNAL:+,EXTERNAL://$EXTERNAL}
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN_PASSWORD";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$ADMIN_PASSWORD" user_admin="$ADMIN_PASSWORD";
${EXTERNAL:+listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;}
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
log.dirs=$DATA_DIR/logs
offsets.topic.replication.factor=$REPLICATION
transaction.state.log.replication.factor=$REPLICATION
transaction.state.log.min.isr=$MIN_ISR
share.coordinator.state.topic.replication.factor=$REPLICATION
share.coordinator.state.topic.min.isr=$MIN_ISR
min.insync.replicas=$MIN_ISR
default.replication.factor=$REPLICATION
group.initial.rebalance.delay.ms=0
num.partitions=6
auto.create.topics.enable=false
delete.topic.enable=true
PROPS
# For Kafka's own command-line tools as the super user (--command-config).
cat >"$DATA_DIR/admin-client.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN_PASSWORD";
PROPS
umask 022

SCRAM_MARKER="$DATA_DIR/logs/.casebridge-scram-users"
if [[ ! -f "$DATA_DIR/logs/meta.properties" ]]; then
  echo "Formatting KRaft storage in $DATA_DIR/logs (SCRAM users: ${SCRAM_USERS[*]})"
  scram=()
  for user in "${SCRAM_USERS[@]}"; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(password_of "$user")]")
  done
  # A single node forms its quorum alone; cluster nodes share the id and the static voters.
  quorum=(--standalone)
  [[ -n "$VOTERS" ]] && quorum=()
  kafka_java kafka.tools.StorageTool format "${quorum[@]}" "${scram[@]}" \
    -t "${KAFKA_CLUSTER_ID:-$(kafka_java kafka.tools.StorageTool random-uuid)}" \
    -c "$DATA_DIR/server.properties"
  echo "${SCRAM_USERS[*]}" >"$SCRAM_MARKER"
elif [[ ! -f "$SCRAM_MARKER" ]]; then
  echo "$DATA_DIR was formatted without SCRAM users (before brokers required authentication);" >&2
  echo "run with KAFKA_FRESH=1 to wipe it and format it again" >&2
  exit 1
fi

if [[ "${KAFKA_FOREGROUND:-0}" == 1 ]]; then
  echo "Starting Kafka on $ADVERTISED_HOST:$PORT${EXTERNAL:+ and $EXTERNAL} (controller 127.0.0.1:$CONTROLLER_PORT)"
  exec java "-Xmx$HEAP" -Dlog4j2.configurationFile="$ROOT/scripts/kafka/log4j2.yaml" \
    -cp "$LIBS/*" kafka.Kafka "$DATA_DIR/server.properties"
fi

echo "Starting Kafka on localhost:$PORT (controller $CONTROLLER_PORT), log: $LOG"
nohup setsid java "-Xmx$HEAP" -Dlog4j2.configurationFile="$ROOT/scripts/kafka/log4j2.yaml" \
  -cp "$LIBS/*" kafka.Kafka "$DATA_DIR/server.properties" >"$LOG" 2>&1 </dev/null &
PID=$!
echo "$PID" >"$PID_FILE"
[[ "${KAFKA_NO_WAIT:-0}" == 1 ]] && exit 0

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

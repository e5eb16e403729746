#!/usr/bin/env bash
# Brings up everything the services need, idempotently: dependencies, build, PostgreSQL
# (databases, roles, migrations) and Kafka (the brokers in KAFKA_BROKERS, else a local
# KRaft broker fetched from Maven Central, or KAFKA_CLUSTER_SIZE of them), plus the event topics.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node_modules
ensure_build

step "PostgreSQL"
bash scripts/postgres-up.sh
node dist/scripts/setup-databases.js
node dist/scripts/migrate.js

step "Kafka"
if [[ -n "${KAFKA_BROKERS:-}" && "${CASEBRIDGE_LOCAL_KAFKA:-0}" != 1 ]]; then
  echo "Using the brokers in KAFKA_BROKERS: $KAFKA_BROKERS"
else
  local_kafka_start
  KAFKA_BROKERS="$(local_kafka_brokers)"
  export KAFKA_BROKERS
  # A cluster keeps three copies of every topic (min.insync.replicas is set on its brokers).
  size="$(cluster_size)"
  export KAFKA_REPLICATION_FACTOR="${KAFKA_REPLICATION_FACTOR:-$((size < 3 ? size : 3))}"
fi
node dist/scripts/create-topics.js
step "Infrastructure ready"

#!/usr/bin/env bash
# Brings up everything the services need, idempotently: dependencies, build, PostgreSQL
# (databases, roles, migrations) and Kafka (the brokers in KAFKA_BROKERS, else a local
# KRaft broker fetched from Maven Central), plus the event topics.
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
  bash scripts/kafka-start.sh
  export KAFKA_BROKERS="localhost:${KAFKA_PORT:-9092}"
fi
node dist/scripts/create-topics.js
step "Infrastructure ready"

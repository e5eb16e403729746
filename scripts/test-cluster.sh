#!/usr/bin/env bash
# `npm run test:cluster`: the broker-loss tests, each in a three-broker KRaft cluster of its own
# (kill -9 of a partition leader under load), after the usual test infrastructure is up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node_modules
source scripts/test-env.sh
trap "local_kafka_stop || true" EXIT
bash scripts/test-infra-up.sh
step "Cluster tests (three KRaft brokers, real PostgreSQL)"
npx jest --config jest.config.js --selectProjects cluster --runInBand "$@"

#!/usr/bin/env bash
# `npm test`: installs what is missing (npm packages, Chromium for the dashboard test), lints, type-checks, runs unit tests, then brings up the
# test infrastructure and runs the integration and end-to-end tests against real Postgres and
# Kafka, then the broker-loss test in a three-broker cluster of its own; stops the brokers it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
started=$(date +%s)

ensure_node_modules
step "Browser for the dashboard test"
bash scripts/browser-up.sh
step "Lint (ESLint, Redocly for the OpenAPI documents) and format (Prettier)"
npm run --silent lint
npm run --silent lint:openapi
npm run --silent format:check
step "Type-check"
npm run --silent typecheck
step "Unit tests"
npx jest --config jest.config.js --selectProjects unit

source scripts/test-env.sh
stop_broker() {
  if [[ "${CASEBRIDGE_LOCAL_KAFKA:-0}" == 1 ]]; then
    step "Stopping the test broker"
    local_kafka_stop || true
  fi
}
trap stop_broker EXIT
bash scripts/test-infra-up.sh

step "Integration and end-to-end tests (real PostgreSQL and Kafka)"
npx jest --config jest.config.js --selectProjects integration e2e --runInBand "$@"
step "Broker loss in a three-broker cluster (kill -9 of a partition leader)"
npx jest --config jest.config.js --selectProjects cluster --runInBand
step "All tests passed in $(( $(date +%s) - started )) s"

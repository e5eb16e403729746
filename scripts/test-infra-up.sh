#!/usr/bin/env bash
# Brings up the test infrastructure (test databases, a fresh test broker on 19092, topics).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source scripts/test-env.sh
if [[ "${CASEBRIDGE_LOCAL_KAFKA:-0}" == 1 ]]; then export KAFKA_FRESH=1; fi
bash scripts/infra-up.sh

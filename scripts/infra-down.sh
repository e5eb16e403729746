#!/usr/bin/env bash
# Stops the local Kafka broker that infra-up started. PostgreSQL is the machine's and keeps running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
local_kafka_stop

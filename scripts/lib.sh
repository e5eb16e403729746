# Shared by the shell scripts: repository root, timestamps, and "install if missing".
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
step() { printf '\n\033[1m[%s] %s\033[0m\n' "$(date +%H:%M:%S)" "$*"; }

# npm ci when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    step "Installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

ensure_build() {
  step "Building (tsc)"
  npm run --silent build
}

# The local Kafka: one broker on KAFKA_PORT, or KAFKA_CLUSTER_SIZE brokers from KAFKA_PORT on.
cluster_size() { echo "${KAFKA_CLUSTER_SIZE:-1}"; }
local_kafka_start() {
  if (($(cluster_size) > 1)); then bash scripts/kafka-cluster.sh start; else bash scripts/kafka-start.sh; fi
}
local_kafka_stop() {
  if (($(cluster_size) > 1)); then bash scripts/kafka-cluster.sh stop; else bash scripts/kafka-stop.sh; fi
}
local_kafka_brokers() {
  if (($(cluster_size) > 1)); then bash scripts/kafka-cluster.sh brokers; else echo "localhost:${KAFKA_PORT:-9092}"; fi
}

#!/usr/bin/env bash
# `npm start`: infrastructure up, build, the three services, their URLs. Ctrl-C stops it all.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

kafka_port="${KAFKA_PORT:-9092}"
owns_broker=0
if [[ -z "${KAFKA_BROKERS:-}" ]] && ! (exec 3<>"/dev/tcp/localhost/$kafka_port") 2>/dev/null; then owns_broker=1; fi
bash scripts/infra-up.sh
export KAFKA_BROKERS="${KAFKA_BROKERS:-localhost:$kafka_port}"

mkdir -p .local/logs
pids=()
shutdown() {
  trap - INT TERM EXIT
  step "Stopping the services"
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  if [[ $owns_broker == 1 ]]; then bash scripts/kafka-stop.sh; fi
  exit 0
}
trap shutdown INT TERM EXIT

declare -A ports=([intake]="${INTAKE_PORT:-3001}" [assignment]="${ASSIGNMENT_PORT:-3002}" [reporting]="${REPORTING_PORT:-3003}")
step "Starting intake, assignment and reporting (logs in .local/logs/)"
for service in intake assignment reporting; do
  node "dist/apps/$service/src/main.js" >".local/logs/$service.log" 2>&1 &
  pids+=($!)
done
for service in intake assignment reporting; do
  url="http://localhost:${ports[$service]}"
  for i in $(seq 1 60); do
    curl -fs "$url/health/ready" >/dev/null 2>&1 && break
    if [[ $i == 60 ]]; then echo "$service did not become ready; last log lines:"; tail -n 30 ".local/logs/$service.log"; exit 1; fi
    sleep 1
  done
done

cat <<URLS

Casebridge is running.
  intake      http://localhost:${ports[intake]}/v1/cases       docs http://localhost:${ports[intake]}/docs       health http://localhost:${ports[intake]}/health/ready
  assignment  http://localhost:${ports[assignment]}/v1/consulates  docs http://localhost:${ports[assignment]}/docs       health http://localhost:${ports[assignment]}/health/ready
  reporting   http://localhost:${ports[reporting]}/v1/reports/host-countries  docs http://localhost:${ports[reporting]}/docs  dashboard http://localhost:${ports[reporting]}/dashboard
  tokens      npm run token -- --role intake_officer   (or manager, admin, consul --consulate RU-MOW …)
  logs        tail -f .local/logs/*.log
Press Ctrl-C to stop everything.
URLS
wait -n "${pids[@]}" || true
echo "A service exited; see .local/logs/. Stopping."

#!/usr/bin/env bash
# `npm start`: infrastructure up, build, the three services under the supervisor (restarts a
# service that dies, runs *_INSTANCES of each), their URLs. Ctrl-C stops it all, broker included.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

kafka_port="${KAFKA_PORT:-9092}"
owns_broker=0
if [[ -z "${KAFKA_BROKERS:-}" ]] && ! (exec 3<>"/dev/tcp/localhost/$kafka_port") 2>/dev/null; then owns_broker=1; fi
bash scripts/infra-up.sh
KAFKA_BROKERS="${KAFKA_BROKERS:-$(local_kafka_brokers)}"
export KAFKA_BROKERS

supervisor=""
shutdown() {
  trap - INT TERM EXIT
  if [[ -n "$supervisor" ]]; then
    kill -TERM "$supervisor" 2>/dev/null || true
    wait "$supervisor" 2>/dev/null || true
  fi
  if [[ $owns_broker == 1 ]]; then local_kafka_stop; fi
  step "Stopped"
  exit 0
}
trap shutdown INT TERM EXIT

declare -A ports=([intake]="${INTAKE_PORT:-3001}" [assignment]="${ASSIGNMENT_PORT:-3002}" [reporting]="${REPORTING_PORT:-3003}")
step "Starting intake, assignment and reporting (logs in .local/logs/)"
node dist/scripts/supervise.js &
supervisor=$!
for service in intake assignment reporting; do
  url="http://localhost:${ports[$service]}"
  for i in $(seq 1 90); do
    curl -fs "$url/health/ready" >/dev/null 2>&1 && break
    if [[ $i == 90 ]]; then echo "$service is not ready after 90 s (see .local/logs/$service.log); the others keep running"; fi
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
A service that dies is restarted (see the lines above and below); Ctrl-C stops everything.
URLS
wait "$supervisor" || true
supervisor=""

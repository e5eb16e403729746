# Environment of the test run: separate databases (`*_test`) and a separate, fresh Kafka broker
# on port 19092, so tests never touch development data. Sourced by test.sh and test-infra-up.sh.
export NODE_ENV=test
# TEST_DATABASE_NAME_SUFFIX and TEST_KAFKA_PORT (e.g. `_test_b`, 29092) let two runs go side by side.
export DATABASE_NAME_SUFFIX="${TEST_DATABASE_NAME_SUFFIX:-_test}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
if [[ -n "${TEST_KAFKA_BROKERS:-}" ]]; then
  export KAFKA_BROKERS="$TEST_KAFKA_BROKERS"
else
  export KAFKA_PORT="${TEST_KAFKA_PORT:-19092}"
  export KAFKA_BROKERS="localhost:$KAFKA_PORT"
  # KAFKA_CLUSTER_SIZE=3 runs the whole suite against a three-broker cluster from that port on.
  if ((${KAFKA_CLUSTER_SIZE:-1} > 1)); then
    KAFKA_BROKERS="$(bash "$(dirname "${BASH_SOURCE[0]}")/kafka-cluster.sh" brokers)"
  fi
  export CASEBRIDGE_LOCAL_KAFKA=1
fi

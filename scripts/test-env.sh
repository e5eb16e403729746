# Environment of the test run: separate databases (`*_test`) and a separate, fresh Kafka broker
# on port 19092, so tests never touch development data. Sourced by test.sh and test-infra-up.sh.
export NODE_ENV=test
export DATABASE_NAME_SUFFIX=_test
export LOG_LEVEL="${LOG_LEVEL:-warn}"
if [[ -n "${TEST_KAFKA_BROKERS:-}" ]]; then
  export KAFKA_BROKERS="$TEST_KAFKA_BROKERS"
else
  export KAFKA_PORT=19092
  export KAFKA_BROKERS=localhost:19092
  export CASEBRIDGE_LOCAL_KAFKA=1
fi

#!/usr/bin/env bash
# Fetch the Apache Kafka broker jars (scripts/kafka/pom.xml) from Maven Central into
# .local/kafka/libs, once. A marker file holding the Kafka version marks a complete fetch;
# jars land in a temp dir first, so an interrupted fetch never looks complete.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/scripts/kafka/pom.xml"
KAFKA_HOME="$ROOT/.local/kafka"
LIBS="$KAFKA_HOME/libs"
MARKER="$LIBS/.kafka-version"
VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"

fetched() { [[ -f "$MARKER" && "$(cat "$MARKER")" == "$VERSION" ]]; }

if fetched; then echo "Kafka $VERSION already fetched"; exit 0; fi

mkdir -p "$KAFKA_HOME"
exec 9>"$KAFKA_HOME/.fetch.lock"
flock 9 # a parallel run may be fetching; wait for it, then re-check
if fetched; then echo "Kafka $VERSION already fetched"; exit 0; fi

echo "Fetching Apache Kafka $VERSION from Maven Central into .local/kafka/libs (first run only)…"
rm -rf "$KAFKA_HOME"/libs.tmp.* # left by an interrupted fetch
TMP="$(mktemp -d "$KAFKA_HOME/libs.tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# One line per downloaded jar; the full Maven output is kept and shown on failure.
if ! mvn -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$TMP" 2>&1 | tee "$TMP/.mvn.log" \
      | sed -un 's|^\[INFO\] Downloaded from [^:]*: .*/\([^/]*\.jar\) (\([^ ]* [kMG]*B\).*|  downloaded \1 (\2)|p'; then
  tail -n 40 "$TMP/.mvn.log" >&2
  echo "Kafka fetch failed (see Maven output above)" >&2
  exit 1
fi

rm -f "$TMP/.mvn.log"
echo "$VERSION" >"$TMP/.kafka-version"
rm -rf "$LIBS" # an outdated or incomplete folder
mv -T "$TMP" "$LIBS"
echo "Fetched Kafka $VERSION: $(ls "$LIBS"/*.jar | wc -l) jars in .local/kafka/libs"

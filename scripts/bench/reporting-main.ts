/**
 * `npm run bench:reporting -- --cases N`: the reporting benchmark (scripts/bench/reporting.ts).
 * It runs beside `npm run bench` and a test run: a broker of its own on port 39192, databases
 * `casebridge_*_bench_reporting` and reporting on port 3113, unless BENCH_KAFKA_PORT,
 * BENCH_DATABASE_SUFFIX or BENCH_REPORTING_PORT say otherwise. Set before the bench's
 * configuration is read.
 */
process.env.BENCH_KAFKA_PORT ||= '39192';
process.env.BENCH_DATABASE_SUFFIX ||= '_bench_reporting';
process.env.BENCH_REPORTING_PORT ||= '3113';

void import('./reporting');

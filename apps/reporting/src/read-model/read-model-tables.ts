/**
 * The tables of the read model. The live service writes the live set; a rebuild writes a shadow
 * set with the same shape and then swaps it in, so every writer takes the set as a parameter.
 */
export interface ReadModelTables {
  fact: string;
  /** Runs' bucket entries not yet folded into the aggregates (deltas.ts). */
  delta: string;
  caseBucket: string;
  resolutionBucket: string;
  /** Day, month and all-time sums of both bucket tables over subsets of the dimensions (rollup.ts). */
  rollup: string;
  state: string;
  inbox: string;
}

export const LIVE_TABLES: ReadModelTables = {
  fact: 'case_fact',
  delta: 'report_delta',
  caseBucket: 'daily_case_bucket',
  resolutionBucket: 'daily_resolution_bucket',
  rollup: 'report_rollup',
  state: 'reporting_state',
  inbox: 'inbox_message',
};

/**
 * Lock and swap order: the inbox first, because the live consumer's transactions touch it first
 * (inbox, facts, delta), then the folder's (delta, buckets, rollup, state); taking locks in the
 * same order as they do cannot deadlock with them.
 */
export const READ_MODEL_TABLE_ORDER: readonly (keyof ReadModelTables)[] = [
  'inbox',
  'fact',
  'delta',
  'caseBucket',
  'resolutionBucket',
  'rollup',
  'state',
];

export const SHADOW_SUFFIX = '__rebuild';

export function shadowTables(): ReadModelTables {
  return {
    fact: `${LIVE_TABLES.fact}${SHADOW_SUFFIX}`,
    delta: `${LIVE_TABLES.delta}${SHADOW_SUFFIX}`,
    caseBucket: `${LIVE_TABLES.caseBucket}${SHADOW_SUFFIX}`,
    resolutionBucket: `${LIVE_TABLES.resolutionBucket}${SHADOW_SUFFIX}`,
    rollup: `${LIVE_TABLES.rollup}${SHADOW_SUFFIX}`,
    state: `${LIVE_TABLES.state}${SHADOW_SUFFIX}`,
    inbox: `${LIVE_TABLES.inbox}${SHADOW_SUFFIX}`,
  };
}

/** The consumer group of the live read model; its inbox rows are what a rebuild reproduces. */
export const REPORTING_CONSUMER_GROUP = 'casebridge-reporting';

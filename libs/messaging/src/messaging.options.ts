import type { KafkaConnection } from '@casebridge/common';

export interface MessagingOptions {
  /** CloudEvents source of events this service produces, e.g. `/casebridge/intake`. */
  source: string;
  clientId: string;
  /** Brokers, this service's own principal's credentials, TLS. */
  connection: KafkaConnection;
  /** How often the outbox relay polls when idle (ms). */
  outboxPollMs: number;
  /** Attempts before a failing message is dead-lettered. */
  maxAttempts: number;
  /** Whether this service produces events (runs an outbox relay). */
  producesEvents: boolean;
  /** The group this service's `@OnEvent` handlers consume in, exactly as the inbox records it. */
  consumerGroup?: string;
  /** Messages of one partition applied in one transaction, at most (default MAX_CHUNK, 200). */
  maxChunk?: number;
  /**
   * Partitions applied at once by this instance (default 1). More than one only where the
   * handlers take their row locks in one global order (reporting's writer does), or runs
   * deadlock.
   */
  concurrency?: number;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const KAFKA = Symbol('KAFKA');

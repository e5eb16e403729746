import type { DataSource, EntityManager } from 'typeorm';
import { isRetryableConflict } from '@casebridge/common';

const ATTEMPTS = 4;

/**
 * Runs `work` in a transaction, retrying it when Postgres aborts it for a deadlock or a
 * serialisation failure: such a conflict is never the caller's fault and must not reach an
 * HTTP client as a 5xx.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryableConflict(error)) throw error;
      await new Promise((resolve) =>
        setTimeout(resolve, 20 * attempt + Math.floor(Math.random() * 30)),
      );
    }
  }
}

/** Whether an error is a unique violation (Postgres 23505), optionally of one constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  } | null;
  const code = e?.code ?? e?.driverError?.code;
  if (code !== '23505') return false;
  return constraint === undefined || (e?.constraint ?? e?.driverError?.constraint) === constraint;
}

import { randomUUID } from 'node:crypto';
import type { CaseSubmittedV1 } from '@casebridge/contracts';

let reference = 0;

/** The data of a `case.submitted` event for a fresh case (Moscow, unpaid wages, Uzbek), overridable. */
export function submittedCase(over: Partial<CaseSubmittedV1> = {}): CaseSubmittedV1 {
  reference += 1;
  return {
    caseId: randomUUID(),
    reference: `CB-2026-${String(reference).padStart(6, '0')}`,
    hostCountry: 'RU',
    hostCity: 'Moscow',
    category: 'unpaid_wages',
    priority: 'normal',
    riskIndicators: [],
    channel: 'hotline',
    preferredLanguage: 'uz',
    submittedAt: new Date().toISOString(),
    ...over,
  };
}

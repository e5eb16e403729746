import { EventSources, EventTypes, Role } from '@casebridge/contracts';
import { query, waitFor } from './infra';
import { produceEvent } from './kafka';
import { tokenFor } from './tokens';

export interface Caller {
  role: Role;
  consulateId?: string;
}

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A thin HTTP client of the intake API for tests. */
export class IntakeClient {
  constructor(readonly url: string) {}

  async call<T = Record<string, unknown>>(
    caller: Caller | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResult<T>> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(caller ? { Authorization: `Bearer ${tokenFor(caller.role, caller.consulateId)}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
}

let assignmentSequence = new Map<string, number>();

export function resetAssignmentSequences(): void {
  assignmentSequence = new Map();
}

/** Stands in for the assignment service: publishes case.assigned and waits until intake applied it. */
export async function assignCase(
  caseId: string,
  hostCountry: string,
  consulateId: string,
  caseworkerId: string | null = null,
): Promise<void> {
  const sequence = (assignmentSequence.get(caseId) ?? 0) + 1;
  assignmentSequence.set(caseId, sequence);
  const previous =
    sequence > 1
      ? await query<{ consulate_id: string; caseworker_id: string | null }>(
          'intake',
          'SELECT consulate_id, caseworker_id FROM case_file WHERE id = $1',
          [caseId],
        )
      : [];
  await produceEvent(
    EventTypes.CaseAssigned,
    {
      caseId,
      hostCountry,
      consulateId,
      caseworkerId,
      assignedAt: new Date().toISOString(),
      reason: sequence > 1 ? 'transferred' : 'auto',
      previous: previous[0]
        ? { consulateId: previous[0].consulate_id, caseworkerId: previous[0].caseworker_id }
        : null,
      sequence,
    },
    { source: EventSources.assignment },
  );
  await waitFor(`case ${caseId} to be held by ${consulateId}`, async () => {
    const [row] = await query<{ consulate_id: string; assignment_sequence: number }>(
      'intake',
      'SELECT consulate_id, assignment_sequence FROM case_file WHERE id = $1',
      [caseId],
    );
    return row?.consulate_id === consulateId && row.assignment_sequence === sequence;
  });
}

/** Intake's side of the tests: assignment stood in for by published `case.assigned` events. */
import { EventSources, EventTypes } from '@casebridge/contracts';
import { query, waitFor } from './infra';
import { produceEvent } from './kafka';

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

import { EventTypes } from '@casebridge/contracts';
import { batchedHandlers, EventHandlers } from '@casebridge/messaging';
import type { AnyCasebridgeEvent } from './case-fact';
import type { ReadModelTables } from './read-model-tables';
import type { ReadModelWriter } from './read-model.writer';

/** The events the read model is made of. */
export const REPORTED_EVENT_TYPES = [
  EventTypes.CaseSubmitted,
  EventTypes.CaseStatusChanged,
  EventTypes.CasePriorityChanged,
  EventTypes.CaseAssigned,
  EventTypes.CaseSlaBreached,
  EventTypes.CaseDuplicateDecided,
] as const;

/**
 * The events reporting applies, into the given tables: the live ones for the live consumer, the
 * shadow ones for a rebuild, so that a rebuild applies exactly what the live consumer does: in
 * runs (ReadModelWriter.applyMany), a message alone as a run of one.
 */
export function readModelHandlers(writer: ReadModelWriter, tables: ReadModelTables): EventHandlers {
  return batchedHandlers(REPORTED_EVENT_TYPES, (items, manager) =>
    writer.applyMany(
      items.map((i) => i.event as AnyCasebridgeEvent),
      manager,
      tables,
    ),
  );
}

import { EventTypes } from '@casebridge/contracts';
import type { EventHandlers } from '@casebridge/messaging';
import type { ReadModelTables } from './read-model-tables';
import type { ReadModelWriter } from './read-model.writer';

/**
 * The events reporting applies, into the given tables: the live ones for the live consumer, the
 * shadow ones for a rebuild, so that a rebuild applies exactly what the live consumer does.
 */
export function readModelHandlers(writer: ReadModelWriter, tables: ReadModelTables): EventHandlers {
  return {
    [EventTypes.CaseSubmitted]: (event, manager) => writer.apply(event, manager, tables),
    [EventTypes.CaseStatusChanged]: (event, manager) => writer.apply(event, manager, tables),
    [EventTypes.CaseAssigned]: (event, manager) => writer.apply(event, manager, tables),
    [EventTypes.CaseSlaBreached]: (event, manager) => writer.apply(event, manager, tables),
  };
}

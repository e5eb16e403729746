import type { EntityManager } from 'typeorm';
import { CasebridgeEvent, CaseStatus, EventTypes } from '@casebridge/contracts';
import type { OutboxWriter } from '@casebridge/messaging';
import { AssignmentProjectionService } from './assignment-projection.service';
import type { CaseFile } from './case-file.entity';
import type { CaseAssignmentChangeRepository } from './repositories/case-assignment-change.repository';
import type { CaseFileRepository } from './repositories/case-file.repository';
import type { CaseStatusChangeRepository } from './repositories/case-status-change.repository';

const CASE_ID = '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d';
const manager = {} as EntityManager;

function assigned(sequence: number): CasebridgeEvent<typeof EventTypes.CaseAssigned> {
  return {
    id: `event-${sequence}`,
    type: EventTypes.CaseAssigned,
    source: '/casebridge/assignment',
    subject: CASE_ID,
    time: '2026-03-01T10:00:00.000Z',
    correlationId: 'c-1',
    data: {
      caseId: CASE_ID,
      hostCountry: 'RU',
      consulateId: 'RU-MOW',
      caseworkerId: 'ru-mow-01',
      assignedAt: '2026-03-01T10:00:00.000Z',
      reason: 'auto',
      previous: null,
      sequence,
    },
  };
}

function setUp(status: CaseStatus, version: number) {
  const stored = {
    id: CASE_ID,
    status,
    version,
    hostCountry: 'RU',
    consulateId: null,
    caseworkerId: null,
    assignmentSequence: 0,
  } as unknown as CaseFile;
  const published: unknown[] = [];
  const statusRows: unknown[] = [];
  const caseFiles = {
    findByIdForUpdate: jest.fn().mockResolvedValue(stored),
    save: jest.fn().mockResolvedValue(undefined),
  } as unknown as CaseFileRepository;
  const service = new AssignmentProjectionService(
    { add: jest.fn((_m, type, data) => published.push({ type, data })) } as unknown as OutboxWriter,
    caseFiles,
    { insertOnce: jest.fn() } as unknown as CaseAssignmentChangeRepository,
    {
      insertAssigned: jest.fn((_m, ...row: unknown[]) => statusRows.push(row)),
    } as unknown as CaseStatusChangeRepository,
  );
  return { service, stored, published, statusRows };
}

describe('the projection of case.assigned', () => {
  it('moves a submitted case to assigned and publishes the change', async () => {
    const { service, stored, published } = setUp('submitted', 1);
    await service.applyAssignment(assigned(1), manager);
    expect(stored).toMatchObject({ status: 'assigned', version: 2, consulateId: 'RU-MOW' });
    expect(published).toEqual([
      {
        type: EventTypes.CaseStatusChanged,
        data: expect.objectContaining({ from: 'submitted', to: 'assigned', version: 2 }),
      },
    ]);
  });

  it.each(['withdrawn', 'rejected'] as const)(
    'never brings back a case %s before its routing arrived: it records the holder only',
    async (status) => {
      const { service, stored, published, statusRows } = setUp(status, 2);
      await service.applyAssignment(assigned(1), manager);
      expect(stored).toMatchObject({
        status,
        version: 2,
        consulateId: 'RU-MOW',
        caseworkerId: 'ru-mow-01',
        assignmentSequence: 1,
      });
      expect(published).toEqual([]);
      expect(statusRows).toEqual([]);
    },
  );
});

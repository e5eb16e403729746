import { databasePool, postgresOptions, serviceDatabaseUrl } from '@casebridge/common';
import type { DataSourceOptions } from 'typeorm';
import { Assignment } from '../assignments/assignment.entity';
import type { AssignmentEnvironment } from '../config/assignment.environment';
import { Caseworker } from '../directory/caseworker.entity';
import { Consulate } from '../directory/consulate.entity';
import { SlaBreach } from '../sla/sla-breach.entity';
import { assignmentMigrations } from './migrations';

export const assignmentEntities = [Consulate, Caseworker, Assignment, SlaBreach];

export function assignmentDataSourceOptions(env: AssignmentEnvironment): DataSourceOptions {
  return postgresOptions(
    serviceDatabaseUrl('assignment', env, env.ASSIGNMENT_DATABASE_URL),
    assignmentEntities,
    assignmentMigrations,
    'casebridge-assignment',
    databasePool(env),
  );
}

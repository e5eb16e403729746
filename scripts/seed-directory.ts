/**
 * `npm run directory:seed`: loads the demo directory of consular offices into the assignment
 * database (inserts what is missing, changes nothing that exists: safe to run twice).
 * The assignment service also does this at start-up unless ASSIGNMENT_SEED_DEMO_DIRECTORY=false.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { validateEnvironment } from '@casebridge/common';
import { AssignmentEnvironment } from '../apps/assignment/src/config/assignment.environment';
import { assignmentDataSourceOptions } from '../apps/assignment/src/database/data-source';
import {
  ensureHeadquarters,
  seedDemoDirectory,
} from '../apps/assignment/src/directory/seed-directory';

async function main(): Promise<void> {
  const dataSource = await new DataSource(
    assignmentDataSourceOptions(validateEnvironment(AssignmentEnvironment, process.env)),
  ).initialize();
  try {
    const result = await dataSource.transaction(async (m) => {
      await ensureHeadquarters(m);
      return seedDemoDirectory(m);
    });
    console.log(
      `demo directory: ${result.consulates} offices and ${result.caseworkers} caseworkers added (existing entries left as they are)`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: Error) => {
  console.error(`seeding failed: ${error.message}`);
  process.exit(1);
});

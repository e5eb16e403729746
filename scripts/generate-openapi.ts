/**
 * Writes docs/openapi/<service>.json, each service's OpenAPI document as it serves it at
 * /docs/openapi.json, from the services' modules (run after changing a route or DTO):
 * `npm run docs:openapi`. scripts/generate-openapi.spec.ts fails while a committed document
 * differs from what the code generates.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocumentOf, ServiceName } from '@casebridge/common';
import { assignmentService } from '../apps/assignment/src/service';
import { intakeService } from '../apps/intake/src/service';
import { reportingService } from '../apps/reporting/src/service';

export const OPENAPI_SERVICES: ServiceName[] = ['intake', 'assignment', 'reporting'];

/**
 * The environment the committed documents describe: the development defaults, so the server is
 * the local one. Nothing else of the environment shows in a document.
 */
const DOCUMENTED_ENVIRONMENT = { NODE_ENV: 'development' };

export async function renderOpenApi(service: ServiceName): Promise<string> {
  const definition = {
    intake: intakeService,
    assignment: assignmentService,
    reporting: reportingService,
  }[service];
  // The type parameter differs per service; each definition is complete for its own environment.
  const doc = await openApiDocumentOf(definition as typeof intakeService, DOCUMENTED_ENVIRONMENT);
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function openApiPath(root: string, service: ServiceName): string {
  return join(root, 'docs', 'openapi', `${service}.json`);
}

if (require.main === module) {
  const root = join(__dirname, '..', '..');
  mkdirSync(join(root, 'docs', 'openapi'), { recursive: true });
  (async () => {
    for (const service of OPENAPI_SERVICES) {
      const target = openApiPath(root, service);
      writeFileSync(target, await renderOpenApi(service));
      console.log(`wrote ${target}`);
    }
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

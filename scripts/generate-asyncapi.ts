/** Writes docs/asyncapi.yaml from the contracts (run after changing an event schema). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { buildAsyncApiDocument } from '@casebridge/contracts';

export const ASYNCAPI_HEADER =
  '# Generated from libs/contracts by `npm run docs:asyncapi`. Do not edit by hand.\n';

export function renderAsyncApi(): string {
  return ASYNCAPI_HEADER + dump(buildAsyncApiDocument(), { lineWidth: 120, noRefs: true });
}

if (require.main === module) {
  const target = join(__dirname, '..', '..', 'docs', 'asyncapi.yaml');
  writeFileSync(target, renderAsyncApi());
  console.log(`wrote ${target}`);
}

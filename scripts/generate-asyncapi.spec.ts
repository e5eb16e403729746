import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { EVENT_SCHEMAS } from '@casebridge/contracts';
import { renderAsyncApi } from './generate-asyncapi';

describe('docs/asyncapi.yaml', () => {
  const committed = readFileSync(join(__dirname, '..', 'docs', 'asyncapi.yaml'), 'utf8');

  it('is up to date with the event contracts (regenerate with npm run docs:asyncapi)', () => {
    expect(committed).toBe(renderAsyncApi());
  });

  it('describes both topics, their dead-letter topics and every event type with its schema', () => {
    const doc = load(committed) as {
      channels: Record<string, { address: string }>;
      components: { messages: Record<string, { name: string; payload: unknown }> };
    };
    expect(
      Object.values(doc.channels)
        .map((c) => c.address)
        .sort(),
    ).toEqual([
      'casebridge.assignment-events.v1',
      'casebridge.assignment-events.v1.dlq',
      'casebridge.case-events.v1',
      'casebridge.case-events.v1.dlq',
    ]);
    for (const [type, schema] of Object.entries(EVENT_SCHEMAS)) {
      const message = Object.values(doc.components.messages).find((m) => m.name === type);
      expect(message?.payload).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });

  it('tells integrations that the broker wants a SASL/SCRAM login', () => {
    const doc = load(committed) as {
      servers: Record<string, { security: { $ref: string }[] }>;
      components: { securitySchemes: Record<string, { type: string }> };
    };
    for (const server of Object.values(doc.servers))
      expect(server.security).toEqual([{ $ref: '#/components/securitySchemes/scram' }]);
    expect(doc.components.securitySchemes.scram.type).toBe('scramSha512');
  });
});

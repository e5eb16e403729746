import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { EVENT_SCHEMAS, EVENT_TOPIC_OF } from '@casebridge/contracts';
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

  it('lists every event type on the channel of its topic, and in its send and receive operations', () => {
    const doc = load(committed) as {
      channels: Record<string, { address: string; messages?: Record<string, { $ref: string }> }>;
      operations: Record<string, { channel: { $ref: string }; messages: { $ref: string }[] }>;
      components: { messages: Record<string, { name: string }> };
    };
    for (const [type, topic] of Object.entries(EVENT_TOPIC_OF)) {
      const [name] = Object.entries(doc.components.messages).find(([, m]) => m.name === type)!;
      const [channelId, channel] = Object.entries(doc.channels).find(
        ([, c]) => c.address === topic,
      )!;
      expect({ type, ref: channel.messages?.[name]?.$ref }).toEqual({
        type,
        ref: `#/components/messages/${name}`,
      });
      const operations = Object.values(doc.operations).filter(
        (o) => o.channel.$ref === `#/channels/${channelId}`,
      );
      expect(operations.length).toBe(2);
      for (const o of operations)
        expect(o.messages).toContainEqual({ $ref: `#/channels/${channelId}/messages/${name}` });
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

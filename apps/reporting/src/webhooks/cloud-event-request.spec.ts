import { Webhook } from 'standardwebhooks';
import { webhookRequest, type StoredEvent } from './cloud-event-request';
import { generateSecret } from './webhook-signature';
import { WEBHOOKS_CONSUMER_GROUP } from './webhook-settings';
import { CONSUMER_GROUPS } from '@casebridge/messaging';

const event: StoredEvent = {
  id: '0b7c3a52-9f0e-4c3b-a7b2-1d2e3f405162',
  type: 'casebridge.case.submitted.v1',
  source: '/casebridge/intake',
  subject: '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
  time: '2026-11-27T10:15:00.000Z',
  correlationId: 'req-1',
  data: { caseId: '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9', hostCountry: 'RU' },
};
const secret = generateSecret();
const signing = { secret, webhookId: 'delivery-1', timestamp: Math.floor(Date.now() / 1000) };

describe('webhook requests (CloudEvents 1.0 over HTTP)', () => {
  it('binary mode: attributes as ce-* headers, the data as the JSON body', () => {
    const { headers, body } = webhookRequest(event, 'binary', signing);
    expect(JSON.parse(body)).toEqual(event.data);
    expect(headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': event.id,
      'ce-type': event.type,
      'ce-source': event.source,
      'ce-subject': event.subject,
      'ce-time': event.time,
      'ce-correlationid': 'req-1',
      'content-type': 'application/json; charset=utf-8',
      'webhook-id': 'delivery-1',
    });
    expect(headers).not.toHaveProperty('ce-causationid');
    expect(new Webhook(secret).verify(body, headers)).toEqual(event.data);
  });

  it('structured mode: the whole event as application/cloudevents+json, signed as sent', () => {
    const { headers, body } = webhookRequest(
      { ...event, causationId: 'e-0' },
      'structured',
      signing,
    );
    expect(headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(Object.keys(headers).filter((h) => h.startsWith('ce-'))).toEqual([]);
    expect(JSON.parse(body)).toEqual({
      specversion: '1.0',
      id: event.id,
      type: event.type,
      source: event.source,
      subject: event.subject,
      time: event.time,
      correlationid: 'req-1',
      causationid: 'e-0',
      datacontenttype: 'application/json',
      data: event.data,
    });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('consumes in the group the broker grants reporting', () => {
    expect(WEBHOOKS_CONSUMER_GROUP).toBe(CONSUMER_GROUPS.webhooks);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { DEV_KAFKA_PASSWORDS } from '@casebridge/common';
import { EVENT_TOPICS, EventSources, TOPIC_OWNER, deadLetterTopic } from '@casebridge/contracts';
import { casebridgeAcls, CONSUMER_GROUPS } from '@casebridge/messaging';
import { ASSIGNMENT_CONSUMER_GROUP } from '../../apps/assignment/src/assignments/case-events.consumer';
import { INTAKE_CONSUMER_GROUP } from '../../apps/intake/src/cases/assignment-events.consumer';
import { REPORTING_CONSUMER_GROUP } from '../../apps/reporting/src/read-model/read-model-tables';

const startScript = readFileSync(join(__dirname, '..', '..', 'scripts', 'kafka-start.sh'), 'utf8');

const principalOf = (source: string) =>
  Object.entries(EventSources).find(([, s]) => s === source)?.[0];

const grantsTo = (principal: string) =>
  casebridgeAcls().filter((a) => a.principal === `User:${principal}`);

describe('Kafka security set-up', () => {
  it('formats the local broker with a SCRAM user per principal, with the development passwords the services default to', () => {
    const users = /^SCRAM_USERS=\(([^)]*)\)$/m.exec(startScript)?.[1].split(' ');
    expect(users?.sort()).toEqual(Object.keys(DEV_KAFKA_PASSWORDS).sort());
    expect(startScript).toContain('"${!var:-$1-dev-password}"');
    for (const [user, password] of Object.entries(DEV_KAFKA_PASSWORDS))
      expect(password).toBe(`${user}-dev-password`);
    expect(startScript).toContain(
      'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    );
    expect(startScript).toContain('allow.everyone.if.no.acl.found=false');
    expect(startScript).toContain('super.users=User:admin\n');
  });

  it('grants the consumer groups the services really use', () => {
    expect(CONSUMER_GROUPS.intake).toBe(INTAKE_CONSUMER_GROUP);
    expect(CONSUMER_GROUPS.assignment).toBe(ASSIGNMENT_CONSUMER_GROUP);
    expect(CONSUMER_GROUPS.reporting).toBe(REPORTING_CONSUMER_GROUP);
    expect(CONSUMER_GROUPS.reportingRebuildPrefix).toBe(`${REPORTING_CONSUMER_GROUP}-rebuild-`);
  });

  it('lets only a topic’s owner write it, and nobody but the consumers write its dead letters', () => {
    const writers = (topic: string) =>
      casebridgeAcls()
        .filter(
          (a) =>
            a.resourceType === AclResourceTypes.TOPIC &&
            a.resourceName === topic &&
            a.operation === AclOperationTypes.WRITE,
        )
        .map((a) => a.principal);
    for (const topic of EVENT_TOPICS) {
      expect(writers(topic)).toEqual([`User:${principalOf(TOPIC_OWNER[topic])}`]);
      expect(writers(deadLetterTopic(topic))).not.toContain(
        `User:${principalOf(TOPIC_OWNER[topic])}`,
      );
      expect(writers(deadLetterTopic(topic))).toContain('User:reporting');
    }
    // No wildcard or prefixed topic grants that could reach a topic added later.
    expect(
      casebridgeAcls().filter(
        (a) =>
          a.resourceType === AclResourceTypes.TOPIC &&
          (a.resourcePatternType !== ResourcePatternTypes.LITERAL || a.resourceName === '*'),
      ),
    ).toEqual([]);
  });

  it('gives the integration principal reads only', () => {
    const operations = new Set(grantsTo('integration').map((a) => a.operation));
    expect([...operations].sort()).toEqual(
      [AclOperationTypes.READ, AclOperationTypes.DESCRIBE].sort(),
    );
  });
});

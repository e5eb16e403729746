import {
  AclOperationTypes as Op,
  AclPermissionTypes,
  AclResourceTypes as Resource,
  ResourcePatternTypes as Pattern,
  type AclEntry,
  type Admin,
} from 'kafkajs';
import {
  ASSIGNMENT_EVENTS_TOPIC,
  CASE_EVENTS_TOPIC,
  deadLetterTopic,
  EventTopic,
} from '@casebridge/contracts';
import type { KafkaPrincipal } from '@casebridge/common';

/** The consumer groups the services join (the apps define the same names). */
export const CONSUMER_GROUPS = {
  intake: 'casebridge-intake',
  assignment: 'casebridge-assignment',
  reporting: 'casebridge-reporting',
  /** `npm run reporting:rebuild` replays under a new group of this prefix each run. */
  reportingRebuildPrefix: 'casebridge-reporting-rebuild-',
  /** Reporting's webhook dispatcher (docs/webhooks.md): offsets of its own. */
  webhooks: 'casebridge-webhooks',
  /** Integrations name their groups with this prefix. */
  integrationPrefix: 'integration-',
} as const;

interface Grant {
  resourceType: Resource;
  resourceName: string;
  pattern?: Pattern;
  operations: Op[];
}

const writes = (topic: string): Grant => ({
  resourceType: Resource.TOPIC,
  resourceName: topic,
  operations: [Op.WRITE, Op.DESCRIBE],
});
// READ implies DESCRIBE; it is listed because the lag measurement's ListOffsets and
// OffsetFetch need exactly that.
const reads = (topic: EventTopic): Grant => ({
  resourceType: Resource.TOPIC,
  resourceName: topic,
  operations: [Op.READ, Op.DESCRIBE],
});
const joins = (group: string, pattern = Pattern.LITERAL, operations = [Op.READ, Op.DESCRIBE]) => ({
  resourceType: Resource.GROUP,
  resourceName: group,
  pattern,
  operations,
});

/**
 * What each principal may do; anything else is denied (`allow.everyone.if.no.acl.found=false`).
 * Only a topic's owner writes it; a service writes the dead-letter topic of each topic it
 * consumes; `admin` is the super user and needs no ACL.
 */
export const PRINCIPAL_GRANTS: Record<Exclude<KafkaPrincipal, 'admin'>, Grant[]> = {
  intake: [
    writes(CASE_EVENTS_TOPIC),
    reads(ASSIGNMENT_EVENTS_TOPIC),
    writes(deadLetterTopic(ASSIGNMENT_EVENTS_TOPIC)),
    joins(CONSUMER_GROUPS.intake),
  ],
  assignment: [
    writes(ASSIGNMENT_EVENTS_TOPIC),
    reads(CASE_EVENTS_TOPIC),
    writes(deadLetterTopic(CASE_EVENTS_TOPIC)),
    joins(CONSUMER_GROUPS.assignment),
  ],
  reporting: [
    reads(CASE_EVENTS_TOPIC),
    reads(ASSIGNMENT_EVENTS_TOPIC),
    writes(deadLetterTopic(CASE_EVENTS_TOPIC)),
    writes(deadLetterTopic(ASSIGNMENT_EVENTS_TOPIC)),
    joins(CONSUMER_GROUPS.reporting),
    joins(CONSUMER_GROUPS.webhooks),
    // The rebuild deletes its own group when it is done.
    joins(CONSUMER_GROUPS.reportingRebuildPrefix, Pattern.PREFIXED, [
      Op.READ,
      Op.DESCRIBE,
      Op.DELETE,
    ]),
  ],
  integration: [
    reads(CASE_EVENTS_TOPIC),
    reads(ASSIGNMENT_EVENTS_TOPIC),
    joins(CONSUMER_GROUPS.integrationPrefix, Pattern.PREFIXED),
  ],
};

/** Every ACL entry of the Casebridge principals, as the broker stores them. */
export function casebridgeAcls(): AclEntry[] {
  return Object.entries(PRINCIPAL_GRANTS).flatMap(([principal, grants]) =>
    grants.flatMap((grant) =>
      grant.operations.map((operation) => ({
        resourceType: grant.resourceType,
        resourceName: grant.resourceName,
        resourcePatternType: grant.pattern ?? Pattern.LITERAL,
        principal: `User:${principal}`,
        host: '*',
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      })),
    ),
  );
}

const aclKey = (a: AclEntry) =>
  [
    a.resourceType,
    a.resourceName,
    a.resourcePatternType,
    a.principal,
    a.host,
    a.operation,
    a.permissionType,
  ].join('|');

/**
 * Makes the cluster's ACLs of the Casebridge principals exactly casebridgeAcls() (needs a super
 * user's admin client): creates what is missing, and deletes ALLOW entries of those principals
 * that the table no longer grants, so an upgrade that narrows a grant narrows it on the broker
 * too (e.g. IdempotentWrite, dropped with the idempotent producer). DENY entries and other
 * principals' ACLs are left alone.
 */
export async function ensureAcls(admin: Admin): Promise<{ created: number; removed: number }> {
  const { resources } = await admin.describeAcls({
    resourceType: Resource.ANY,
    resourcePatternType: Pattern.ANY,
    operation: Op.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  const existing: AclEntry[] = resources.flatMap(({ acls, ...resource }) =>
    acls.map((acl) => ({ ...resource, ...acl })),
  );
  const wanted = casebridgeAcls();
  const wantedKeys = new Set(wanted.map(aclKey));
  const existingKeys = new Set(existing.map(aclKey));
  const principals = new Set(Object.keys(PRINCIPAL_GRANTS).map((p) => `User:${p}`));
  const missing = wanted.filter((acl) => !existingKeys.has(aclKey(acl)));
  const stale = existing.filter(
    (acl) =>
      principals.has(acl.principal) &&
      acl.permissionType === AclPermissionTypes.ALLOW &&
      !wantedKeys.has(aclKey(acl)),
  );
  if (missing.length > 0) await admin.createAcls({ acl: missing });
  if (stale.length > 0) await admin.deleteAcls({ filters: stale });
  return { created: missing.length, removed: stale.length };
}

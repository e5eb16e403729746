import {
  AclOperationTypes as Op,
  AclPermissionTypes,
  AclResourceTypes as Resource,
  ResourcePatternTypes as Pattern,
  type AclEntry,
  type Admin,
} from 'kafkajs';
import { casebridgeAcls, ensureAcls } from './kafka-acls';

/** An admin client over an in-memory ACL store, grouped by resource as describeAcls answers. */
function fakeAdmin(initial: AclEntry[]) {
  let acls = [...initial];
  const same = (a: AclEntry, b: AclEntry) => JSON.stringify(a) === JSON.stringify(b);
  const admin = {
    describeAcls: () =>
      Promise.resolve({
        resources: acls.map(({ resourceType, resourceName, resourcePatternType, ...acl }) => ({
          resourceType,
          resourceName,
          resourcePatternType,
          acls: [acl],
        })),
      }),
    createAcls: ({ acl }: { acl: AclEntry[] }) => {
      acls.push(...acl);
      return Promise.resolve(true);
    },
    deleteAcls: ({ filters }: { filters: AclEntry[] }) => {
      acls = acls.filter((a) => !filters.some((f) => same(a, f)));
      return Promise.resolve({ filterResponses: [] });
    },
  } as unknown as Admin;
  return { admin, acls: () => acls };
}

const entry = (principal: string, permissionType = AclPermissionTypes.ALLOW): AclEntry => ({
  resourceType: Resource.CLUSTER,
  resourceName: 'kafka-cluster',
  resourcePatternType: Pattern.LITERAL,
  principal,
  host: '*',
  operation: Op.IDEMPOTENT_WRITE,
  permissionType,
});

describe('ensureAcls', () => {
  it('creates what is missing and removes what the table no longer grants, nothing else', async () => {
    const stale = entry('User:intake');
    const foreign = entry('User:partner-etl');
    const deny = entry('User:reporting', AclPermissionTypes.DENY);
    const { admin, acls } = fakeAdmin([stale, foreign, deny, casebridgeAcls()[0]]);

    expect(await ensureAcls(admin)).toEqual({
      created: casebridgeAcls().length - 1,
      removed: 1,
    });
    const key = (a: AclEntry) => JSON.stringify(a);
    expect(new Set(acls().map(key))).toEqual(
      new Set([...casebridgeAcls(), foreign, deny].map(key)),
    );
    expect(await ensureAcls(admin)).toEqual({ created: 0, removed: 0 });
  });
});

describe('casebridgeAcls', () => {
  it("lets reporting, and only reporting, join the webhook dispatcher's group", () => {
    const joiners = casebridgeAcls()
      .filter((a) => a.resourceType === Resource.GROUP && a.resourceName === 'casebridge-webhooks')
      .map((a) => `${a.principal} ${a.operation}`);
    expect(joiners.sort()).toEqual(
      [`User:reporting ${Op.READ}`, `User:reporting ${Op.DESCRIBE}`].sort(),
    );
  });
});

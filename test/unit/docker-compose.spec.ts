import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { load } from 'js-yaml';
import {
  DEFAULT_SERVICE_MAX_HEAP_MB,
  DEV_JWT_SECRET,
  validateEnvironment,
} from '@casebridge/common';
import { AssignmentEnvironment } from '../../apps/assignment/src/config/assignment.environment';
import {
  DEV_BLIND_INDEX_KEY,
  DEV_ENCRYPTION_KEY,
  IntakeEnvironment,
  intakeSecretProblems,
} from '../../apps/intake/src/config/intake.environment';
import { ReportingEnvironment } from '../../apps/reporting/src/config/reporting.environment';

interface ComposeService {
  image?: string;
  entrypoint?: string[];
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, unknown>;
}

const ROOT = join(__dirname, '..', '..');
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = load(composeText) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const envExample = readFileSync(join(ROOT, '.env.example'), 'utf8');

/** What an operator must supply: Compose has no default for any of them. */
const SECRETS = [
  'POSTGRES_PASSWORD',
  'INTAKE_DATABASE_PASSWORD',
  'INTAKE_DATABASE_OWNER_PASSWORD',
  'ASSIGNMENT_DATABASE_PASSWORD',
  'REPORTING_DATABASE_PASSWORD',
  'AUTH_JWT_SECRET',
  'INTAKE_ENCRYPTION_KEY',
  'INTAKE_BLIND_INDEX_KEY',
  'KAFKA_ADMIN_PASSWORD',
  'KAFKA_INTAKE_PASSWORD',
  'KAFKA_ASSIGNMENT_PASSWORD',
  'KAFKA_REPORTING_PASSWORD',
  'KAFKA_INTEGRATION_PASSWORD',
];

/** An operator's .env: .env.example with every empty (generate) value filled in as it says. */
const operatorEnv: Record<string, string> = Object.fromEntries(
  envExample
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => {
      const [name, value] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)];
      if (value) return [name, value];
      return [
        name,
        /KEY$/.test(name) ? randomBytes(32).toString('base64') : randomBytes(32).toString('hex'),
      ];
    }),
);

/** `${VAR:-default}` and `${VAR:?message}` as Compose resolves them with the operator's .env. */
function resolve(value: string | number): string {
  return String(value).replace(
    /\$\{([A-Z_]+):([-?])([^}]*)\}/g,
    (_, name: string, kind: string, rest: string) =>
      operatorEnv[name] ?? (kind === '-' ? rest : `<missing ${name}>`),
  );
}

/** Every variable a service's environment class declares. */
function declaredVariables(cls: new () => object): Set<string> {
  return new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(cls, '', true, false)
      .map((m) => m.propertyName),
  );
}

const APPS = [
  {
    name: 'intake',
    port: 3001,
    cls: IntakeEnvironment,
    needs: [
      'INTAKE_PORT',
      'INTAKE_DATABASE_PASSWORD',
      'INTAKE_DATABASE_OWNER_PASSWORD',
      'INTAKE_ENCRYPTION_KEY',
      'INTAKE_ENCRYPTION_KEY_ID',
      'INTAKE_BLIND_INDEX_KEY',
    ],
  },
  {
    name: 'assignment',
    port: 3002,
    cls: AssignmentEnvironment,
    needs: ['ASSIGNMENT_PORT', 'ASSIGNMENT_DATABASE_PASSWORD'],
  },
  {
    name: 'reporting',
    port: 3003,
    cls: ReportingEnvironment,
    needs: ['REPORTING_PORT', 'REPORTING_DATABASE_PASSWORD'],
  },
] as const;
const COMMON_NEEDS = [
  'NODE_ENV',
  'KAFKA_BROKERS',
  'DATABASE_HOST',
  'DATABASE_PORT',
  'AUTH_JWT_SECRET',
  'AUTH_JWT_ISSUER',
  'AUTH_JWT_AUDIENCE',
];

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, a KRaft Kafka broker, the database and topic set-up and the three services', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'assignment',
      'databases',
      'intake',
      'kafka',
      'postgres',
      'reporting',
      'topics',
    ]);
    // The broker is the one scripts/kafka-start.sh sets up without Docker (SASL, ACLs, KRaft).
    const kafka = compose.services.kafka;
    expect(kafka.entrypoint).toEqual(['bash', '/casebridge/scripts/kafka-start.sh']);
    expect(kafka.environment?.KAFKA_FOREGROUND).toBe('1');
    expect(kafka.environment?.KAFKA_ADVERTISED_HOST).toBe('kafka');
    expect(readFileSync(join(ROOT, 'scripts/kafka-start.sh'), 'utf8')).toContain(
      'process.roles=broker,controller',
    );
    // The set-up logs in as the super user the broker was formatted with.
    const topics = compose.services.topics.environment ?? {};
    expect(topics.KAFKA_ADMIN_USERNAME).toBe('admin');
    expect(resolve(topics.KAFKA_ADMIN_PASSWORD)).toBe(
      resolve(kafka.environment?.KAFKA_ADMIN_PASSWORD ?? ''),
    );
    // Roles and databases come from the project's own set-up script, with the configured passwords.
    const databases = compose.services.databases;
    expect(databases.command).toEqual(['node', 'dist/scripts/setup-databases.js']);
    const env = databases.environment ?? {};
    expect(env.NODE_ENV).toBe('production');
    expect(resolve(env.PG_ADMIN_URL)).toBe(
      `postgres://postgres:${operatorEnv.POSTGRES_PASSWORD}@postgres:5432/postgres`,
    );
    for (const name of SECRETS.filter(
      (s) => s.endsWith('_DATABASE_PASSWORD') || s.endsWith('OWNER_PASSWORD'),
    ))
      expect(resolve(env[name])).toBe(operatorEnv[name]);
  });

  it('runs in production mode and asks for every secret: none has a default in the file', () => {
    expect(composeText).not.toMatch(/NODE_ENV: \$\{/);
    for (const name of SECRETS) {
      const uses = composeText.match(new RegExp(`\\$\\{${name}[:}][^}]*\\}?`, 'g')) ?? [];
      expect({ name, used: uses.length > 0 }).toEqual({ name, used: true });
      for (const use of uses) expect(use).toMatch(new RegExp(`^\\$\\{${name}:\\?`));
      expect(operatorEnv[name]).toBeDefined();
    }
    for (const devValue of [DEV_JWT_SECRET, DEV_ENCRYPTION_KEY, DEV_BLIND_INDEX_KEY])
      expect(composeText).not.toContain(devValue);
    expect(composeText).not.toMatch(/PASSWORD: (postgres|casebridge_)/);
  });

  it('lists every variable it reads in .env.example, with how to generate each secret', () => {
    const used = new Set([...composeText.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]));
    for (const name of used) expect(envExample).toMatch(new RegExp(`^${name}=`, 'm'));
    for (const name of SECRETS) {
      const before = envExample.slice(0, envExample.search(new RegExp(`^${name}=$`, 'm')));
      expect(before.split('\n').slice(-4).join('\n')).toMatch(/Generate/);
    }
  });

  it('publishes PostgreSQL and the services on 127.0.0.1 only', () => {
    for (const name of ['postgres', ...APPS.map((a) => a.name)])
      for (const port of compose.services[name].ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it.each(APPS)(
    'starts $name from the repository on port $port with every variable it needs',
    ({ name, port, cls, needs }) => {
      const service = compose.services[name];
      expect(service.build).toBe('.');
      expect(service.command).toEqual([
        'node',
        `--max-old-space-size=${DEFAULT_SERVICE_MAX_HEAP_MB}`,
        `dist/apps/${name}/src/main.js`,
      ]);
      expect(service.ports).toEqual([`127.0.0.1:${port}:${port}`]);
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, resolve(v)]),
      );
      for (const variable of [...COMMON_NEEDS, ...needs])
        expect(Object.keys(env)).toContain(variable);
      expect(env[`${name.toUpperCase()}_PORT`]).toBe(String(port));
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
      expect(env.DATABASE_HOST).toBe('postgres');
      expect(env.NODE_ENV).toBe('production');
      // No typo: every variable set is one the service reads, and together they validate.
      const declared = declaredVariables(cls);
      expect(Object.keys(env).filter((k) => !declared.has(k))).toEqual([]);
      const extra =
        name === 'intake' ? (e: IntakeEnvironment) => intakeSecretProblems(e) : undefined;
      // It logs in to the broker as its own principal, whose SCRAM user the broker creates.
      expect(env.KAFKA_SASL_USERNAME).toBe(name);
      expect(env.KAFKA_SASL_PASSWORD).toBe(
        resolve(compose.services.kafka.environment?.[`KAFKA_${name.toUpperCase()}_PASSWORD`] ?? ''),
      );
      expect(() =>
        validateEnvironment(cls as new () => IntakeEnvironment, env, extra),
      ).not.toThrow();
      expect(Object.keys(service.depends_on ?? {}).sort()).toEqual([
        'databases',
        'postgres',
        'topics',
      ]);
    },
  );

  /**
   * Where the images keep their data, as their own Dockerfiles say: apache/kafka declares
   * `VOLUME /var/lib/kafka/data` (owned by its `appuser`), but its default server.properties puts
   * the log in /tmp/kraft-combined-logs, outside any volume, so the log directory must be set;
   * postgres:16 keeps PGDATA in /var/lib/postgresql/data.
   */
  const IMAGE_DATA_DIRS = { kafka: '/var/lib/kafka/data', postgres: '/var/lib/postgresql/data' };

  /** The named volume mounted at or above `dir` in a service, if any. */
  function namedVolumeHolding(service: ComposeService, dir: string): string | undefined {
    for (const mount of service.volumes ?? []) {
      const [source, target] = mount.split(':');
      const named = !source.startsWith('.') && !source.startsWith('/');
      if (named && (dir === target || dir.startsWith(`${target}/`))) return source;
    }
    return undefined;
  }

  it('keeps the Kafka log and the PostgreSQL data on named volumes, so down && up loses no event', () => {
    const kafka = compose.services.kafka;
    expect(kafka.image).toMatch(/^apache\/kafka:/);
    const dataDir = String(kafka.environment?.KAFKA_DATA_DIR ?? '');
    // kafka-start.sh writes the log under the data directory it is given.
    const start = readFileSync(join(ROOT, 'scripts/kafka-start.sh'), 'utf8');
    expect(start).toMatch(/^DATA_DIR="\$\{KAFKA_DATA_DIR:-/m);
    expect(start).toMatch(/^log\.dirs=\$DATA_DIR\/logs$/m);
    const logDir = `${dataDir}/logs`;
    const kafkaVolume = namedVolumeHolding(kafka, logDir);
    expect({ logDir, kafkaVolume }).toEqual({
      logDir: `${IMAGE_DATA_DIRS.kafka}/logs`,
      kafkaVolume: 'kafka-data',
    });
    expect(kafka.volumes).toContain(`kafka-data:${IMAGE_DATA_DIRS.kafka}`);

    const postgres = compose.services.postgres;
    expect(postgres.environment?.PGDATA).toBeUndefined();
    expect(namedVolumeHolding(postgres, IMAGE_DATA_DIRS.postgres)).toBe('postgres-data');
    expect(Object.keys(compose.volumes ?? {}).sort()).toEqual(['kafka-data', 'postgres-data']);
  });
});

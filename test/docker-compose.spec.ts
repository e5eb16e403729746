import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { load } from 'js-yaml';
import { validateEnvironment } from '@casebridge/common';
import { AssignmentEnvironment } from '../apps/assignment/src/config/assignment.environment';
import {
  IntakeEnvironment,
  intakeSecretProblems,
} from '../apps/intake/src/config/intake.environment';
import { ReportingEnvironment } from '../apps/reporting/src/config/reporting.environment';

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, unknown>;
}

const ROOT = join(__dirname, '..');
const compose = load(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};

/** `${VAR:-default}` as Compose resolves it in an empty shell. */
function resolve(value: string | number): string {
  return String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
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
      'INTAKE_ENCRYPTION_KEY',
      'INTAKE_ENCRYPTION_KEY_ID',
      'INTAKE_BLIND_INDEX_KEY',
    ],
  },
  { name: 'assignment', port: 3002, cls: AssignmentEnvironment, needs: ['ASSIGNMENT_PORT'] },
  { name: 'reporting', port: 3003, cls: ReportingEnvironment, needs: ['REPORTING_PORT'] },
] as const;
const COMMON_NEEDS = [
  'NODE_ENV',
  'KAFKA_BROKERS',
  'DATABASE_HOST',
  'DATABASE_PORT',
  'AUTH_JWT_SECRET',
];

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, a KRaft Kafka broker, the topic set-up and the three services', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'assignment',
      'intake',
      'kafka',
      'postgres',
      'reporting',
      'topics',
    ]);
    expect(compose.services.kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    const sql = readFileSync(join(ROOT, 'docker/init-databases.sql'), 'utf8');
    for (const app of APPS)
      expect(sql).toContain(`CREATE DATABASE casebridge_${app.name} OWNER casebridge_${app.name}`);
  });

  it.each(APPS)(
    'starts $name from the repository on port $port with every variable it needs',
    ({ name, port, cls, needs }) => {
      const service = compose.services[name];
      expect(service.build).toBe('.');
      expect(service.command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
      expect(service.ports).toEqual([`${port}:${port}`]);
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, resolve(v)]),
      );
      for (const variable of [...COMMON_NEEDS, ...needs])
        expect(Object.keys(env)).toContain(variable);
      expect(env[`${name.toUpperCase()}_PORT`]).toBe(String(port));
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
      expect(env.DATABASE_HOST).toBe('postgres');
      // No typo: every variable set is one the service reads, and together they validate.
      const declared = declaredVariables(cls);
      expect(Object.keys(env).filter((k) => !declared.has(k))).toEqual([]);
      const extra =
        name === 'intake' ? (e: IntakeEnvironment) => intakeSecretProblems(e) : undefined;
      expect(() =>
        validateEnvironment(cls as new () => IntakeEnvironment, env, extra),
      ).not.toThrow();
      expect(Object.keys(service.depends_on ?? {}).sort()).toEqual(['postgres', 'topics']);
    },
  );
});

import { existsSync } from 'node:fs';

/** SASL mechanisms a service may use with the brokers; `none` only for a broker that asks none. */
export const KAFKA_SASL_MECHANISMS = ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** The broker principals: one per service, the super user for set-up, a read-only integration. */
export type KafkaPrincipal = 'intake' | 'assignment' | 'reporting' | 'admin' | 'integration';

/**
 * Development passwords of the local broker's SCRAM users (scripts/kafka-start.sh formats its
 * storage with the same defaults). Used only outside production; production refuses them.
 */
export const DEV_KAFKA_PASSWORDS: Readonly<Record<KafkaPrincipal, string>> = {
  admin: 'admin-dev-password',
  intake: 'intake-dev-password',
  assignment: 'assignment-dev-password',
  reporting: 'reporting-dev-password',
  integration: 'integration-dev-password',
};

/** The Kafka variables of CommonEnvironment (or of an admin script's environment). */
export interface KafkaSecuritySettings {
  NODE_ENV: string;
  KAFKA_BROKERS: string;
  KAFKA_SASL_MECHANISM: KafkaSaslMechanism;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SSL_CERT_FILE?: string;
  KAFKA_SSL_KEY_FILE?: string;
}

/** How to reach and log in to the brokers: what libs/messaging turns into a kafkajs client. */
export interface KafkaConnection {
  brokers: string[];
  sasl?: {
    mechanism: Exclude<KafkaSaslMechanism, 'none'>;
    username: string;
    password: string;
  };
  /** TLS to the brokers; files are PEM. Absent: plaintext. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

const DEV_PASSWORDS = new Set(Object.values(DEV_KAFKA_PASSWORDS));

/** What is wrong with the Kafka settings (names only, never values); production is stricter. */
export function kafkaSecurityProblems(env: KafkaSecuritySettings): string[] {
  const problems: string[] = [];
  const files = {
    KAFKA_SSL_CA_FILE: env.KAFKA_SSL_CA_FILE,
    KAFKA_SSL_CERT_FILE: env.KAFKA_SSL_CERT_FILE,
    KAFKA_SSL_KEY_FILE: env.KAFKA_SSL_KEY_FILE,
  };
  for (const [name, file] of Object.entries(files)) {
    if (!file) continue;
    if (!env.KAFKA_SSL) problems.push(`${name}: needs KAFKA_SSL=true`);
    else if (!existsSync(file)) problems.push(`${name}: no such file`);
  }
  if (!env.KAFKA_SSL_CERT_FILE !== !env.KAFKA_SSL_KEY_FILE)
    problems.push('KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE: a client certificate needs both');
  if (env.KAFKA_SASL_MECHANISM === 'none' && (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD))
    problems.push('KAFKA_SASL_MECHANISM: is none, but KAFKA_SASL_USERNAME/PASSWORD are set');
  if (env.NODE_ENV !== 'production') return problems;

  const clientCertificate = env.KAFKA_SSL && env.KAFKA_SSL_CERT_FILE;
  if (env.KAFKA_SASL_MECHANISM === 'none' && !clientCertificate) {
    problems.push(
      'KAFKA_SASL_MECHANISM: the broker must authenticate the service in production (SASL, or KAFKA_SSL with a client certificate)',
    );
  }
  if (env.KAFKA_SASL_MECHANISM !== 'none') {
    if (!env.KAFKA_SASL_USERNAME) problems.push('KAFKA_SASL_USERNAME: required in production');
    if (!env.KAFKA_SASL_PASSWORD) problems.push('KAFKA_SASL_PASSWORD: required in production');
    else if (DEV_PASSWORDS.has(env.KAFKA_SASL_PASSWORD))
      problems.push('KAFKA_SASL_PASSWORD: a development password is refused in production');
  }
  if (env.KAFKA_SASL_MECHANISM === 'plain' && !env.KAFKA_SSL)
    problems.push('KAFKA_SASL_MECHANISM: plain sends the password in clear; needs KAFKA_SSL=true');
  return problems;
}

/**
 * The connection of `principal`: the configured credentials, else (outside production, where
 * validation requires them) that principal's development login to the local broker.
 */
export function kafkaConnection(
  principal: KafkaPrincipal,
  env: KafkaSecuritySettings,
): KafkaConnection {
  const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim());
  const development = env.NODE_ENV !== 'production';
  const connection: KafkaConnection = { brokers };
  if (env.KAFKA_SASL_MECHANISM !== 'none') {
    connection.sasl = {
      mechanism: env.KAFKA_SASL_MECHANISM,
      username: env.KAFKA_SASL_USERNAME ?? (development ? principal : ''),
      password: env.KAFKA_SASL_PASSWORD ?? (development ? DEV_KAFKA_PASSWORDS[principal] : ''),
    };
  }
  if (env.KAFKA_SSL) {
    connection.tls = {
      caFile: env.KAFKA_SSL_CA_FILE,
      certFile: env.KAFKA_SSL_CERT_FILE,
      keyFile: env.KAFKA_SSL_KEY_FILE,
    };
  }
  return connection;
}

/**
 * The super user's connection for set-up scripts and tests (topics, ACLs, offsets), from
 * KAFKA_ADMIN_USERNAME / KAFKA_ADMIN_PASSWORD plus the shared KAFKA_BROKERS, KAFKA_SASL_MECHANISM
 * and KAFKA_SSL* variables. Throws "Invalid environment variables" as the services do.
 */
export function kafkaAdminConnection(raw: NodeJS.ProcessEnv = process.env): KafkaConnection {
  const mechanism = (raw.KAFKA_SASL_MECHANISM ?? 'scram-sha-512').toLowerCase();
  const settings: KafkaSecuritySettings = {
    NODE_ENV: raw.NODE_ENV ?? 'development',
    KAFKA_BROKERS: raw.KAFKA_BROKERS ?? 'localhost:9092',
    KAFKA_SASL_MECHANISM: mechanism as KafkaSaslMechanism,
    KAFKA_SASL_USERNAME: raw.KAFKA_ADMIN_USERNAME || undefined,
    KAFKA_SASL_PASSWORD: raw.KAFKA_ADMIN_PASSWORD || undefined,
    KAFKA_SSL: raw.KAFKA_SSL === 'true' || raw.KAFKA_SSL === '1',
    KAFKA_SSL_CA_FILE: raw.KAFKA_SSL_CA_FILE || undefined,
    KAFKA_SSL_CERT_FILE: raw.KAFKA_SSL_CERT_FILE || undefined,
    KAFKA_SSL_KEY_FILE: raw.KAFKA_SSL_KEY_FILE || undefined,
  };
  const problems = (KAFKA_SASL_MECHANISMS as readonly string[]).includes(mechanism)
    ? kafkaSecurityProblems(settings).map((p) =>
        p.replace(/^KAFKA_SASL_(USERNAME|PASSWORD)/, 'KAFKA_ADMIN_$1'),
      )
    : [`KAFKA_SASL_MECHANISM: must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}`];
  if (problems.length > 0)
    throw new Error(`Invalid environment variables:\n  ${problems.join('\n  ')}`);
  return kafkaConnection('admin', settings);
}

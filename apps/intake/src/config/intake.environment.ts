import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import {
  CommonEnvironment,
  devDatabasePassword,
  INTAKE_KEY_STORE,
  RealPasswordInProduction,
  toInt,
} from '@casebridge/common';

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;
const KEY_ID = /^[a-z0-9]{1,16}$/;
/** Former keys, `id:base64,id:base64` (empty: none). */
const KEY_LIST = /^([a-z0-9]{1,16}:[A-Za-z0-9+/]{43}=)(,[a-z0-9]{1,16}:[A-Za-z0-9+/]{43}=)*$/;

/** Development-only keys: production refuses to start with them (see validateIntakeSecrets). */
export const DEV_ENCRYPTION_KEY = 'ZGV2LW9ubHktY2FzZWJyaWRnZS1lbmNyeXB0aW9uLWs=';
export const DEV_BLIND_INDEX_KEY = 'ZGV2LW9ubHktY2FzZWJyaWRnZS1ibGluZC1pbmRleC0=';

export class IntakeEnvironment extends CommonEnvironment {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  INTAKE_PORT = 3001;

  @IsOptional()
  @IsString()
  INTAKE_DATABASE_URL?: string;

  /** Connection URL of the owner role (migrations); overrides the one built from the settings. */
  @IsOptional()
  @IsString()
  INTAKE_DATABASE_OWNER_URL?: string;

  /** Password of the runtime role casebridge_intake (development default: the role name). */
  @RealPasswordInProduction('casebridge_intake')
  INTAKE_DATABASE_PASSWORD = devDatabasePassword('casebridge_intake');

  /** Password of casebridge_intake_owner, which owns the database and runs the migrations. */
  @RealPasswordInProduction('casebridge_intake_owner')
  INTAKE_DATABASE_OWNER_PASSWORD = devDatabasePassword('casebridge_intake_owner');

  /** Connection URL of the key store's runtime role; overrides the one built from the settings. */
  @IsOptional()
  @IsString()
  INTAKE_KEYSTORE_DATABASE_URL?: string;

  /** Connection URL of the key store's owner role (its migrations). */
  @IsOptional()
  @IsString()
  INTAKE_KEYSTORE_DATABASE_OWNER_URL?: string;

  /** Password of casebridge_intake_keys, the key store's runtime role. */
  @RealPasswordInProduction(INTAKE_KEY_STORE.roles.runtime)
  INTAKE_KEYSTORE_DATABASE_PASSWORD = devDatabasePassword(INTAKE_KEY_STORE.roles.runtime);

  /** Password of casebridge_intake_keys_owner, which owns the key store and runs its migrations. */
  @RealPasswordInProduction(INTAKE_KEY_STORE.roles.owner)
  INTAKE_KEYSTORE_DATABASE_OWNER_PASSWORD = devDatabasePassword(INTAKE_KEY_STORE.roles.owner);

  /** Unwrapped case keys kept in memory (least recently used go first). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100_000)
  INTAKE_CASE_KEY_CACHE_SIZE = 1000;

  /** How long an unwrapped case key stays in memory, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  INTAKE_CASE_KEY_CACHE_TTL_MS = 60_000;

  /**
   * Retention: how long after a case ended (closed, withdrawn, rejected) its personal data is
   * kept, in seconds (default 5 years); then the retention job erases it. At least 1 s (tests),
   * at most 50 years.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50 * 365 * 86_400)
  INTAKE_RETENTION_PERIOD_SECONDS = 5 * 365 * 86_400;

  /** How often each instance runs the retention job, in milliseconds (one runs at a time). */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(86_400_000)
  INTAKE_RETENTION_SWEEP_MS = 3_600_000;

  /**
   * How long an Idempotency-Key of POST /v1/cases is kept, in seconds (default 7 days): a retry
   * within it gets the first answer again; after it (and its sweep) the key is forgotten and the
   * same key creates a new case (docs/retries.md). At least 1 s (tests), at most 1 year.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365 * 86_400)
  INTAKE_IDEMPOTENCY_KEY_TTL_SECONDS = 7 * 86_400;

  /** How often each instance deletes the expired Idempotency-Keys, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(86_400_000)
  INTAKE_IDEMPOTENCY_KEY_SWEEP_MS = 3_600_000;

  /**
   * Master key (AES-256-GCM, base64 of 32 bytes): wraps each case's own data key, which encrypts
   * that case's personal data.
   */
  @Matches(BASE64_32_BYTES, { message: 'INTAKE_ENCRYPTION_KEY must be base64 of 32 bytes' })
  INTAKE_ENCRYPTION_KEY = DEV_ENCRYPTION_KEY;

  /** Id stored with each wrapped case key, so that master keys can rotate. */
  @Matches(KEY_ID)
  INTAKE_ENCRYPTION_KEY_ID = 'dev1';

  /**
   * Former master keys still able to unwrap, as `id:base64,id:base64`: kept until
   * `npm run intake:rotate-keys` has rewrapped every case key under the current one.
   */
  @ValidateIf((e: IntakeEnvironment) => !!e.INTAKE_PREVIOUS_ENCRYPTION_KEYS)
  @Matches(KEY_LIST, { message: 'INTAKE_PREVIOUS_ENCRYPTION_KEYS must be id:base64,…' })
  INTAKE_PREVIOUS_ENCRYPTION_KEYS?: string;

  /** HMAC key of the passport blind index, base64 of 32 bytes. */
  @Matches(BASE64_32_BYTES, { message: 'INTAKE_BLIND_INDEX_KEY must be base64 of 32 bytes' })
  INTAKE_BLIND_INDEX_KEY = DEV_BLIND_INDEX_KEY;

  /** Id stored with each case's passport index, so that the blind-index key can rotate. */
  @Matches(KEY_ID)
  INTAKE_BLIND_INDEX_KEY_ID = 'dev1';

  /**
   * Former blind-index keys, as `id:base64,id:base64`: passports are also looked up under them
   * until `npm run intake:rotate-keys` has recomputed every index under the current key.
   */
  @ValidateIf((e: IntakeEnvironment) => !!e.INTAKE_PREVIOUS_BLIND_INDEX_KEYS)
  @Matches(KEY_LIST, { message: 'INTAKE_PREVIOUS_BLIND_INDEX_KEYS must be id:base64,…' })
  INTAKE_PREVIOUS_BLIND_INDEX_KEYS?: string;

  /**
   * Passport searches per user a minute (POST /v1/cases/search, and POST /v1/personal-data/exports
   * by passport number), apart from RATE_LIMIT_PER_MINUTE:
   * each one tells whether a passport has a case, so trying numbers in bulk must be slow.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  INTAKE_PASSPORT_SEARCH_PER_MINUTE = 30;
}

/** The production guard for intake's own secrets. */
/** Problems of a former-key list: a repeated id, the current id, a key used twice. */
function keyListProblems(
  name: string,
  currentId: string,
  currentKey: string,
  list: string | undefined,
): string[] {
  const entries = (list ?? '')
    .split(',')
    .filter(Boolean)
    .map((e) => e.split(':'));
  const problems: string[] = [];
  const ids = entries.map(([id]) => id);
  if (ids.includes(currentId)) problems.push(`${name}: lists the current key id ${currentId}`);
  if (new Set(ids).size !== ids.length) problems.push(`${name}: a key id is listed twice`);
  if (entries.some(([, key]) => key === currentKey))
    problems.push(`${name}: lists the current key under another id`);
  return problems;
}

export function intakeSecretProblems(env: IntakeEnvironment): string[] {
  const problems = [
    ...keyListProblems(
      'INTAKE_PREVIOUS_ENCRYPTION_KEYS',
      env.INTAKE_ENCRYPTION_KEY_ID,
      env.INTAKE_ENCRYPTION_KEY,
      env.INTAKE_PREVIOUS_ENCRYPTION_KEYS,
    ),
    ...keyListProblems(
      'INTAKE_PREVIOUS_BLIND_INDEX_KEYS',
      env.INTAKE_BLIND_INDEX_KEY_ID,
      env.INTAKE_BLIND_INDEX_KEY,
      env.INTAKE_PREVIOUS_BLIND_INDEX_KEYS,
    ),
  ];
  if (env.NODE_ENV !== 'production') return problems;
  for (const [name, list, dev] of [
    ['INTAKE_PREVIOUS_ENCRYPTION_KEYS', env.INTAKE_PREVIOUS_ENCRYPTION_KEYS, DEV_ENCRYPTION_KEY],
    ['INTAKE_PREVIOUS_BLIND_INDEX_KEYS', env.INTAKE_PREVIOUS_BLIND_INDEX_KEYS, DEV_BLIND_INDEX_KEY],
  ] as const)
    if ((list ?? '').split(',').some((e) => e.split(':')[1] === dev))
      problems.push(`${name}: a development key has no place in production`);
  if (env.INTAKE_ENCRYPTION_KEY === DEV_ENCRYPTION_KEY) {
    problems.push('INTAKE_ENCRYPTION_KEY: a real key is required in production');
  }
  if (env.INTAKE_BLIND_INDEX_KEY === DEV_BLIND_INDEX_KEY) {
    problems.push('INTAKE_BLIND_INDEX_KEY: a real key is required in production');
  }
  // The keys are kept apart from the case data: never in the same database.
  if (
    env.INTAKE_KEYSTORE_DATABASE_URL &&
    env.INTAKE_KEYSTORE_DATABASE_URL === env.INTAKE_DATABASE_URL
  ) {
    problems.push('INTAKE_KEYSTORE_DATABASE_URL: must not be the case database');
  }
  return problems;
}

import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  CommonEnvironment,
  devDatabasePassword,
  RealPasswordInProduction,
  toInt,
} from '@casebridge/common';

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

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

  /** AES-256-GCM key for personal data, base64 of 32 bytes. */
  @Matches(BASE64_32_BYTES, { message: 'INTAKE_ENCRYPTION_KEY must be base64 of 32 bytes' })
  INTAKE_ENCRYPTION_KEY = DEV_ENCRYPTION_KEY;

  /** Id stored with each ciphertext, so that keys can rotate. */
  @Matches(/^[a-z0-9]{1,16}$/)
  INTAKE_ENCRYPTION_KEY_ID = 'dev1';

  /** Former keys still able to decrypt, as `id:base64,id:base64`. */
  @IsOptional()
  @Matches(/^([a-z0-9]{1,16}:[A-Za-z0-9+/]{43}=)(,[a-z0-9]{1,16}:[A-Za-z0-9+/]{43}=)*$/)
  INTAKE_PREVIOUS_ENCRYPTION_KEYS?: string;

  /** HMAC key of the passport blind index, base64 of 32 bytes. */
  @Matches(BASE64_32_BYTES, { message: 'INTAKE_BLIND_INDEX_KEY must be base64 of 32 bytes' })
  INTAKE_BLIND_INDEX_KEY = DEV_BLIND_INDEX_KEY;

  /**
   * Passport searches per user a minute (POST /v1/cases/search), apart from RATE_LIMIT_PER_MINUTE:
   * each one tells whether a passport has a case, so trying numbers in bulk must be slow.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  INTAKE_PASSPORT_SEARCH_PER_MINUTE = 30;
}

/** The production guard for intake's own secrets. */
export function intakeSecretProblems(env: IntakeEnvironment): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (env.INTAKE_ENCRYPTION_KEY === DEV_ENCRYPTION_KEY) {
    problems.push('INTAKE_ENCRYPTION_KEY: a real key is required in production');
  }
  if (env.INTAKE_BLIND_INDEX_KEY === DEV_BLIND_INDEX_KEY) {
    problems.push('INTAKE_BLIND_INDEX_KEY: a real key is required in production');
  }
  return problems;
}

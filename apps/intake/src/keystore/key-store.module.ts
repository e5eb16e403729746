import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { COMMON_ENV, READINESS_PROBES, type ReadinessProbe } from '@casebridge/common';
import type { IntakeEnvironment } from '../config/intake.environment';
import { MasterKeyRing } from '../crypto/envelope-cipher';
import { PassportBlindIndex } from '../crypto/passport-blind-index';
import { CaseKeyCache } from './case-key-cache';
import { CaseKeyRepository } from './case-key.repository';
import { CaseKeys } from './case-keys.service';
import { keyStoreDatabaseUrl } from './key-store.data-source';

const KEY_STORE_POOL = Symbol('KEY_STORE_POOL');

/**
 * The key store (its own database and roles) and the keys of personal data: each case's data
 * key wrapped by the master key, and the passport blind index.
 */
@Module({})
export class KeyStoreModule implements OnApplicationShutdown {
  constructor(@Inject(KEY_STORE_POOL) private readonly pool: Pool) {}

  static register(): DynamicModule {
    return {
      module: KeyStoreModule,
      global: true,
      providers: [
        {
          provide: KEY_STORE_POOL,
          useFactory: (e: IntakeEnvironment) => {
            const pool = new Pool({
              connectionString: keyStoreDatabaseUrl(e),
              application_name: 'casebridge-intake-keys',
              max: e.DATABASE_POOL_MAX,
              connectionTimeoutMillis: e.DATABASE_POOL_ACQUIRE_TIMEOUT_MS,
              idleTimeoutMillis: 30_000,
            });
            // An idle connection the server dropped (a restart): the next query connects again.
            pool.on('error', () => undefined);
            return pool;
          },
          inject: [COMMON_ENV],
        },
        {
          provide: CaseKeys,
          useFactory: (e: IntakeEnvironment, pool: Pool) =>
            new CaseKeys(
              MasterKeyRing.fromConfig(
                e.INTAKE_ENCRYPTION_KEY_ID,
                e.INTAKE_ENCRYPTION_KEY,
                e.INTAKE_PREVIOUS_ENCRYPTION_KEYS,
              ),
              new CaseKeyRepository(pool),
              new CaseKeyCache(e.INTAKE_CASE_KEY_CACHE_SIZE, e.INTAKE_CASE_KEY_CACHE_TTL_MS),
            ),
          inject: [COMMON_ENV, KEY_STORE_POOL],
        },
        {
          provide: PassportBlindIndex,
          useFactory: (e: IntakeEnvironment) =>
            PassportBlindIndex.fromConfig(
              e.INTAKE_BLIND_INDEX_KEY,
              e.INTAKE_BLIND_INDEX_KEY_ID,
              e.INTAKE_PREVIOUS_BLIND_INDEX_KEYS,
            ),
          inject: [COMMON_ENV],
        },
        {
          // Intake is not ready without its keys: no case can be created or read.
          provide: READINESS_PROBES,
          useFactory: (pool: Pool): ReadinessProbe[] => [
            {
              name: 'keyStore',
              isReachable: () =>
                pool.query('SELECT 1').then(
                  () => true,
                  () => false,
                ),
            },
          ],
          inject: [KEY_STORE_POOL],
        },
      ],
      exports: [CaseKeys, PassportBlindIndex, READINESS_PROBES],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

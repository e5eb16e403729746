import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { TokenVerifier } from './auth/token-verifier.service';
import { UserThrottlerGuard } from './auth/user-throttler.guard';
import { COMMON_ENV } from './config/config.tokens';
import { CommonEnvironment, validateEnvironment } from './config/environment';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { createValidationPipe } from './errors/validation';
import { HealthController } from './health/health.controller';
import { LoggingModule } from './logging/logging.module';
import { MetricsController } from './metrics/metrics.controller';
import { initMetrics } from './metrics/metrics';

/**
 * What every Casebridge service shares: validated configuration, JWT auth and roles, per-user
 * rate limits, problem+json errors, strict validation, JSON logs, health and metrics.
 */
@Global()
@Module({})
export class CommonModule {
  static forService<T extends CommonEnvironment>(service: string, env: T): DynamicModule {
    initMetrics(service);
    return {
      module: CommonModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => ({ ...env }) }),
        LoggingModule.forService(service, env.LOG_LEVEL),
        JwtModule.register({}),
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: env.RATE_LIMIT_PER_MINUTE }],
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: COMMON_ENV, useValue: env },
        TokenVerifier,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: UserThrottlerGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [COMMON_ENV, TokenVerifier],
    };
  }
}

export function loadEnvironment<T extends CommonEnvironment>(
  cls: new () => T,
  extraChecks?: (env: T) => string[],
): T {
  return validateEnvironment(cls, process.env, extraChecks);
}

import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/auth-user';

/** Implemented by the messaging library: can the broker be reached right now? */
export interface BrokerProbe {
  isReachable(): Promise<boolean>;
}
export const BROKER_PROBE = Symbol('BROKER_PROBE');

/** A further dependency a service is not ready without (intake's key store), by name. */
export interface ReadinessProbe {
  name: string;
  isReachable(): Promise<boolean>;
}
export const READINESS_PROBES = Symbol('READINESS_PROBES');

@ApiTags('operations')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(BROKER_PROBE) private readonly broker: BrokerProbe,
    @Optional() @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[] = [],
  ) {}

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({
    description: 'The process answers',
    schema: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
    },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database and the Kafka broker answer' })
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      async () => {
        const check = this.indicators.check('broker');
        return (await this.broker.isReachable())
          ? check.up()
          : check.down({ message: 'Kafka is unreachable' });
      },
      ...(this.probes ?? []).map((probe) => async () => {
        const check = this.indicators.check(probe.name);
        return (await probe.isReachable())
          ? check.up()
          : check.down({ message: `${probe.name} is unreachable` });
      }),
    ]);
  }
}

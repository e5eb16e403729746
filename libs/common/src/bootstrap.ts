import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { DataSource, DataSourceOptions } from 'typeorm';
import { runMigrationsLocked } from './database/migrations';
import {
  answerClientErrors,
  bodyErrors,
  correlationContext,
  jsonBody,
  requestId,
  requireJsonBody,
} from './http/http-pipeline';
import { AdmissionController, AdmissionLimits, admissionControl } from './http/admission-control';
import {
  configureServerSockets,
  LISTEN_BACKLOG,
  ServerSocketSettings,
} from './http/server-sockets';
import { httpMetrics } from './metrics/http-metrics.middleware';
import { httpRequestsInFlight, httpRequestsQueued, httpRequestsShed } from './metrics/metrics';
import {
  admissionLimits,
  CommonEnvironment,
  EnvironmentError,
  validateEnvironment,
} from './config/environment';
import { loadEnvironment } from './common.module';
import { createOpenApiDocument, publicBaseUrl } from './openapi/openapi-document';

/**
 * The service's event transport (libs/messaging's CasebridgeKafkaTransport), when it consumes
 * events: provided under this token so that bootstrap needs no messaging import.
 */
export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');

export interface ServiceDescription {
  title: string;
  description: string;
  port: number;
  bodyLimit: string;
  /** The `servers` entry of its OpenAPI document (HTTP_PUBLIC_BASE_URL); default the local URL. */
  publicBaseUrl?: string;
  /** Admission control of the HTTP pipeline (admission-control.ts). */
  admission: AdmissionLimits;
  server?: ServerSocketSettings;
}

/** Admission control wired to the process's metrics. */
export function meteredAdmission(limits: AdmissionLimits): AdmissionController {
  return new AdmissionController(limits, {
    changed: (inFlight, queued) => {
      httpRequestsInFlight.set(inFlight);
      httpRequestsQueued.set(queued);
    },
    shed: (reason) => httpRequestsShed.inc({ reason }),
  });
}

/**
 * Builds a service's HTTP app: admission control first (a request beyond the limits is answered
 * 503 before anything reads its body or checks its token; only the request id and the latency
 * timer, neither of which reads anything, come before it), hardened body parsing, correlation
 * ids, Swagger at /docs.
 */
export async function createServiceApp(
  module: Type<unknown> | DynamicModule,
  service: ServiceDescription,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.use(
    requestId,
    httpMetrics,
    admissionControl(meteredAdmission(service.admission)),
    requireJsonBody,
    jsonBody(service.bodyLimit),
    bodyErrors,
    correlationContext,
  );
  answerClientErrors(app.getHttpServer());
  configureServerSockets(app.getHttpServer(), service.server);
  app.enableShutdownHooks();
  const openApi = {
    title: service.title,
    description: service.description,
    serverUrl: service.publicBaseUrl ?? publicBaseUrl(undefined, service.port),
  };
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app, openApi), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  return app;
}

/**
 * Migrates (under an advisory lock), connects the event transport as the microservice of a
 * hybrid app, starts it, then listens. Used by each service's main.ts. With `migrationOptions`
 * the migrations run on a connection of their own (the owner role), closed before the service
 * listens; otherwise on the service's own pool.
 *
 * The microservice is connected without `inheritAppConfig`, so the HTTP guards, pipes and
 * filters stay off events; connected (not deferred) it shares the app's single init, so the
 * outbox relay starts once, in `listen`. The transport starts its consumer in the background:
 * `startAllMicroservices` returns at once while the broker is unreachable. On shutdown Nest
 * closes the microservice (the consumer drains) before the producer and the data source go.
 */
export async function startService(
  app: INestApplication,
  port: number,
  migrationOptions?: DataSourceOptions | DataSourceOptions[],
): Promise<void> {
  const logger = app.get(Logger);
  const applied: string[] = [];
  for (const options of Array.isArray(migrationOptions) ? migrationOptions : [migrationOptions])
    applied.push(...(await migrate(app.get(DataSource), options)));
  if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`, 'Migrations');
  const strategy = eventTransportOf(app);
  if (strategy) {
    app.connectMicroservice({ strategy });
    await app.startAllMicroservices();
  }
  // Nest passes every argument on to http.Server#listen(port, host, backlog); its types know only
  // (port, host, callback).
  const listen = app.listen.bind(app) as (port: number, ...args: unknown[]) => Promise<unknown>;
  await listen(port, '0.0.0.0', LISTEN_BACKLOG);
  logger.log(`listening on http://localhost:${port}`, 'Bootstrap');
}

function eventTransportOf(app: INestApplication): CustomTransportStrategy | undefined {
  try {
    return app.get<CustomTransportStrategy>(EVENT_TRANSPORT, { strict: false });
  } catch {
    return undefined;
  }
}

async function migrate(pool: DataSource, options?: DataSourceOptions): Promise<string[]> {
  if (!options) return runMigrationsLocked(pool);
  const owner = await new DataSource(options).initialize();
  try {
    return await runMigrationsLocked(owner);
  } finally {
    await owner.destroy();
  }
}

/** Prints a configuration error plainly (no stack) and exits non-zero. */
export function exitOnStartupFailure(error: unknown): never {
  if (error instanceof EnvironmentError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    const e = error as Error;
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', msg: 'startup failed', err: { type: e?.name, message: e?.message } })}\n`,
    );
  }
  process.exit(1);
}

export interface ServiceDefinition<T extends CommonEnvironment> {
  environment: new () => T;
  /** Service-specific refusals, e.g. development keys in production. */
  environmentChecks?: (env: T) => string[];
  module: (env: T) => DynamicModule;
  /** Where migrations run when not on the service's own pool (a database owner role). */
  /** The databases to migrate at start, each as its owner (default: the service's own pool). */
  migrationDataSource?: (env: T) => DataSourceOptions | DataSourceOptions[];
  port: (env: T) => number;
  title: string;
  description: string;
}

/**
 * A service's OpenAPI document as its running app serves it at /docs/openapi.json, built without
 * starting it: Nest's preview mode reads the modules and controllers but instantiates no provider
 * (no database, broker or key store is touched). `raw` is the environment to describe.
 */
export async function openApiDocumentOf<T extends CommonEnvironment>(
  service: ServiceDefinition<T>,
  raw: Record<string, unknown>,
): Promise<OpenAPIObject> {
  const env = validateEnvironment(service.environment, raw, service.environmentChecks);
  const app = await NestFactory.create(service.module(env), { preview: true, logger: false });
  try {
    return createOpenApiDocument(app, {
      title: service.title,
      description: service.description,
      serverUrl: publicBaseUrl(env.HTTP_PUBLIC_BASE_URL, service.port(env)),
    });
  } finally {
    await app.close();
  }
}

/** A service's whole main.ts: validate the environment, build the app, migrate, listen. */
export function runService<T extends CommonEnvironment>(service: ServiceDefinition<T>): void {
  const run = async () => {
    const env = loadEnvironment(service.environment, service.environmentChecks);
    const port = service.port(env);
    const app = await createServiceApp(service.module(env), {
      title: service.title,
      description: service.description,
      port,
      publicBaseUrl: publicBaseUrl(env.HTTP_PUBLIC_BASE_URL, port),
      bodyLimit: env.HTTP_BODY_LIMIT,
      admission: admissionLimits(env),
      server: { keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS },
    });
    await startService(app, port, service.migrationDataSource?.(env));
  };
  run().catch(exitOnStartupFailure);
}

import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentCorrelation } from './correlation';

/**
 * JSON logs (pino). Request logs carry method, route, status, duration and the correlation id:
 * never bodies, query strings or auth headers, so no personal data can reach a log.
 */
@Module({})
export class LoggingModule {
  static forService(service: string, level: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level,
            base: { service },
            messageKey: 'msg',
            timestamp: () => `,"time":"${new Date().toISOString()}"`,
            genReqId: (req: IncomingMessage) =>
              (req as IncomingMessage & { id?: string }).id ?? 'unknown',
            mixin: () => {
              const ctx = currentCorrelation();
              return ctx ? { correlationId: ctx.correlationId, causationId: ctx.causationId } : {};
            },
            serializers: {
              req: (req: { id?: string; method?: string; url?: string }) => ({
                id: req.id,
                method: req.method,
                path: (req.url ?? '').split('?')[0],
              }),
              res: (res: ServerResponse | { statusCode?: number }) => ({
                statusCode: res.statusCode,
              }),
              err: (err: Error & { code?: string }) => ({
                type: err.name,
                code: err.code,
                message: err.message,
              }),
            },
            redact: {
              paths: ['req.headers', 'req.body', 'req.query', 'res.headers'],
              remove: true,
            },
            autoLogging: {
              ignore: (req: IncomingMessage) =>
                (req.url ?? '').startsWith('/health') || req.url === '/metrics',
            },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}

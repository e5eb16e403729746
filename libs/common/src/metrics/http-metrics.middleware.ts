import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from './metrics';

/** Records latency by route pattern (never the raw URL: ids would explode the label set). */
export function httpMetrics(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestDuration.startTimer();
  res.on('finish', () => {
    const route = (req.route as { path?: string } | undefined)?.path;
    end({
      method: req.method,
      route: route ? `${req.baseUrl}${route}` : 'unmatched',
      status: String(res.statusCode),
    });
  });
  next();
}

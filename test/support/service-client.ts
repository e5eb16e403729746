import type { Role } from '@casebridge/contracts';
import { tokenFor } from './tokens';

/** Who calls: a role, and the consulate for consular roles. `null` calls without a token. */
export interface Caller {
  role: Role;
  consulateId?: string;
  /** The token's `sub`; by default one derived from role and consulate. */
  sub?: string;
}

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  /** The parsed JSON body, the text when it is not JSON, `null` when empty. */
  body: T;
}

/** A thin HTTP client of any Casebridge service (intake, assignment, reporting) for tests. */
export class ServiceClient {
  constructor(readonly url: string) {}

  async call<T = Record<string, unknown>>(
    caller: Caller | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResult<T>> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(caller
          ? { Authorization: `Bearer ${tokenFor(caller.role, caller.consulateId, caller.sub)}` }
          : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = Record<string, unknown>>(caller: Caller | null, path: string): Promise<ApiResult<T>> {
    return this.call<T>(caller, 'GET', path);
  }
}

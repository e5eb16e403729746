import type { ProblemDetails } from '@casebridge/common/errors/problem';

/** Where the page keeps the manager's token: this tab only. */
export const TOKEN_KEY = 'casebridge.reporting.token';

/** A failure the page explains to the manager in plain words. */
export class DashboardError extends Error {}

export function storedToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

/** The filter form as a query string (`?from=…&category=…`), or '' without filters. */
export function filterQuery(form: { from: string; to: string; category: string }): string {
  const params = new URLSearchParams();
  for (const name of ['from', 'to', 'category'] as const) {
    const value = form[name];
    if (value) params.set(name, value);
  }
  const text = params.toString();
  return text ? '?' + text : '';
}

/** Calls the reports API with the stored token; refusals become DashboardErrors. */
export async function request(path: string, accept: string): Promise<Response> {
  const token = storedToken();
  if (!token) throw new DashboardError('Paste a manager token above to see the reports.');
  let res: Response;
  try {
    res = await fetch(path, {
      headers: { Authorization: 'Bearer ' + token, Accept: accept },
      cache: 'no-store',
    });
  } catch {
    throw new DashboardError('The reporting service cannot be reached. Try again in a moment.');
  }
  if (res.status === 401)
    throw new DashboardError(
      'The token was refused (invalid or expired). Paste a fresh manager token.',
    );
  if (res.status === 403)
    throw new DashboardError(
      'This token may not read reports: a manager or admin token is needed.',
    );
  if (!res.ok) {
    const problem = (await res.json().catch(() => null)) as Partial<ProblemDetails> | null;
    throw new DashboardError(problem?.detail || 'The report failed (HTTP ' + res.status + ').');
  }
  return res;
}

/** A JSON report, typed as the reporting service declares it. */
export async function fetchJson<T>(path: string): Promise<T> {
  return (await (await request(path, 'application/json')).json()) as T;
}

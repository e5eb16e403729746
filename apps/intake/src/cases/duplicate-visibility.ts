import type { AuthUser } from '@casebridge/common';
import { canAccessCase } from './case-access';

/** What the rule needs of a case: its id and the earlier case it may duplicate. */
export interface DuplicateFlag {
  id: string;
  possibleDuplicateOf: string | null;
}

/** The earlier cases whose holder must be known to apply the rule below. */
export function earlierCaseIds(cases: readonly DuplicateFlag[]): string[] {
  return [
    ...new Set(
      cases.flatMap((c) => (c.possibleDuplicateOf === null ? [] : [c.possibleDuplicateOf])),
    ),
  ];
}

/**
 * `possibleDuplicateOf` names another case, and so tells that this passport has a case there:
 * it is shown only to callers who may read that earlier case (intake officers and the staff of
 * the consulate holding it), never to an integration or another consulate. `holders` maps each
 * earlier case that exists to the consulate holding it. Returns case id → shown id.
 */
export function visibleDuplicates(
  user: AuthUser,
  cases: readonly DuplicateFlag[],
  holders: ReadonlyMap<string, string | null>,
): Map<string, string> {
  const shown = new Map<string, string>();
  for (const c of cases) {
    const earlier = c.possibleDuplicateOf;
    if (earlier === null || !holders.has(earlier)) continue;
    if (canAccessCase(user, holders.get(earlier) ?? null)) shown.set(c.id, earlier);
  }
  return shown;
}

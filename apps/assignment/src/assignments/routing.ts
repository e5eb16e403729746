/**
 * Routing rules (SPEC "Assignment API"), free of I/O so that they can be tested as a table:
 * 1. the office: the active consulate in the host country that covers the host city
 *    (compared by the contracts' cityKey: case, accents, dots and spacing ignored, as reports
 *    compare it), else the country's active default office (its embassy), else the
 *    agency headquarters desk `HQ` with reason `no_coverage`;
 * 2. the caseworker there: active, speaks the preferred language, has fewer open cases than
 *    their maximum; the fewest open cases wins, then the smallest id. None → the office queue.
 */

import { cityKey } from '@casebridge/contracts';
import { HQ_CONSULATE_ID } from '../directory/headquarters';

// The HQ desk is a row of the directory, which owns its id; routing's rules name it.
export { HQ_CONSULATE_ID };

export interface OfficeCandidate {
  id: string;
  hostCountry: string;
  cities: readonly string[];
  isDefaultForCountry: boolean;
  active: boolean;
}

export interface CaseworkerCandidate {
  id: string;
  languages: readonly string[];
  active: boolean;
  openCases: number;
  maxOpenCases: number;
}

export interface OfficeChoice {
  consulateId: string;
  reason: 'auto' | 'no_coverage';
}

export interface RoutingRequest {
  hostCountry: string;
  hostCity: string | null;
  preferredLanguage: string;
}

export interface RoutingDecision extends OfficeChoice {
  caseworkerId: string | null;
}

/** Orders ids by code unit, independent of the process locale. */
function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function chooseOffice(
  offices: readonly OfficeCandidate[],
  hostCountry: string,
  hostCity: string | null,
): OfficeChoice {
  const inCountry = offices.filter((o) => o.active && o.hostCountry === hostCountry).sort(byId);
  const city = hostCity === null ? '' : cityKey(hostCity);
  if (city !== '') {
    const covering = inCountry.find((o) => o.cities.some((c) => cityKey(c) === city));
    if (covering) return { consulateId: covering.id, reason: 'auto' };
  }
  const countryDefault = inCountry.find((o) => o.isDefaultForCountry);
  if (countryDefault) return { consulateId: countryDefault.id, reason: 'auto' };
  return { consulateId: HQ_CONSULATE_ID, reason: 'no_coverage' };
}

/** Whether the caseworker speaks the language (case-insensitive, as routing compares it). */
export function speaks(c: Pick<CaseworkerCandidate, 'languages'>, language: string): boolean {
  const wanted = language.toLowerCase();
  return c.languages.some((l) => l.toLowerCase() === wanted);
}

export function chooseCaseworker<T extends CaseworkerCandidate>(
  caseworkers: readonly T[],
  language: string,
): T | null {
  const eligible = caseworkers.filter(
    (c) => c.active && c.openCases < c.maxOpenCases && speaks(c, language),
  );
  eligible.sort((a, b) => a.openCases - b.openCases || byId(a, b));
  return eligible[0] ?? null;
}

/** Both steps at once, for a directory already in memory. */
export function routeCase(
  offices: readonly OfficeCandidate[],
  caseworkers: readonly (CaseworkerCandidate & { consulateId: string })[],
  request: RoutingRequest,
): RoutingDecision {
  const office = chooseOffice(offices, request.hostCountry, request.hostCity);
  const staff = caseworkers.filter((c) => c.consulateId === office.consulateId);
  return {
    ...office,
    caseworkerId: chooseCaseworker(staff, request.preferredLanguage)?.id ?? null,
  };
}

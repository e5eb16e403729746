import { DomainProblem } from './problem';

/** How one error of a feature reaches a client: its HTTP status and problem+json title. */
export interface ProblemSpec {
  status: number;
  title: string;
}

/**
 * A feature's error catalogue (twenty's exception-code pattern): a code enum and one mapping of
 * every code to its problem+json status and title, written down once. `Record<Code, …>` makes the
 * mapping exhaustive: a code added to the enum without a status does not compile. The set of
 * errors a feature's routes can return is the catalogue; OpenAPI documents list it from here.
 *
 *   export enum CaseErrorCode { NotFound = 'case_not_found' }
 *   export const caseErrors = errorCatalogue<CaseErrorCode>({
 *     [CaseErrorCode.NotFound]: { status: 404, title: 'Not found' },
 *   });
 *   throw caseErrors.problem(CaseErrorCode.NotFound, 'No case with this id exists in your scope.');
 */
export interface ErrorCatalogue<Code extends string> {
  readonly specs: Readonly<Record<Code, ProblemSpec>>;
  /** The problem to throw: the filter maps it to application/problem+json. */
  problem(code: Code, detail: string, extensions?: Record<string, unknown>): DomainProblem;
  /** The codes answered with `status`, for API documentation. */
  codesWithStatus(status: number): Code[];
}

export function errorCatalogue<Code extends string>(
  specs: Record<Code, ProblemSpec>,
): ErrorCatalogue<Code> {
  const frozen = Object.freeze({ ...specs });
  return {
    specs: frozen,
    problem(code, detail, extensions = {}) {
      const spec = frozen[code];
      return new DomainProblem(spec.status, code, spec.title, detail, extensions);
    },
    codesWithStatus(status) {
      return (Object.keys(frozen) as Code[]).filter((code) => frozen[code].status === status);
    },
  };
}

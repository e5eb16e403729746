import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const text = (description?: string): SchemaObject => ({ type: 'string', description });
const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
const instant: SchemaObject = { type: 'string', format: 'date-time' };
const rows = (properties: Record<string, SchemaObject>): SchemaObject => ({
  type: 'array',
  items: { type: 'object', properties },
});
const money = nullable({
  type: 'object',
  properties: { amount: text('decimal, e.g. "1200.00"'), currency: nullable(text('ISO 4217')) },
});
const ERASED = 'null when the personal data of the case was erased';

/** The JSON export as OpenAPI describes it (personal-data-export.document.ts builds it). */
export const PERSONAL_DATA_EXPORT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['header', 'cases'],
  properties: {
    header: {
      type: 'object',
      properties: {
        title: text(),
        generatedAt: instant,
        generatedBy: {
          type: 'object',
          properties: { sub: text(), roles: { type: 'array', items: text() } },
        },
        lookup: {
          type: 'object',
          description:
            '{by: caseId, caseId}, {by: reference, reference} or {by: passportNumber} (the number is never echoed)',
          properties: {
            by: { type: 'string', enum: ['caseId', 'reference', 'passportNumber'] },
            caseId: { type: 'string', format: 'uuid' },
            reference: text(),
          },
        },
        caseCount: { type: 'integer' },
        erasedCaseIds: {
          type: 'array',
          items: { type: 'string', format: 'uuid' },
          description: 'Cases whose personal data was erased (key destroyed)',
        },
        notes: { type: 'array', items: text() },
      },
    },
    cases: {
      type: 'array',
      description: 'Oldest first',
      items: {
        type: 'object',
        properties: {
          caseId: { type: 'string', format: 'uuid' },
          reference: text(),
          personalDataErased: { type: 'boolean' },
          caseFile: {
            type: 'object',
            properties: {
              complainant: nullable({
                type: 'object',
                description: ERASED,
                properties: {
                  fullName: text(),
                  passportNumber: nullable(text()),
                  dateOfBirth: nullable(text()),
                  phone: nullable(text()),
                  email: nullable(text()),
                },
              }),
              employer: nullable({
                type: 'object',
                description: `${ERASED} (or none given)`,
                properties: { name: text(), address: nullable(text()), taxId: nullable(text()) },
              }),
              description: nullable(text(ERASED)),
              preferredLanguage: text(),
              consentToShare: { type: 'boolean' },
              hostCountry: text(),
              hostCity: nullable(text()),
              channel: text(),
              incidentDate: nullable(text()),
              amountClaimed: money,
              status: text(),
              outcome: nullable({
                type: 'object',
                properties: { type: text(), amountRecovered: money },
              }),
              consulateId: nullable(text()),
              caseworkerId: nullable(text()),
              createdBy: text(),
              submittedAt: instant,
              updatedAt: instant,
              version: { type: 'integer' },
            },
          },
          classifications: {
            type: 'object',
            properties: {
              category: text(),
              riskIndicators: { type: 'array', items: text() },
              priority: text(),
            },
          },
          statusHistory: rows({
            at: instant,
            from: text(),
            to: text(),
            action: text(),
            actorId: text(),
            actorRole: nullable(text()),
            reason: nullable(text()),
            comment: nullable(text(`the comment, decrypted; ${ERASED}`)),
            outcome: nullable({ type: 'object' }),
            version: { type: 'integer' },
          }),
          priorityChanges: rows({
            at: instant,
            from: text(),
            to: text(),
            reason: text(),
            actorId: text(),
            actorRole: text(),
            version: { type: 'integer' },
          }),
          notes: rows({
            id: { type: 'string', format: 'uuid' },
            at: instant,
            authorId: text(),
            authorRole: text(),
            body: nullable(text(`decrypted; ${ERASED}`)),
          }),
          assignments: rows({
            at: instant,
            consulateId: text(),
            caseworkerId: nullable(text()),
            reason: text(),
            sequence: { type: 'integer' },
          }),
          duplicates: {
            type: 'object',
            properties: {
              possibleDuplicateOf: nullable({ type: 'string', format: 'uuid' }),
              decision: nullable({
                type: 'object',
                properties: {
                  decision: text(),
                  decidedAt: nullable(instant),
                  decidedBy: nullable(text()),
                },
              }),
              linkedCases: rows({
                caseId: { type: 'string', format: 'uuid' },
                reference: text(),
                relation: text(),
              }),
            },
          },
          accessLog: {
            ...rows({
              at: instant,
              actorId: text(),
              actorRole: text(),
              consulateId: nullable(text()),
              action: text(),
            }),
            description: 'The audit trail of the case: who read or changed it, when, how',
          },
        },
      },
    },
  },
};

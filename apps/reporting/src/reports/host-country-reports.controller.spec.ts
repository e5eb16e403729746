import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { HostCountryReportsController } from './host-country-reports.controller';
import { PublishedReports } from './published-reports';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('host-country reports in the OpenAPI document', () => {
  let app: INestApplication;
  let doc: OpenAPIObject;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      controllers: [HostCountryReportsController],
      providers: [{ provide: PublishedReports, useValue: {} }],
    }).compile();
    app = module.createNestApplication();
    await app.init();
    doc = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  });

  afterAll(() => app.close());

  it('offers the list as JSON, CSV and XLSX, each with its own schema, and a 406', () => {
    const list = doc.paths['/v1/reports/host-countries'].get;
    const ok = list?.responses['200'] as {
      content: Record<string, { schema: unknown }>;
      headers: Record<string, unknown>;
    };
    expect(ok.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/HostCountryReport' } },
      'text/csv': { schema: { type: 'string' } },
      [XLSX]: { schema: { type: 'string', format: 'binary' } },
    });
    expect(Object.keys(ok.headers)).toEqual(['Content-Disposition', 'Vary']);
    expect(list?.responses).toHaveProperty('406');
    expect(doc.components?.schemas).toHaveProperty('HostCountryReport');
  });

  it('offers one host country as JSON only', () => {
    const detail = doc.paths['/v1/reports/host-countries/{code}'].get;
    const ok = detail?.responses['200'] as { content: Record<string, unknown> };
    expect(Object.keys(ok.content)).toEqual(['application/json']);
    expect(detail?.responses).toHaveProperty('406');
  });
});

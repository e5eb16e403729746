import request from 'supertest';
import type { Admin } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventTypes, OTHER_CITY } from '@casebridge/contracts';
import { validateEnvironment } from '@casebridge/common';
import { submittedCase } from '../../support/events';
import { kafkaClient, resetDatabase, resetTopics } from '../../support/infra';
import { disconnectTestProducer, produceEvent } from '../../support/kafka';
import { waitUntilConsumed } from '../../support/read-model-probe';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { bearer } from '../../support/tokens';
import { ReportingEnvironment } from '../../../apps/reporting/src/config/reporting.environment';
import { reportingDataSourceOptions } from '../../../apps/reporting/src/database/data-source';
import { ReportedCities1767312000000 } from '../../../apps/reporting/src/database/migrations/1767312000000-ReportedCities';
import type { HostCountryDetail } from '../../../apps/reporting/src/reports/dto/host-country-report.response';

/** Free text a complainant may type as their city: an address with a name and a phone number. */
const FREE_TEXT = 'ul. Lenina 5, kv. 12, Ivan Petrov +79991234567';

describe('host cities in reports: known cities by name, any other text as other', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('reporting');
    dataSource = await new DataSource(
      reportingDataSourceOptions(validateEnvironment(ReportingEnvironment, process.env)),
    ).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await disconnectTestProducer();
  });

  it('reports spellings of a known city under its name, anything else as other, and keeps no free text', async () => {
    // Cities of 3, 2 and 1 case: small-cell suppression off on purpose.
    const service: ServiceProcess = await startServiceProcess('reporting', {
      REPORT_MIN_CELL_SIZE: '1',
    });
    const admin: Admin = kafkaClient().admin();
    await admin.connect();
    try {
      for (const hostCity of ['moskva', 'МОСКВА', ' Moscow ', FREE_TEXT, 'Almaty', null])
        await produceEvent(EventTypes.CaseSubmitted, submittedCase({ hostCity }));
      await waitUntilConsumed(admin);
      const res = await request(service.url)
        .get('/v1/reports/host-countries/RU')
        .set(bearer('manager'))
        .expect(200);
      const detail = res.body as HostCountryDetail;
      expect(
        Object.fromEntries(detail.byCity.map((c) => [String(c.hostCity), c.received])),
      ).toEqual({ Moscow: 3, [OTHER_CITY]: 2, null: 1 });
      expect(res.text).not.toContain('Lenina');
      const stored = await dataSource.query<{ n: string }[]>(
        "SELECT count(*) AS n FROM case_fact WHERE host_city NOT IN ('Moscow', 'other')",
      );
      expect(stored).toEqual([{ n: '0' }]);
    } finally {
      await admin.disconnect();
      await service.stop();
    }
  });

  it('the migration moves the free text already in a read model to other, merging bucket rows', async () => {
    await resetDatabase('reporting');
    await dataSource.query(
      `INSERT INTO case_fact (case_id, host_country, host_city, submitted_at)
       VALUES ('00000000-0000-4000-8000-000000000001', 'RU', $1, now()),
              ('00000000-0000-4000-8000-000000000002', 'RU', 'moskva', now()),
              ('00000000-0000-4000-8000-000000000003', 'RU', 'Moscow', now())`,
      [FREE_TEXT],
    );
    await dataSource.query(
      `INSERT INTO daily_case_bucket (host_country, day, category, consulate_id, host_city, metric, value)
       VALUES ('RU', '2026-01-05', 'unpaid_wages', 'RU-MOW', $1, 'received', 1),
              ('RU', '2026-01-05', 'unpaid_wages', 'RU-MOW', 'moskva', 'received', 1),
              ('RU', '2026-01-05', 'unpaid_wages', 'RU-MOW', 'Moscow', 'received', 1),
              ('RU', '2026-01-05', 'unpaid_wages', 'RU-MOW', 'other', 'received', 4)`,
      [FREE_TEXT],
    );
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await new ReportedCities1767312000000().up(runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect(
      await dataSource.query('SELECT case_id, host_city FROM case_fact ORDER BY case_id'),
    ).toEqual([
      { case_id: '00000000-0000-4000-8000-000000000001', host_city: 'other' },
      { case_id: '00000000-0000-4000-8000-000000000002', host_city: 'Moscow' },
      { case_id: '00000000-0000-4000-8000-000000000003', host_city: 'Moscow' },
    ]);
    expect(
      await dataSource.query(
        'SELECT host_city, value::int AS value FROM daily_case_bucket ORDER BY host_city',
      ),
    ).toEqual([
      { host_city: 'Moscow', value: 2 },
      { host_city: 'other', value: 5 },
    ]);
  });
});

import { caseExport, CaseRecord, personalDataExport } from './personal-data-export.document';
import { escapeHtml, personalDataExportHtml } from './personal-data-export.html';
import type { CaseFile } from '../cases/case-file.entity';

const ATTACK = `<script>alert("x")</script><img src=x onerror='y'>&amp;`;

function doc(erased: boolean) {
  const file = {
    id: 'c1',
    reference: 'CB-2026-000001',
    status: 'submitted',
    priority: 'normal',
    category: 'other',
    riskIndicators: [],
    hostCountry: 'RU',
    hostCity: ATTACK,
    channel: 'web',
    preferredLanguage: 'uz',
    consentToShare: false,
    complainantEnc: 'x',
    employerEnc: null,
    descriptionEnc: 'x',
    passportIndex: null,
    passportIndexKeyId: null,
    personalDataErasedAt: null,
    erasureReason: null,
    erasureTrigger: null,
    legalHoldReason: null,
    legalHoldAt: null,
    legalHoldBy: null,
    incidentDate: null,
    amountClaimed: null,
    amountClaimedCurrency: null,
    outcomeType: null,
    amountRecovered: null,
    amountRecoveredCurrency: null,
    possibleDuplicateOf: null,
    duplicateDecision: null,
    duplicateDecidedAt: null,
    duplicateDecidedBy: null,
    consulateId: null,
    caseworkerId: null,
    assignmentSequence: 0,
    createdBy: 'officer',
    submittedAt: new Date('2026-11-01T00:00:00Z'),
    updatedAt: new Date('2026-11-01T00:00:00Z'),
    version: 1,
  } as CaseFile;
  const record: CaseRecord = {
    file,
    statusChanges: [],
    priorityChanges: [],
    notes: [
      {
        id: 'n1',
        author_id: 'cw',
        author_role: 'caseworker',
        body_enc: 'x',
        created_at: new Date('2026-11-01T01:00:00Z'),
      },
    ],
    assignments: [],
    links: [],
    audit: [],
  };
  const reader = {
    decrypt: () => ATTACK,
    decryptJson: <T>() => ({ fullName: ATTACK, passportNumber: null }) as T,
  };
  return personalDataExport(
    new Date(),
    { sub: 'dpo', roles: ['data_protection_officer'] },
    { by: 'caseId', caseId: 'c1' },
    [caseExport(record, erased ? null : reader)],
  );
}

describe('escapeHtml', () => {
  it('turns every markup character into an entity', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('personalDataExportHtml', () => {
  it('renders stored text escaped: no tag or attribute from it reaches the page', () => {
    const html = personalDataExportHtml(doc(false));
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&amp;amp;');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('is self-contained: no script and nothing loaded from elsewhere', () => {
    const html = personalDataExportHtml(doc(false));
    expect(html).not.toMatch(/<script|<link|<[^>]*\s(src|href)=/i);
  });

  it('says which case had its personal data erased', () => {
    expect(personalDataExportHtml(doc(true))).toContain(
      'The personal data of this case was erased.',
    );
    expect(personalDataExportHtml(doc(false))).not.toContain('was erased.</p>');
  });
});

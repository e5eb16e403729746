import type { PersonalDataExport } from './personal-data-export.document';

/** Text as HTML: every character that could open markup or leave an attribute is an entity. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `accessLog` → `access log`, for headings and labels. */
function label(key: string): string {
  return escapeHtml(key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
}

/** Any JSON value of the document, escaped: stored text never becomes markup. */
function value(v: unknown): string {
  if (v === null || v === undefined) return '<span class="none">—</span>';
  if (Array.isArray(v)) {
    if (!v.length) return '<span class="none">none</span>';
    if (v.every(isRecord)) return table(v);
    return `<ul>${v.map((x) => `<li>${value(x)}</li>`).join('')}</ul>`;
  }
  if (isRecord(v)) return fields(v);
  return escapeHtml(typeof v === 'string' ? v : JSON.stringify(v));
}

function fields(record: Record<string, unknown>): string {
  const rows = Object.entries(record)
    .map(([k, v]) => `<tr><th>${label(k)}</th><td>${value(v)}</td></tr>`)
    .join('');
  return `<table class="fields">${rows}</table>`;
}

function table(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const head = columns.map((c) => `<th>${label(c)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${columns.map((c) => `<td>${value(r[c])}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="rows"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const STYLE =
  'body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}' +
  'table{border-collapse:collapse;margin:.3em 0}th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}' +
  'th{background:#f4f4f4}.none{color:#888}.erased{color:#a00;font-weight:bold}section{margin-top:2em}';

/**
 * The export as one self-contained HTML page (no script, no external resource), for a person to
 * read or print. Everything stored is escaped.
 */
export function personalDataExportHtml(doc: PersonalDataExport): string {
  const cases = doc.cases
    .map((c) => {
      const { caseId, reference, personalDataErased, ...sections } = c;
      const parts = Object.entries(sections)
        .map(([k, v]) => `<h3>${label(k)}</h3>${value(v)}`)
        .join('');
      return (
        `<section><h2>Case ${escapeHtml(reference)} <small>(${escapeHtml(caseId)})</small></h2>` +
        (personalDataErased
          ? '<p class="erased">The personal data of this case was erased.</p>'
          : '') +
        parts +
        '</section>'
      );
    })
    .join('');
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    `<title>${escapeHtml(doc.header.title)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${escapeHtml(doc.header.title)}</h1>${fields(doc.header)}${cases}</body></html>\n`
  );
}

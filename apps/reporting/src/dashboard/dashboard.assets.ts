import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The dashboard as served: a static HTML shell, a stylesheet and a script, from
 * apps/reporting/web (typed, linted, bundled by `npm run build` into dist/apps/reporting/web).
 * Read once, when the service starts; nothing comes from a CDN.
 */
export interface DashboardAssets {
  html: string;
  css: string;
  js: string;
}

/** dist/apps/reporting/web beside the compiled service; apps/reporting/web from source. */
export const DASHBOARD_WEB_DIR = join(__dirname, '..', '..', 'web');

export function loadDashboardAssets(dir = DASHBOARD_WEB_DIR): DashboardAssets {
  const read = (file: string) => {
    const path = join(dir, file);
    if (!existsSync(path))
      throw new Error(`the dashboard is not built (no ${path}): run npm run build`);
    return readFileSync(path, 'utf8');
  };
  return {
    html: read('index.html'),
    css: read('dashboard.css'),
    js: existsSync(join(dir, 'dashboard.js')) ? read('dashboard.js') : bundleFromSource(dir),
  };
}

/** Running from source (ts-jest): the script is bundled in memory, as npm run build bundles it. */
function bundleFromSource(dir: string): string {
  if (!existsSync(join(dir, 'dashboard.ts')))
    throw new Error(
      `the dashboard is not built (no ${join(dir, 'dashboard.js')}): run npm run build`,
    );
  // Loaded only here: esbuild is a dev dependency, absent from the production image.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundle = require('./dashboard.bundle') as typeof import('./dashboard.bundle');
  return bundle.bundleDashboardScript(dir);
}

export const DASHBOARD = loadDashboardAssets();
export const { html: DASHBOARD_HTML, css: DASHBOARD_CSS, js: DASHBOARD_JS } = DASHBOARD;

/**
 * Builds the dashboard's browser code (apps/reporting/web) with esbuild: the shell and the
 * stylesheet are copied as they are, the TypeScript is bundled into one plain script. Run by
 * scripts/build.sh on the compiled copy of this file, and by dashboard.assets.ts when the
 * service runs from source (ts-jest), so that both serve the same bundle. esbuild is a dev
 * dependency: the service never loads this file from a build.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

/** Files of apps/reporting/web served as they are. */
export const DASHBOARD_STATIC_FILES = ['index.html', 'dashboard.css'] as const;

export function bundleDashboardScript(webDir: string): string {
  const { outputFiles } = buildSync({
    entryPoints: [join(webDir, 'dashboard.ts')],
    tsconfig: join(webDir, 'tsconfig.json'),
    bundle: true,
    // One script that runs where it is loaded: no module loader, no require, no exports.
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    banner: { js: '/* Casebridge reporting dashboard. */' },
    write: false,
  });
  return outputFiles[0].text;
}

export function buildDashboard(webDir: string, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const file of DASHBOARD_STATIC_FILES) copyFileSync(join(webDir, file), join(outDir, file));
  writeFileSync(join(outDir, 'dashboard.js'), bundleDashboardScript(webDir));
}

if (require.main === module) {
  const [webDir, outDir] = process.argv.slice(2);
  if (!webDir || !outDir) throw new Error('usage: dashboard.bundle.js <web source dir> <out dir>');
  buildDashboard(webDir, outDir);
}

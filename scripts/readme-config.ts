// Rewrites the configuration table of README.md from `settings` (core + modules), so the README
// always matches the code: `node scripts/readme-config.ts` (a test checks it is up to date).
import fs from 'node:fs';
import path from 'node:path';
import { settings } from '../src/core/config.ts';
import { modules } from '../src/modules.ts';

export function configTable(): string {
  const rows = [
    ...settings.map((s) => ({ ...s, scope: 'platform' })),
    ...modules.flatMap((m) => (m.settings ?? []).map((s) => ({ ...s, scope: m.name }))),
  ];
  return ['| variable | module | default | meaning |', '|---|---|---|---|',
    ...rows.map((s) => `| \`${s.env}\` | ${s.scope} | ${s.default.replace(/\|/g, '\\|')} | ${s.meaning.replace(/\|/g, '\\|')} |`)].join('\n');
}

export const README = path.resolve(import.meta.dirname, '../README.md');
const BEGIN = '<!-- config:begin -->';
const END = '<!-- config:end -->';

export function withTable(readme: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < 0) throw new Error('README.md lacks the config markers');
  return readme.slice(0, a + BEGIN.length) + '\n' + configTable() + '\n' + readme.slice(b);
}

if (import.meta.main) {
  fs.writeFileSync(README, withTable(fs.readFileSync(README, 'utf8')));
  console.log('README.md configuration table updated');
}

// No user-facing text written straight into JSX: text nodes and the title / placeholder / aria-label /
// alt attributes must go through t(…) so both languages have them (issue 10 item 7). Parsed with the
// TypeScript compiler, not a regex, so generics and arrows are never taken for text.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const WEB = path.resolve(import.meta.dirname, '../../web/src');
const ATTRS = new Set(['title', 'placeholder', 'aria-label', 'alt']);
// proper names, scene tags, symbols and examples that read the same in both languages
const ALLOWED = new Set(['EspoCRM', 'Vinted', 'atelier', 'OK', 'KO', 'CSV', 'JSON', 'NFO', 'DIZ', 'SFV', 'ZIP', 'FTP', 'SFTP', 'URL', 'boutique', '/srv/releases', 'WEB', 'RETAiL', 'SCAN', 'HYBRiD']);

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.name.endsWith('.tsx') ? [p] : [];
  });
}

/** words of 2+ letters once allowed names are removed; empty = nothing to translate */
function words(text: string): string {
  const rest = text.split(/\s+/).filter((w) => !ALLOWED.has(w.replace(/[.,:;!?()«»]/g, ''))).join(' ');
  return /\p{L}{2,}/u.test(rest) ? rest.trim() : '';
}

export function literals(file: string): string[] {
  const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const at = (n: ts.Node) => `${path.relative(WEB, file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (n: ts.Node) => {
    if (ts.isJsxText(n) && words(n.text)) found.push(`${at(n)} text "${n.text.trim()}"`);
    if (ts.isJsxAttribute(n) && ATTRS.has(n.name.getText(src)) && n.initializer && ts.isStringLiteral(n.initializer) && words(n.initializer.text)) {
      found.push(`${at(n)} ${n.name.getText(src)}="${n.initializer.text}"`);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

describe('JSX literals', () => {
  test('the scan finds a literal when there is one', () => {
    const tmp = path.join(fs.mkdtempSync(path.join(import.meta.dirname, '.tmp-')), 'x.tsx');
    try {
      fs.writeFileSync(tmp, 'export const A = () => <div title="Delete it">Save <b>{n}</b> {t("ok")}<i>OK</i></div>;');
      expect(literals(tmp).map((l) => l.replace(/^.*?(text|title)/, '$1'))).toEqual(['title="Delete it"', 'text "Save"']);
    } finally {
      fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
    }
  });

  test('no user-facing text is written into web/src JSX', () => {
    const all = files(WEB);
    expect(all.length).toBeGreaterThan(20);
    expect(all.flatMap(literals)).toEqual([]);
  });
});

// The Dockerfile and its stand-in check (scripts/docker-check.ts, run by .ci/run) stay in sync: the
// check runs the steps parsed here; these are the properties the image needs.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { aptPackages, ciDebs, parseDockerfile } from '../../scripts/docker-check.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const steps = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));

describe('Dockerfile', () => {
  it('parses into steps the check knows, continuation lines joined', () => {
    expect(steps.map((s) => s.op).filter((op) => !['FROM', 'RUN', 'WORKDIR', 'COPY', 'ENV', 'VOLUME', 'EXPOSE', 'HEALTHCHECK', 'CMD'].includes(op))).toEqual([]);
    expect(parseDockerfile('# c\nRUN a \\\n  && b\nCMD ["x"]\n')).toEqual([{ op: 'RUN', args: 'a    && b' }, { op: 'CMD', args: '["x"]' }]);
  });

  it('installs every optional dependency, ffmpeg, and the Debian packages CI installs', () => {
    const runs = steps.filter((s) => s.op === 'RUN').map((s) => s.args).join('\n');
    expect(runs).not.toMatch(/--omit=optional|--no-optional/);
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm run build:web/);
    const pkgs = aptPackages(steps);
    expect(pkgs).toContain('ffmpeg');
    expect(pkgs.filter((p) => !ciDebs().includes(p))).toEqual([]);
  });

  it('runs the server as PID 1 in exec form (SIGTERM reaches it)', () => {
    const cmd = steps.find((s) => s.op === 'CMD')!;
    expect(JSON.parse(cmd.args)).toEqual(['node', 'bin/atelier.mjs', 'serve']);
  });
});

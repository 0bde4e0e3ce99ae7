// Shared by the source tests: fixture loading (never from ../shared: tests run in users' clones).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../fixtures/promoteurs/', import.meta.url));

export function fixture(path: string): string {
  return readFileSync(dir + path, 'utf8');
}

export const NOW = new Date('2026-02-15T12:00:00Z');

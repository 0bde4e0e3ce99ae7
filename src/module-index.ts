// The workshops by name, each loaded only when needed: `atelier --help` and the platform commands
// (`jobs …`, `users …`) start without importing any module's code (sharp, playwright, cheerio…).
// src/modules.ts composes all of them eagerly (server, tests); a test checks both lists agree.
import type { AtelierModule } from './core/module.ts';

export interface ModuleEntry {
  name: string;
  title: { fr: string; en: string };
  load(): Promise<AtelierModule>;
}

export const moduleIndex: ModuleEntry[] = [
  { name: 'vinted', title: { fr: 'Studio Vinted', en: 'Vinted Studio' }, load: async () => { const m = await import('./vinted/index.ts'); return { ...m.default, settings: m.default.settings ?? m.settings }; } },
  { name: 'promoteurs', title: { fr: 'Programmes neufs', en: 'New-build programmes' }, load: async () => (await import('./promoteurs/index.ts')).default },
  { name: 'releases', title: { fr: 'Packer de releases', en: 'Release Packer' }, load: async () => { const m = await import('./releases/index.ts'); return { ...m.default, settings: m.default.settings ?? m.settings }; } },
];

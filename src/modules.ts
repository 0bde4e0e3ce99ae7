// The workshops composed into the app. Each is one object (src/core/module.ts).
import type { AtelierModule } from './core/module.ts';
import vinted, { settings as vintedSettings } from './vinted/index.ts';
import promoteurs from './promoteurs/index.ts';
import releases, { settings as releasesSettings } from './releases/index.ts';

export const modules: AtelierModule[] = [
  { ...vinted, settings: vinted.settings ?? vintedSettings },
  promoteurs,
  { ...releases, settings: releases.settings ?? releasesSettings },
];

// The workshops composed into the app. Each is one object (src/core/module.ts).
import type { AtelierModule } from './core/module.ts';
import vinted from './vinted/index.ts';
import promoteurs from './promoteurs/index.ts';
import releases from './releases/index.ts';

export const modules: AtelierModule[] = [vinted, promoteurs, releases];

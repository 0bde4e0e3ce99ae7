// /api/releases/prefs: per-group defaults (rule set, templates, destinations, output folder) per
// release type; group "*" is every group's fallback. viewer reads, operator writes.
import { z } from 'zod';
import type { App, CoreContext } from '../core/module.ts';
import { HttpError, notFound } from '../core/errors.ts';
import { deletePrefs, effectivePrefs, getPrefs, listPrefs, PrefsError, setPrefs } from './prefs.ts';

const GroupParam = z.object({ group: z.string().regex(/^(\*|[A-Za-z0-9_]{1,32})$/, 'a group tag (letters, digits, _) or * for every group') });
const TypePrefs = z.object({
  ruleSet: z.string().max(40).optional(), nfoTemplate: z.string().max(64).optional(), dizTemplate: z.string().max(64).optional(),
  destinations: z.array(z.string().min(1).max(64)).max(20).optional(), outputPath: z.string().max(1024).optional(),
}).strict();
const Prefs = z.object({ EBOOK: TypePrefs.optional(), DOCS: TypePrefs.optional(), TV: TypePrefs.optional() }).strict();

export function prefsRoutes(app: App, ctx: CoreContext): void {
  app.get('/prefs', { config: { role: 'viewer' }, schema: { tags: ['releases'], summary: 'every group\'s preferences ("*" = all groups)' } },
    async () => ({ prefs: await listPrefs(ctx.db) }));

  app.get('/prefs/:group', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], params: GroupParam, querystring: z.object({ type: z.enum(['EBOOK', 'DOCS', 'TV']).optional() }), summary: 'a group\'s own preferences, and with ?type= what applies (own over "*")' },
  }, async (req) => ({
    group: req.params.group, prefs: await getPrefs(ctx.db, req.params.group),
    ...(req.query.type ? { effective: await effectivePrefs(ctx.db, req.params.group, req.query.type) } : {}),
  }));

  app.put('/prefs/:group', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], params: GroupParam, body: Prefs, summary: 'replace a group\'s preferences (each value checked: rule set, templates, destinations exist)' },
  }, async (req) => {
    try {
      return { group: req.params.group, prefs: await setPrefs(ctx.db, req.params.group, req.body) };
    } catch (e) {
      if (e instanceof PrefsError) throw new HttpError(400, e.code, e.message);
      throw e;
    }
  });

  app.delete('/prefs/:group', { config: { role: 'operator' }, schema: { tags: ['releases'], params: GroupParam } }, async (req, reply) => {
    if (!(await deletePrefs(ctx.db, req.params.group))) throw notFound(`preferences of ${req.params.group}`);
    return reply.code(204).send();
  });
}

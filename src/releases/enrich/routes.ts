// /api/releases/config/apis (the metadata providers: keys write-only and masked, *Tester*) and
// POST /api/releases/metadata/enrich (field-by-field suggestions from the providers).
import { z } from 'zod';
import type { App, CoreContext } from '../../core/module.ts';
import { HttpError, notFound } from '../../core/errors.ts';
import type { ReleaseMetadata } from '../metadata/types.ts';
import { mergeMetadata } from '../pack/pipeline.ts';
import { enrich, listConfigs, publicConfig, testProvider, updateConfig, PROVIDERS, type ProviderName } from './index.ts';

const Name = z.object({ name: z.enum(PROVIDERS as [ProviderName, ...ProviderName[]]) });
const Update = z.object({
  enabled: z.boolean().optional(),
  priority: z.number().int().min(0).max(1000).optional(),
  baseUrl: z.url({ protocol: /^https?$/ }).max(500).nullable().optional(),
  key: z.string().max(2000).nullable().optional(),
  pin: z.string().max(200).nullable().optional(),
});

export function enrichRoutes(app: App, ctx: CoreContext): void {
  const one = async (name: ProviderName) => publicConfig(ctx, (await listConfigs(ctx.db)).find((c) => c.name === name)!);

  app.get('/config/apis', { config: { role: 'viewer' }, schema: { tags: ['releases'], summary: 'metadata providers (keys masked)' } },
    async () => ({ apis: await Promise.all((await listConfigs(ctx.db)).map((c) => publicConfig(ctx, c))) }));

  app.put('/config/apis/:name', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], params: Name, body: Update, summary: 'enable, order, set or remove the key (vault) of a provider; baseUrl (a mirror) is for admins' },
  }, async (req) => {
    if (req.body.baseUrl !== undefined && req.user!.role !== 'admin') throw new HttpError(403, 'forbidden', 'only an admin may point a provider at another address');
    await updateConfig(ctx, req.params.name, req.body);
    return { api: await one(req.params.name) };
  });

  app.post('/config/apis/:name/test', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], params: Name, summary: 'Tester: one documented request with the stored key' },
  }, async (req) => testProvider(ctx, req.params.name));

  app.post('/metadata/enrich', {
    config: { role: 'operator' },
    schema: {
      tags: ['releases'],
      summary: 'ask the configured providers; suggestions per field (merged by precedence), and each provider\'s status ("unavailable" with the reason)',
      body: z.object({ type: z.enum(['EBOOK', 'DOCS', 'TV']), upload: z.uuid().optional(), metadata: z.record(z.string(), z.unknown()).optional() }),
    },
  }, async (req) => {
    let md: ReleaseMetadata = { format: 'EPUB', fileName: '', size: 0 };
    if (req.body.upload) {
      const row = await ctx.db.withSchema('releases').selectFrom('uploads').select('metadata').where('id', '=', req.body.upload).executeTakeFirst();
      if (!row) throw notFound(`upload ${req.body.upload}`);
      md = (typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata) ?? md;
    }
    md = mergeMetadata(md, req.body.metadata as Partial<ReleaseMetadata> | undefined);
    return enrich(ctx, md, req.body.type);
  });
}

// /api/releases/destinations (CRUD, *Tester*, pin) and delivery of packed releases
// (POST /api/releases/jobs/{id}/export, GET /api/releases/deliveries). Credentials are write-only:
// responses carry them masked (publicDestination).
import { z } from 'zod';
import { sql } from 'kysely';
import type { App, CoreContext } from '../../core/module.ts';
import { HttpError, notFound } from '../../core/errors.ts';
import { addDestination, DestinationError, getDestination, listDestinations, publicDestination, removeDestination, testDestination, updateDestination } from './destinations.ts';
import { DeliveryError } from './transport.ts';

const Kind = z.enum(['ftp', 'ftps', 'sftp']);
const Fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a fingerprint is "SHA256:" and 43 base64 characters');
const PathRule = z.object({ type: z.enum(['EBOOK', 'DOCS', 'TV']).optional(), group: z.string().max(32).optional(), path: z.string().min(1).max(1024) });
const Body = z.object({
  name: z.string().regex(/^[\w.-]{1,64}$/), kind: Kind, host: z.string().min(1).max(253), port: z.number().int().min(1).max(65535).optional(),
  username: z.string().min(1).max(128), path: z.string().min(1).max(1024), pathRules: z.array(PathRule).max(50).optional(),
  password: z.string().max(1024).optional(), privateKey: z.string().max(32_000).optional(), passphrase: z.string().max(1024).optional(),
  fingerprint: Fingerprint.optional(), acceptHostKey: z.boolean().optional(), parallel: z.number().int().min(1).max(16).optional(), limitKbps: z.number().int().positive().nullable().optional(),
});
const Id = z.object({ id: z.uuid() });

function mapError(e: unknown): never {
  if (e instanceof DestinationError) throw new HttpError(e.status, e.code, e.message);
  if (e instanceof DeliveryError) throw new HttpError(422, e.code, e.message);
  throw e;
}

export function deliveryRoutes(app: App, ctx: CoreContext): void {
  const show = async (id: string) => {
    const d = await getDestination(ctx.db, id);
    if (!d) throw notFound(`destination ${id}`);
    return { destination: await publicDestination(ctx.vault, d) };
  };

  app.get('/destinations', { config: { role: 'viewer' }, schema: { tags: ['releases'], summary: 'delivery destinations (credentials masked)' } },
    async () => ({ destinations: await Promise.all((await listDestinations(ctx.db)).map((d) => publicDestination(ctx.vault, d))) }));

  app.get('/destinations/:id', { config: { role: 'viewer' }, schema: { tags: ['releases'], params: Id } }, async (req) => show(req.params.id));

  app.post('/destinations', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], summary: 'add a destination; password/key go to the vault; acceptHostKey pins the key the server shows now', body: Body },
  }, async (req, reply) => {
    const d = await addDestination(ctx.db, ctx.vault, { ...req.body, limitKbps: req.body.limitKbps ?? undefined }, req.user!.id).catch(mapError);
    return reply.code(201).send(await show(d.id));
  });

  app.put('/destinations/:id', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], params: Id, body: Body.partial().extend({ fingerprint: Fingerprint.nullable().optional() }) },
  }, async (req) => {
    await updateDestination(ctx.db, ctx.vault, req.params.id, req.body).catch(mapError);
    return show(req.params.id);
  });

  app.delete('/destinations/:id', { config: { role: 'operator' }, schema: { tags: ['releases'], params: Id } }, async (req, reply) => {
    if (!(await removeDestination(ctx.db, ctx.vault, req.params.id))) throw notFound(`destination ${req.params.id}`);
    return reply.code(204).send();
  });

  app.post('/destinations/:id/test', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], params: Id, summary: 'Tester: connect, list, write and delete a probe file; an unpinned or changed key is reported with the fingerprint seen' },
  }, async (req) => {
    const d = await getDestination(ctx.db, req.params.id);
    if (!d) throw notFound(`destination ${req.params.id}`);
    return testDestination(ctx.vault, d);
  });

  app.post('/destinations/:id/pin', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], params: Id, body: z.object({ fingerprint: Fingerprint }), summary: 'pin the fingerprint the user checked (as shown by the Tester)' },
  }, async (req) => {
    await updateDestination(ctx.db, ctx.vault, req.params.id, { fingerprint: req.body.fingerprint }).catch(mapError);
    return show(req.params.id);
  });

  app.post('/jobs/:id/export', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], params: Id, body: z.object({ destinations: z.array(z.string().min(1).max(64)).min(1).max(20) }), summary: 'deliver a packed release to destinations (one delivery job each)' },
  }, async (req, reply) => {
    const pack = await ctx.db.withSchema('releases').selectFrom('packs').select(['name', 'ok', 'purged_at']).where(sql<boolean>`job_id::text = ${req.params.id}`).executeTakeFirst();
    if (!pack?.name) throw notFound(`pack ${req.params.id}`);
    if (pack.ok !== true) throw new HttpError(422, 'invalid_release', `${pack.name} did not pass validation: it is not delivered`);
    if (pack.purged_at) throw new HttpError(410, 'purged', `the files of ${pack.name} were deleted by the retention cleanup`);
    const jobs = [];
    for (const ref of req.body.destinations) {
      const d = await getDestination(ctx.db, ref);
      if (!d) throw notFound(`destination ${ref}`);
      jobs.push(await ctx.jobs.enqueue('releases.deliver', { destination: d.id, packJob: req.params.id }, { title: `${pack.name} → ${d.name}`, createdBy: req.user!.id }));
    }
    return reply.code(202).send({ jobs });
  });

  app.get('/deliveries', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], querystring: z.object({ pack: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }) },
  }, async (req) => {
    let q = ctx.db.withSchema('releases').selectFrom('deliveries').selectAll().orderBy('created_at', 'desc').limit(req.query.limit);
    if (req.query.pack) q = q.where(sql<boolean>`pack_job_id::text = ${req.query.pack}`);
    return { deliveries: await q.execute() };
  });
}

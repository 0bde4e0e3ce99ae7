// Job API shared by every module: list, detail, live events (SSE), cancel, rerun, artefacts, demo.
import { z } from 'zod';
import type { App } from '../module.ts';
import type { Platform } from '../platform.ts';
import { HttpError } from '../errors.ts';
import { fastSerializer } from './fast-json.ts';
import { isTerminal, type JobRecord } from '../jobs/service.ts';

const Job = z.object({
  id: z.string(), module: z.string(), kind: z.string(), status: z.string(), title: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()), progress: z.number(), counters: z.record(z.string(), z.number()),
  result: z.unknown(), error: z.string().nullable(), attempts: z.number(), created_by: z.string().nullable(),
  created_at: z.coerce.date(), started_at: z.coerce.date().nullable(), finished_at: z.coerce.date().nullable(), updated_at: z.coerce.date(),
});
const Event = z.object({ seq: z.number(), ts: z.coerce.date(), type: z.string(), level: z.string().nullable(), message: z.string().nullable(), data: z.unknown() });
const Artifact = z.object({ id: z.string(), name: z.string(), size: z.number(), content_type: z.string(), created_at: z.coerce.date() });
const Id = z.object({ id: z.uuid() });

const JobList = z.object({ jobs: z.array(Job) });

export async function jobRoutes(app: App, p: Platform): Promise<void> {
  // polled by the jobs page: a cached list (JobService.list hands out the same rows until they change)
  // is written once, by fast-json-stringify (see fast-json.ts), and sent as those bytes to every poller
  const writeList = fastSerializer({ schema: JobList });
  const listBodies = new WeakMap<JobRecord[], Buffer>();
  const listBody = (jobs: JobRecord[]): Buffer => {
    let body = listBodies.get(jobs);
    if (!body) listBodies.set(jobs, (body = Buffer.from(writeList({ jobs }))));
    return body;
  };

  const load = async (id: string) => {
    const job = await p.jobs.get(id);
    if (!job) throw new HttpError(404, 'not_found', `job ${id} not found`);
    return job;
  };

  app.get('/api/jobs', {
    config: { role: 'viewer' },
    schema: {
      tags: ['jobs'], summary: 'list jobs, newest first',
      querystring: z.object({ status: z.string().optional(), module: z.string().optional(), kind: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).optional(), offset: z.coerce.number().int().min(0).optional() }),
      response: { 200: JobList },
    },
  }, async (req, reply) => {
    const jobs = await p.jobs.list(req.query);
    // bytes are sent as they are (Fastify serializes objects only): the type provider expects the object
    return reply.type('application/json; charset=utf-8').send(listBody(jobs) as unknown as z.infer<typeof JobList>);
  });

  app.get('/api/jobs/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['jobs'], params: Id, response: { 200: z.object({ job: Job, events: z.array(Event), artifacts: z.array(Artifact) }) } },
  }, async (req) => {
    const job = await load(req.params.id);
    return { job, events: await p.jobs.eventsOf(job.id, 0, 500), artifacts: await p.jobs.artifacts(job.id) };
  });

  // Server-Sent Events: `job` on every change of the record, `log` for each new event; ends when finished.
  app.get('/api/jobs/:id/events', {
    config: { role: 'viewer' },
    schema: { tags: ['jobs'], summary: 'live job progress and log (text/event-stream)', params: Id },
  }, async (req, reply) => {
    const job = await load(req.params.id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let lastSeq = Number((req.headers['last-event-id'] as string) ?? 0) || 0;
    let lastStamp = '';
    let closed = false;
    const send = (event: string, data: unknown, id?: number) => {
      if (!closed) res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const push = async (): Promise<JobRecord | undefined> => {
      const cur = await p.jobs.get(job.id);
      if (!cur) return undefined;
      const stamp = `${new Date(cur.updated_at).getTime()}|${cur.status}|${cur.progress}|${JSON.stringify(cur.counters)}`;
      if (stamp !== lastStamp) {
        lastStamp = stamp;
        send('job', cur);
      }
      for (const e of await p.jobs.eventsOf(job.id, lastSeq)) {
        lastSeq = e.seq;
        send(e.type === 'log' || e.type === 'status' || e.type === 'progress' || e.type === 'artifact' ? 'log' : e.type, e, e.seq);
      }
      return cur;
    };
    let busy = false;
    let again = false;
    const tick = async () => {
      if (busy) { again = true; return; }
      busy = true;
      try {
        do {
          again = false;
          const cur = await push();
          if (!cur || isTerminal(cur.status)) return finish();
        } while (again);
      } catch {
        finish();
      } finally {
        busy = false;
      }
    };
    const onChange = () => void tick();
    p.jobs.events.on(job.id, onChange);
    // other processes (separate workers) do not emit here: poll as well
    const poll = setInterval(onChange, 1000);
    const keepAlive = setInterval(() => !closed && res.write(': keep-alive\n\n'), 15000);
    function finish() {
      if (closed) return;
      send('end', { status: 'done' });
      cleanup();
      res.end();
    }
    function cleanup() {
      closed = true;
      clearInterval(poll);
      clearInterval(keepAlive);
      p.jobs.events.off(job.id, onChange);
    }
    req.raw.on('close', cleanup);
    await tick();
  });

  app.post('/api/jobs/:id/cancel', {
    config: { role: 'operator' },
    schema: { tags: ['jobs'], params: Id, response: { 200: z.object({ job: Job }) } },
  }, async (req) => {
    await load(req.params.id);
    return { job: (await p.jobs.cancel(req.params.id))! };
  });

  app.post('/api/jobs/:id/rerun', {
    config: { role: 'operator' },
    schema: { tags: ['jobs'], params: Id, response: { 200: z.object({ job: Job }) } },
  }, async (req) => {
    await load(req.params.id);
    return { job: (await p.jobs.rerun(req.params.id, req.user!.id))! };
  });

  app.get('/api/jobs/:id/artifacts', {
    config: { role: 'viewer' },
    schema: { tags: ['jobs'], params: Id, response: { 200: z.object({ artifacts: z.array(Artifact) }) } },
  }, async (req) => {
    await load(req.params.id);
    return { artifacts: await p.jobs.artifacts(req.params.id) };
  });

  app.get('/api/jobs/:id/artifacts/:artifactId', {
    config: { role: 'viewer' },
    schema: { tags: ['jobs'], summary: 'download an artefact', params: z.object({ id: z.uuid(), artifactId: z.uuid() }) },
  }, async (req, reply) => {
    const a = await p.jobs.artifact(req.params.id, req.params.artifactId);
    if (!a) throw new HttpError(404, 'not_found', 'artifact not found');
    const stream = await p.files.stream(a.blob_key).catch(() => {
      throw new HttpError(410, 'gone', `artifact ${a.name} is no longer stored (retention)`);
    });
    return reply.type(a.content_type).header('content-length', a.size)
      .header('content-disposition', `attachment; filename="${a.name.replace(/[^\w.\-]/g, '_')}"`).send(stream);
  });

  app.post('/api/jobs/demo', {
    config: { role: 'operator' },
    schema: { tags: ['jobs'], summary: 'start a demo job that progresses to done', body: z.object({ steps: z.number().int().min(1).max(1000).optional(), stepMs: z.number().int().min(0).max(60000).optional() }).optional(), response: { 200: z.object({ job: Job }) } },
  }, async (req) => ({ job: await p.jobs.enqueue('core.demo', { steps: req.body?.steps ?? 10, stepMs: req.body?.stepMs ?? 300 }, { title: 'Demo job', createdBy: req.user!.id }) }));
}

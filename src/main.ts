// `atelier serve`: opens the platform, builds the server, listens, shuts down gracefully on signals.
import { openPlatform } from './core/platform.ts';
import { loadConfig } from './core/config.ts';
import { buildServer } from './server.ts';
import type { AtelierModule } from './core/module.ts';

export async function startServer(modules: AtelierModule[], o: { port?: number } = {}) {
  const config = loadConfig();
  const p = await openPlatform({ config, modules, role: 'server', work: config.workers, schedules: true });
  const port = o.port ?? config.port;
  let app: Awaited<ReturnType<typeof buildServer>>;
  try {
    app = await buildServer(p);
    await app.listen({ port, host: config.host });
  } catch (e) {
    // a busy port (or any start failure) releases the data dir and the queue before the exit code says so
    await p.close().catch(() => {});
    throw e;
  }
  // the port actually bound (PORT=0 picks one) and the address: the CLI finds the server through the lock
  const bound = app.server.address();
  p.lock?.update(typeof bound === 'object' && bound ? { port: bound.port, host: bound.address } : { port });
  const users = await p.auth.countUsers();
  p.log.info({ url: `http://localhost:${port}`, database: p.database.kind, dataDir: config.dataDir },
    users === 0 ? 'atelier is ready: open the URL to create the first admin (or run `atelier users create-admin`)' : 'atelier is ready');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    p.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20000);
    force.unref();
    await app.close();
    await p.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return { app, platform: p };
}

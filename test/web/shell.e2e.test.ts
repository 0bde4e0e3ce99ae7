// End-to-end: the real server (all modules, real database, real job workers) serving the built web
// app, driven through Debian's chromium. Signs in, walks the navigation, starts a demo job from the
// jobs page and watches its progress bar move to done (SSE), reads the job's counters and log,
// stops a long job, survives an expired access cookie (refresh-on-401), manages API tokens, and
// switches the language.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { englishShown, overflowsSideways, withinViewport } from '../helpers/french.ts';
import { ensureWeb } from '../../scripts/ensure-web.ts';
import type { AtelierModule } from '../../src/core/module.ts';

// The shell only needs each module's name and title (its pages come from web/src/modules/<name>/);
// the modules' own server code is tested by their suites, so a half-written module does not
// break this test.
const modules: AtelierModule[] = [
  { name: 'vinted', title: { fr: 'Studio Vinted', en: 'Vinted Studio' } },
  { name: 'promoteurs', title: { fr: 'Promoteurs', en: 'Developers' } },
  { name: 'releases', title: { fr: 'Packer', en: 'Packer' } },
  // a test-only module whose job attaches a file, to exercise artefact downloads (no page: not in the menu)
  {
    name: 'e2e',
    title: { fr: 'E2E', en: 'E2E' },
    jobs: {
      report: {
        async handler(job) {
          await job.progress(50, { lignes: 3 });
          await job.artifact('rapport été.txt', 'ligne 1\nligne 2\nligne 3\n', 'text/plain; charset=utf-8');
          await job.log('warn', 'one line looked odd', { line: 2 });
          await job.progress(100, { lignes: 3 });
          return { ok: true };
        },
      },
    },
  },
];

let platform: TestPlatform;
let browser: TestBrowser;
let baseURL: string;
let page: Page;

beforeAll(async () => {
  await ensureWeb({ quiet: true }); // before the server starts: it serves web/dist as found at start
  platform = await createTestPlatform({ modules });
  // start as a fresh install: no user at all (the first-run page creates the admin)
  await platform.ctx.db.withSchema('core').deleteFrom('users').execute();
  baseURL = await platform.listen();
  browser = await launchBrowser({ baseURL });
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

const progressOf = (row: ReturnType<Page['locator']>) =>
  row.getByRole('progressbar').first().getAttribute('aria-valuenow').then(Number);

describe('web shell', () => {
  test('a fresh install asks to create the administrator, then signs them in', async () => {
    await page.goto('/');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/setup');
    await page.getByRole('heading', { name: 'Bienvenue dans atelier' }).waitFor();
    await browser.screenshot(page, 'setup-page');
    await page.getByLabel('Adresse e-mail de l’administrateur').fill('owner@test.local');
    await page.getByLabel('Mot de passe', { exact: true }).fill('owner-password-1');
    await page.getByLabel('Confirmez le mot de passe').fill('owner-password-2');
    await page.getByRole('button', { name: 'Créer le compte administrateur' }).click();
    await page.getByText('Les deux mots de passe ne sont pas identiques.').waitFor();
    await page.getByLabel('Confirmez le mot de passe').fill('owner-password-1');
    await page.getByRole('button', { name: 'Créer le compte administrateur' }).click();
    await page.getByRole('heading', { name: /^Bonjour, owner/ }).waitFor();
    const users = await platform.ctx.auth.listUsers();
    expect(users.map((u: { email: string; role: string }) => [u.email, u.role])).toEqual([['owner@test.local', 'admin']]);
    // the setup page is closed for good once an admin exists
    await page.goto('/setup');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    expect((await page.request.post('/api/auth/setup', { data: { email: 'x@test.local', password: 'another-password' } })).status()).toBe(409);
    await page.getByRole('button', { name: /owner@test\.local/ }).click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    // the accounts the rest of the walk uses
    await platform.ctx.auth.createUser('admin@test.local', 'admin-password-123', 'admin');
    await platform.ctx.auth.createUser('viewer@test.local', 'viewer-password-123', 'viewer');
  });

  test('an unknown visitor lands on the sign-in page; a wrong password says so', async () => {
    await page.goto('/jobs');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/jobs');
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await page.getByLabel('Adresse e-mail').fill('admin@test.local');
    await page.getByLabel('Mot de passe').fill('not-the-password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('alert').filter({ hasText: 'E-mail ou mot de passe incorrect.' }).waitFor();
    await browser.screenshot(page, 'login-page');
  });

  test('signs in and comes back to the page asked for', async () => {
    await page.getByLabel('Mot de passe').fill('admin-password-123');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Tâches', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/jobs');
    expect(await page.title()).toBe('Tâches · atelier');
  });

  test('navigation reaches the three workshops', async () => {
    const nav = page.getByRole('navigation');
    for (const m of modules.filter((x) => x.name !== 'e2e')) {
      await nav.getByRole('link', { name: m.title.fr }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/${m.name}`);
      await page.locator('main h1').first().waitFor();
    }
    expect(await nav.getByRole('link', { name: 'E2E' }).count()).toBe(0); // no page for it
    await nav.getByRole('link', { name: 'Accueil' }).click();
    await page.getByRole('heading', { name: /^Bonjour/ }).waitFor();
    await browser.screenshot(page, 'home-page');
  });

  test('a demo job started from the jobs page progresses to done, live', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Tâches' }).click();
    await page.getByRole('heading', { name: 'Tâches', exact: true }).waitFor();
    // record every value the progress bars take, in the page itself (independent of test timing)
    await page.evaluate(() => {
      const w = window as unknown as { progressSeen: number[] };
      w.progressSeen = [];
      new MutationObserver((records) => {
        for (const r of records) {
          const v = (r.target as Element).getAttribute('aria-valuenow');
          if (v !== null && (r.target as Element).closest('tr[data-job-id]')) w.progressSeen.push(Number(v));
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    });
    await page.getByRole('button', { name: 'Lancer une tâche de démonstration' }).first().click();

    const row = page.locator('tr[data-job-id]').first();
    await row.waitFor();
    await expect.poll(() => progressOf(row), { timeout: 30_000 }).toBeGreaterThan(0);
    await browser.screenshot(page, 'jobs-page-running');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');
    await row.getByText('Terminée').waitFor();
    expect(await progressOf(row)).toBe(100);
    // the bar moved through intermediate values (SSE), not straight from 0 to 100
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    const intermediate = new Set(seen.filter((v) => v > 0 && v < 100));
    expect(intermediate.size, `progress values seen: ${seen.join(', ')}`).toBeGreaterThanOrEqual(3);
    await browser.screenshot(page, 'jobs-page');
  });

  test('the job page shows counters, the log and the final state', async () => {
    await page.locator('tr[data-job-id]').first().getByRole('link', { name: 'Détails' }).click();
    await page.getByRole('heading', { name: 'Tâche de démonstration' }).waitFor();
    await expect.poll(() => page.locator('[data-counter="steps_done"] dd').textContent()).toBe('10');
    await page.getByText('Étapes faites').waitFor();
    await page.getByTestId('job-log').getByText('Étape 10/10 terminée').waitFor(); // the core's 'step 10/10 done', worded from its code
    expect(await page.locator('[data-status]').first().getAttribute('data-status')).toBe('completed');
    await browser.screenshot(page, 'job-page');
  });

  test('files a job produced download from its page', async () => {
    const job = await platform.ctx.jobs.enqueue('e2e.report', {}, { title: 'Rapport de test' });
    await platform.ctx.jobs.wait(job.id, {});
    await page.goto(`/jobs/${job.id}`);
    await page.getByRole('heading', { name: 'Rapport de test' }).waitFor();
    await page.getByText('rapport été.txt', { exact: true }).waitFor();
    await page.getByTestId('job-log').getByText('one line looked odd').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger' }).click()]);
    const file = await download.path();
    expect(fs.readFileSync(file, 'utf8')).toBe('ligne 1\nligne 2\nligne 3\n');
  });

  test('a long job can be stopped from the jobs page', async () => {
    const r = await page.request.post('/api/jobs/demo', { data: { steps: 200, stepMs: 200 } });
    expect(r.status()).toBe(200);
    const { job } = await r.json();
    await page.goto('/jobs');
    const row = page.locator(`tr[data-job-id="${job.id}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('running');
    await row.getByRole('button', { name: 'Arrêter' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Oui, arrêter' }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('cancelled');
    await row.getByText('Annulée').waitFor();
    expect((await platform.ctx.jobs.get(job.id))?.status).toBe('cancelled');

    // "Relancer" on the stopped job's page starts a new job with the same input and opens it
    await row.getByRole('link', { name: 'Détails' }).click();
    await page.getByRole('button', { name: 'Relancer' }).click();
    await expect.poll(() => new URL(page.url()).pathname).not.toBe(`/jobs/${job.id}`);
    const rerunId = new URL(page.url()).pathname.split('/').pop()!;
    const rerun = await platform.ctx.jobs.get(rerunId);
    expect(rerun?.payload).toEqual(job.payload);
    await platform.ctx.jobs.cancel(rerunId); // frees the worker for the rest of the walk
  });

  test('the Arrêter confirmation is whole, in the desktop table and on a 390 px phone; the jobs page speaks French only', async () => {
    const r = await page.request.post('/api/jobs/demo', { data: { steps: 200, stepMs: 200 } });
    const { job } = await r.json();
    try {
      for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
        await page.setViewportSize(viewport);
        await page.goto('/jobs');
        // the table (desktop) or the card (phone) of that job: only one of them is shown
        const item = page.locator(`[data-job-id="${job.id}"]:visible`);
        await expect.poll(() => item.getAttribute('data-status'), { timeout: 15_000 }).toBe('running');
        expect(await englishShown(page)).toEqual([]);
        await item.getByRole('button', { name: 'Arrêter' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByText('Arrêter cette tâche ?').waitFor();
        expect(await withinViewport(page, 'dialog[open]'), `${viewport.width} px`).toBe(true);
        // no line of it cut: its text wraps inside the box (the right-aligned, nowrap cell it opens from once clipped it)
        expect(await dialog.evaluate((d) => [...d.querySelectorAll('p, h2, button')].every((e) => e.scrollWidth <= e.clientWidth + 1 && e.getBoundingClientRect().right <= d.getBoundingClientRect().right + 0.5)), `${viewport.width} px`).toBe(true);
        expect(await withinViewport(page, 'dialog[open] >> role=button[name="Oui, arrêter"]')).toBe(true);
        expect(await overflowsSideways(page), `${viewport.width} px`).toEqual([]);
        await browser.screenshot(page, `jobs-stop-confirmation-${viewport.width}`);
        await dialog.getByRole('button', { name: 'Non, continuer' }).click();
        await dialog.waitFor({ state: 'hidden' });
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
      await platform.ctx.jobs.cancel(job.id);
    }
  });

  test('an expired access cookie is refreshed transparently (one retry after POST /api/auth/refresh)', async () => {
    // leave the live job page first: its SSE stream would otherwise notice the missing cookie and
    // refresh on its own while the next page loads, making the count below depend on timing
    await page.goto('about:blank');
    await browser.context.clearCookies({ name: 'atelier_access' });
    const refreshes: number[] = [];
    page.on('response', (res) => {
      if (res.url().endsWith('/api/auth/refresh')) refreshes.push(res.status());
    });
    await page.goto('/jobs');
    await page.locator('tr[data-job-id]').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/jobs');
    expect(refreshes).toEqual([200]); // one refresh, then the failed request was retried
    const names = (await browser.context.cookies()).map((c) => c.name);
    expect(names).toContain('atelier_access');
  });

  test('personal API tokens: created once, usable, deleted', async () => {
    await page.goto('/account');
    await page.getByRole('heading', { name: 'Jetons d’accès personnels' }).waitFor();
    await page.getByLabel('Nom du jeton').fill('ordinateur du bureau');
    await page.getByRole('button', { name: 'Créer un jeton' }).click();
    const token = (await page.getByTestId('new-token').locator('code').textContent())!.trim();
    expect(token).toMatch(/^atl_/);
    await browser.screenshot(page, 'account-page');
    expect((await platform.request('GET', '/api/auth/me', { token })).status).toBe(200);

    const row = page.locator('tr[data-token-id]').filter({ hasText: 'ordinateur du bureau' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Supprimer' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Supprimer' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await platform.request('GET', '/api/auth/me', { token })).status).toBe(401);
  });

  test('an admin adds a user, changes their role and removes them', async () => {
    await page.getByRole('button', { name: /admin@test\.local/ }).click();
    await page.getByRole('link', { name: 'Utilisateurs' }).click();
    await page.getByRole('heading', { name: 'Utilisateurs', exact: true }).waitFor();
    await page.getByLabel('Adresse e-mail').fill('ops@test.local');
    await page.getByLabel('Mot de passe provisoire').fill('ops-password-123');
    await page.getByLabel('Rôle').first().selectOption('operator');
    await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
    const row = page.locator('tr[data-user="ops@test.local"]');
    await row.waitFor();
    // the same address twice is refused with a sentence, not a code
    await page.getByLabel('Adresse e-mail').fill('ops@test.local');
    await page.getByLabel('Mot de passe provisoire').fill('ops-password-456');
    await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Un compte existe déjà avec cette adresse e-mail.' }).waitFor();
    const find = async () => (await platform.ctx.auth.listUsers()).find((u: { email: string }) => u.email === 'ops@test.local');
    expect((await find())?.role).toBe('operator');
    await row.getByLabel('Rôle').selectOption('viewer');
    await expect.poll(async () => (await find())?.role).toBe('viewer');
    await browser.screenshot(page, 'users-page');
    await row.getByRole('button', { name: 'Supprimer' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Supprimer' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await find()).toBeUndefined();
    // one cannot demote or delete oneself from here
    const self = page.locator('tr[data-user="admin@test.local"]');
    expect(await self.getByLabel('Rôle').isDisabled()).toBe(true);
    expect(await self.getByRole('button', { name: 'Supprimer' }).count()).toBe(0);
  });

  test('English is one click away and is remembered', async () => {
    await page.goto('/account');
    await page.getByRole('banner').getByRole('group', { name: 'Langue' }).getByRole('button', { name: 'en' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.goto('/jobs');
    await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByRole('banner').getByRole('group', { name: 'Language' }).getByRole('button', { name: 'fr' }).click();
    await page.getByRole('heading', { name: 'Tâches', exact: true }).waitFor();
  });

  test('signing out returns to the sign-in page and the session is gone', async () => {
    await page.getByRole('button', { name: /admin@test\.local/ }).click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    const r = await page.request.get('/api/auth/me');
    expect(r.status()).toBe(401);
  });

  test('a viewer sees the jobs but cannot start or stop them', async () => {
    await page.getByLabel('Adresse e-mail').fill('viewer@test.local');
    await page.getByLabel('Mot de passe').fill('viewer-password-123');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: /^Bonjour/ }).waitFor();
    await page.goto('/jobs');
    await page.locator('tr[data-job-id]').first().waitFor();
    expect(await page.getByRole('button', { name: 'Lancer une tâche de démonstration' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Arrêter' }).count()).toBe(0);
  });

  test('when the whole session is gone, the sign-in page says it expired and leads back', async () => {
    await browser.context.clearCookies(); // access and refresh cookies both gone (e.g. refresh token expired)
    await page.getByRole('navigation').getByRole('link', { name: 'Accueil' }).click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await page.getByText('Votre session a expiré. Reconnectez-vous.').waitFor();
    await page.getByLabel('Adresse e-mail').fill('viewer@test.local');
    await page.getByLabel('Mot de passe').fill('viewer-password-123');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: /^Bonjour/ }).waitFor();
  });

  test('no uncaught error in the pages', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});

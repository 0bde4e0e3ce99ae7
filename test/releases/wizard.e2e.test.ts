// End-to-end: the real server (releases module, PGlite, job workers) serving the built web app,
// driven through Debian's chromium: the Packer wizard packs a small EPUB from group to downloads.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { signInApi } from '../helpers/sign-in.ts';
import { englishShown } from '../helpers/french.ts';
import { ensureWeb } from '../../scripts/ensure-web.ts';
import releases from '../../src/releases/index.ts';
import { writeEpub } from './samples.ts';

let platform: TestPlatform;
let browser: TestBrowser;
let page: Page;
let epub: string;

beforeAll(async () => {
  await ensureWeb({ quiet: true });
  platform = await createTestPlatform({ modules: [releases] });
  const baseURL = await platform.listen();
  epub = await writeEpub(path.join(platform.dataDir, 'Le Rouge et le Noir.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', publisher: 'Folio', date: '2015-01-01', language: 'fr', isbn: '9782070413454' });
  browser = await launchBrowser({ baseURL });
  page = await browser.newPage();
  await signInApi(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

describe('Packer wizard', () => {
  test('packs an EPUB: group → type → rules → file → metadata → template preview → summary → pack → downloads', async () => {
    await page.goto('/releases');
    await page.getByRole('heading', { name: 'Packer' }).waitFor();

    await page.getByLabel('Tag du groupe').fill('A B');
    await page.getByText('Le tag ne peut contenir que des lettres, chiffres et _.').waitFor();
    expect(await page.getByRole('button', { name: 'Suivant' }).isDisabled()).toBe(true);
    await page.getByLabel('Tag du groupe').fill('ATL');
    await page.getByRole('button', { name: 'Suivant' }).click();

    await page.getByRole('radio', { name: /Livre numérique/ }).click();
    await page.getByRole('button', { name: 'Suivant' }).click();

    await page.getByLabel('Jeu de règles').waitFor();
    expect(await page.getByLabel('Jeu de règles').inputValue()).toBe('ebook-2024');
    await page.getByRole('button', { name: 'Suivant' }).click();

    // drag & drop: a real DataTransfer carrying the file, dropped on the zone
    const bytes = await fs.readFile(epub);
    const dt = await page.evaluateHandle(({ b64, name }) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const d = new DataTransfer();
      d.items.add(new File([bin], name, { type: 'application/epub+zip' }));
      return d;
    }, { b64: bytes.toString('base64'), name: 'Le Rouge et le Noir.epub' });
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: dt });
    await page.getByText('EPUB · Le Rouge et le Noir · Stendhal').waitFor();
    await page.getByRole('button', { name: 'Suivant' }).click();

    // metadata: extracted values, the name built and validated; an edit re-validates it
    expect(await page.getByLabel('Titre', { exact: true }).inputValue()).toBe('Le Rouge et le Noir');
    await expect.poll(() => page.getByLabel('Nom de la release').inputValue()).toBe('Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    await page.getByText('Nom conforme à ebook-2024').waitFor();
    await page.getByLabel('Nom de la release').fill('Stendhal Le Rouge!.2015.RETAiL.eBOOK-ATL');
    await page.getByText('Nom refusé par ebook-2024').waitFor();
    await page.getByText('Nom : caractères permis').waitFor(); // the rule naming.characters, named in French
    await page.getByText('caractères interdits " " "!" (permis : A-Za-z0-9._-)').waitFor(); // its detail too, from its code
    expect(await englishShown(page)).toEqual([]);
    await page.getByRole('button', { name: 'Recalculer depuis les métadonnées' }).click();
    await page.getByLabel('Éditeur').fill('Gallimard');
    await page.getByLabel('Année').fill('2016');
    await expect.poll(() => page.getByLabel('Nom de la release').inputValue()).toBe('Stendhal.Le.Rouge.Et.Le.Noir.2016.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    await page.getByText('Nom conforme à ebook-2024').waitFor();
    await page.getByRole('button', { name: 'Suivant' }).click();

    // template: live NFO preview follows edits of the template and the notes
    const nfo = page.getByTestId('nfo-preview');
    await expect.poll(() => nfo.textContent()).toContain('Gallimard');
    expect(await nfo.textContent()).toContain('Stendhal.Le.Rouge.Et.Le.Noir.2016.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    await page.getByLabel('Notes (dans le NFO)').fill('Merci aux relecteurs.');
    await expect.poll(() => nfo.textContent()).toContain('Merci aux relecteurs.');
    await expect.poll(() => page.getByTestId('diz-preview').textContent()).toContain('[xx/NN]');
    await browser.screenshot(page, 'releases-wizard-template');
    await page.getByRole('button', { name: 'Suivant' }).click();

    // summary: the planned tree comes from a dry run on the server (POST /api/releases/plan, no job)
    const tree = page.getByTestId('release-tree');
    await tree.waitFor({ timeout: 60_000 });
    expect(await tree.textContent()).toBe('Stendhal.Le.Rouge.Et.Le.Noir.2016.FRENCH.RETAiL.ePUB.eBOOK-ATL/\n├── atlslr.nfo\n└── atlslr1.zip');
    await page.getByRole('button', { name: 'Lancer le packaging' }).click();

    // results: valid, files downloadable
    await page.getByTestId('results').waitFor({ timeout: 90_000 });
    await page.getByText('Release valide : toutes les règles de ebook-2024 sont respectées.').waitFor();
    await page.getByText('Nom : structure').waitFor();
    // French UI: no English in the pack result, each check's detail included (worded from its code)
    const details = await page.locator('[data-check-detail]').allInnerTexts();
    expect(details.length).toBeGreaterThan(5);
    expect(details).toContain('uniquement A-Za-z0-9._-');
    expect(await englishShown(page)).toEqual([]);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger atlslr1.zip' }).click()]);
    expect(dl.suggestedFilename()).toBe('atlslr1.zip');
    const saved = path.join(platform.dataDir, 'dl.zip');
    await dl.saveAs(saved);
    expect((await fs.readFile(saved)).subarray(0, 2).toString()).toBe('PK');
    // the recent packs list shows it, and reopens its results
    const recent = page.getByTestId('recent-packs');
    await expect.poll(() => recent.textContent()).toContain('Stendhal.Le.Rouge.Et.Le.Noir.2016.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    expect(await recent.textContent()).toContain('valide');
    await browser.screenshot(page, 'releases-wizard-results');
    await page.getByRole('button', { name: 'Nouvelle release' }).click();
    await page.getByTestId('dropzone').waitFor();
    await recent.getByRole('button', { name: 'Voir' }).first().click();
    await page.getByText('Release valide : toutes les règles de ebook-2024 sont respectées.').waitFor();

    const jobs = await platform.ctx.jobs.list({ module: 'releases', kind: 'pack' });
    expect(jobs.length).toBe(1);
    const real = jobs[0];
    expect(real.status).toBe('completed');
    expect((real.result as { release: { name: string } }).release.name).toBe('Stendhal.Le.Rouge.Et.Le.Noir.2016.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    expect(browser.pageErrors).toEqual([]);
  }, 240_000);
});

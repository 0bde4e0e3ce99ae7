// The "done means", tried as a new user would, in Debian's chromium against the real server
// (releases module, PGlite or PostgreSQL, job workers), a real OpenSSH sshd started here, and the
// OpenLibrary fake (src/releases/fakes/metadata.ts): add an SFTP destination in the Destinations
// tab (the host key is shown on first use and pinned), pack an EPUB in the wizard accepting the
// OpenLibrary suggestions, send it with "Envoyer vers…", see every file verified — and find the
// files on the server byte-identical to the release's. Screenshots in test-output/.
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
import { startFakeMetadataApis, type FakeMetadataApis } from '../../src/releases/fakes/metadata.ts';
import { updateConfig } from '../../src/releases/enrich/index.ts';
import { FIXTURES, writeEpub } from './samples.ts';
import { startSshd, cleanup } from './deliver/servers.ts';

let platform: TestPlatform;
let browser: TestBrowser;
let page: Page;
let fake: FakeMetadataApis;
let sshd: Awaited<ReturnType<typeof startSshd>>;
let epub: string;

beforeAll(async () => {
  await ensureWeb({ quiet: true });
  [platform, fake, sshd] = await Promise.all([createTestPlatform({ modules: [releases] }), startFakeMetadataApis(), startSshd()]);
  // the provider addresses are an admin setting; here they point at the fake (no key needed for OpenLibrary)
  await updateConfig(platform.ctx, 'openlibrary', { enabled: true, baseUrl: fake.base('openlibrary') });
  await updateConfig(platform.ctx, 'tmdb', { baseUrl: fake.base('tmdb') });
  const baseURL = await platform.listen();
  epub = await writeEpub(path.join(platform.dataDir, 'Le Rouge et le Noir.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', publisher: 'Folio', date: '2015-01-01', language: 'fr', isbn: '9782070413454' });
  browser = await launchBrowser({ baseURL });
  page = await browser.newPage();
  await signInApi(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  await fake?.close();
  await cleanup(sshd);
});

describe('Packer: enrich, pack, send to SFTP', () => {
  test('a new user adds an SFTP destination, packs an EPUB with the OpenLibrary suggestions and sees it verified on the server', async () => {
    // ---- a metadata source's key: write-only, masked, and the Tester says why it is refused
    await page.goto('/releases#sources');
    const tmdb = page.locator('[data-provider="tmdb"]');
    await tmdb.waitFor();
    expect(await tmdb.textContent()).toContain('clé manquante');
    await tmdb.getByLabel(/Clé d’API/).fill('not-the-right-key');
    await tmdb.getByRole('button', { name: 'Enregistrer' }).click();
    await tmdb.getByText('prête').waitFor();
    await tmdb.getByRole('button', { name: 'Tester' }).click();
    await tmdb.getByText(/indisponible — clé refusée/).waitFor({ timeout: 30_000 });
    await tmdb.getByLabel(/Clé d’API/).fill(fake.keys.tmdb);
    await tmdb.getByRole('button', { name: 'Enregistrer' }).click();
    await tmdb.getByText(`(****${fake.keys.tmdb.slice(-4)})`).waitFor();
    await tmdb.getByRole('button', { name: 'Tester' }).click();
    await tmdb.getByText('Test réussi.').waitFor({ timeout: 30_000 });
    expect(await page.content()).not.toContain(fake.keys.tmdb);
    await browser.screenshot(page, 'releases-metadata-sources');

    // ---- the destination: added, tested, its key shown and pinned on first use
    await page.getByRole('tab', { name: 'Destinations' }).click();
    await page.getByText('Aucune destination : ajoutez-en une ci-dessous.').waitFor();
    await page.getByLabel('Nom', { exact: true }).fill('seedbox');
    await page.getByLabel('Protocole').selectOption('sftp');
    await page.getByLabel('Hôte').fill(sshd.host);
    await page.getByLabel('Port').fill(String(sshd.port));
    await page.getByLabel('Utilisateur').fill(sshd.user);
    await page.getByLabel('Mot de passe', { exact: true }).fill(sshd.password);
    await page.getByLabel('Dossier distant').fill(`${sshd.root}/{type}`);
    await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
    const row = page.locator('[data-destination="seedbox"]');
    await row.waitFor();
    // the password is never shown back, only masked
    expect(await row.textContent()).toContain(`****${sshd.password.slice(-4)}`);
    expect(await page.content()).not.toContain(sshd.password);
    await row.getByRole('button', { name: 'Tester' }).click();
    await expect.poll(() => page.getByTestId('seen-fingerprint').textContent(), { timeout: 30_000 }).toBe(sshd.fingerprint);
    await browser.screenshot(page, 'releases-destination-first-use');
    await row.getByRole('button', { name: 'Épingler cette empreinte' }).click();
    await row.getByText('Test réussi.').waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(`clé épinglée ${sshd.fingerprint}`);
    for (const step of ['connexion', 'liste du dossier', 'écriture du fichier test', 'suppression du fichier test']) await row.getByText(`OK ${step}`).waitFor();
    await browser.screenshot(page, 'releases-destinations');

    // ---- preferences: ATL's ebooks go to seedbox by default
    await page.getByRole('tab', { name: 'Préférences' }).click();
    await page.getByLabel('Groupe (* = tous)').fill('ATL');
    await page.getByTestId('prefs').locator('fieldset', { hasText: 'Livre numérique' }).getByLabel('seedbox').check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Préférences enregistrées.').waitFor();
    expect((await platform.request('GET', '/api/releases/prefs/ATL', { token: platform.tokens.viewer })).body.prefs).toEqual({ EBOOK: { destinations: ['seedbox'] } });

    // ---- the wizard, up to the metadata step
    await page.getByRole('tab', { name: 'Packer' }).click();
    await page.getByLabel('Tag du groupe').fill('ATL');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByRole('radio', { name: /Livre numérique/ }).click();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Jeu de règles').waitFor();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByTestId('file-input').setInputFiles(epub);
    await page.getByText('EPUB · Le Rouge et le Noir · Stendhal').waitFor();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await expect.poll(() => page.getByLabel('Nom de la release').inputValue()).toBe('Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL');

    // ---- OpenLibrary's suggestions, field by field; the user accepts the publisher and the year
    const enrich = page.getByTestId('enrich');
    await enrich.getByText('Open Library : réponse').waitFor({ timeout: 30_000 });
    expect(await enrich.getByTestId('enrich-providers').textContent()).toContain('Google Books : désactivée');
    const publisher = enrich.locator('tr[data-field="publisher"]');
    expect(await publisher.textContent()).toContain('Folio');
    expect(await publisher.textContent()).toContain('Gallimard');
    await browser.screenshot(page, 'releases-wizard-suggestions');
    await enrich.getByRole('button', { name: 'Accepter Éditeur' }).click();
    await enrich.getByRole('button', { name: 'Accepter Année' }).click();
    await enrich.getByRole('button', { name: 'Accepter Pages' }).click();
    expect(await page.getByLabel('Éditeur', { exact: true }).inputValue()).toBe('Gallimard');
    expect(await page.getByLabel('Pages', { exact: true }).inputValue()).toBe('576');
    await expect.poll(() => page.getByLabel('Nom de la release').inputValue()).toBe('Stendhal.Le.Rouge.Et.Le.Noir.2000.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    await page.getByText('Nom conforme à ebook-2024').waitFor();
    await page.getByRole('button', { name: 'Suivant' }).click();

    const nfo = page.getByTestId('nfo-preview');
    await expect.poll(() => nfo.textContent(), { timeout: 30_000 }).toContain('Gallimard');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByTestId('release-tree').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Lancer le packaging' }).click();
    await page.getByTestId('results').waitFor({ timeout: 90_000 });
    await page.getByText('Release valide : toutes les règles de ebook-2024 sont respectées.').waitFor();

    // ---- Envoyer vers… the SFTP destination: live progress, then every file verified
    await page.getByRole('button', { name: 'Envoyer vers…' }).click();
    // preselected from ATL's preferences
    await expect.poll(() => page.getByLabel('seedbox').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    const deliveries = page.getByTestId('deliveries');
    await deliveries.waitFor({ timeout: 90_000 });
    const name = 'Stendhal.Le.Rouge.Et.Le.Noir.2000.FRENCH.RETAiL.ePUB.eBOOK-ATL';
    const remoteDir = `${sshd.root}/ebook/${name}`;
    await deliveries.getByText(`Envoyé vers seedbox et vérifié (${remoteDir}).`).waitFor();
    for (const f of ['atlslr.nfo', 'atlslr1.zip']) expect(await deliveries.locator('li', { hasText: f }).textContent()).toMatch(/vérifié/);
    expect(await englishShown(page)).toEqual([]);
    await browser.screenshot(page, 'releases-wizard-sent');

    // ---- on the server: exactly the release's files, byte-identical, no part file left
    const pack = (await platform.ctx.jobs.list({ module: 'releases', kind: 'pack' }))[0];
    const arts = await platform.ctx.db.withSchema('core').selectFrom('artifacts').selectAll().where('job_id', '=', pack.id).execute();
    expect((await fs.readdir(sshd.local(remoteDir))).sort()).toEqual(['atlslr.nfo', 'atlslr1.zip']);
    for (const a of arts) {
      const file = String(a.name).split('/').pop()!;
      expect((await fs.readFile(path.join(sshd.local(remoteDir), file))).equals(await platform.ctx.files.get(a.blob_key)), file).toBe(true);
    }
    // the NFO carries the accepted publisher
    expect((await fs.readFile(path.join(sshd.local(remoteDir), 'atlslr.nfo'))).toString('latin1')).toContain('Gallimard');

    // ---- sending again from the list of recent packs: re-verified, nothing uploaded
    await page.getByRole('button', { name: 'Nouvelle release' }).click();
    await page.getByRole('button', { name: `Envoyer ${name}` }).click();
    await page.getByLabel('seedbox').check();
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByTestId('deliveries').getByText(/déjà présent/).first().waitFor({ timeout: 90_000 });
    // the delivery job's page: its log lines worded in French from their codes
    const [again] = await platform.ctx.jobs.list({ module: 'releases', kind: 'deliver' });
    await page.goto(`/jobs/${again!.id}`);
    await page.getByTestId('job-log').getByText(/^atlslr1\.zip : déjà sur le serveur, vérifié/).waitFor();
    expect(await englishShown(page)).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 300_000);

  test('an episode: TVDB, TMDb and OMDb answer; the suggestions (air date, network, rating from TMDb) go into the NFO', async () => {
    for (const name of ['tvdb', 'tmdb', 'omdb'] as const) await updateConfig(platform.ctx, name, { enabled: true, baseUrl: fake.base(name), key: fake.keys[name] });
    await page.goto('/releases');
    await page.getByLabel('Tag du groupe').fill('ATL');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByRole('radio', { name: /Épisode TV/ }).click();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Jeu de règles').waitFor();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByTestId('file-input').setInputFiles(path.join(FIXTURES, 'Sample.Show.S01E02.Pilot.Episode.mkv'));
    await page.getByText(/MKV · Sample Show/).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Suivant' }).click();
    const enrich = page.getByTestId('enrich');
    const providers = enrich.getByTestId('enrich-providers');
    await expect.poll(() => providers.textContent(), { timeout: 30_000 }).toContain('TheTVDB v4 : réponse');
    expect(await providers.textContent()).toContain('TMDb : réponse');
    expect(await providers.textContent()).toContain('OMDb : réponse');
    expect(await enrich.locator('tr[data-field="network"]').textContent()).toContain('Canal+');
    expect(await enrich.locator('tr[data-field="rating"]').textContent()).toMatch(/7\.9[\s\S]*TMDb/);
    await browser.screenshot(page, 'releases-wizard-tv-suggestions');
    await enrich.getByRole('button', { name: 'Tout accepter' }).click();
    await page.getByText('Nom conforme à tv-2024').waitFor();
    await page.getByRole('button', { name: 'Suivant' }).click();
    const nfo = page.getByTestId('nfo-preview');
    await expect.poll(() => nfo.textContent(), { timeout: 30_000 }).toContain('Canal+');
    expect(await nfo.textContent()).toContain('2021-09-21');
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);
});

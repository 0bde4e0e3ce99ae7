// Vinted's catalogue: the shipped snapshot, the Studio labels → Vinted catalog leaves (both ways, for
// the garment classifier to join on), sizes, colours, brands, and a refresh from a connected account
// whose ids differ from the snapshot's (the mapping follows the titles).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { snapshotTaxonomy, loadTaxonomy, type TaxonomyData } from '../../src/vinted/catalogue/taxonomy.ts';
import { catalogForLabel, labelForCatalog, GENDERS } from '../../src/vinted/catalogue/studio-map.ts';
import { mapArticle, sizeIdFor } from '../../src/vinted/catalogue/mapping.ts';
import { DEFAULT_CATEGORIES, readSettings } from '../../src/vinted/settings.ts';
import { catalogForClass, GARMENT_CLASSES } from '../../src/vinted/vision/classes.ts';
import { buildPlan } from '../../src/vinted/listings/plan.ts';
import { PUBLISH_ENV, seedCatalog } from './publish-helpers.ts';

const tax = snapshotTaxonomy();
const COLORS = ['noir', 'blanc', 'gris', 'bleu', 'marine', 'rouge', 'bordeaux', 'vert', 'kaki', 'jaune', 'moutarde', 'beige', 'crème', 'marron', 'rose', 'violet', 'orange', 'multicolore'];

describe('snapshot and Studio labels', () => {
  it('every Studio category has a Vinted leaf for women, and for men unless Vinted has none (dresses, skirts)', () => {
    for (const label of DEFAULT_CATEGORIES) {
      for (const g of GENDERS) {
        const m = catalogForLabel(tax, label, g);
        if (g === 'hommes' && ['robe', 'jupe'].includes(label)) {
          expect(m, `${label}/${g}`).toBeNull();
          continue;
        }
        expect(m, `${label}/${g}`).not.toBeNull();
        expect(tax.isLeaf(m!.id), `${label}/${g} → ${m!.path.join(' › ')}`).toBe(true);
        expect(m!.path[0]).toBe(g === 'femmes' ? 'Femmes' : 'Hommes');
        // and back: the classifier can join on a Vinted id
        expect(labelForCatalog(tax, m!.id), `${label}/${g}`).not.toBeNull();
      }
    }
    expect(catalogForLabel(tax, 'jeans', 'femmes')).toMatchObject({ id: 1845, path: ['Femmes', 'Vêtements', 'Jeans', 'Jeans droits'] });
    expect(catalogForLabel(tax, 'parka', 'femmes')!.id).toBe(1087);
    expect(labelForCatalog(tax, 1087)).toBe('parka');
    expect(labelForCatalog(tax, 1907)).toBe(null);
  });

  it('the garment classifier\'s ten classes map too (dress, hat, longsleeve, outwear, pants, shirt, shoes, shorts, skirt, t-shirt)', () => {
    for (const c of ['dress', 'hat', 'longsleeve', 'outwear', 'pants', 'shirt', 'shoes', 'shorts', 'skirt', 't-shirt']) {
      expect(catalogForLabel(tax, c, 'femmes'), c).not.toBeNull();
    }
    // a label outside the table falls back to the titles of the tree
    expect(catalogForLabel(tax, 'trench', 'femmes')!.path).toEqual(['Femmes', 'Vêtements', 'Manteaux & vestes', 'Manteaux', 'Trenchs']);
  });

  it('each class of the garment classifier names its entry of the publishing table: a leaf per gender, the same through its English alias', () => {
    for (const c of GARMENT_CLASSES) {
      for (const g of GENDERS) {
        const m = catalogForClass(tax, c, g);
        if (g === 'hommes' && (c === 'dress' || c === 'skirt')) { expect(m, `${c}/${g}`).toBeNull(); continue; }
        expect(m, `${c}/${g}`).not.toBeNull();
        expect(tax.isLeaf(m!.id)).toBe(true);
        expect(catalogForLabel(tax, c, g)!.id, `${c}/${g}: the alias agrees with the class table`).toBe(m!.id);
        expect(labelForCatalog(tax, m!.id), `${c}/${g}`).not.toBeNull();
      }
    }
    expect(catalogForClass(tax, 'longsleeve', 'hommes')!.path).toEqual(['Hommes', 'Vêtements', 'Hauts & t-shirts', 'T-shirts à manches longues']);
    expect(catalogForClass(tax, 'pants', 'femmes')!.path.slice(0, 3)).toEqual(['Femmes', 'Vêtements', 'Pantalons & leggings']);
  });

  it('the plan maps a classifier\'s category through its class, even when the seller renamed the label (VINTED_CLASS_LABELS_JSON)', () => {
    const s = readSettings({ VINTED_CLASS_LABELS_JSON: '{"longsleeve":"pull col rond"}' });
    const sugg = (value: string) => ({ category: [{ value, score: 0.9, source: 'classifier' as const, class: 'longsleeve' }] });
    const c = (id: string, category: string, suggestions = {}) => ({ id, photos: ['p1'], cover: 'p1', category, category_score: 0.9, colors: ['noir'], score: 1, joins: [],
      brand: null, size: 'M', condition: 'Bon état', edited: false, suggestions });
    const catalog = { job_id: 'j', backend: 'classic' as const, files: 1, photos: [], duplicates: [], errors: [], version: 1,
      clusters: [c('c1', 'pull col rond', sugg('pull col rond')), c('c2', 'pull col rond')] };
    const [byClass, byLabel] = buildPlan(catalog, s).items;
    expect(byClass!.vinted.catalog_path).toEqual(['Femmes', 'Vêtements', 'Hauts & t-shirts', 'T-shirts à manches longues']);
    expect(byClass!.vinted.missing).not.toContain('vinted_category_missing');
    // the same text typed by the seller, with no classifier behind it, is mapped on the words (here: nothing)
    expect(byLabel!.vinted.catalog_id).not.toBe(byClass!.vinted.catalog_id);
  });

  it('sizes, colours, conditions', () => {
    const women = tax.sizeGroupOf(1845)!.sizes;
    expect(sizeIdFor(women, 'M')?.id).toBe(4);
    expect(sizeIdFor(women, 'Taille M')?.id).toBe(4);
    expect(sizeIdFor(women, '38')?.id).toBe(4);
    expect(sizeIdFor(women, 'xl')?.id).toBe(6);
    expect(sizeIdFor(women, 'Taille non visible')).toBeNull();
    const hats = tax.sizeGroupOf(catalogForClass(tax, 'hat', 'femmes')!.id)!.sizes;
    expect(sizeIdFor(hats, 'Taille unique')?.title).toBe('Taille unique');
    expect(sizeIdFor(tax.sizeGroupOf(2632)!.sizes, 'EU 39')?.id).toBe(59);
    for (const c of COLORS) expect(tax.colorId(c), c).not.toBeNull();
    expect(tax.conditionId('Neuf avec étiquette')).toBe(6);
  });

  it('maps an article: brand found, or Vinted\'s "no brand" with a warning; what is missing blocks', () => {
    const ok = mapArticle(tax, { category: 'hoodie', colors: ['gris', 'noir', 'blanc'], condition: 'Bon état', size: 'S', brand: 'Nike', gender: 'hommes' });
    expect(ok).toMatchObject({ catalog_id: 267, size_id: 207, status_id: 3, color_ids: [3, 1], brand_id: 53, brand_title: 'Nike', package_size_id: 2, missing: [] });
    const none = mapArticle(tax, { category: 'robe', colors: [], condition: null, size: 'M', brand: null, gender: 'hommes' });
    expect(none.missing).toEqual(['vinted_category_missing', 'vinted_condition_missing']);
    expect(none.brand_id).toBe(1);
    expect(none.warnings).toContain('brand_none');
    // an explicit catalog chosen by the seller wins; a branch (not a leaf) is not accepted
    expect(mapArticle(tax, { category: 'robe', colors: [], condition: 'Bon état', size: 'M', brand: null, gender: 'femmes', catalog_id: 1055 }).catalog_id).toBe(1055);
    expect(mapArticle(tax, { category: 'robe', colors: [], condition: 'Bon état', size: 'M', brand: null, gender: 'femmes', catalog_id: 10 }).warnings).toContain('catalog_override_invalid');
  });
});

describe('refresh from a connected account', () => {
  let t: TestPlatform;
  let fake: FakeVinted;
  beforeAll(async () => {
    // the live tree has other ids than the snapshot (and a renamed leaf): the app must follow it
    const live = JSON.parse(JSON.stringify(snapshotTaxonomy().data)) as TaxonomyData;
    const walk = (ns: any[]) => ns.forEach((n) => { n.id += 100_000; if (n.title === 'Jeans droits') n.title = 'Jeans coupe droite'; walk(n.catalogs); });
    walk(live.catalogs);
    fake = await startFakeVinted({ taxonomy: live });
    t = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_BASE_URL: fake.url } });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('the refreshed tree replaces the snapshot; articles map to its ids; the plan shows its path', async () => {
    const r = await t.request('POST', '/api/vinted/accounts', { token: t.tokens.operator, body: { name: 'live', kind: 'web', cookies: fake.session(), user_agent: 'ua' } });
    expect(r.body.account.status).toBe('ok');
    const job = await seedCatalog(t.ctx, [{ category: 'jeans', size: 'M', brand: "Levi's" }, { category: 'parka' }]);
    // preparing refreshes the snapshot-only catalogue through the account first
    const prep = await t.request('POST', '/api/vinted/listings/prepare', { token: t.tokens.operator, body: { job, account: 'live' } });
    expect(prep.body.taxonomy_source).toBe('account:live');
    expect(prep.body.items[0].catalog_path).toEqual(['Femmes', 'Vêtements', 'Jeans', 'Jeans coupe droite']);
    expect(prep.body.items[0].payload.item.catalog_id).toBe(101845);
    expect(prep.body.items[1].payload.item.catalog_id).toBe(101087);
    expect(prep.body.items[0].payload.item.brand_id).toBe(10);
    const loaded = await loadTaxonomy(t.ctx.db);
    expect(loaded.source).toBe('account:live');
    const api = await t.request('GET', '/api/vinted/catalogue?label=jeans&gender=femmes', { token: t.tokens.viewer });
    expect(api.body).toMatchObject({ source: 'account:live', match: { id: 101845, label: 'jeans' } });
    // it publishes with those ids
    await t.request('POST', '/api/vinted/bulk/listings/execute', { token: t.tokens.operator, body: { job, account: 'live', dry_run: false }, headers: { 'idempotency-key': 'live-ids' } });
    for (let i = 0; i < 100 && fake.items().length < 2; i++) await new Promise((res) => setTimeout(res, 100));
    expect(fake.items().map((i) => i.catalog_id).sort()).toEqual([101087, 101845]);
  });
});

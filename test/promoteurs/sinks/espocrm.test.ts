// The EspoCRM sink against the in-process fake that enforces the documented contract.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/core/http.ts';
import { startFakeEspoCrm, type FakeEspoCrm } from '../../../src/promoteurs/fakes/espocrm.ts';
import { EspoCrmSink, EspoError, toEspoFields } from '../../../src/promoteurs/sinks/espocrm.ts';
import type { Programme } from '../../../src/promoteurs/types.ts';

const http = new HttpClient({ userAgent: 'atelier-test/1', allowPrivate: true, timeoutMs: 5000, retries: 0 });
let crm: FakeEspoCrm;

const prog = (over: Partial<Programme> = {}): Programme => ({
  name: 'Signal', slug: 'signal-bagneux', promoteur: 'Nexity', sourceApi: 'nexity', idExterne: '0099__98124', urlExterne: 'https://www.nexity.fr/neuf/0099__98124',
  ville: 'Bagneux', codePostal: '92220', codeInsee: '92007', zoneFiscale: 'A_bis', adresse: null, dateLivraison: '4e trimestre 2025', livraison: '2025-12-31',
  statut: 'disponible', description: null, images: [], imagePrincipale: null, imageAlt: 'Programme immobilier neuf Signal à Bagneux',
  lotsDetails: [{ type: 'T2', surface: 46.9, etage: '2ème', prix: 336000 }], prixMin: 336000, prixMax: 336000, surfaceMin: 46.9, surfaceMax: 46.9,
  nbLotsDisponibles: 1, typesLots: ['T2'], prixM2Moyen: 7164, parTypologie: {}, ...over,
} as Programme);

async function raw(method: string, path: string, body?: unknown, key = crm.apiKey) {
  const res = await fetch(`${crm.url}/api/v1/${path}`, { method, headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, reason: res.headers.get('x-status-reason') };
}

beforeAll(async () => {
  crm = await startFakeEspoCrm();
  crm.seedVille({ name: 'Bagneux', codePostal: '92220', slug: 'bagneux' });
});
afterAll(async () => { await crm.close(); await http.close(); });

describe('fake EspoCRM enforces the contract', () => {
  it('401 on a bad key, 400 on array lotsDetails, unknown field, maxSize > 200', async () => {
    expect((await raw('GET', 'CJeanbrunProgramme', undefined, 'wrong')).status).toBe(401);
    const bad = await raw('POST', 'CJeanbrunProgramme', { name: 'x', lotsDetails: [{ type: 'T2' }] });
    expect(bad.status).toBe(400);
    expect(bad.reason).toMatch(/lotsDetails/);
    expect((await raw('POST', 'CJeanbrunProgramme', { name: 'x', foo: 1 })).reason).toMatch(/Unknown field "foo"/);
    expect((await raw('GET', 'CJeanbrunProgramme?maxSize=201')).status).toBe(400);
    expect((await raw('POST', 'CJeanbrunProgramme', { name: 'x', typesLots: ['T9'] })).status).toBe(400);
  });
});

describe('EspoCrmSink', () => {
  it('creates with lotsDetails as a JSON string and the city link, then updates only changed fields, then nothing', async () => {
    const sink = new EspoCrmSink({ http, url: crm.url, apiKey: crm.apiKey, minIntervalMs: 0, dryRun: false, allowPrivate: true });
    await sink.check();
    const a = await sink.push(prog(), null, 'bagneux');
    expect(a.action).toBe('created');
    const rec = crm.records.CJeanbrunProgramme.get(a.id!)!;
    expect(typeof rec.lotsDetails).toBe('string');
    expect(rec.villeId).toBeTruthy();
    crm.requests.length = 0;
    const b = await sink.push(prog({ prixMin: 330000, lotsDetails: [{ type: 'T2', surface: 46.9, etage: '2ème', prix: 330000 }] }), a.id, 'bagneux');
    expect(b).toMatchObject({ action: 'updated' });
    const put = crm.requests.find((q) => q.method === 'PUT')!;
    expect(Object.keys(put.body as object).sort()).toEqual(['lotsDetails', 'prixMin']);
    // ville lookups are cached
    const lookups = sink.stats.villeLookups;
    const c = await sink.push(prog({ prixMin: 330000, lotsDetails: [{ type: 'T2', surface: 46.9, etage: '2ème', prix: 330000 }] }), a.id, 'bagneux');
    expect(c.action).toBe('unchanged');
    expect(sink.stats.villeLookups).toBe(lookups);
  });

  it('finds an existing record by where-filter when our DB lost its id (no duplicate)', async () => {
    const sink = new EspoCrmSink({ http, url: crm.url, apiKey: crm.apiKey, minIntervalMs: 0, dryRun: false, allowPrivate: true });
    const before = crm.records.CJeanbrunProgramme.size;
    const r = await sink.push(prog({ prixMin: 330000, lotsDetails: [{ type: 'T2', surface: 46.9, etage: '2ème', prix: 330000 }] }), null, 'bagneux');
    expect(r.action).toBe('unchanged');
    expect(crm.records.CJeanbrunProgramme.size).toBe(before);
    const list = crm.requests.filter((q) => q.method === 'GET' && q.query.includes('idExterne'));
    expect(list.at(-1)!.query).toMatch(/maxSize=2/);
  });

  it('dry-run reads only; a bad key is a clear 401 error', async () => {
    const dry = new EspoCrmSink({ http, url: crm.url, apiKey: crm.apiKey, minIntervalMs: 0, dryRun: true, allowPrivate: true });
    crm.requests.length = 0;
    expect((await dry.push(prog({ idExterne: 'new-1' }), null, 'bagneux')).action).toBe('created');
    expect(crm.requests.every((q) => q.method === 'GET')).toBe(true);
    const bad = new EspoCrmSink({ http, url: crm.url, apiKey: 'nope', minIntervalMs: 0, dryRun: false, allowPrivate: true });
    const err = await bad.check().catch((e) => e);
    expect(err).toBeInstanceOf(EspoError);
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/Wrong API key/);
  });

  it('an error carries X-Status-Reason; a 5xx on create is not retried blindly', async () => {
    const sink = new EspoCrmSink({ http, url: crm.url, apiKey: crm.apiKey, minIntervalMs: 0, dryRun: false, allowPrivate: true });
    crm.failNext(1, 500, 'POST');
    const err = await sink.push(prog({ idExterne: 'new-2' }), null, 'bagneux').catch((e) => e);
    expect(err).toBeInstanceOf(EspoError);
    expect(err.reason).toMatch(/Internal error/);
    expect(crm.requests.filter((q) => q.method === 'POST' && (q.body as any)?.idExterne === 'new-2')).toHaveLength(1);
    expect(toEspoFields(prog(), null).lotsDetails).toBe(JSON.stringify(prog().lotsDetails));
  });
});

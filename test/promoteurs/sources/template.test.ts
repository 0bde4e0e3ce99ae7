import { describe, expect, it } from 'vitest';
import { template } from '../../../src/promoteurs/sources/_template.ts';
import { probeSelectors, tryParse } from '../../../src/promoteurs/sources/index.ts';

// The template must stay a working starting point: a page in its assumed markup parses.
const listing = `<html><body>
<div class="program-card"><a href="/programme/42-les-tilleuls"><img src="/img/42.jpg"><h3 class="program-card__title">Les Tilleuls</h3></a>
<p class="program-card__city">Nantes (44000)</p><p class="program-card__price">199 000 € à 420 000 €</p>
<p class="program-card__typology">Du 2 au 4 pièces</p><p class="program-card__delivery">T3 2027</p></div>
</body></html>`;
const detail = `<html><head><link rel="canonical" href="https://www.example-promoteur.fr/programme/42-les-tilleuls"></head><body>
<h1>Les Tilleuls</h1><p class="program-address">3 rue des Lilas, 44000 Nantes</p><p class="program-delivery">3e trimestre 2027</p>
<div class="gallery"><img src="/img/42-1.jpg"></div><div class="program-description"><p>Résidence de 30 logements.</p></div>
<table class="lots"><thead><tr><th>Lot</th><th>Type</th><th>Surface</th><th>Étage</th><th>Prix</th><th>Statut</th></tr></thead>
<tbody><tr><td>A1</td><td>T2</td><td>45 m²</td><td>RDC</td><td>199 000 €</td><td>Disponible</td></tr>
<tr><td>A2</td><td>T3</td><td>64 m²</td><td>1er</td><td>280 000 €</td><td>Vendu</td></tr></tbody></table></body></html>`;

describe('source template', () => {
  it('parses a listing and a detail page in its assumed markup', () => {
    expect(tryParse(template, listing, 'listing').programmes).toMatchObject([{ idExterne: '42', name: 'Les Tilleuls', prixMin: 199000, typesLots: ['T2', 'T3', 'T4'], dateLivraison: 'T3 2027' }]);
    const r = tryParse(template, detail, 'detail');
    expect(r.lots).toEqual([{ type: 'T2', pieces: 2, surface: 45, etage: 'RDC', etageNum: 0, prix: 199000, numero: 'A1' }]);
    expect(r.programme).toMatchObject({ idExterne: '42', slug: 'les-tilleuls-nantes', livraison: '2027-09-30', zoneFiscale: 'B1' });
  });

  it('declares selectors for the lab', () => {
    expect(probeSelectors(template, listing, 'listing').every((p) => p.count > 0)).toBe(true);
  });
});

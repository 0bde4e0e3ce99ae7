// `atelier promoteurs cities import <csv>`: the national zonage ABC CSV → promoteurs.cities (all zones
// kept; the crawl takes A bis/A/B1). Postcodes and department names from @etalab/decoupage-administratif.
import type { CoreContext } from '../../core/module.ts';
import { parseZonageCsvDetailed } from '../rules/zonage.ts';
import { cityLookup, createZoneTable, defaultZoneTable, isInScope, type ZoneTable } from '../rules/cities.ts';
import { slugify } from '../parse/text.ts';

export interface ImportResult { imported: number; inScope: number; byZone: Record<string, number>; errors: string[]; columns: Record<string, string | null> }

export async function importCitiesCsv(ctx: Pick<CoreContext, 'db'>, data: Buffer | Uint8Array): Promise<ImportResult> {
  const parsed = parseZonageCsvDetailed(data);
  if (parsed.rows.length === 0) throw Object.assign(new Error(`no valid line in the CSV (${parsed.errors.slice(0, 3).join('; ') || 'empty'})`), { statusCode: 400 });
  const table = createZoneTable(parsed.rows, 'csv');
  const byZone: Record<string, number> = {};
  const values = parsed.rows.map((r) => {
    byZone[r.zone] = (byZone[r.zone] ?? 0) + 1;
    const c = cityLookup(r.codeInsee, { table });
    const geo = c && c.codeInsee === r.codeInsee ? c : null;
    return {
      code_insee: r.codeInsee, nom: geo?.nom ?? r.nom, slug: slugify(geo?.nom ?? r.nom), code_postal: geo?.codePostal ?? '',
      codes_postaux: JSON.stringify(geo?.codesPostaux ?? []), departement: geo?.departement ?? r.codeInsee.slice(0, 2),
      departement_nom: geo?.departementNom ?? '', zone: r.zone, source: 'csv', updated_at: new Date(),
    };
  });
  await ctx.db.transaction().execute(async (tx) => {
    await tx.withSchema('promoteurs').deleteFrom('cities').execute();
    for (let i = 0; i < values.length; i += 500) await tx.withSchema('promoteurs').insertInto('cities').values(values.slice(i, i + 500)).execute();
  });
  return { imported: values.length, inScope: parsed.rows.filter((r) => isInScope(r.zone)).length, byZone, errors: parsed.errors, columns: parsed.columns };
}

/** the imported cities (promoteurs.cities), or the built-in default table when none were imported */
export async function zoneTableFromDb(core: Pick<CoreContext, 'db'>): Promise<ZoneTable> {
  const rows = await core.db.withSchema('promoteurs').selectFrom('cities').select(['code_insee', 'zone']).execute();
  if (rows.length === 0) return defaultZoneTable();
  return createZoneTable(rows.map((r: any) => ({ codeInsee: r.code_insee, zone: r.zone })), 'csv');
}

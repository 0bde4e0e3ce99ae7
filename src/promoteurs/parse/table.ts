// Header-driven reading of lot tables. Developer sites reorder, add and drop columns between
// programmes (Nexity's 2-room table has no "TVA réduite" column, its 3-room one does), so cells are
// always mapped through the header of their own table, never by position.
import type { CheerioAPI } from 'cheerio';
import { clean, fold } from './text.ts';

export type ColumnKind =
  | 'numero' | 'type' | 'prix' | 'prixReduit' | 'prixBarre' | 'livraison' | 'surface' | 'etage'
  | 'orientation' | 'parking' | 'plus' | 'disponibilite' | 'mensualite';

/** Kind of a column from its header text; null for columns we do not read (plans, buttons). */
export function classifyColumn(header: string): ColumnKind | null {
  const h = fold(header).replace(/[*()\d]+$/g, '').trim();
  if (!h) return null;
  if (/mensualit|par mois|\/mois/.test(h)) return 'mensualite';
  if (/^(n°|no|num|numero)?\s*(de\s+)?(lot|ref|reference)\b/.test(h) || /^n°/.test(h)) return 'numero';
  if (/^(type|typologie|typo|nb pieces|pieces)\b/.test(h)) return 'type';
  if (/tva reduite|tva (?:a )?(?:5[.,]5|7|10)\b|prix reduit|tva 5/.test(h)) return 'prixReduit';
  if (/ancien prix|prix barre|avant remise/.test(h)) return 'prixBarre';
  if (/prix|tva 20|tarif/.test(h)) return 'prix';
  if (/livraison|disponible le|date de dispo/.test(h)) return 'livraison';
  if (/surface|superficie|m²|m2/.test(h)) return 'surface';
  if (/etage|niveau/.test(h)) return 'etage';
  if (/orientation|exposition/.test(h)) return 'orientation';
  if (/parking|stationnement|garage|box/.test(h)) return 'parking';
  if (/les \+|atouts|exterieur|annexes?|prestations/.test(h)) return 'plus';
  if (/disponibilite|statut|etat/.test(h)) return 'disponibilite';
  return null;
}

type Sel = ReturnType<CheerioAPI>;
export interface TableRow {
  /** the row element */
  row: Sel;
  /** cell of a column kind, when the table has that column */
  cell(kind: ColumnKind): Sel | null;
  /** cleaned text of that cell ('' when absent) */
  text(kind: ColumnKind): string;
}

/**
 * Reads a table: `headerCells` and `rows`/`cells` selectors relative to `table`
 * (defaults: thead th / tbody tr / td, i.e. a real <table>).
 */
export function readTable(
  $: CheerioAPI,
  table: Sel,
  sel: { headerCells?: string; rows?: string; cells?: string } = {},
): { columns: (ColumnKind | null)[]; rows: TableRow[] } {
  const columns = table.find(sel.headerCells ?? 'thead th').map((_i, el) => classifyColumn($(el).text())).get() as (ColumnKind | null)[];
  const rows: TableRow[] = [];
  table.find(sel.rows ?? 'tbody tr').each((_i, tr) => {
    const row = $(tr);
    const cells = sel.cells ? row.children(sel.cells) : row.children('td,th');
    const cell = (kind: ColumnKind) => {
      const i = columns.indexOf(kind);
      return i >= 0 && i < cells.length ? cells.eq(i) : null;
    };
    rows.push({ row, cell, text: (k) => clean(cell(k)?.text()) });
  });
  return { columns, rows };
}

/** "Disponible" / "Sous option" / "Vendu" / "Réservé" → is the lot still on sale? */
export function isSold(text: string | null | undefined): boolean {
  return /\b(vendu|vendue|reserve|reservee|indisponible|plus disponible)\b/.test(fold(text ?? ''));
}

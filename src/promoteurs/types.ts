// Data model of the promoteurs module: what a source's parsers produce (ProgrammeCard from a
// listing page, ProgrammeDetail from a detail page), the lots, and the stored Programme with the
// fields computed from its lots. Pure types: no runtime code here (the crawl engine, sync, sinks
// and UI all code against this file).

/** Zones of the "zonage ABC" scraped by this module; other zones (B2, C) are out of scope. */
export type ZoneFiscale = 'A_bis' | 'A' | 'B1';
/** Every zone the national CSV can hold (B2/C cities are imported but skipped by the crawl). */
export type ZoneAbc = ZoneFiscale | 'B2' | 'C';

/** Typologies kept in `typesLots` (EspoCRM multiEnum values). */
export type TypeLot = 'Studio' | 'T1' | 'T2' | 'T3' | 'T4' | 'T5' | 'Maison' | 'Autre';
export const TYPES_LOTS: readonly TypeLot[] = ['Studio', 'T1', 'T2', 'T3', 'T4', 'T5', 'Maison', 'Autre'];

export type StatutProgramme = 'disponible' | 'vendu';

/** A city the crawl visits (listing URLs are built from it). */
export interface City {
  nom: string;
  /** lowercase ASCII, dashes: "lyon", "saint-denis" */
  slug: string;
  /** main 5-digit postcode ("69000" for Lyon, "75001".."75020" for Paris arrondissements) */
  codePostal: string;
  /** all postcodes of the commune (several for big cities), main one first */
  codesPostaux?: string[];
  codeInsee: string;
  /** department code: "69", "2A", "971" */
  departement: string;
  /** department name as written by the state: "Rhône", "Hauts-de-Seine" */
  departementNom: string;
  /** zone of the "zonage ABC"; null when the zone table in use does not know the commune */
  zone: ZoneAbc | null;
  /** for a Paris/Lyon/Marseille arrondissement: the whole commune ("paris", INSEE 75056) */
  commune?: { nom: string; slug: string; codeInsee: string };
}

/** One lot (apartment, house, …) of a programme. */
export interface Lot {
  /** normalised typology: Studio, T1…T5 (T5 = 5 rooms and more), Maison, Autre */
  type: TypeLot;
  /** number of rooms when known (T6+ are typed T5 but keep their real count here) */
  pieces?: number;
  /** m² */
  surface: number | null;
  /** as shown: "RDC", "2ème", "5ème"; null when unknown */
  etage: string | null;
  /** numeric floor (0 = ground floor) when known */
  etageNum?: number | null;
  /** € incl. standard 20 % VAT (null: price on request) */
  prix: number | null;
  /** € at reduced VAT (5.5 % / 7 %) when the site shows it — a price, not a tax label */
  prixTvaReduite?: number | null;
  /** struck-through previous price when the site shows a promotion */
  prixBarre?: number | null;
  parking?: boolean;
  /** lot number / reference at the developer ("G232P", "4161") */
  numero?: string;
  orientation?: string;
  /** raw delivery text for this lot when shown per lot */
  livraisonTexte?: string;
  /** outside spaces */
  balcon?: boolean;
  terrasse?: boolean;
  jardin?: boolean;
}

/** Context handed to parsers: where the page came from. */
export interface ParseContext {
  /** the city whose listing is being parsed (listing level) or that led to this detail page */
  city?: City;
  /** absolute URL of the page (used to resolve relative links/images) */
  url?: string;
  /** "today" for delivery rules (tests pin it) */
  now?: Date;
}

/** What a listing page says about one programme (stage 1). */
export interface ProgrammeCard {
  sourceApi: string;
  idExterne: string;
  name: string;
  /** absolute URL of the detail page */
  urlExterne: string;
  /** "Lyon (69007)" or similar, as shown */
  localisation?: string;
  ville?: string;
  codePostal?: string;
  prixMin?: number | null;
  prixMax?: number | null;
  /** raw price text as shown ("224 900 € à 639 900 €") */
  prixTexte?: string;
  /** raw typology text ("Du studio au 5 pièces") */
  typesTexte?: string;
  typesLots?: TypeLot[];
  /** raw delivery text as shown ("Livraison 4ème trim. 2027") */
  dateLivraison?: string;
  image?: string;
  nbLots?: number;
  /** sitemap discovery: the entry's <lastmod> (a change triggers a detail fetch) */
  lastmod?: string;
}

/** What a detail page says about one programme (stage 2). */
export interface ProgrammeDetail {
  /** may refine the card's name */
  name?: string;
  /** set when the detail page itself tells its id / canonical URL (used when no card is at hand) */
  idExterne?: string;
  urlExterne?: string;
  adresse?: string;
  ville?: string;
  codePostal?: string;
  codeInsee?: string;
  description?: string;
  dateLivraison?: string;
  /** absolute image URLs, best first (the sync keeps ≤ 5) */
  images: string[];
  lots: Lot[];
  /** when the page is known to have a lots structure but no lots found: parser sanity signal */
  warnings?: string[];
}

/** Per-typology summary: {T2: {nbLots, prixMin, prixMax, surfaceMin}, …} */
export interface TypologySummary {
  nbLots: number;
  prixMin: number | null;
  prixMax: number | null;
  surfaceMin: number | null;
  surfaceMax?: number | null;
}
export type TypologiesSummary = Partial<Record<TypeLot, TypologySummary>>;

/** Fields computed from the lots (rules/lots summary). */
export interface LotsSummary {
  prixMin: number | null;
  prixMax: number | null;
  surfaceMin: number | null;
  surfaceMax: number | null;
  nbLotsDisponibles: number;
  typesLots: TypeLot[];
  /** mean of prix/surface over lots having both, rounded to the euro */
  prixM2Moyen: number | null;
  parTypologie: TypologiesSummary;
}

/** The stored programme: card + detail merged, with city/zone and computed fields. */
export interface Programme extends LotsSummary {
  name: string;
  /** from name + city: "signal-bagneux" */
  slug: string;
  /** developer display name ("Nexity") */
  promoteur: string;
  /** source key ("nexity") */
  sourceApi: string;
  idExterne: string;
  urlExterne: string;
  ville: string | null;
  codePostal: string | null;
  codeInsee: string | null;
  zoneFiscale: ZoneFiscale | null;
  adresse: string | null;
  /** delivery text as shown */
  dateLivraison: string | null;
  /** parsed end-of-period date, ISO "YYYY-MM-DD"; null when unknown */
  livraison: string | null;
  statut: StatutProgramme;
  description: string | null;
  /** ≤ 5 */
  images: string[];
  imagePrincipale: string | null;
  /** "Programme immobilier neuf Signal à Bagneux" */
  imageAlt: string;
  lotsDetails: Lot[];
}

/** Output of tryParse(..., 'detail'): what `atelier promoteurs try --level detail --json` prints. */
export interface TryDetailResult {
  programme: Omit<Programme, 'lotsDetails'>;
  lots: Lot[];
}
/** Output of tryParse(..., 'listing'). */
export interface TryListingResult {
  programmes: ProgrammeCard[];
}

// ---------------------------------------------------------------------------------------------
// Source: one developer website (src/promoteurs/sources/<key>.ts), registered in sources/index.ts.

export interface SourceFetchConfig {
  /** "http": plain GET; "browser": render with chromium (playwright-core) before parsing */
  engine: 'http' | 'browser';
  /** browser engine only: extra wait after load for client-side rendering */
  waitForMs: number;
  timeoutMs: number;
  maxRetries: number;
}

export interface SourcePoliteness {
  delayBetweenCitiesSec: number;
  delayBetweenDetailsSec: number;
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter] */
  jitter: number;
}

/**
 * Is the parser backed by a page recorded from the real site? `verified` only when such a page passes
 * its test (test/promoteurs/sources/recorded.test.ts enforces it for every source claiming it).
 */
export type SourceStatus = 'verified' | 'unverified';
/** where the source's test pages come from */
export type FixtureKind = 'real-recorded' | 'real-capture' | 'hand-made' | 'fake-only';

export interface SourceVerification {
  status: SourceStatus;
  fixtureKind: FixtureKind;
  /** one line: why this status (shown in the UI, the CLI and the stats) */
  reason: string;
  /** folder under test/fixtures/promoteurs/ holding the recorded pages, manifest.json and expected.json */
  fixtures?: string;
}

/** How programme pages are found: one listing page per city, or the site's sitemaps. */
export type SourceDiscovery =
  | { kind: 'listing' }
  | {
    kind: 'sitemap';
    /** paths (or absolute URLs) of the sitemaps to read: /sitemap.xml, /program-sitemap.xml, /sitemap.txt, /sitemap.xml?page=1 */
    sitemaps: string[];
    /**
     * regex on a URL's path (and query) selecting programme pages; named groups locate it:
     * `id` (required), and one of `insee`, `cp` (postcode), `ville` (slug, with `dept` when known)
     */
    programmePattern: string;
  };

export interface Source {
  /** "nexity": sourceApi of the programmes, CLI name */
  key: string;
  /** display name, also the Programme.promoteur */
  name: string;
  /** "https://www.nexity.fr" (no trailing slash) */
  baseUrl: string;
  listing: {
    /** documentation of the URL shape, placeholders {dept_nom} {dept} {ville_slug} {cp} {insee} */
    urlPattern: string;
    /** how the city appears in the URL: "slug" (lyon), "slug-cp" (lyon-69000) … */
    cityFormat: string;
    /** how the department appears: "nom-slug" (rhone), "code" (69), "none" */
    deptFormat: string;
  };
  /** null: detail URLs come from listing links */
  detail: { urlPattern: string | null };
  fetch: SourceFetchConfig;
  politeness: SourcePoliteness;
  /**
   * The CSS selectors the parsers rely on, by level and name (documentation and selector lab:
   * `probeSelectors` shows what each one matches in a saved page, so a markup change is found fast).
   */
  selectors?: { listing?: Record<string, string>; detail?: Record<string, string> };
  /** listing pages per city, or sitemaps */
  discovery: SourceDiscovery;
  /** "dedicated": this source's own parsers; "generic": the structured-data extractor (parse/generic.ts) */
  extractor: 'dedicated' | 'generic';
  /** regex whose group 1 (or named group `id`) is a programme's external id in its URL */
  idPattern: string;
  verification: SourceVerification;
  /** absolute listing URL for a city (sitemap sources: the first sitemap) */
  listingUrl(city: City): string;
  /** cards of a listing page; [] when the page has none (the caller decides whether that is abnormal) */
  parseListing(html: string, ctx: ParseContext): ProgrammeCard[];
  /** detail of one programme; throws SourceParseError when the page is not a programme page */
  parseDetail(html: string, card: ProgrammeCard, ctx: ParseContext): ProgrammeDetail;
}

/** Thrown by parsers when a page does not have the expected structure (markup change, captcha…). */
export class SourceParseError extends Error {
  readonly source: string;
  readonly level: 'listing' | 'detail';
  constructor(source: string, level: 'listing' | 'detail', message: string) {
    super(`${source} ${level}: ${message}`);
    this.name = 'SourceParseError';
    this.source = source;
    this.level = level;
  }
}

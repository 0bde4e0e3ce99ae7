-- promoteurs: cities of the zonage ABC, programmes (lots as JSONB), runs and per-source results,
-- HTTP page cache (bodies in the blob store), downloaded images, alerts.

CREATE TABLE promoteurs.cities (
  code_insee      text PRIMARY KEY,
  nom             text NOT NULL,
  slug            text NOT NULL,
  code_postal     text NOT NULL,
  codes_postaux   jsonb NOT NULL DEFAULT '[]',
  departement     text NOT NULL,
  departement_nom text NOT NULL,
  zone            text NOT NULL,
  source          text NOT NULL DEFAULT 'import',
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cities_slug ON promoteurs.cities (slug);
CREATE INDEX cities_cp ON promoteurs.cities (code_postal);

CREATE TABLE promoteurs.programmes (
  id                  bigserial PRIMARY KEY,
  source_api          text NOT NULL,
  id_externe          text NOT NULL,
  name                text NOT NULL,
  slug                text NOT NULL,
  promoteur           text NOT NULL,
  url_externe         text NOT NULL,
  ville               text,
  code_postal         text,
  code_insee          text,
  zone_fiscale        text,
  adresse             text,
  date_livraison      text,
  livraison           date,
  statut              text NOT NULL DEFAULT 'disponible',
  description         text,
  images              jsonb NOT NULL DEFAULT '[]',
  image_principale    text,
  image_alt           text,
  sans_image          boolean NOT NULL DEFAULT false,
  lots_details        jsonb NOT NULL DEFAULT '[]',
  par_typologie       jsonb NOT NULL DEFAULT '{}',
  prix_min            numeric,
  prix_max            numeric,
  surface_min         numeric,
  surface_max         numeric,
  nb_lots_disponibles integer NOT NULL DEFAULT 0,
  types_lots          jsonb NOT NULL DEFAULT '[]',
  prix_m2_moyen       numeric,
  -- incremental crawl: hash of the listing card; detail refetched when it changes or gets old
  card_hash           text,
  detail_fetched_at   timestamptz,
  -- hash of the stored programme fields (CRM sync compares it)
  content_hash        text,
  first_seen_at       timestamptz NOT NULL DEFAULT now(),
  last_seen_at        timestamptz NOT NULL DEFAULT now(),
  last_seen_run       text,
  -- code_insee of the city whose listing showed it (sold marking is scoped to the crawled cities)
  listing_city        text,
  sold_at             timestamptz,
  espo_id             text,
  espo_hash           text,
  espo_synced_at      timestamptz,
  espo_error          text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_api, id_externe)
);
CREATE INDEX programmes_ville ON promoteurs.programmes (code_postal);
CREATE INDEX programmes_statut ON promoteurs.programmes (statut);

CREATE TABLE promoteurs.runs (
  id           text PRIMARY KEY,            -- the job id
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  dry_run      boolean NOT NULL DEFAULT false,
  scheduled    boolean NOT NULL DEFAULT false,
  status       text NOT NULL DEFAULT 'running',   -- running | completed | failed
  options      jsonb NOT NULL DEFAULT '{}',
  counters     jsonb NOT NULL DEFAULT '{}',
  error        text
);

CREATE TABLE promoteurs.source_runs (
  run_id       text NOT NULL REFERENCES promoteurs.runs(id) ON DELETE CASCADE,
  source       text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  complete     boolean NOT NULL DEFAULT false,
  healthy      boolean NOT NULL DEFAULT false,
  reason       text,
  counters     jsonb NOT NULL DEFAULT '{}',
  cities       jsonb NOT NULL DEFAULT '{}',
  last_error   text,
  PRIMARY KEY (run_id, source)
);

CREATE TABLE promoteurs.page_cache (
  url            text PRIMARY KEY,
  status         integer NOT NULL,
  etag           text,
  last_modified  text,
  body_key       text NOT NULL,
  content_hash   text NOT NULL,
  fetched_at     timestamptz NOT NULL DEFAULT now(),
  validated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE promoteurs.images (
  programme_id  bigint NOT NULL REFERENCES promoteurs.programmes(id) ON DELETE CASCADE,
  url           text NOT NULL,
  position      integer NOT NULL,
  blob_key      text,
  content_type  text,
  size          integer,
  error         text,
  fetched_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (programme_id, url)
);

CREATE TABLE promoteurs.alerts (
  id          bigserial PRIMARY KEY,
  run_id      text,
  source      text,
  level       text NOT NULL,
  message     text NOT NULL,
  details     jsonb NOT NULL DEFAULT '{}',
  delivered   jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Metadata enrichment: one row per provider (openlibrary, googlebooks, tmdb, tvdb, omdb). Keys and
-- TVDB's PIN are in the vault (core.secrets "releases.api.<name>.key|pin"), never here.
CREATE TABLE releases.api_configs (
  name text PRIMARY KEY,
  enabled boolean NOT NULL DEFAULT true,
  -- merge precedence: lower first; the defaults follow the spec (TVDB > TMDb > OMDb, OpenLibrary > Google Books)
  priority integer NOT NULL DEFAULT 100,
  -- another endpoint (a mirror, or a test fake); null = the public API
  base_url text,
  -- daily request counter for providers with a daily quota (OMDb: 1 000/day on a free key)
  quota_day date,
  quota_used integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Provider answers, cached (24 h): the key is the request without its credentials.
CREATE TABLE releases.enrich_cache (
  key text PRIMARY KEY,
  provider text NOT NULL,
  body jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX enrich_cache_expires ON releases.enrich_cache (expires_at);

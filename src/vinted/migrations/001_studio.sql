-- The Studio: one catalog per ingest job (photos, articles, duplicates, per-file errors), the plan
-- drafted from it, editable templates/settings, and Vinted account metadata (the session cookie
-- itself lives only in the vault, under vinted.session.<account>).

CREATE TABLE vinted.catalogs (
  job_id      text PRIMARY KEY,
  status      text NOT NULL DEFAULT 'processing',  -- processing | ready | failed
  backend     text,
  files       integer NOT NULL DEFAULT 0,
  source      text NOT NULL DEFAULT 'upload',       -- upload | zip | cli
  version     integer NOT NULL DEFAULT 0,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vinted.photos (
  job_id      text NOT NULL REFERENCES vinted.catalogs(job_id) ON DELETE CASCADE,
  id          text NOT NULL,
  position    integer NOT NULL,
  file        text NOT NULL,
  sha256      text NOT NULL,
  phash       text NOT NULL,
  width       integer NOT NULL,
  height      integer NOT NULL,
  taken_at    text,
  format      text NOT NULL,
  blobs       jsonb NOT NULL,
  sharpness   double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, id)
);

CREATE TABLE vinted.clusters (
  job_id          text NOT NULL REFERENCES vinted.catalogs(job_id) ON DELETE CASCADE,
  id              text NOT NULL,
  position        integer NOT NULL,
  photos          jsonb NOT NULL,            -- photo ids in the article's order
  cover           text NOT NULL,
  category        text,
  category_score  double precision,
  colors          jsonb NOT NULL DEFAULT '[]',
  score           double precision NOT NULL DEFAULT 0,
  joins           jsonb NOT NULL DEFAULT '[]',
  brand           text,
  size            text,
  condition       text,
  edited          boolean NOT NULL DEFAULT false,
  PRIMARY KEY (job_id, id)
);

CREATE TABLE vinted.duplicates (
  job_id  text NOT NULL REFERENCES vinted.catalogs(job_id) ON DELETE CASCADE,
  file    text NOT NULL,
  of      text NOT NULL,
  PRIMARY KEY (job_id, file)
);

CREATE TABLE vinted.file_errors (
  job_id  text NOT NULL REFERENCES vinted.catalogs(job_id) ON DELETE CASCADE,
  seq     integer NOT NULL,
  file    text NOT NULL,
  reason  text NOT NULL,
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE vinted.plans (
  job_id      text PRIMARY KEY REFERENCES vinted.catalogs(job_id) ON DELETE CASCADE,
  options     jsonb NOT NULL DEFAULT '{}',
  templates   jsonb NOT NULL,
  items       jsonb NOT NULL,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Studio-wide editable values (title/description templates, plan defaults), over the env defaults.
CREATE TABLE vinted.settings (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_by  text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vinted.accounts (
  name             text PRIMARY KEY,
  vault_name       text NOT NULL,
  cookie_names     jsonb NOT NULL DEFAULT '[]',
  has_user_agent   boolean NOT NULL DEFAULT false,
  expires_at       timestamptz,
  expiry_source    text,
  active           boolean NOT NULL DEFAULT false,
  created_by       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

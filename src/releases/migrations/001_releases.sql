-- NFO / DIZ templates edited by users (the shipped defaults live in src/releases/nfo/templates/).
CREATE TABLE releases.templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  type text NOT NULL CHECK (type IN ('EBOOK', 'DOCS', 'TV')),
  kind text NOT NULL CHECK (kind IN ('nfo', 'diz')),
  body text NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Source files uploaded for a pack (the bytes are in the blob store under releases/uploads/<id>).
CREATE TABLE releases.uploads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_name text NOT NULL,
  size bigint NOT NULL,
  blob_key text NOT NULL,
  metadata jsonb,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per pack job: what was made and whether it passed its rule set.
CREATE TABLE releases.packs (
  job_id uuid PRIMARY KEY,
  type text NOT NULL,
  grp text NOT NULL,
  rule_set text,
  source_name text,
  name text,
  metadata jsonb,
  files jsonb,
  validation jsonb,
  ok boolean,
  purged_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX packs_created ON releases.packs (created_at);

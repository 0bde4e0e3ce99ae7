-- Delivery destinations (FTP, FTPS, SFTP). Passwords and keys are in the vault
-- (core.secrets "releases.destination.<id>.password|key|passphrase"), never here.
CREATE TABLE releases.destinations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('ftp', 'ftps', 'sftp')),
  host text NOT NULL,
  port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  username text NOT NULL,
  -- remote base path template ({type}, {group}); rules: [{type?, group?, path}] first match wins
  path text NOT NULL,
  path_rules jsonb NOT NULL DEFAULT '[]',
  -- pinned "SHA256:…" of the SSH host key (sftp) or TLS certificate (ftps)
  fingerprint text,
  parallel integer NOT NULL DEFAULT 2 CHECK (parallel BETWEEN 1 AND 16),
  limit_kbps integer CHECK (limit_kbps > 0),
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (release, destination) delivery; files holds each file's last known state.
CREATE TABLE releases.deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job_id uuid,
  pack_job_id uuid,
  destination_id uuid REFERENCES releases.destinations (id) ON DELETE SET NULL,
  destination_name text NOT NULL,
  release_name text NOT NULL,
  remote_dir text NOT NULL,
  status text NOT NULL DEFAULT 'queued',
  files jsonb NOT NULL DEFAULT '[]',
  bytes bigint NOT NULL DEFAULT 0,
  sent bigint NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_pack ON releases.deliveries (pack_job_id);

-- Per-group defaults ("*" = every group): rule set, templates and destinations per type, output paths.
CREATE TABLE releases.group_prefs (
  grp text PRIMARY KEY,
  prefs jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Publishing to Vinted (issue 11): accounts of two kinds with their queue state and pacing, Vinted's
-- catalogue (refreshed copy), publications recorded step by step, the write log that enforces the
-- budget, and the wardrobe (listings read back from Vinted). Secrets stay in the vault
-- (vinted.session.<name>): nothing here is a cookie, a token or a key.

ALTER TABLE vinted.accounts
  ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN kind text NOT NULL DEFAULT 'web',              -- web | pro
  ADD COLUMN login text,
  ADD COLUMN vinted_user_id text,
  ADD COLUMN status text NOT NULL DEFAULT 'unchecked',      -- unchecked | ok | reconnect | error
  ADD COLUMN status_code text,
  ADD COLUMN checked_at timestamptz,
  ADD COLUMN session_expires_at timestamptz,
  ADD COLUMN queue_state text NOT NULL DEFAULT 'running',   -- running | paused | stopped
  ADD COLUMN queue_code text,                               -- why it is not running: captcha | reconnect | blocked | user
  ADD COLUMN queue_changed_at timestamptz,
  ADD COLUMN writes_per_hour integer,                       -- null: VINTED_WRITES_PER_HOUR
  ADD COLUMN active_hours text,                             -- null: VINTED_ACTIVE_HOURS
  ADD COLUMN next_write_at timestamptz,
  ADD COLUMN failures integer NOT NULL DEFAULT 0,           -- consecutive 5xx / timeouts (circuit breaker)
  ADD COLUMN circuit_opens integer NOT NULL DEFAULT 0,
  ADD COLUMN circuit_until timestamptz,
  ADD COLUMN lease_owner text,                              -- the job running this account's queue
  ADD COLUMN lease_until timestamptz,
  ADD COLUMN refresh_until timestamptz,                     -- a session refresh in progress (any process)
  ADD COLUMN slots_used integer,                            -- Pro: active items
  ADD COLUMN slots_total integer,
  ADD COLUMN synced_at timestamptz;
CREATE UNIQUE INDEX accounts_id ON vinted.accounts(id);

-- Vinted's taxonomy for a market, as last refreshed from a connected account (the shipped snapshot
-- is used while there is none).
CREATE TABLE vinted.taxonomy (
  market        text PRIMARY KEY,
  source        text NOT NULL,
  data          jsonb NOT NULL,
  refreshed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vinted.brand_cache (
  market      text NOT NULL,
  keyword     text NOT NULL,
  brands      jsonb NOT NULL,
  fetched_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (market, keyword)
);

-- One publication per article and account. The idempotency key is reserved here (unique) before
-- any call to Vinted; every call is announced in pending_step before it is made and cleared once its
-- result is recorded, so a crash in between is found and reconciled instead of repeated blindly.
CREATE TABLE vinted.publications (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  idempotency_key  text NOT NULL UNIQUE,
  account_id       uuid NOT NULL,
  job_id           text NOT NULL,
  cluster_id       text NOT NULL,
  content_hash     text NOT NULL,
  payload          jsonb NOT NULL,
  photos           jsonb NOT NULL,
  state            text NOT NULL DEFAULT 'queued',
  -- queued | uploading | creating | submitted | published | needs_review | needs_manual | dead | cancelled
  position         bigint NOT NULL,
  temp_uuid        uuid NOT NULL,
  uploaded         jsonb NOT NULL DEFAULT '[]',
  pending_step     text,
  pending_at       timestamptz,
  remote_ref       text,
  vinted_id        text,
  url              text,
  error_code       text,
  error            text,
  field_errors     jsonb,
  error_params     jsonb,
  manual_url       text,
  attempts         integer NOT NULL DEFAULT 0,
  wasted           integer NOT NULL DEFAULT 0,
  next_at          timestamptz NOT NULL DEFAULT now(),
  lease_owner      text,
  lease_until      timestamptz,
  created_by       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  published_at     timestamptz,
  UNIQUE (account_id, job_id, cluster_id)
);
CREATE INDEX publications_queue ON vinted.publications(account_id, state, next_at);
CREATE INDEX publications_job ON vinted.publications(job_id);

CREATE TABLE vinted.publication_steps (
  id              bigserial PRIMARY KEY,
  publication_id  uuid NOT NULL REFERENCES vinted.publications(id) ON DELETE CASCADE,
  at              timestamptz NOT NULL DEFAULT now(),
  step            text NOT NULL,
  detail          jsonb
);
CREATE INDEX publication_steps_pub ON vinted.publication_steps(publication_id, id);

-- Every write slot handed out (queue steps and manual actions): the rolling-hour budget counts them.
CREATE TABLE vinted.writes (
  id              bigserial PRIMARY KEY,
  account_id      uuid NOT NULL,
  at              timestamptz NOT NULL,
  kind            text NOT NULL,
  publication_id  uuid
);
CREATE INDEX writes_account_at ON vinted.writes(account_id, at);

-- The account's wardrobe as last read from Vinted, matched to our publications.
CREATE TABLE vinted.listings (
  account_id      uuid NOT NULL,
  vinted_id       text NOT NULL,
  title           text NOT NULL DEFAULT '',
  price           numeric,
  currency        text,
  url             text,
  photo_url       text,
  state           text NOT NULL,            -- live | hidden | reserved | sold | deleted | draft
  publication_id  uuid,
  job_id          text,
  cluster_id      text,
  views           integer,
  favourites      integer,
  first_seen_at   timestamptz NOT NULL DEFAULT now(),
  seen_at         timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, vinted_id)
);

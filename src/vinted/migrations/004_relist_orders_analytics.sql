-- After publishing (issue 14, part A): relist rules and the history of every relist, the orders read
-- from Vinted, and what analytics needs on the wardrobe (category, brand, condition, when sold).

-- What analytics groups by: copied from our publication when we published the listing, or from the
-- wardrobe when Vinted gives it; null when neither knows.
ALTER TABLE vinted.listings
  ADD COLUMN catalog_id integer,
  ADD COLUMN brand text,
  ADD COLUMN status_id integer,
  ADD COLUMN sold_at timestamptz,
  ADD COLUMN sold_price numeric,          -- the price of its live sold order (kept by the order sync: analytics reads no join)
  ADD COLUMN relisted_to text;            -- the new Vinted id when this listing was relisted

-- relists a day on this account, whatever the rules say (each rule has its own cap too)
ALTER TABLE vinted.accounts ADD COLUMN relist_daily_cap integer NOT NULL DEFAULT 10;
CREATE INDEX listings_account_state ON vinted.listings(account_id, state);
CREATE INDEX listings_first_seen ON vinted.listings(first_seen_at);
-- the analytics' data version (latest change) is read from these
CREATE INDEX listings_updated ON vinted.listings(updated_at);

-- A relist rule: which listings (age, views, favourites, categories), how many a day, when (cron).
-- Dry-run by default: a rule acts only once the seller has turned dry_run off, after the warning that
-- relisting deletes the listing (new id, likes lost) was acknowledged.
CREATE TABLE vinted.relist_rules (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL,
  name             text NOT NULL,
  enabled          boolean NOT NULL DEFAULT true,
  dry_run          boolean NOT NULL DEFAULT true,
  min_age_days     integer NOT NULL DEFAULT 30,
  max_views        integer,
  max_favourites   integer,
  catalog_ids      jsonb NOT NULL DEFAULT '[]',   -- [] = every category; a parent id covers its subtree
  daily_cap        integer NOT NULL DEFAULT 5,
  cron             text,                          -- null: run by hand only
  acknowledged_at  timestamptz,                   -- when the "new id, likes lost" warning was accepted
  last_run_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);

-- One relist of one listing, recorded step by step like a publication: `deleting` is written before
-- the delete is sent; the delete's result and the re-create (the same publication, queued again) are
-- recorded together, so a listing is never gone without its re-create or its failure on record.
CREATE TABLE vinted.relists (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id          text NOT NULL,
  rule_id         uuid,
  account_id      uuid NOT NULL,
  old_vinted_id   text NOT NULL,
  publication_id  uuid NOT NULL,
  state           text NOT NULL DEFAULT 'queued',  -- queued | deleting | recreating | done | failed | skipped
  new_vinted_id   text,
  error_code      text,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  done_at         timestamptz,
  UNIQUE (run_id, old_vinted_id)
);
CREATE INDEX relists_account ON vinted.relists(account_id, created_at);
CREATE INDEX relists_run ON vinted.relists(run_id, created_at);
-- one relist at a time per listing, whatever the run
CREATE UNIQUE INDEX relists_active ON vinted.relists(account_id, old_vinted_id) WHERE state IN ('queued', 'deleting', 'recreating');

-- Orders, sold and purchased, as Vinted reports them. `status` is Vinted's own word, kept as is;
-- `state` is ours (pending | to_ship | shipped | delivered | completed | cancelled | refunded |
-- disputed | unknown): an unknown word from Vinted is kept and shown, never a crash.
CREATE TABLE vinted.orders (
  account_id      uuid NOT NULL,
  order_id        text NOT NULL,
  side            text NOT NULL,            -- sold | purchased
  source          text NOT NULL,            -- web | pro
  status          text NOT NULL,
  state           text NOT NULL,
  item_id         text,
  title           text NOT NULL DEFAULT '',
  price           numeric,
  currency        text,
  counterpart     text,                     -- the buyer's (or seller's) login
  shipment_id     text,
  label_url       text,
  ship_by         timestamptz,
  ordered_at      timestamptz NOT NULL,
  data            jsonb NOT NULL DEFAULT '{}',
  first_seen_at   timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, side, order_id)
);
CREATE INDEX orders_account_date ON vinted.orders(account_id, side, ordered_at);
CREATE INDEX orders_item ON vinted.orders(account_id, item_id);
CREATE INDEX orders_updated ON vinted.orders(updated_at);

-- Issue 14 part B: delivery of the events outbox (in-app notifications, e-mails, outgoing webhooks),
-- buyer messages (inbox, reply templates, sent replies) and offers.

-- One cursor per delivery channel (notify, email, webhook): the last vinted.events id fanned out.
-- Advanced in the same transaction as the rows it creates, under a row lock, so two worker processes
-- or a restarted server fan each event out exactly once.
CREATE TABLE vinted.delivery_cursors (
  channel    text PRIMARY KEY,
  last_id    bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- In-app notifications: one row per user and event.
CREATE TABLE vinted.notifications (
  id         bigserial PRIMARY KEY,
  user_id    uuid NOT NULL,
  event_id   bigint NOT NULL,
  type       text NOT NULL,
  account_id uuid,
  data       jsonb NOT NULL DEFAULT '{}',
  read_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, event_id)
);
CREATE INDEX notifications_user ON vinted.notifications(user_id, id);

-- Which events each user wants by e-mail (absent = the defaults: sale, offer, account, queue).
CREATE TABLE vinted.notify_prefs (
  user_id      uuid PRIMARY KEY,
  email_events jsonb NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Outgoing webhook endpoints; the signing secret is in the vault (vinted.hook.<id>).
CREATE TABLE vinted.webhook_endpoints (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  url         text NOT NULL,
  events      jsonb NOT NULL,
  active      boolean NOT NULL DEFAULT true,
  description text,
  created_by  uuid,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One send to make (a webhook to an endpoint, an e-mail to a user) per event, retried with backoff.
-- `lease_until` keeps two processes from sending the same row at once; a row is `delivered` once.
CREATE TABLE vinted.deliveries (
  id           bigserial PRIMARY KEY,
  channel      text NOT NULL,           -- webhook | email
  target       text NOT NULL,           -- endpoint id | user id
  event_id     bigint NOT NULL,
  event_type   text NOT NULL,
  state        text NOT NULL DEFAULT 'pending',  -- pending | delivered | dead
  attempts     integer NOT NULL DEFAULT 0,
  next_at      timestamptz NOT NULL DEFAULT now(),
  lease_until  timestamptz,
  last_status  integer,
  last_error   text,
  last_ms      integer,
  delivered_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel, target, event_id)
);
CREATE INDEX deliveries_due ON vinted.deliveries(state, next_at);
CREATE INDEX deliveries_target ON vinted.deliveries(channel, target, id);

-- Every attempt of a delivery: the log shown in the UI (status code, duration, error).
CREATE TABLE vinted.delivery_attempts (
  id          bigserial PRIMARY KEY,
  delivery_id bigint NOT NULL REFERENCES vinted.deliveries(id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  status      integer,
  ms          integer NOT NULL,
  error       text,
  replay      boolean NOT NULL DEFAULT false
);
CREATE INDEX delivery_attempts_delivery ON vinted.delivery_attempts(delivery_id, id);

-- Buyer conversations as read from Vinted's inbox (§1.8).
CREATE TABLE vinted.conversations (
  account_id      uuid NOT NULL,
  vinted_id       text NOT NULL,
  buyer_id        text,
  buyer_login     text,
  item_id         text,
  item_title      text,
  item_price      numeric,
  transaction_id  text,
  unread          boolean NOT NULL DEFAULT false,
  allow_reply     boolean NOT NULL DEFAULT true,
  buyer_wrote     boolean NOT NULL DEFAULT false,
  last_body       text,
  last_at         timestamptz,
  offer           jsonb,                  -- the pending offer {id, price, currency, status} or null
  synced_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, vinted_id)
);
CREATE INDEX conversations_last ON vinted.conversations(account_id, last_at DESC);

CREATE TABLE vinted.messages (
  account_id      uuid NOT NULL,
  conversation_id text NOT NULL,
  vinted_id       text NOT NULL,
  from_me         boolean NOT NULL,
  body            text NOT NULL,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (account_id, conversation_id, vinted_id)
);

-- Reply templates (rendered only by the logic-less engine, listings/templates.ts).
CREATE TABLE vinted.reply_templates (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL,
  trigger    text NOT NULL,               -- question | offer | sale
  body       text NOT NULL,
  auto       boolean NOT NULL DEFAULT false,
  daily_cap  integer NOT NULL DEFAULT 10,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every reply and offer answer we sent (or are sending): the idempotency key makes a double click,
-- a retry or a second worker one send; `auto` counts against the template's daily cap.
CREATE TABLE vinted.sent_replies (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key             text NOT NULL UNIQUE,
  account_id      uuid NOT NULL,
  conversation_id text NOT NULL,
  kind            text NOT NULL,          -- reply | offer_accept | offer_reject | offer_counter
  template_id     uuid,
  body            text,
  price           numeric,
  auto            boolean NOT NULL DEFAULT false,
  state           text NOT NULL DEFAULT 'sending',  -- sending | sent | failed
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX sent_replies_auto ON vinted.sent_replies(template_id, created_at) WHERE auto;

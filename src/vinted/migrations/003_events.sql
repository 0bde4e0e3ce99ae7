-- What happened on the seller's Vinted accounts (a sale, a message, an order, a blocked account…),
-- written once by whoever saw it (publish worker, wardrobe sync, inbox poll, Pro webhook). It is the
-- outbox that in-app notifications, e-mails and outgoing webhooks are delivered from: a row is
-- recorded in the same process that saw the fact, and delivered by any process later, so separate
-- workers and a restarted server lose nothing. `dedupe_key` makes recording idempotent: the same
-- sale seen by two syncs is one event.
CREATE TABLE vinted.events (
  id          bigserial PRIMARY KEY,
  type        text NOT NULL,          -- listing.created | listing.sold | message.received | offer.received | order.created | account.blocked | account.reconnect | queue.blocked
  account_id  uuid,
  dedupe_key  text NOT NULL UNIQUE,
  data        jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_created ON vinted.events(created_at);
CREATE INDEX events_account ON vinted.events(account_id, id);

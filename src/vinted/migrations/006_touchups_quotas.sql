-- Photo touch-ups (issue 14): the seller's recipe (rotate, straighten, crop, brightness, contrast,
-- white balance), applied to the original, which is never changed; the renditions' keys are in
-- blobs (edited, edited_thumb). NULL: not touched up.
ALTER TABLE vinted.photos ADD COLUMN edits jsonb;

-- Per-user limits set by an admin (issue 14): articles published per calendar month, Vinted accounts,
-- photo storage. NULL: the env default (VINTED_QUOTA_*), whose 0 means unlimited. Suspending a user
-- is core's (core.users.disabled).
CREATE TABLE vinted.quotas (
  user_id             uuid PRIMARY KEY,
  articles_per_month  integer,
  accounts            integer,
  storage_mb          integer,
  updated_by          uuid,
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- promoteurs 002: settings edited in the web app (sources on/off and delays, EspoCRM URL, alerts),
-- the content type of cached pages (sitemaps may be gzip), and images sent to EspoCRM as attachments.

CREATE TABLE promoteurs.settings (
  key         text PRIMARY KEY,              -- "sources", "espocrm", "alerts"
  value       jsonb NOT NULL DEFAULT '{}',
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text
);

ALTER TABLE promoteurs.page_cache ADD COLUMN content_type text;

-- the EspoCRM Attachment id of a stored image (uploaded once, reused by later pushes)
ALTER TABLE promoteurs.images ADD COLUMN espo_attachment_id text;

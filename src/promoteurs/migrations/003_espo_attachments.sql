-- promoteurs 003: images go to EspoCRM as attachments, each content uploaded once per CRM and field.
-- images.content_hash: sha256 of the stored bytes (set at download; filled at push time for older rows).
-- espo_attachments: (CRM, field, content hash) → the Attachment id EspoCRM gave it; a later push of the
-- same bytes (same programme, another programme, a rerun) reuses the id instead of uploading again.
-- images.espo_attachment_id (002) was never used: one id per image row could not dedupe by content.

ALTER TABLE promoteurs.images ADD COLUMN content_hash text;
ALTER TABLE promoteurs.images DROP COLUMN espo_attachment_id;

CREATE TABLE promoteurs.espo_attachments (
  espo_url       text NOT NULL,
  field          text NOT NULL,              -- "images" (attachment-multiple) or "imagePrincipale" (image)
  content_hash   text NOT NULL,
  attachment_id  text NOT NULL,
  size           integer,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (espo_url, field, content_hash)
);

-- why a source run is not healthy, as a code and numbers the web app words in French or English
-- (source_runs.reason keeps the English sentence for logs, alerts and the CLI)
ALTER TABLE promoteurs.source_runs ADD COLUMN reason_detail jsonb;

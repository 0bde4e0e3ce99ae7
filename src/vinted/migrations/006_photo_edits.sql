-- Photo touch-ups (issue 14): the seller's recipe (rotate, straighten, crop, brightness, contrast,
-- white balance), applied to the original, which is never changed; the renditions' keys are in
-- blobs (edited, edited_thumb). NULL: not touched up.
ALTER TABLE vinted.photos ADD COLUMN edits jsonb;

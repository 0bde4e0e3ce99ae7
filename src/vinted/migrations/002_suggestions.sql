-- Suggestions per article (issue 13): the classifier's top categories, brand and size read on the
-- label, a vision LLM's answers. The seller accepts one with a click (it is then copied into the
-- article's own field); they never overwrite a field by themselves.
ALTER TABLE vinted.clusters ADD COLUMN suggestions jsonb NOT NULL DEFAULT '{}';

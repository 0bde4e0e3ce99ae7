-- per-account login throttling (beside the per-IP rate limit): failures counted per account, an
-- exponential lockout past a few; keyed by the SHA-256 of the normalised email so that unknown
-- emails are throttled the same way and no typed email is stored in clear
CREATE TABLE core.login_failures (
  email_hash text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  last_failure_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz
);

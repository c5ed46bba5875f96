-- The request journal is written on the hot path: every index is paid on every row. The global
-- "at" index served only the retention purge, which now walks the table in id order (ids grow
-- with time); the per-account (account_id, at) index still serves the settings page and alerts.
DROP INDEX IF EXISTS "exchange_journal_at";

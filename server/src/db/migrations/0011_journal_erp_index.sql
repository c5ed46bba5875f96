-- The alert rules and the health view ask for an account's last good and first failing ERP call.
-- On the (account_id, at) index that walks every journal row of the account, widget calls
-- included: 50-60 ms a read at a busy account's volume, and on PGlite that is the event loop.
-- This partial index holds the ERP rows only, so the hot widget and webhook rows pay nothing.
CREATE INDEX IF NOT EXISTS "exchange_journal_erp" ON "exchange_journal" ("account_id","at") WHERE "system" = 'erp';

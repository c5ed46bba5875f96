-- The alert rules read each account's signals every minute (alerts/signals.ts), and the health view
-- on demand. Walking an account's whole journal or inbox for them cost 50-60 ms (journal) and about
-- 300 ms (inbox joined with bodies, at 100k hooks) per account per read, and on PGlite that is the
-- event loop. These make each signal an index probe; the hot rows pay only where noted.

-- The ERP's last good and first failing call: a partial index holding the ERP rows only, so the
-- widget and webhook rows pay nothing for it.
CREATE INDEX IF NOT EXISTS "exchange_journal_erp" ON "exchange_journal" ("account_id","at") WHERE "system" = 'erp';
--> statement-breakpoint
-- The newest hook and the hooks of the last day, by account (paid by every stored hook).
CREATE INDEX IF NOT EXISTS "webhook_inbox_account_received" ON "webhook_inbox" ("account_id","received_at");
--> statement-breakpoint
-- When reconciliation last stored a change no webhook had brought, kept on the installation
-- instead of being searched for among the bodies.
ALTER TABLE "installations" ADD COLUMN IF NOT EXISTS "reconcile_found_at" timestamp with time zone;
--> statement-breakpoint
UPDATE "installations" SET "reconcile_found_at" = (
  SELECT max(i."received_at") FROM "webhook_inbox" i JOIN "webhook_bodies" b ON b."id" = i."raw_body_id"
  WHERE i."account_id" = "installations"."account_id" AND left(b."body", 10) = 'reconcile '
);

-- The guard's write-ahead intent: a decision's id and writes, stored before any amoCRM write and
-- cleared when the outcome is recorded. A row still holding one after a crash is finished by
-- searching amoCRM for the decision id and writing only what is missing.
ALTER TABLE "guard_leads" ADD COLUMN "pending_decision" text;
--> statement-breakpoint
-- Who holds a deal's lease: a worker writes only while its lease is still its own.
ALTER TABLE "guard_leads" ADD COLUMN "lease_owner" text;

-- The request journal: one row per request erp-bridge sent (amoCRM, ERP) or received (webhooks,
-- Digital Pipeline, widget). Paths are sanitised before they get here (no query, no secrets).
CREATE TABLE IF NOT EXISTS "exchange_journal" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
	"at" timestamp with time zone NOT NULL,
	"account_id" bigint,
	"direction" text NOT NULL,
	"system" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"status" integer NOT NULL,
	"latency_ms" integer NOT NULL,
	"attempt" integer NOT NULL,
	"request_id" text,
	"job_id" text,
	"widget_request_id" text,
	"lead_id" bigint
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "exchange_journal_account_at" ON "exchange_journal" ("account_id","at");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "exchange_journal_at" ON "exchange_journal" ("at");
--> statement-breakpoint
-- Operator alerts: one row per incident (rule + key per account); an open incident is unique.
CREATE TABLE IF NOT EXISTS "operator_alerts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
	"account_id" bigint NOT NULL,
	"rule" text NOT NULL,
	"incident_key" text NOT NULL,
	"message" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"last_notified_at" timestamp with time zone NOT NULL,
	"notifications" integer NOT NULL DEFAULT 1,
	"resolved_at" timestamp with time zone,
	"resolution" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "operator_alerts_open" ON "operator_alerts" ("account_id","rule","incident_key") WHERE "resolved_at" IS NULL;
--> statement-breakpoint
-- Where an account's alerts go: the amoCRM user who gets the task, an outgoing webhook (secret sealed).
CREATE TABLE IF NOT EXISTS "alert_settings" (
	"account_id" bigint PRIMARY KEY,
	"admin_user_id" bigint,
	"webhook_url" text,
	"webhook_secret_enc" text,
	"updated_at" timestamp with time zone NOT NULL DEFAULT now()
);

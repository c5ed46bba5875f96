CREATE TABLE "amo_rate_slots" (
	"account_id" bigint PRIMARY KEY NOT NULL,
	"next_slot" timestamp (6) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_bodies" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_bodies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" bigint NOT NULL,
	"body" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_inbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_inbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" bigint NOT NULL,
	"dedupe_key" text NOT NULL,
	"entity" text NOT NULL,
	"action" text NOT NULL,
	"entity_id" bigint NOT NULL,
	"event" text NOT NULL,
	"raw_body_id" bigint,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"enqueued_at" timestamp with time zone,
	"processed_at" timestamp with time zone,
	CONSTRAINT "webhook_inbox_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
ALTER TABLE "installations" ADD COLUMN "refresh_token_issued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "installations" ADD COLUMN "refresh_lease_owner" text;--> statement-breakpoint
ALTER TABLE "installations" ADD COLUMN "refresh_lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "installations" ADD COLUMN "auth_error" text;--> statement-breakpoint
ALTER TABLE "installations" ADD COLUMN "circuit_open_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "installations" ADD COLUMN "circuit_reason" text;--> statement-breakpoint
ALTER TABLE "installations" ADD COLUMN "reconciled_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "webhook_inbox_pending" ON "webhook_inbox" USING btree ("processed_at","received_at");
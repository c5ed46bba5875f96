CREATE TABLE "erp_hook_keys" (
	"account_id" bigint PRIMARY KEY NOT NULL,
	"hook_key" text NOT NULL,
	"subscribed_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erp_hook_keys_hook_key_unique" UNIQUE("hook_key")
);
--> statement-breakpoint
CREATE TABLE "erp_invoice_states" (
	"request_id" text PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"lead_id" bigint NOT NULL,
	"erp_invoice_id" text NOT NULL,
	"state" text NOT NULL,
	"sum" numeric NOT NULL,
	"paid_sum" numeric DEFAULT 0 NOT NULL,
	"currency" text DEFAULT 'RUB' NOT NULL,
	"version" text DEFAULT '' NOT NULL,
	"link" text,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erp_loop_outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "erp_loop_outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" bigint NOT NULL,
	"lead_id" bigint NOT NULL,
	"dedupe_key" text NOT NULL,
	"writes" text NOT NULL,
	"attempted_at" timestamp with time zone,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erp_loop_outbox_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "erp_orders" (
	"account_id" bigint NOT NULL,
	"lead_id" bigint NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"erp_order_id" text,
	"number" text,
	"link" text,
	"reserved" text DEFAULT '{}' NOT NULL,
	"error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erp_orders_account_id_lead_id_pk" PRIMARY KEY("account_id","lead_id")
);
--> statement-breakpoint
ALTER TABLE "local_documents" ADD COLUMN "state" text;--> statement-breakpoint
ALTER TABLE "local_documents" ADD COLUMN "paid_sum" numeric;--> statement-breakpoint
ALTER TABLE "local_documents" ADD COLUMN "reserved" text;--> statement-breakpoint
ALTER TABLE "local_documents" ADD COLUMN "changed_at" timestamp (6) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "erp_invoice_states_poll" ON "erp_invoice_states" USING btree ("account_id","checked_at");--> statement-breakpoint
CREATE INDEX "erp_invoice_states_erp_id" ON "erp_invoice_states" USING btree ("account_id","erp_invoice_id");--> statement-breakpoint
CREATE INDEX "erp_loop_outbox_pending" ON "erp_loop_outbox" USING btree ("done_at","account_id");
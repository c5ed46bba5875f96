CREATE TABLE "account_settings" (
	"account_id" bigint PRIMARY KEY NOT NULL,
	"json" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_links" (
	"account_id" bigint NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" bigint NOT NULL,
	"customer_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_links_account_id_entity_type_entity_id_pk" PRIMARY KEY("account_id","entity_type","entity_id")
);
--> statement-breakpoint
CREATE TABLE "guard_decisions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "guard_decisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" bigint NOT NULL,
	"lead_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"cause" text NOT NULL,
	"cause_event" text,
	"verdict" text NOT NULL,
	"reasons" text NOT NULL,
	"actions" text NOT NULL,
	"pipeline_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	"rules" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guard_leads" (
	"account_id" bigint NOT NULL,
	"lead_id" bigint NOT NULL,
	"last_verdict" text,
	"reasons_hash" text,
	"last_good_pipeline_id" bigint,
	"last_good_status_id" bigint,
	"lease_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "guard_leads_account_id_lead_id_pk" PRIMARY KEY("account_id","lead_id")
);
--> statement-breakpoint
CREATE TABLE "invoice_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"lead_id" bigint NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"positions" text NOT NULL,
	"total" numeric NOT NULL,
	"currency" text NOT NULL,
	"customer_id" text NOT NULL,
	"requested_by" bigint NOT NULL,
	"erp_invoice_id" text,
	"number" text,
	"sum" numeric,
	"link" text,
	"note_written" boolean DEFAULT false NOT NULL,
	"error_code" text,
	"error_message" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "guard_decisions_lead" ON "guard_decisions" USING btree ("account_id","lead_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_requests_key" ON "invoice_requests" USING btree ("account_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "invoice_requests_lead" ON "invoice_requests" USING btree ("account_id","lead_id");
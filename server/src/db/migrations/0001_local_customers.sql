CREATE TABLE "local_customers" (
	"id" text PRIMARY KEY NOT NULL,
	"store_id" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"inn" text,
	"phone" text,
	"phone_key" text,
	"email" text,
	"balance" numeric,
	"currency" text DEFAULT 'RUB' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "local_documents" (
	"id" text PRIMARY KEY NOT NULL,
	"store_id" text DEFAULT 'default' NOT NULL,
	"customer_id" text NOT NULL,
	"kind" text NOT NULL,
	"number" text NOT NULL,
	"date" timestamp with time zone NOT NULL,
	"sum" numeric NOT NULL,
	"currency" text DEFAULT 'RUB' NOT NULL,
	"idempotency_key" text,
	"positions" text,
	CONSTRAINT "local_documents_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE INDEX "local_customers_inn" ON "local_customers" USING btree ("store_id","inn");--> statement-breakpoint
CREATE INDEX "local_customers_phone" ON "local_customers" USING btree ("store_id","phone_key");--> statement-breakpoint
CREATE INDEX "local_documents_customer" ON "local_documents" USING btree ("customer_id","kind","date");
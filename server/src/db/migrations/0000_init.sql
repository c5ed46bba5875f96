CREATE TABLE "installations" (
	"id" serial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"subdomain" text NOT NULL,
	"domain" text DEFAULT 'amocrm.ru' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"token_expires_at" timestamp with time zone,
	"hook_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "installations_account_id_unique" UNIQUE("account_id"),
	CONSTRAINT "installations_hook_key_unique" UNIQUE("hook_key")
);
--> statement-breakpoint
CREATE TABLE "local_stock" (
	"store_id" text DEFAULT 'default' NOT NULL,
	"sku" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"warehouse_name" text NOT NULL,
	"name" text NOT NULL,
	"stock" numeric NOT NULL,
	"reserve" numeric DEFAULT 0 NOT NULL,
	"price" numeric,
	"currency" text DEFAULT 'RUB' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "local_stock_store_id_sku_warehouse_id_pk" PRIMARY KEY("store_id","sku","warehouse_id")
);
--> statement-breakpoint
CREATE TABLE "used_token_ids" (
	"jti" text PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "used_token_ids_expires_at" ON "used_token_ids" USING btree ("expires_at");
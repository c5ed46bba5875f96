CREATE TABLE "amo_rate_sends" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "amo_rate_sends_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" bigint NOT NULL,
	"sent_at" timestamp (6) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "amo_rate_sends_account" ON "amo_rate_sends" USING btree ("account_id","sent_at");
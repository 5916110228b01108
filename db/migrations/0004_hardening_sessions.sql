CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "spent_password_sheets" (
	"nonce" uuid PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP INDEX "accounts_email_trgm_idx";--> statement-breakpoint
DROP INDEX "accounts_name_trgm_idx";--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "temporary_password_invitation_id" uuid;--> statement-breakpoint
ALTER TABLE "rate_limits" ADD COLUMN "expires_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_account_idx" ON "sessions" USING btree ("account_id","created_at");--> statement-breakpoint
-- The longest window in use before this migration was one hour.
UPDATE "rate_limits" SET "expires_at" = "window_started_at" + interval '1 hour';--> statement-breakpoint
-- A temporary password belongs to the invitation that issued it. Accounts whose sign-in already
-- cleared created_by_invitation_id keep no owner, so their temporary password stops working.
UPDATE "accounts" SET "temporary_password_invitation_id" = "created_by_invitation_id" WHERE "password_is_temporary";

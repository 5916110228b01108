ALTER TABLE "accounts" DROP COLUMN "status";--> statement-breakpoint
DROP TYPE "public"."account_status";
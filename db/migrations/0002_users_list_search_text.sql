ALTER TABLE "memberships" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "memberships_search_trgm_idx" ON "memberships" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
-- memberships.search_text mirrors lower(accounts.name) || E'\n' || accounts.email_normalized, kept
-- by the same triggers as sort_name.
CREATE OR REPLACE FUNCTION "memberships_set_sort_name"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT lower(a.name), lower(a.name) || E'\n' || a.email_normalized INTO NEW.sort_name, NEW.search_text
  FROM accounts a WHERE a.id = NEW.account_id;
  RETURN NEW;
END
$$;--> statement-breakpoint
DROP TRIGGER "memberships_sort_name" ON "memberships";--> statement-breakpoint
CREATE TRIGGER "memberships_sort_name" BEFORE INSERT OR UPDATE OF "account_id", "sort_name", "search_text" ON "memberships"
  FOR EACH ROW EXECUTE FUNCTION "memberships_set_sort_name"();--> statement-breakpoint
CREATE OR REPLACE FUNCTION "accounts_sync_membership_sort_name"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE memberships SET sort_name = lower(NEW.name), search_text = lower(NEW.name) || E'\n' || NEW.email_normalized
  WHERE account_id = NEW.id;
  RETURN NULL;
END
$$;--> statement-breakpoint
DROP TRIGGER "accounts_membership_sort_name" ON "accounts";--> statement-breakpoint
CREATE TRIGGER "accounts_membership_sort_name" AFTER UPDATE OF "name", "email_normalized" ON "accounts"
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email_normalized IS DISTINCT FROM NEW.email_normalized)
  EXECUTE FUNCTION "accounts_sync_membership_sort_name"();--> statement-breakpoint
UPDATE "memberships" m SET "search_text" = lower(a."name") || E'\n' || a."email_normalized" FROM "accounts" a WHERE a."id" = m."account_id";

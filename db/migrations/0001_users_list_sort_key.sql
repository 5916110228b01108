ALTER TABLE "memberships" ADD COLUMN "sort_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "memberships_organization_list_idx" ON "memberships" USING btree ("organization_id","is_owner" DESC NULLS LAST,"sort_name","id");--> statement-breakpoint
-- memberships.sort_name mirrors lower(accounts.name); the database keeps it, whoever writes.
CREATE FUNCTION "memberships_set_sort_name"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT lower(a.name) INTO NEW.sort_name FROM accounts a WHERE a.id = NEW.account_id;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "memberships_sort_name" BEFORE INSERT OR UPDATE OF "account_id", "sort_name" ON "memberships"
  FOR EACH ROW EXECUTE FUNCTION "memberships_set_sort_name"();--> statement-breakpoint
CREATE FUNCTION "accounts_sync_membership_sort_name"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE memberships SET sort_name = lower(NEW.name) WHERE account_id = NEW.id;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "accounts_membership_sort_name" AFTER UPDATE OF "name" ON "accounts"
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION "accounts_sync_membership_sort_name"();--> statement-breakpoint
UPDATE "memberships" m SET "sort_name" = lower(a."name") FROM "accounts" a WHERE a."id" = m."account_id";

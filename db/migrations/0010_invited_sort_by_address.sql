-- An invited member's account is not the organization's to see until they accept: until then the
-- membership sorts and is searched by its address (the local part stands for the name, as Send
-- Invite names an account it creates), not by the account's name. The triggers of 0001 and 0002
-- now read the membership's status, and run again when it changes.
CREATE OR REPLACE FUNCTION "memberships_set_sort_name"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT n.shown, n.shown || E'\n' || a.email_normalized INTO NEW.sort_name, NEW.search_text
  FROM accounts a
  CROSS JOIN LATERAL (
    SELECT CASE WHEN NEW.status = 'invited' THEN lower(split_part(a.email, '@', 1)) ELSE lower(a.name) END AS shown
  ) n
  WHERE a.id = NEW.account_id;
  RETURN NEW;
END
$$;--> statement-breakpoint
DROP TRIGGER "memberships_sort_name" ON "memberships";--> statement-breakpoint
CREATE TRIGGER "memberships_sort_name" BEFORE INSERT OR UPDATE OF "account_id", "status", "sort_name", "search_text" ON "memberships"
  FOR EACH ROW EXECUTE FUNCTION "memberships_set_sort_name"();--> statement-breakpoint
-- An account's new name or address reaches its memberships through the trigger above, which
-- decides by each membership's status.
CREATE OR REPLACE FUNCTION "accounts_sync_membership_sort_name"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE memberships SET sort_name = '', search_text = '' WHERE account_id = NEW.id;
  RETURN NULL;
END
$$;--> statement-breakpoint
UPDATE "memberships" SET "sort_name" = '', "search_text" = '' WHERE "status" = 'invited';

CREATE TABLE "organization_member_counts" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"member_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "organization_member_counts_not_negative" CHECK ("organization_member_counts"."member_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "organization_member_counts" ADD CONSTRAINT "organization_member_counts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- organization_member_counts.member_count follows the organization's memberships, whoever writes
-- them (the application, a cascade from a deleted account, a seed).
CREATE FUNCTION "memberships_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE organization_member_counts SET member_count = member_count - 1 WHERE organization_id = OLD.organization_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO organization_member_counts (organization_id, member_count) VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET member_count = organization_member_counts.member_count + 1;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "memberships_count" AFTER INSERT OR DELETE OR UPDATE OF "organization_id" ON "memberships"
  FOR EACH ROW EXECUTE FUNCTION "memberships_count"();--> statement-breakpoint
INSERT INTO "organization_member_counts" ("organization_id", "member_count")
  SELECT "organization_id", count(*) FROM "memberships" GROUP BY "organization_id";

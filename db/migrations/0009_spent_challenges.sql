CREATE TABLE "spent_challenges" (
	"challenge_hash" uuid PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);

namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL of the note-text search on PostgreSQL, kept apart from the generated migrations so it can be
/// re-applied when a migration is regenerated. Activities get a stored, generated tsvector over subject and notes
/// (so every activity is searchable however it was written) with a GIN index. The text is folded like the app's
/// search keys (lower case, accents removed, ß → ss) by prospector_fold, an IMMUTABLE wrapper around unaccent
/// (a trusted extension: a database owner may create it). The 'simple' configuration: no stemming, because notes
/// are German, Dutch and English at once, and prefix queries (muller:*) do the rest.
/// </summary>
public static class SearchSql
{
    public static readonly string[] Up =
    [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        """
        CREATE OR REPLACE FUNCTION prospector_fold(text) RETURNS text
          LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
          AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, replace($1, 'ß', 'ss'))) $$
        """,
        """
        ALTER TABLE "Activities" ADD COLUMN IF NOT EXISTS "SearchVector" tsvector
          GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, prospector_fold(coalesce("Subject", '') || ' ' || coalesce("Notes", '')))) STORED
        """,
        """CREATE INDEX IF NOT EXISTS "IX_Activities_SearchVector" ON "Activities" USING GIN ("SearchVector")""",
    ];

    public static readonly string[] Down =
    [
        """DROP INDEX IF EXISTS "IX_Activities_SearchVector" """,
        """ALTER TABLE "Activities" DROP COLUMN IF EXISTS "SearchVector" """,
        "DROP FUNCTION IF EXISTS prospector_fold(text)",
    ];
}

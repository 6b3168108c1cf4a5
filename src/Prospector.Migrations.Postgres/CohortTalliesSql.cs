namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps "CohortTallies" on PostgreSQL: a unique key over (UTC day of the first day as a Lead, stage,
/// highest stage or none, out, reason or none, owner or none, team or none) and row triggers on "Contacts" that take out a
/// contact's old self and add its new one whenever one of those changes (its first day as a Lead and highest stage are kept
/// by the funnel facts' triggers, whose updates fire these too). A contact counts while it has a first day as a Lead and is
/// not in the recycle bin. Every trigger reads only the row it fires for (the version its update locked), so it stays exact
/// under concurrent writes. All in the transaction of the write, however the write is made. <see cref="Up"/> can be run
/// again at any time: it drops the triggers, empties the table, recreates both and fills the table from the contacts.
/// </summary>
public static class CohortTalliesSql
{
    private const string Key = "\"Day\", \"Stage\", (COALESCE(\"HighestStage\", '')), \"Out\", (COALESCE(\"Reason\", '')), (COALESCE(\"OwnerId\", 0)), (COALESCE(\"TeamId\", 0))";
    private const string Columns = "\"Day\", \"Stage\", \"HighestStage\", \"Out\", \"Reason\", \"OwnerId\", \"TeamId\", \"Count\"";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET \"Count\" = \"CohortTallies\".\"Count\" + EXCLUDED.\"Count\";";

    private static string Values(string c) =>
        $"date_trunc('day', {c}.\"FirstLeadAt\", 'UTC'), {c}.\"Stage\", {c}.\"HighestStage\", {c}.\"LeadStatus\" = 'Unqualified', "
        + $"CASE WHEN {c}.\"LeadStatus\" = 'Unqualified' THEN COALESCE({c}.\"UnqualifiedReason\", '') END, {c}.\"OwnerId\", {c}.\"TeamId\"";

    private static string Counted(string c) => $"{c}.\"FirstLeadAt\" IS NOT NULL AND {c}.\"DeletedAt\" IS NULL";

    private static string Apply(string c, int sign) => $"""
            INSERT INTO "CohortTallies" ({Columns})
              SELECT {Values(c)}, {sign} WHERE {Counted(c)}
              {Add}
        """;

    private static IEnumerable<string> Drops() =>
    [
        "DROP TRIGGER IF EXISTS contacts_cohort_tallies ON \"Contacts\"",
        "DROP TRIGGER IF EXISTS contacts_cohort_tallies_update ON \"Contacts\"",
    ];

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS \"UX_CohortTallies_Key\"",
        "DELETE FROM \"CohortTallies\"",
        $"CREATE UNIQUE INDEX \"UX_CohortTallies_Key\" ON \"CohortTallies\" ({Key})",
        $"""
        CREATE OR REPLACE FUNCTION prospector_cohort_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
        {Apply("OLD", -1)}
          END IF;
          IF TG_OP <> 'DELETE' THEN
        {Apply("NEW", 1)}
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER contacts_cohort_tallies AFTER INSERT OR DELETE
          ON "Contacts" FOR EACH ROW EXECUTE FUNCTION prospector_cohort_tallies()
        """,
        """
        CREATE TRIGGER contacts_cohort_tallies_update
          AFTER UPDATE OF "FirstLeadAt", "Stage", "HighestStage", "LeadStatus", "UnqualifiedReason", "OwnerId", "TeamId", "DeletedAt"
          ON "Contacts" FOR EACH ROW
          WHEN (OLD."FirstLeadAt" IS DISTINCT FROM NEW."FirstLeadAt" OR OLD."Stage" IS DISTINCT FROM NEW."Stage"
            OR OLD."HighestStage" IS DISTINCT FROM NEW."HighestStage" OR OLD."LeadStatus" IS DISTINCT FROM NEW."LeadStatus"
            OR OLD."UnqualifiedReason" IS DISTINCT FROM NEW."UnqualifiedReason" OR OLD."OwnerId" IS DISTINCT FROM NEW."OwnerId"
            OR OLD."TeamId" IS DISTINCT FROM NEW."TeamId" OR (OLD."DeletedAt" IS NULL) <> (NEW."DeletedAt" IS NULL))
          EXECUTE FUNCTION prospector_cohort_tallies()
        """,
        $"""
        INSERT INTO "CohortTallies" ({Columns})
          SELECT {Values("c")}, count(*) FROM "Contacts" AS c WHERE {Counted("c")}
          GROUP BY 1, 2, 3, 4, 5, 6, 7
        """,
    ];

    public static readonly string[] Down =
    [
        .. Drops(),
        "DROP FUNCTION IF EXISTS prospector_cohort_tallies()",
        "DROP INDEX IF EXISTS \"UX_CohortTallies_Key\"",
    ];
}

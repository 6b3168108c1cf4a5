namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps "StayTallies" on PostgreSQL: a unique key over (UTC month, stage, whole days, owner or none,
/// team or none) and row triggers that count the stay a stage change ends (its "StayStage" from its "StayStartedAt", kept by
/// <see cref="FunnelFactsSql"/>) in the UTC month of the change, by its length in whole days, for the owner and team of its
/// contact while the contact is not in the recycle bin. The trigger on "LifecycleEvents" takes out a row's old stay and adds
/// its new one whenever a column the stay depends on is written (also by the funnel facts' own trigger); those on "Contacts"
/// move the contact's stays when its owner, team or recycle bin state changes and take them out before it is deleted
/// (before: its events go along with it). All in the transaction of the write, however the write is made. <see cref="Up"/>
/// can be run again at any time: it drops the triggers, empties the table, recreates both and fills the table from the events.
/// </summary>
public static class StayTalliesSql
{
    private const string Key = "\"Month\", \"Stage\", \"Days\", (COALESCE(\"OwnerId\", 0)), (COALESCE(\"TeamId\", 0))";
    private const string Columns = "\"Month\", \"Stage\", \"Days\", \"OwnerId\", \"TeamId\", \"Count\"";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET \"Count\" = \"StayTallies\".\"Count\" + EXCLUDED.\"Count\";";

    private static string Month(string e) => $"date_trunc('month', {e}.\"At\", 'UTC')";

    /// <summary>The stay's length in whole days (the exact span in seconds: extract gives a numeric; never negative).</summary>
    private static string Days(string e) => $"floor(extract(epoch FROM {e}.\"At\" - {e}.\"StayStartedAt\") / 86400)::integer";

    private static string Counted(string e) => $"{e}.\"Kind\" = 'StageChanged' AND {e}.\"StayStage\" IS NOT NULL AND {e}.\"StayStartedAt\" IS NOT NULL";

    private static string Apply(string e, int sign) => $"""
            INSERT INTO "StayTallies" ({Columns})
              SELECT {Month(e)}, {e}."StayStage", {Days(e)}, c."OwnerId", c."TeamId", {sign}
              FROM "Contacts" AS c
              WHERE c."Id" = {e}."ContactId" AND c."DeletedAt" IS NULL AND {Counted(e)}
              {Add}
        """;

    private static string Move(string c, int sign) => $"""
              INSERT INTO "StayTallies" ({Columns})
                SELECT {Month("e")}, e."StayStage", {Days("e")}, {c}."OwnerId", {c}."TeamId", {sign} * count(*)
                FROM "LifecycleEvents" AS e
                WHERE e."ContactId" = {c}."Id" AND {Counted("e")}
                GROUP BY 1, 2, 3
                {Add}
        """;

    private static IEnumerable<string> Drops() =>
    [
        "DROP TRIGGER IF EXISTS lifecycle_events_stay_tallies ON \"LifecycleEvents\"",
        "DROP TRIGGER IF EXISTS contacts_stay_tallies ON \"Contacts\"",
        "DROP TRIGGER IF EXISTS contacts_stay_tallies_delete ON \"Contacts\"",
    ];

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS \"UX_StayTallies_Key\"",
        "DELETE FROM \"StayTallies\"",
        $"CREATE UNIQUE INDEX \"UX_StayTallies_Key\" ON \"StayTallies\" ({Key})",
        $"""
        CREATE OR REPLACE FUNCTION prospector_stay_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
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
        CREATE TRIGGER lifecycle_events_stay_tallies
          AFTER INSERT OR DELETE OR UPDATE OF "At", "Kind", "StayStage", "StayStartedAt", "ContactId"
          ON "LifecycleEvents" FOR EACH ROW EXECUTE FUNCTION prospector_stay_tallies()
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_contact_stays() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            IF OLD."DeletedAt" IS NULL THEN
        {Move("OLD", -1)}
            END IF;
            RETURN OLD;
          END IF;
          IF OLD."OwnerId" IS DISTINCT FROM NEW."OwnerId" OR OLD."TeamId" IS DISTINCT FROM NEW."TeamId"
             OR (OLD."DeletedAt" IS NULL) <> (NEW."DeletedAt" IS NULL) THEN
            IF OLD."DeletedAt" IS NULL THEN
        {Move("OLD", -1)}
            END IF;
            IF NEW."DeletedAt" IS NULL THEN
        {Move("NEW", 1)}
            END IF;
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER contacts_stay_tallies AFTER UPDATE OF "OwnerId", "TeamId", "DeletedAt"
          ON "Contacts" FOR EACH ROW EXECUTE FUNCTION prospector_contact_stays()
        """,
        """
        CREATE TRIGGER contacts_stay_tallies_delete BEFORE DELETE
          ON "Contacts" FOR EACH ROW EXECUTE FUNCTION prospector_contact_stays()
        """,
        $"""
        INSERT INTO "StayTallies" ({Columns})
          SELECT {Month("e")}, e."StayStage", {Days("e")}, c."OwnerId", c."TeamId", count(*)
          FROM "LifecycleEvents" AS e JOIN "Contacts" AS c ON c."Id" = e."ContactId" AND c."DeletedAt" IS NULL
          WHERE {Counted("e")}
          GROUP BY 1, 2, 3, 4, 5
        """,
    ];

    public static readonly string[] Down =
    [
        .. Drops(),
        "DROP FUNCTION IF EXISTS prospector_stay_tallies()",
        "DROP FUNCTION IF EXISTS prospector_contact_stays()",
        "DROP INDEX IF EXISTS \"UX_StayTallies_Key\"",
    ];
}

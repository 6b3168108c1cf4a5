namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps "DisqualificationTallies" on PostgreSQL: a unique key over (day or hour, slot, reason or "",
/// owner or none, team or none) and row triggers that count a disqualification (a lifecycle event of kind StatusChanged to
/// Unqualified) in its UTC day and its UTC hour, for the owner and team of its contact while the contact is not in the
/// recycle bin. The same shape as <see cref="StageMoveTalliesSql"/>: the trigger on "LifecycleEvents" takes out an event's
/// old self and adds its new one on every change; those on "Contacts" move the contact's disqualifications when its owner,
/// team or recycle bin state changes and take them out before it is deleted. All in the transaction of the write, however
/// the write is made. <see cref="Up"/> can be run again at any time: it drops the triggers, empties the table, recreates
/// both and fills the table from the events.
/// </summary>
public static class DisqualificationTalliesSql
{
    private const string Key = "\"Hourly\", \"Slot\", (md5(\"Reason\")), (COALESCE(\"OwnerId\", 0)), (COALESCE(\"TeamId\", 0))";
    private const string Columns = "\"Hourly\", \"Slot\", \"Reason\", \"OwnerId\", \"TeamId\", \"Count\"";
    private const string Spans = "(VALUES (false), (true)) AS h(\"Hourly\")";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET \"Count\" = \"DisqualificationTallies\".\"Count\" + EXCLUDED.\"Count\";";

    private static string Slot(string e) => $"date_trunc(CASE WHEN h.\"Hourly\" THEN 'hour' ELSE 'day' END, {e}.\"At\", 'UTC')";

    private static string Counted(string e) => $"{e}.\"Kind\" = 'StatusChanged' AND {e}.\"ToStatus\" = 'Unqualified'";

    private static string Apply(string e, int sign) => $"""
            INSERT INTO "DisqualificationTallies" ({Columns})
              SELECT h."Hourly", {Slot(e)}, COALESCE({e}."Reason", ''), c."OwnerId", c."TeamId", {sign}
              FROM "Contacts" AS c CROSS JOIN {Spans}
              WHERE c."Id" = {e}."ContactId" AND c."DeletedAt" IS NULL AND {Counted(e)}
              {Add}
        """;

    private static string Move(string c, int sign) => $"""
              INSERT INTO "DisqualificationTallies" ({Columns})
                SELECT h."Hourly", {Slot("e")}, COALESCE(e."Reason", ''), {c}."OwnerId", {c}."TeamId", {sign} * count(*)
                FROM "LifecycleEvents" AS e CROSS JOIN {Spans}
                WHERE e."ContactId" = {c}."Id" AND {Counted("e")}
                GROUP BY 1, 2, 3
                {Add}
        """;

    private static IEnumerable<string> Drops() =>
    [
        "DROP TRIGGER IF EXISTS lifecycle_events_disqualification_tallies ON \"LifecycleEvents\"",
        "DROP TRIGGER IF EXISTS contacts_disqualification_tallies ON \"Contacts\"",
        "DROP TRIGGER IF EXISTS contacts_disqualification_tallies_delete ON \"Contacts\"",
    ];

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS \"UX_DisqualificationTallies_Key\"",
        "DELETE FROM \"DisqualificationTallies\"",
        $"CREATE UNIQUE INDEX \"UX_DisqualificationTallies_Key\" ON \"DisqualificationTallies\" ({Key})",
        $"""
        CREATE OR REPLACE FUNCTION prospector_disqualification_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
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
        CREATE TRIGGER lifecycle_events_disqualification_tallies
          AFTER INSERT OR DELETE OR UPDATE OF "At", "Kind", "ToStatus", "Reason", "ContactId"
          ON "LifecycleEvents" FOR EACH ROW EXECUTE FUNCTION prospector_disqualification_tallies()
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_contact_disqualifications() RETURNS trigger LANGUAGE plpgsql AS $$
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
        CREATE TRIGGER contacts_disqualification_tallies AFTER UPDATE OF "OwnerId", "TeamId", "DeletedAt"
          ON "Contacts" FOR EACH ROW EXECUTE FUNCTION prospector_contact_disqualifications()
        """,
        """
        CREATE TRIGGER contacts_disqualification_tallies_delete BEFORE DELETE
          ON "Contacts" FOR EACH ROW EXECUTE FUNCTION prospector_contact_disqualifications()
        """,
        $"""
        INSERT INTO "DisqualificationTallies" ({Columns})
          SELECT h."Hourly", {Slot("e")}, COALESCE(e."Reason", ''), c."OwnerId", c."TeamId", count(*)
          FROM "LifecycleEvents" AS e JOIN "Contacts" AS c ON c."Id" = e."ContactId" AND c."DeletedAt" IS NULL CROSS JOIN {Spans}
          WHERE {Counted("e")}
          GROUP BY 1, 2, 3, 4, 5
        """,
    ];

    public static readonly string[] Down =
    [
        .. Drops(),
        "DROP FUNCTION IF EXISTS prospector_disqualification_tallies()",
        "DROP FUNCTION IF EXISTS prospector_contact_disqualifications()",
        "DROP INDEX IF EXISTS \"UX_DisqualificationTallies_Key\"",
    ];
}

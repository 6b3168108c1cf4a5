namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps "StageMoveTallies" on PostgreSQL: a unique key over (day or hour, slot, stage left or none,
/// stage entered or none, owner or none, team or none) and row triggers that count a stage change (a lifecycle event of kind
/// StageChanged that changes the stage) in its UTC day and its UTC hour, for the owner and team of its contact while the
/// contact is not in the recycle bin. The trigger on "LifecycleEvents" takes out a stage change's old self and adds its new
/// one on every change; those on "Contacts" move the contact's stage changes when its owner, team or recycle bin state
/// changes and take them out before it is deleted (before: its events go along with it). All in the transaction of the
/// write, however the write is made. <see cref="Up"/> can be run again at any time: it drops the triggers, empties the
/// table, recreates both and fills the table from the events.
/// </summary>
public static class StageMoveTalliesSql
{
    private const string Key = "\"Hourly\", \"Slot\", (COALESCE(\"FromStage\", '')), (COALESCE(\"ToStage\", '')), (COALESCE(\"OwnerId\", 0)), (COALESCE(\"TeamId\", 0))";
    private const string Columns = "\"Hourly\", \"Slot\", \"FromStage\", \"ToStage\", \"OwnerId\", \"TeamId\", \"Count\"";
    private const string Spans = "(VALUES (false), (true)) AS h(\"Hourly\")";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET \"Count\" = \"StageMoveTallies\".\"Count\" + EXCLUDED.\"Count\";";

    private static string Slot(string e) => $"date_trunc(CASE WHEN h.\"Hourly\" THEN 'hour' ELSE 'day' END, {e}.\"At\", 'UTC')";

    private static string Counted(string e) => $"{e}.\"Kind\" = 'StageChanged' AND {e}.\"FromStage\" IS DISTINCT FROM {e}.\"ToStage\"";

    private static string Apply(string e, int sign) => $"""
            INSERT INTO "StageMoveTallies" ({Columns})
              SELECT h."Hourly", {Slot(e)}, {e}."FromStage", {e}."ToStage", c."OwnerId", c."TeamId", {sign}
              FROM "Contacts" AS c CROSS JOIN {Spans}
              WHERE c."Id" = {e}."ContactId" AND c."DeletedAt" IS NULL AND {Counted(e)}
              {Add}
        """;

    private static string Move(string c, int sign) => $"""
              INSERT INTO "StageMoveTallies" ({Columns})
                SELECT h."Hourly", {Slot("e")}, e."FromStage", e."ToStage", {c}."OwnerId", {c}."TeamId", {sign} * count(*)
                FROM "LifecycleEvents" AS e CROSS JOIN {Spans}
                WHERE e."ContactId" = {c}."Id" AND {Counted("e")}
                GROUP BY 1, 2, 3, 4
                {Add}
        """;

    private static IEnumerable<string> Drops() =>
    [
        "DROP TRIGGER IF EXISTS lifecycle_events_stage_move_tallies ON \"LifecycleEvents\"",
        "DROP TRIGGER IF EXISTS contacts_stage_move_tallies ON \"Contacts\"",
        "DROP TRIGGER IF EXISTS contacts_stage_move_tallies_delete ON \"Contacts\"",
    ];

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS \"UX_StageMoveTallies_Key\"",
        "DELETE FROM \"StageMoveTallies\"",
        $"CREATE UNIQUE INDEX \"UX_StageMoveTallies_Key\" ON \"StageMoveTallies\" ({Key})",
        $"""
        CREATE OR REPLACE FUNCTION prospector_stage_move_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
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
        CREATE TRIGGER lifecycle_events_stage_move_tallies
          AFTER INSERT OR DELETE OR UPDATE OF "At", "Kind", "FromStage", "ToStage", "ContactId"
          ON "LifecycleEvents" FOR EACH ROW EXECUTE FUNCTION prospector_stage_move_tallies()
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_contact_stage_moves() RETURNS trigger LANGUAGE plpgsql AS $$
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
        CREATE TRIGGER contacts_stage_move_tallies AFTER UPDATE OF "OwnerId", "TeamId", "DeletedAt"
          ON "Contacts" FOR EACH ROW EXECUTE FUNCTION prospector_contact_stage_moves()
        """,
        """
        CREATE TRIGGER contacts_stage_move_tallies_delete BEFORE DELETE
          ON "Contacts" FOR EACH ROW EXECUTE FUNCTION prospector_contact_stage_moves()
        """,
        $"""
        INSERT INTO "StageMoveTallies" ({Columns})
          SELECT h."Hourly", {Slot("e")}, e."FromStage", e."ToStage", c."OwnerId", c."TeamId", count(*)
          FROM "LifecycleEvents" AS e JOIN "Contacts" AS c ON c."Id" = e."ContactId" AND c."DeletedAt" IS NULL CROSS JOIN {Spans}
          WHERE {Counted("e")}
          GROUP BY 1, 2, 3, 4, 5, 6
        """,
    ];

    public static readonly string[] Down =
    [
        .. Drops(),
        "DROP FUNCTION IF EXISTS prospector_stage_move_tallies()",
        "DROP FUNCTION IF EXISTS prospector_contact_stage_moves()",
        "DROP INDEX IF EXISTS \"UX_StageMoveTallies_Key\"",
    ];
}

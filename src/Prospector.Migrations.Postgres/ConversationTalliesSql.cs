namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps "ConversationTallies" on PostgreSQL: a unique key over (day or hour, slot, rep or none,
/// channel, owner or none, team or none) and row triggers that count a conversation (an activity on a channel other than
/// Note) in its UTC day and its UTC hour, for the owner and team of the record it is about (the contact, else the company,
/// else the deal), while neither it nor that record is in the recycle bin. The trigger on "Activities" takes out a
/// conversation's old self and adds its new one on every change; those on "Contacts", "Companies" and "Opportunities" move
/// the record's conversations when its owner, team or recycle bin state changes and take them out when it is deleted.
/// All in the transaction of the write, however the write is made. <see cref="Up"/> can be run again at any time: it drops
/// the triggers, empties the table, recreates both and fills the table from the activities.
/// </summary>
public static class ConversationTalliesSql
{
    private const string Key = "\"Hourly\", \"Slot\", (COALESCE(\"UserId\", 0)), \"Channel\", (COALESCE(\"OwnerId\", 0)), (COALESCE(\"TeamId\", 0))";
    private const string Columns = "\"Hourly\", \"Slot\", \"UserId\", \"Channel\", \"OwnerId\", \"TeamId\", \"Count\"";
    private const string Spans = "(VALUES (false), (true)) AS h(\"Hourly\")";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET \"Count\" = \"ConversationTallies\".\"Count\" + EXCLUDED.\"Count\";";

    private static string Slot(string a) => $"date_trunc(CASE WHEN h.\"Hourly\" THEN 'hour' ELSE 'day' END, {a}.\"OccurredAt\", 'UTC')";

    private static string Counted(string a) => $"{a}.\"Channel\" <> 'Note' AND {a}.\"DeletedAt\" IS NULL";

    private static string Record(string a) => $"""
        SELECT "OwnerId", "TeamId" FROM "Contacts" WHERE "Id" = {a}."ContactId" AND "DeletedAt" IS NULL
        UNION ALL SELECT "OwnerId", "TeamId" FROM "Companies" WHERE {a}."ContactId" IS NULL AND "Id" = {a}."CompanyId" AND "DeletedAt" IS NULL
        UNION ALL SELECT "OwnerId", "TeamId" FROM "Opportunities"
          WHERE {a}."ContactId" IS NULL AND {a}."CompanyId" IS NULL AND "Id" = {a}."OpportunityId" AND "DeletedAt" IS NULL
        """;

    private static string Apply(string a, int sign) => $"""
            INSERT INTO "ConversationTallies" ({Columns})
              SELECT h."Hourly", {Slot(a)}, {a}."UserId", {a}."Channel", rec."OwnerId", rec."TeamId", {sign}
              FROM ({Record(a)}) AS rec CROSS JOIN {Spans}
              WHERE {Counted(a)}
              {Add}
        """;

    private static string Move(string about, string r, int sign) => $"""
              INSERT INTO "ConversationTallies" ({Columns})
                SELECT h."Hourly", {Slot("a")}, a."UserId", a."Channel", {r}."OwnerId", {r}."TeamId", {sign} * count(*)
                FROM "Activities" AS a CROSS JOIN {Spans}
                WHERE {string.Format(about, r)} AND {Counted("a")}
                GROUP BY 1, 2, 3, 4
                {Add}
        """;

    private static readonly (string Table, string Function, string About)[] Records =
    [
        ("Contacts", "prospector_contact_tallies", "a.\"ContactId\" = {0}.\"Id\""),
        ("Companies", "prospector_company_tallies", "a.\"CompanyId\" = {0}.\"Id\" AND a.\"ContactId\" IS NULL"),
        ("Opportunities", "prospector_opportunity_tallies", "a.\"OpportunityId\" = {0}.\"Id\" AND a.\"ContactId\" IS NULL AND a.\"CompanyId\" IS NULL"),
    ];

    private static IEnumerable<string> Drops() =>
        new[] { "DROP TRIGGER IF EXISTS activities_conversation_tallies ON \"Activities\"" }
            .Concat(Records.Select(x => $"DROP TRIGGER IF EXISTS {x.Function} ON \"{x.Table}\""));

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS \"UX_ConversationTallies_Key\"",
        "DELETE FROM \"ConversationTallies\"",
        $"CREATE UNIQUE INDEX \"UX_ConversationTallies_Key\" ON \"ConversationTallies\" ({Key})",
        $"""
        CREATE OR REPLACE FUNCTION prospector_conversation_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
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
        CREATE TRIGGER activities_conversation_tallies
          AFTER INSERT OR DELETE OR UPDATE OF "OccurredAt", "Channel", "UserId", "ContactId", "CompanyId", "OpportunityId", "DeletedAt"
          ON "Activities" FOR EACH ROW EXECUTE FUNCTION prospector_conversation_tallies()
        """,
        .. Records.SelectMany(x => new[]
        {
            $"""
            CREATE OR REPLACE FUNCTION {x.Function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                IF OLD."DeletedAt" IS NULL THEN
            {Move(x.About, "OLD", -1)}
                END IF;
              ELSIF OLD."OwnerId" IS DISTINCT FROM NEW."OwnerId" OR OLD."TeamId" IS DISTINCT FROM NEW."TeamId"
                    OR (OLD."DeletedAt" IS NULL) <> (NEW."DeletedAt" IS NULL) THEN
                IF OLD."DeletedAt" IS NULL THEN
            {Move(x.About, "OLD", -1)}
                END IF;
                IF NEW."DeletedAt" IS NULL THEN
            {Move(x.About, "NEW", 1)}
                END IF;
              END IF;
              RETURN NULL;
            END $$
            """,
            $"""
            CREATE TRIGGER {x.Function} AFTER DELETE OR UPDATE OF "OwnerId", "TeamId", "DeletedAt"
              ON "{x.Table}" FOR EACH ROW EXECUTE FUNCTION {x.Function}()
            """,
        }),
        $"""
        INSERT INTO "ConversationTallies" ({Columns})
          SELECT h."Hourly", {Slot("a")}, a."UserId", a."Channel",
                 CASE WHEN c."Id" IS NOT NULL THEN c."OwnerId" WHEN co."Id" IS NOT NULL THEN co."OwnerId" ELSE o."OwnerId" END,
                 CASE WHEN c."Id" IS NOT NULL THEN c."TeamId" WHEN co."Id" IS NOT NULL THEN co."TeamId" ELSE o."TeamId" END,
                 count(*)
          FROM "Activities" AS a
            LEFT JOIN "Contacts" AS c ON c."Id" = a."ContactId" AND c."DeletedAt" IS NULL
            LEFT JOIN "Companies" AS co ON a."ContactId" IS NULL AND co."Id" = a."CompanyId" AND co."DeletedAt" IS NULL
            LEFT JOIN "Opportunities" AS o ON a."ContactId" IS NULL AND a."CompanyId" IS NULL AND o."Id" = a."OpportunityId" AND o."DeletedAt" IS NULL
            CROSS JOIN {Spans}
          WHERE {Counted("a")} AND (c."Id" IS NOT NULL OR co."Id" IS NOT NULL OR o."Id" IS NOT NULL)
          GROUP BY 1, 2, 3, 4, 5, 6
        """,
    ];

    public static readonly string[] Down =
    [
        .. Drops(),
        "DROP FUNCTION IF EXISTS prospector_conversation_tallies()",
        .. Records.Select(x => $"DROP FUNCTION IF EXISTS {x.Function}()"),
        "DROP INDEX IF EXISTS \"UX_ConversationTallies_Key\"",
    ];
}

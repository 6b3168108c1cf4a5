namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps <c>ConversationTallies</c> on SQLite: a unique key over (day or hour, slot, rep or none,
/// channel, owner or none, team or none) and triggers that count a conversation (an activity on a channel other than Note)
/// in its UTC day and its UTC hour, for the owner and team of the record it is about (the contact, else the company, else
/// the deal), while neither it nor that record is in the recycle bin. Triggers on Activities add a conversation and take
/// out its old self on every change; triggers on Contacts, Companies and Opportunities move the record's conversations when
/// its owner, team or recycle bin state changes and take them out when it is deleted. All in the transaction of the write,
/// however the write is made. <see cref="Up"/> can be run again at any time: it drops the triggers, empties the table,
/// recreates both and fills the table from the activities.
/// Caution: a migration that rebuilds one of those four tables (SQLite's way to alter a column) drops its triggers: re-run
/// <see cref="Up"/> after it (ConversationTalliesTests fails until then).
/// </summary>
public static class ConversationTalliesSql
{
    private const string Key = "Hourly, Slot, ifnull(UserId, 0), Channel, ifnull(OwnerId, 0), ifnull(TeamId, 0)";
    private const string Columns = "Hourly, Slot, UserId, Channel, OwnerId, TeamId, Count";
    private const string Spans = "(SELECT 0 AS Hourly UNION ALL SELECT 1) AS h";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET Count = Count + excluded.Count;";

    /// <summary>The UTC day ('yyyy-MM-dd 00:00:00') or hour of an activity's OccurredAt, as EF Core stores a DateTime.</summary>
    private static string Slot(string a) =>
        $"CASE h.Hourly WHEN 1 THEN substr({a}.OccurredAt, 1, 13) || ':00:00' ELSE substr({a}.OccurredAt, 1, 10) || ' 00:00:00' END";

    private static string Counted(string a) => $"{a}.Channel <> 'Note' AND {a}.DeletedAt IS NULL";

    /// <summary>Owner and team of the record activity <paramref name="a"/> is about, when it exists and is not in the recycle bin.</summary>
    private static string Record(string a) => $"""
        SELECT OwnerId, TeamId FROM Contacts WHERE Id = {a}.ContactId AND DeletedAt IS NULL
        UNION ALL SELECT OwnerId, TeamId FROM Companies WHERE {a}.ContactId IS NULL AND Id = {a}.CompanyId AND DeletedAt IS NULL
        UNION ALL SELECT OwnerId, TeamId FROM Opportunities WHERE {a}.ContactId IS NULL AND {a}.CompanyId IS NULL AND Id = {a}.OpportunityId AND DeletedAt IS NULL
        """;

    /// <summary>Adds (+1) or takes out (−1) the activity row <paramref name="a"/> (new or old).</summary>
    private static string Apply(string a, int sign) => $"""
        INSERT INTO ConversationTallies ({Columns})
          SELECT h.Hourly, {Slot(a)}, {a}.UserId, {a}.Channel, rec.OwnerId, rec.TeamId, {sign}
          FROM ({Record(a)}) AS rec CROSS JOIN {Spans}
          WHERE {Counted(a)}
          {Add}
        """;

    /// <summary>Adds or takes out every conversation about the record row <paramref name="r"/> (new or old) of a table.</summary>
    private static string Move(string about, string r, int sign) => $"""
        INSERT INTO ConversationTallies ({Columns})
          SELECT h.Hourly, {Slot("a")}, a.UserId, a.Channel, {r}.OwnerId, {r}.TeamId, {sign} * count(*)
          FROM Activities AS a CROSS JOIN {Spans}
          WHERE {string.Format(about, r)} AND {Counted("a")} AND {r}.DeletedAt IS NULL
          GROUP BY 1, 2, 3, 4
          {Add}
        """;

    /// <summary>The activities about a record: {0} is the record row (old or new).</summary>
    private static readonly (string Table, string About)[] Records =
    [
        ("Contacts", "a.ContactId = {0}.Id"),
        ("Companies", "a.CompanyId = {0}.Id AND a.ContactId IS NULL"),
        ("Opportunities", "a.OpportunityId = {0}.Id AND a.ContactId IS NULL AND a.CompanyId IS NULL"),
    ];

    private static IEnumerable<string> Drops() =>
        new[] { "Activities_tallies_insert", "Activities_tallies_delete", "Activities_tallies_update" }
            .Concat(Records.SelectMany(x => new[] { $"{x.Table}_tallies_update", $"{x.Table}_tallies_delete" }))
            .Select(t => $"DROP TRIGGER IF EXISTS {t}");

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS UX_ConversationTallies_Key",
        "DELETE FROM ConversationTallies",
        $"CREATE UNIQUE INDEX UX_ConversationTallies_Key ON ConversationTallies ({Key})",
        $"""
        CREATE TRIGGER Activities_tallies_insert AFTER INSERT ON Activities BEGIN
        {Apply("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Activities_tallies_delete AFTER DELETE ON Activities BEGIN
        {Apply("old", -1)}
        END
        """,
        $"""
        CREATE TRIGGER Activities_tallies_update
          AFTER UPDATE OF OccurredAt, Channel, UserId, ContactId, CompanyId, OpportunityId, DeletedAt ON Activities BEGIN
        {Apply("old", -1)}
        {Apply("new", 1)}
        END
        """,
        .. Records.SelectMany(x => new[]
        {
            $"""
            CREATE TRIGGER {x.Table}_tallies_update AFTER UPDATE OF OwnerId, TeamId, DeletedAt ON {x.Table}
              WHEN old.OwnerId IS NOT new.OwnerId OR old.TeamId IS NOT new.TeamId OR (old.DeletedAt IS NULL) <> (new.DeletedAt IS NULL) BEGIN
            {Move(x.About, "old", -1)}
            {Move(x.About, "new", 1)}
            END
            """,
            $"""
            CREATE TRIGGER {x.Table}_tallies_delete AFTER DELETE ON {x.Table} BEGIN
            {Move(x.About, "old", -1)}
            END
            """,
        }),
        $"""
        INSERT INTO ConversationTallies ({Columns})
          SELECT h.Hourly, {Slot("a")}, a.UserId, a.Channel,
                 CASE WHEN c.Id IS NOT NULL THEN c.OwnerId WHEN co.Id IS NOT NULL THEN co.OwnerId ELSE o.OwnerId END,
                 CASE WHEN c.Id IS NOT NULL THEN c.TeamId WHEN co.Id IS NOT NULL THEN co.TeamId ELSE o.TeamId END,
                 count(*)
          FROM Activities AS a
            LEFT JOIN Contacts AS c ON c.Id = a.ContactId AND c.DeletedAt IS NULL
            LEFT JOIN Companies AS co ON a.ContactId IS NULL AND co.Id = a.CompanyId AND co.DeletedAt IS NULL
            LEFT JOIN Opportunities AS o ON a.ContactId IS NULL AND a.CompanyId IS NULL AND o.Id = a.OpportunityId AND o.DeletedAt IS NULL
            CROSS JOIN {Spans}
          WHERE {Counted("a")} AND (c.Id IS NOT NULL OR co.Id IS NOT NULL OR o.Id IS NOT NULL)
          GROUP BY 1, 2, 3, 4, 5, 6
        """,
    ];

    public static readonly string[] Down = [.. Drops(), "DROP INDEX IF EXISTS UX_ConversationTallies_Key"];
}

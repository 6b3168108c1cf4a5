namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps <c>DisqualificationTallies</c> on SQLite: a unique key over (day or hour, slot, reason or
/// "", owner or none, team or none) and triggers that count a disqualification (a lifecycle event of kind StatusChanged to
/// Unqualified) in its UTC day and its UTC hour, for the owner and team of its contact while the contact is not in the
/// recycle bin. The same shape as <see cref="StageMoveTalliesSql"/>: triggers on LifecycleEvents add an event and take out
/// its old self on every change; triggers on Contacts move the contact's disqualifications when its owner, team or recycle
/// bin state changes and take them out before it is deleted. All in the transaction of the write, however the write is made.
/// <see cref="Up"/> can be run again at any time: it drops the triggers, empties the table, recreates both and fills the
/// table from the events.
/// Caution: a migration that rebuilds LifecycleEvents or Contacts (SQLite's way to alter a column) drops its triggers:
/// re-run <see cref="Up"/> after it (FunnelFactsTests fails until then).
/// </summary>
public static class DisqualificationTalliesSql
{
    private const string Key = "Hourly, Slot, Reason, ifnull(OwnerId, 0), ifnull(TeamId, 0)";
    private const string Columns = "Hourly, Slot, Reason, OwnerId, TeamId, Count";
    private const string Spans = "(SELECT 0 AS Hourly UNION ALL SELECT 1) AS h";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET Count = Count + excluded.Count;";

    /// <summary>The UTC day ('yyyy-MM-dd 00:00:00') or hour of an event's At, as EF Core stores a DateTime.</summary>
    private static string Slot(string e) =>
        $"CASE h.Hourly WHEN 1 THEN substr({e}.At, 1, 13) || ':00:00' ELSE substr({e}.At, 1, 10) || ' 00:00:00' END";

    private static string Counted(string e) => $"{e}.Kind = 'StatusChanged' AND {e}.ToStatus = 'Unqualified'";

    /// <summary>Adds (+1) or takes out (−1) the event row <paramref name="e"/> (new or old).</summary>
    private static string Apply(string e, int sign) => $"""
        INSERT INTO DisqualificationTallies ({Columns})
          SELECT h.Hourly, {Slot(e)}, ifnull({e}.Reason, ''), c.OwnerId, c.TeamId, {sign}
          FROM Contacts AS c CROSS JOIN {Spans}
          WHERE c.Id = {e}.ContactId AND c.DeletedAt IS NULL AND {Counted(e)}
          {Add}
        """;

    /// <summary>Adds or takes out every disqualification of the contact row <paramref name="c"/> (new or old).</summary>
    private static string Move(string c, int sign) => $"""
        INSERT INTO DisqualificationTallies ({Columns})
          SELECT h.Hourly, {Slot("e")}, ifnull(e.Reason, ''), {c}.OwnerId, {c}.TeamId, {sign} * count(*)
          FROM LifecycleEvents AS e CROSS JOIN {Spans}
          WHERE e.ContactId = {c}.Id AND {Counted("e")} AND {c}.DeletedAt IS NULL
          GROUP BY 1, 2, 3
          {Add}
        """;

    private static IEnumerable<string> Drops() =>
        new[] { "LifecycleEvents_disqualified_insert", "LifecycleEvents_disqualified_delete", "LifecycleEvents_disqualified_update", "Contacts_disqualified_update", "Contacts_disqualified_delete" }
            .Select(t => $"DROP TRIGGER IF EXISTS {t}");

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS UX_DisqualificationTallies_Key",
        "DELETE FROM DisqualificationTallies",
        $"CREATE UNIQUE INDEX UX_DisqualificationTallies_Key ON DisqualificationTallies ({Key})",
        $"""
        CREATE TRIGGER LifecycleEvents_disqualified_insert AFTER INSERT ON LifecycleEvents BEGIN
        {Apply("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER LifecycleEvents_disqualified_delete AFTER DELETE ON LifecycleEvents BEGIN
        {Apply("old", -1)}
        END
        """,
        $"""
        CREATE TRIGGER LifecycleEvents_disqualified_update AFTER UPDATE OF At, Kind, ToStatus, Reason, ContactId ON LifecycleEvents BEGIN
        {Apply("old", -1)}
        {Apply("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_disqualified_update AFTER UPDATE OF OwnerId, TeamId, DeletedAt ON Contacts
          WHEN old.OwnerId IS NOT new.OwnerId OR old.TeamId IS NOT new.TeamId OR (old.DeletedAt IS NULL) <> (new.DeletedAt IS NULL) BEGIN
        {Move("old", -1)}
        {Move("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_disqualified_delete BEFORE DELETE ON Contacts BEGIN
        {Move("old", -1)}
        END
        """,
        $"""
        INSERT INTO DisqualificationTallies ({Columns})
          SELECT h.Hourly, {Slot("e")}, ifnull(e.Reason, ''), c.OwnerId, c.TeamId, count(*)
          FROM LifecycleEvents AS e JOIN Contacts AS c ON c.Id = e.ContactId AND c.DeletedAt IS NULL CROSS JOIN {Spans}
          WHERE {Counted("e")}
          GROUP BY 1, 2, 3, 4, 5
        """,
    ];

    public static readonly string[] Down = [.. Drops(), "DROP INDEX IF EXISTS UX_DisqualificationTallies_Key"];
}

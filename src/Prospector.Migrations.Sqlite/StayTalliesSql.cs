namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps <c>StayTallies</c> on SQLite: a unique key over (UTC month, stage, whole days, owner or none,
/// team or none) and triggers that count the stay a stage change ends (its <c>StayStage</c> from its <c>StayStartedAt</c>,
/// kept by <see cref="FunnelFactsSql"/>) in the UTC month of the change, by its length in whole days, for the owner and team
/// of its contact while the contact is not in the recycle bin. Triggers on LifecycleEvents take out a row's old stay and add
/// its new one whenever a column the stay depends on is written (also by the funnel facts' own triggers); triggers on
/// Contacts move the contact's stays when its owner, team or recycle bin state changes and take them out before it is deleted
/// (before: its events go along with it). All in the transaction of the write, however the write is made. <see cref="Up"/>
/// can be run again at any time: it drops the triggers, empties the table, recreates both and fills the table from the events.
/// Caution: a migration that rebuilds LifecycleEvents or Contacts (SQLite's way to alter a column) drops its triggers:
/// re-run <see cref="Up"/> after it (FunnelFactsTests fails until then).
/// </summary>
public static class StayTalliesSql
{
    private const string Key = "Month, Stage, Days, ifnull(OwnerId, 0), ifnull(TeamId, 0)";
    private const string Columns = "Month, Stage, Days, OwnerId, TeamId, Count";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET Count = Count + excluded.Count;";

    /// <summary>The UTC month ('yyyy-MM-01 00:00:00', as EF Core stores a DateTime) of a stay's end.</summary>
    private static string Month(string e) => $"substr({e}.At, 1, 7) || '-01 00:00:00'";

    /// <summary>
    /// The stay's length in whole days: the span to the millisecond (as the app's SqlTime.Span reads it), then whole days
    /// (integer division: the span is never negative, the stay began at or before the change).
    /// </summary>
    private static string Days(string e) => $"CAST(round((julianday({e}.At) - julianday({e}.StayStartedAt)) * 86400000) AS INTEGER) / 86400000";

    private static string Counted(string e) => $"{e}.Kind = 'StageChanged' AND {e}.StayStage IS NOT NULL AND {e}.StayStartedAt IS NOT NULL";

    /// <summary>Adds (+1) or takes out (−1) the stay the event row <paramref name="e"/> (new or old) ends.</summary>
    private static string Apply(string e, int sign) => $"""
        INSERT INTO StayTallies ({Columns})
          SELECT {Month(e)}, {e}.StayStage, {Days(e)}, c.OwnerId, c.TeamId, {sign}
          FROM Contacts AS c
          WHERE c.Id = {e}.ContactId AND c.DeletedAt IS NULL AND {Counted(e)}
          {Add}
        """;

    /// <summary>Adds or takes out every stay of the contact row <paramref name="c"/> (new or old).</summary>
    private static string Move(string c, int sign) => $"""
        INSERT INTO StayTallies ({Columns})
          SELECT {Month("e")}, e.StayStage, {Days("e")}, {c}.OwnerId, {c}.TeamId, {sign} * count(*)
          FROM LifecycleEvents AS e
          WHERE e.ContactId = {c}.Id AND {Counted("e")} AND {c}.DeletedAt IS NULL
          GROUP BY 1, 2, 3
          {Add}
        """;

    private static IEnumerable<string> Drops() =>
        new[] { "LifecycleEvents_stays_insert", "LifecycleEvents_stays_delete", "LifecycleEvents_stays_update", "Contacts_stays_update", "Contacts_stays_delete" }
            .Select(t => $"DROP TRIGGER IF EXISTS {t}");

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS UX_StayTallies_Key",
        "DELETE FROM StayTallies",
        $"CREATE UNIQUE INDEX UX_StayTallies_Key ON StayTallies ({Key})",
        $"""
        CREATE TRIGGER LifecycleEvents_stays_insert AFTER INSERT ON LifecycleEvents BEGIN
        {Apply("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER LifecycleEvents_stays_delete AFTER DELETE ON LifecycleEvents BEGIN
        {Apply("old", -1)}
        END
        """,
        $"""
        CREATE TRIGGER LifecycleEvents_stays_update AFTER UPDATE OF At, Kind, StayStage, StayStartedAt, ContactId ON LifecycleEvents BEGIN
        {Apply("old", -1)}
        {Apply("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_stays_update AFTER UPDATE OF OwnerId, TeamId, DeletedAt ON Contacts
          WHEN old.OwnerId IS NOT new.OwnerId OR old.TeamId IS NOT new.TeamId OR (old.DeletedAt IS NULL) <> (new.DeletedAt IS NULL) BEGIN
        {Move("old", -1)}
        {Move("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_stays_delete BEFORE DELETE ON Contacts BEGIN
        {Move("old", -1)}
        END
        """,
        $"""
        INSERT INTO StayTallies ({Columns})
          SELECT {Month("e")}, e.StayStage, {Days("e")}, c.OwnerId, c.TeamId, count(*)
          FROM LifecycleEvents AS e JOIN Contacts AS c ON c.Id = e.ContactId AND c.DeletedAt IS NULL
          WHERE {Counted("e")}
          GROUP BY 1, 2, 3, 4, 5
        """,
    ];

    public static readonly string[] Down = [.. Drops(), "DROP INDEX IF EXISTS UX_StayTallies_Key"];
}

namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps the step times' facts on SQLite, in two layers, like the stage stays
/// (<see cref="FunnelFactsSql"/>, <see cref="StayTalliesSql"/>):
/// <list type="number">
/// <item>Of each deal step entry, <c>OpportunityStepChanges.StayStartedAt</c>: the time of the deal's entry just before it (by
/// time, then id) when that one entered the step this one leaves (<c>FromStepId</c>); else null. A new entry gets its own and,
/// when backdated, gives the deal's next entry its new one; deleting or changing an entry (the app never does; a deal deleted
/// for good takes its entries along) recomputes the deal's entries.</item>
/// <item><c>StepStayTallies</c>: a unique key over (UTC month, step, whole days, owner or none, team or none) and triggers that
/// count each entry's stay in the UTC month of the entry, by its length in whole days, for the owner and team of its deal
/// while the deal is not in the recycle bin. Each takes out a row's old stay and adds its new one whenever a column the stay
/// depends on is written (also by the first layer's triggers), so the order in which triggers fire does not matter.</item>
/// </list>
/// All in the transaction of the write, however it is made. <see cref="Up"/> can be run again at any time: it drops the
/// triggers, recomputes every entry's stay, empties and refills the table and recreates the triggers.
/// Caution: a migration that rebuilds OpportunityStepChanges or Opportunities (SQLite's way to alter a column) drops their
/// triggers: re-run <see cref="Up"/> after it (StepStaysTests fails until then).
/// </summary>
public static class StepStaysSql
{
    private const string Key = "Month, StepId, Days, ifnull(OwnerId, 0), ifnull(TeamId, 0)";
    private const string Columns = "Month, StepId, Days, OwnerId, TeamId, Count";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET Count = Count + excluded.Count;";

    /// <summary>The UTC month ('yyyy-MM-01 00:00:00', as EF Core stores a DateTime) of a stay's end.</summary>
    private static string Month(string e) => $"substr({e}.At, 1, 7) || '-01 00:00:00'";

    /// <summary>The stay's length in whole days (as SqlTime.WholeDays: the span to the millisecond, then integer division).</summary>
    private static string Days(string e) => $"CAST(round((julianday({e}.At) - julianday({e}.StayStartedAt)) * 86400000) AS INTEGER) / 86400000";

    private static string Counted(string e) => $"{e}.StayStartedAt IS NOT NULL AND {e}.FromStepId IS NOT NULL";

    /// <summary>The stay the entry <paramref name="e"/> ends: when the deal's entry just before it entered the step it leaves.</summary>
    private static string StayStart(string e) => $"""
        (SELECT CASE WHEN p.ToStepId = {e}.FromStepId THEN p.At END FROM OpportunityStepChanges AS p
                  WHERE p.OpportunityId = {e}.OpportunityId AND p.At <= {e}.At AND (p.At < {e}.At OR p.Id < {e}.Id)
                  ORDER BY p.At DESC, p.Id DESC LIMIT 1)
        """;

    /// <summary>The deal's entry just after <paramref name="e"/> (by time, then id).</summary>
    private static string Next(string e) => $"""
        (SELECT n.Id FROM OpportunityStepChanges AS n
                      WHERE n.OpportunityId = {e}.OpportunityId AND n.At >= {e}.At AND (n.At > {e}.At OR n.Id > {e}.Id)
                      ORDER BY n.At, n.Id LIMIT 1)
        """;

    /// <summary>Every entry of deal <paramref name="id"/> gets its stay again (only those whose stay changes are written).</summary>
    private static string Recompute(string id) => $"""
          UPDATE OpportunityStepChanges SET StayStartedAt = {StayStart("OpportunityStepChanges")}
          WHERE OpportunityId = {id} AND StayStartedAt IS NOT {StayStart("OpportunityStepChanges")};
        """;

    /// <summary>Adds (+1) or takes out (−1) the stay the entry row <paramref name="e"/> (new or old) ends.</summary>
    private static string Apply(string e, int sign) => $"""
        INSERT INTO StepStayTallies ({Columns})
          SELECT {Month(e)}, {e}.FromStepId, {Days(e)}, o.OwnerId, o.TeamId, {sign}
          FROM Opportunities AS o
          WHERE o.Id = {e}.OpportunityId AND o.DeletedAt IS NULL AND {Counted(e)}
          {Add}
        """;

    /// <summary>Adds or takes out every stay of the deal row <paramref name="o"/> (new or old).</summary>
    private static string Move(string o, int sign) => $"""
        INSERT INTO StepStayTallies ({Columns})
          SELECT {Month("e")}, e.FromStepId, {Days("e")}, {o}.OwnerId, {o}.TeamId, {sign} * count(*)
          FROM OpportunityStepChanges AS e
          WHERE e.OpportunityId = {o}.Id AND {Counted("e")} AND {o}.DeletedAt IS NULL
          GROUP BY 1, 2, 3
          {Add}
        """;

    private static IEnumerable<string> Drops() =>
        new[]
        {
            "OpportunityStepChanges_stay_insert", "OpportunityStepChanges_stay_delete", "OpportunityStepChanges_stay_update",
            "OpportunityStepChanges_tally_insert", "OpportunityStepChanges_tally_delete", "OpportunityStepChanges_tally_update",
            "Opportunities_step_stays_update", "Opportunities_step_stays_delete",
        }.Select(t => $"DROP TRIGGER IF EXISTS {t}");

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS UX_StepStayTallies_Key",
        "DELETE FROM StepStayTallies",
        "UPDATE OpportunityStepChanges SET StayStartedAt = NULL WHERE StayStartedAt IS NOT NULL",
        """
        UPDATE OpportunityStepChanges SET StayStartedAt = f.PrevAt
        FROM (SELECT Id, FromStepId, lag(At) OVER w AS PrevAt, lag(ToStepId) OVER w AS PrevTo FROM OpportunityStepChanges
              WINDOW w AS (PARTITION BY OpportunityId ORDER BY At, Id)) AS f
        WHERE OpportunityStepChanges.Id = f.Id AND f.PrevTo = f.FromStepId
        """,
        $"CREATE UNIQUE INDEX UX_StepStayTallies_Key ON StepStayTallies ({Key})",
        $"""
        INSERT INTO StepStayTallies ({Columns})
          SELECT {Month("e")}, e.FromStepId, {Days("e")}, o.OwnerId, o.TeamId, count(*)
          FROM OpportunityStepChanges AS e JOIN Opportunities AS o ON o.Id = e.OpportunityId AND o.DeletedAt IS NULL
          WHERE {Counted("e")}
          GROUP BY 1, 2, 3, 4, 5
        """,
        $"""
        CREATE TRIGGER OpportunityStepChanges_stay_insert AFTER INSERT ON OpportunityStepChanges BEGIN
          UPDATE OpportunityStepChanges SET StayStartedAt = {StayStart("new")} WHERE Id = new.Id AND StayStartedAt IS NOT {StayStart("new")};
          UPDATE OpportunityStepChanges SET StayStartedAt = CASE WHEN new.ToStepId = FromStepId THEN new.At END
          WHERE Id = {Next("new")} AND StayStartedAt IS NOT (CASE WHEN new.ToStepId = FromStepId THEN new.At END);
        END
        """,
        $"""
        CREATE TRIGGER OpportunityStepChanges_stay_delete AFTER DELETE ON OpportunityStepChanges BEGIN
        {Recompute("old.OpportunityId")}
        END
        """,
        $"""
        CREATE TRIGGER OpportunityStepChanges_stay_update AFTER UPDATE OF OpportunityId, At, FromStepId, ToStepId ON OpportunityStepChanges BEGIN
        {Recompute("old.OpportunityId")}
        {Recompute("new.OpportunityId")}
        END
        """,
        $"""
        CREATE TRIGGER OpportunityStepChanges_tally_insert AFTER INSERT ON OpportunityStepChanges BEGIN
        {Apply("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER OpportunityStepChanges_tally_delete AFTER DELETE ON OpportunityStepChanges BEGIN
        {Apply("old", -1)}
        END
        """,
        $"""
        CREATE TRIGGER OpportunityStepChanges_tally_update AFTER UPDATE OF OpportunityId, At, FromStepId, StayStartedAt ON OpportunityStepChanges BEGIN
        {Apply("old", -1)}
        {Apply("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Opportunities_step_stays_update AFTER UPDATE OF OwnerId, TeamId, DeletedAt ON Opportunities
          WHEN old.OwnerId IS NOT new.OwnerId OR old.TeamId IS NOT new.TeamId OR (old.DeletedAt IS NULL) <> (new.DeletedAt IS NULL) BEGIN
        {Move("old", -1)}
        {Move("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Opportunities_step_stays_delete BEFORE DELETE ON Opportunities BEGIN
        {Move("old", -1)}
        END
        """,
    ];

    public static readonly string[] Down = [.. Drops(), "DROP INDEX IF EXISTS UX_StepStayTallies_Key"];
}

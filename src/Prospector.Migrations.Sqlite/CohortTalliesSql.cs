namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps <c>CohortTallies</c> on SQLite: a unique key over (UTC day of the first day as a Lead, stage,
/// highest stage or none, out, reason or none, owner or none, team or none) and triggers on Contacts that take out a
/// contact's old self and add its new one whenever one of those changes (its first day as a Lead and highest stage are kept
/// by the funnel facts' triggers, whose updates fire these too). A contact counts while it has a first day as a Lead and is
/// not in the recycle bin. Every trigger reads only the row it fires for, so it stays exact under concurrent writes. All in
/// the transaction of the write, however the write is made. <see cref="Up"/> can be run again at any time: it drops the
/// triggers, empties the table, recreates both and fills the table from the contacts.
/// Caution: a migration that rebuilds Contacts (SQLite's way to alter a column) drops its triggers: re-run <see cref="Up"/>
/// after it (FunnelFactsTests fails until then).
/// </summary>
public static class CohortTalliesSql
{
    private const string Key = "Day, Stage, ifnull(HighestStage, ''), Out, ifnull(Reason, ''), ifnull(OwnerId, 0), ifnull(TeamId, 0)";
    private const string Columns = "Day, Stage, HighestStage, Out, Reason, OwnerId, TeamId, Count";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET Count = Count + excluded.Count;";

    /// <summary>The tally key of the contact row <paramref name="c"/>: the UTC day ('yyyy-MM-dd 00:00:00', as EF Core stores a DateTime) and the rest.</summary>
    private static string Values(string c) =>
        $"substr({c}.FirstLeadAt, 1, 10) || ' 00:00:00', {c}.Stage, {c}.HighestStage, {c}.LeadStatus = 'Unqualified', "
        + $"CASE WHEN {c}.LeadStatus = 'Unqualified' THEN ifnull({c}.UnqualifiedReason, '') END, {c}.OwnerId, {c}.TeamId";

    private static string Counted(string c) => $"{c}.FirstLeadAt IS NOT NULL AND {c}.DeletedAt IS NULL";

    /// <summary>Adds (+1) or takes out (−1) the contact row <paramref name="c"/> (new or old).</summary>
    private static string Apply(string c, int sign) => $"""
        INSERT INTO CohortTallies ({Columns})
          SELECT {Values(c)}, {sign} WHERE {Counted(c)}
          {Add}
        """;

    private static IEnumerable<string> Drops() =>
        new[] { "Contacts_cohort_insert", "Contacts_cohort_delete", "Contacts_cohort_update" }.Select(t => $"DROP TRIGGER IF EXISTS {t}");

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS UX_CohortTallies_Key",
        "DELETE FROM CohortTallies",
        $"CREATE UNIQUE INDEX UX_CohortTallies_Key ON CohortTallies ({Key})",
        $"""
        CREATE TRIGGER Contacts_cohort_insert AFTER INSERT ON Contacts BEGIN
        {Apply("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_cohort_delete AFTER DELETE ON Contacts BEGIN
        {Apply("old", -1)}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_cohort_update
          AFTER UPDATE OF FirstLeadAt, Stage, HighestStage, LeadStatus, UnqualifiedReason, OwnerId, TeamId, DeletedAt ON Contacts
          WHEN old.FirstLeadAt IS NOT new.FirstLeadAt OR old.Stage IS NOT new.Stage OR old.HighestStage IS NOT new.HighestStage
            OR old.LeadStatus IS NOT new.LeadStatus OR old.UnqualifiedReason IS NOT new.UnqualifiedReason
            OR old.OwnerId IS NOT new.OwnerId OR old.TeamId IS NOT new.TeamId OR (old.DeletedAt IS NULL) <> (new.DeletedAt IS NULL) BEGIN
        {Apply("old", -1)}
        {Apply("new", 1)}
        END
        """,
        $"""
        INSERT INTO CohortTallies ({Columns})
          SELECT {Values("c")}, count(*) FROM Contacts AS c WHERE {Counted("c")}
          GROUP BY 1, 2, 3, 4, 5, 6, 7
        """,
    ];

    public static readonly string[] Down = [.. Drops(), "DROP INDEX IF EXISTS UX_CohortTallies_Key"];
}

namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps the lists report's figures on SQLite. <c>ListContactTallies</c>: a unique key over (list,
/// stage, out, owner or none, team or none) and triggers on Contacts that take out a contact's old self and add its new one
/// whenever one of those changes; a contact counts while it came from a list and is not in the recycle bin. Every tally
/// trigger reads only the row it fires for, so it stays exact under concurrent writes. <c>Opportunities.ContactSourceListId</c>:
/// a deal takes its contact's list when it is inserted or changes contact, and a contact hands a new list to its deals (as
/// <see cref="CohortDealsSql"/> does with the first day as a Lead). All in the transaction of the write, however the write is
/// made. <see cref="Up"/> can be run again at any time: it drops the triggers, empties the table, recreates both and fills
/// them from the contacts.
/// Caution: a migration that rebuilds Contacts or Opportunities (SQLite's way to alter a column) drops their triggers: re-run
/// <see cref="Up"/> after it (FunnelFactsTests fails until then).
/// </summary>
public static class ListTalliesSql
{
    private const string Key = "SourceListId, Stage, Out, ifnull(OwnerId, 0), ifnull(TeamId, 0)";
    private const string Columns = "SourceListId, Stage, Out, OwnerId, TeamId, Count";

    private static string Values(string c) => $"{c}.SourceListId, {c}.Stage, {c}.LeadStatus = 'Unqualified', {c}.OwnerId, {c}.TeamId";

    private static string Counted(string c) => $"{c}.SourceListId IS NOT NULL AND {c}.DeletedAt IS NULL";

    /// <summary>Adds (+1) or takes out (−1) the contact row <paramref name="c"/> (new or old).</summary>
    private static string Apply(string c, int sign) => $"""
        INSERT INTO ListContactTallies ({Columns})
          SELECT {Values(c)}, {sign} WHERE {Counted(c)}
          ON CONFLICT ({Key}) DO UPDATE SET Count = Count + excluded.Count;
        """;

    private static string Take(string o) =>
        $"UPDATE Opportunities SET ContactSourceListId = (SELECT SourceListId FROM Contacts WHERE Id = {o}.ContactId) WHERE Id = {o}.Id;";

    private static IEnumerable<string> Drops() =>
        new[]
        {
            "Contacts_list_tallies_insert", "Contacts_list_tallies_delete", "Contacts_list_tallies_update",
            "Opportunities_source_list_insert", "Opportunities_source_list_update", "Contacts_source_list_deals",
        }.Select(t => $"DROP TRIGGER IF EXISTS {t}");

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS UX_ListContactTallies_Key",
        "DELETE FROM ListContactTallies",
        $"CREATE UNIQUE INDEX UX_ListContactTallies_Key ON ListContactTallies ({Key})",
        $"""
        CREATE TRIGGER Contacts_list_tallies_insert AFTER INSERT ON Contacts BEGIN
        {Apply("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_list_tallies_delete AFTER DELETE ON Contacts BEGIN
        {Apply("old", -1)}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_list_tallies_update AFTER UPDATE OF SourceListId, Stage, LeadStatus, OwnerId, TeamId, DeletedAt ON Contacts
          WHEN old.SourceListId IS NOT new.SourceListId OR old.Stage IS NOT new.Stage
            OR (old.LeadStatus = 'Unqualified') IS NOT (new.LeadStatus = 'Unqualified')
            OR old.OwnerId IS NOT new.OwnerId OR old.TeamId IS NOT new.TeamId OR (old.DeletedAt IS NULL) <> (new.DeletedAt IS NULL) BEGIN
        {Apply("old", -1)}
        {Apply("new", 1)}
        END
        """,
        $"""
        INSERT INTO ListContactTallies ({Columns})
          SELECT {Values("c")}, count(*) FROM Contacts AS c WHERE {Counted("c")}
          GROUP BY 1, 2, 3, 4, 5
        """,
        $"""
        CREATE TRIGGER Opportunities_source_list_insert AFTER INSERT ON Opportunities
          WHEN new.ContactId IS NOT NULL OR new.ContactSourceListId IS NOT NULL BEGIN
          {Take("new")}
        END
        """,
        $"""
        CREATE TRIGGER Opportunities_source_list_update AFTER UPDATE OF ContactId ON Opportunities
          WHEN old.ContactId IS NOT new.ContactId BEGIN
          {Take("new")}
        END
        """,
        """
        CREATE TRIGGER Contacts_source_list_deals AFTER UPDATE OF SourceListId ON Contacts
          WHEN old.SourceListId IS NOT new.SourceListId BEGIN
          UPDATE Opportunities SET ContactSourceListId = new.SourceListId WHERE ContactId = new.Id;
        END
        """,
        """
        UPDATE Opportunities SET ContactSourceListId = (SELECT SourceListId FROM Contacts WHERE Id = Opportunities.ContactId)
          WHERE ContactSourceListId IS NOT (SELECT SourceListId FROM Contacts WHERE Id = Opportunities.ContactId)
        """,
    ];

    public static readonly string[] Down = [.. Drops(), "DROP INDEX IF EXISTS UX_ListContactTallies_Key"];
}

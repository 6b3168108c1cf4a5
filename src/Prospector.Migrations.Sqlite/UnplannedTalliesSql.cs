namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps <c>UnplannedTallies</c> on SQLite (decisions/0026): how many open items lack a next action,
/// per kind, owner and team. Two levels, each kept from the row a trigger fires on alone, so the order in which rows of one
/// statement change never matters:
/// <list type="bullet">
/// <item>counters on the items: <c>Contacts.OpenActionCount</c> and <c>Opportunities.OpenActionCount</c> (open next actions
/// not in the recycle bin; a contact's own, not about a deal), <c>Contacts.OpenDealCount</c> (deals open or on standby, not
/// in the recycle bin), moved by triggers on NextActions and Opportunities;</item>
/// <item>the tallies, moved by triggers on Contacts and Opportunities from the old and the new row: a contact counts while it
/// is in play (Lead or Prospect, a customer too when the workspace says every customer has a next action), not
/// disqualified, not in the recycle bin, with no open deal and no open next action; a deal while it is open or on standby,
/// not in the recycle bin, with no open next action. A change of the workspace setting counts the contacts again.</item>
/// </list>
/// The same definition as <c>NextActionQueries.ContactsWithout</c> and <c>OpportunitiesWithout</c>; UnplannedTalliesTests
/// compares the two after every kind of write. <see cref="Up"/> can be run again at any time: it drops the triggers, counts
/// everything again and recreates them. Caution: a migration that rebuilds Contacts, Opportunities, NextActions or
/// WorkspaceSettings (SQLite's way to alter a column) drops its triggers: re-run <see cref="Up"/> after it.
/// </summary>
public static class UnplannedTalliesSql
{
    private const string Key = "Kind, ifnull(OwnerId, 0), ifnull(TeamId, 0)";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET Count = Count + excluded.Count;";

    private static string ActionOpen(string a) => $"{a}.Status = 'Open' AND {a}.DeletedAt IS NULL";

    private static string DealOpen(string o) => $"{o}.DeletedAt IS NULL AND {o}.State IN ('Open', 'Standby')";

    private static string ContactCounts(string c) => $"""
        {c}.DeletedAt IS NULL AND {c}.LeadStatus <> 'Unqualified' AND {c}.OpenDealCount = 0 AND {c}.OpenActionCount = 0
          AND ({c}.Stage IN ('Lead', 'Prospect')
            OR ({c}.Stage IN ('Customer', 'RepeatCustomer') AND EXISTS (SELECT 1 FROM WorkspaceSettings WHERE CustomersNeedNextAction)))
        """;

    private static string DealCounts(string o) => $"{DealOpen(o)} AND {o}.OpenActionCount = 0";

    /// <summary>Adds (+1) or takes out (−1) the item row <paramref name="r"/> (old or new) when it counts.</summary>
    private static string Tally(string kind, string r, int sign, string counts) => $"""
        INSERT INTO UnplannedTallies (Kind, OwnerId, TeamId, Count)
          SELECT '{kind}', {r}.OwnerId, {r}.TeamId, {sign} WHERE {counts}
          {Add}
        """;

    /// <summary>Moves the counters of the contact or deal next action <paramref name="a"/> (old or new) is about, when it is open.</summary>
    private static string ActionCounters(string a, int sign) => $"""
        UPDATE Contacts SET OpenActionCount = OpenActionCount + {sign}
          WHERE Id = {a}.ContactId AND {a}.OpportunityId IS NULL AND {ActionOpen(a)};
        UPDATE Opportunities SET OpenActionCount = OpenActionCount + {sign}
          WHERE Id = {a}.OpportunityId AND {ActionOpen(a)};
        """;

    private static readonly string[] Triggers =
    [
        "NextActions_unplanned_insert", "NextActions_unplanned_delete", "NextActions_unplanned_update",
        "Opportunities_unplanned_insert", "Opportunities_unplanned_delete", "Opportunities_unplanned_update",
        "Contacts_unplanned_insert", "Contacts_unplanned_delete", "Contacts_unplanned_update",
        "WorkspaceSettings_unplanned_insert", "WorkspaceSettings_unplanned_update", "WorkspaceSettings_unplanned_delete",
    ];

    /// <summary>The contacts' tallies counted again (after a change of the workspace setting).</summary>
    private static readonly string RecountContacts = $"""
        DELETE FROM UnplannedTallies WHERE Kind = 'Contact';
        INSERT INTO UnplannedTallies (Kind, OwnerId, TeamId, Count)
          SELECT 'Contact', c.OwnerId, c.TeamId, count(*) FROM Contacts AS c WHERE {ContactCounts("c")} GROUP BY c.OwnerId, c.TeamId;
        """;

    public static readonly string[] Up =
    [
        .. Triggers.Select(t => $"DROP TRIGGER IF EXISTS {t}"),
        "DROP INDEX IF EXISTS UX_UnplannedTallies_Key",
        "DELETE FROM UnplannedTallies",
        $"CREATE UNIQUE INDEX UX_UnplannedTallies_Key ON UnplannedTallies ({Key})",
        // The counters, written only where they are not 0 (a full-table update would rewrite every contact).
        "UPDATE Contacts SET OpenActionCount = 0, OpenDealCount = 0 WHERE OpenActionCount <> 0 OR OpenDealCount <> 0",
        "UPDATE Opportunities SET OpenActionCount = 0 WHERE OpenActionCount <> 0",
        $"""
        UPDATE Contacts SET OpenActionCount = (SELECT count(*) FROM NextActions AS a WHERE a.ContactId = Contacts.Id AND a.OpportunityId IS NULL AND {ActionOpen("a")})
          WHERE Id IN (SELECT a.ContactId FROM NextActions AS a WHERE a.OpportunityId IS NULL AND {ActionOpen("a")})
        """,
        $"""
        UPDATE Contacts SET OpenDealCount = (SELECT count(*) FROM Opportunities AS o WHERE o.ContactId = Contacts.Id AND {DealOpen("o")})
          WHERE Id IN (SELECT o.ContactId FROM Opportunities AS o WHERE {DealOpen("o")})
        """,
        $"""
        UPDATE Opportunities SET OpenActionCount = (SELECT count(*) FROM NextActions AS a WHERE a.OpportunityId = Opportunities.Id AND {ActionOpen("a")})
          WHERE Id IN (SELECT a.OpportunityId FROM NextActions AS a WHERE {ActionOpen("a")})
        """,
        $"""
        INSERT INTO UnplannedTallies (Kind, OwnerId, TeamId, Count)
          SELECT 'Contact', c.OwnerId, c.TeamId, count(*) FROM Contacts AS c WHERE {ContactCounts("c")} GROUP BY c.OwnerId, c.TeamId
        """,
        $"""
        INSERT INTO UnplannedTallies (Kind, OwnerId, TeamId, Count)
          SELECT 'Opportunity', o.OwnerId, o.TeamId, count(*) FROM Opportunities AS o WHERE {DealCounts("o")} GROUP BY o.OwnerId, o.TeamId
        """,
        $"""
        CREATE TRIGGER NextActions_unplanned_insert AFTER INSERT ON NextActions BEGIN
        {ActionCounters("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER NextActions_unplanned_delete AFTER DELETE ON NextActions BEGIN
        {ActionCounters("old", -1)}
        END
        """,
        $"""
        CREATE TRIGGER NextActions_unplanned_update AFTER UPDATE OF Status, ContactId, OpportunityId, DeletedAt ON NextActions
          WHEN old.Status IS NOT new.Status OR old.ContactId IS NOT new.ContactId OR old.OpportunityId IS NOT new.OpportunityId
            OR (old.DeletedAt IS NULL) <> (new.DeletedAt IS NULL) BEGIN
        {ActionCounters("old", -1)}
        {ActionCounters("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Opportunities_unplanned_insert AFTER INSERT ON Opportunities BEGIN
          UPDATE Contacts SET OpenDealCount = OpenDealCount + 1 WHERE Id = new.ContactId AND {DealOpen("new")};
        {Tally("Opportunity", "new", 1, DealCounts("new"))}
        END
        """,
        $"""
        CREATE TRIGGER Opportunities_unplanned_delete AFTER DELETE ON Opportunities BEGIN
          UPDATE Contacts SET OpenDealCount = OpenDealCount - 1 WHERE Id = old.ContactId AND {DealOpen("old")};
        {Tally("Opportunity", "old", -1, DealCounts("old"))}
        END
        """,
        $"""
        CREATE TRIGGER Opportunities_unplanned_update
          AFTER UPDATE OF ContactId, State, DeletedAt, OwnerId, TeamId, OpenActionCount ON Opportunities BEGIN
          UPDATE Contacts SET OpenDealCount = OpenDealCount - 1
            WHERE Id = old.ContactId AND {DealOpen("old")} AND (old.ContactId IS NOT new.ContactId OR NOT ({DealOpen("new")}));
          UPDATE Contacts SET OpenDealCount = OpenDealCount + 1
            WHERE Id = new.ContactId AND {DealOpen("new")} AND (old.ContactId IS NOT new.ContactId OR NOT ({DealOpen("old")}));
        {Tally("Opportunity", "old", -1, DealCounts("old"))}
        {Tally("Opportunity", "new", 1, DealCounts("new"))}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_unplanned_insert AFTER INSERT ON Contacts BEGIN
        {Tally("Contact", "new", 1, ContactCounts("new"))}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_unplanned_delete AFTER DELETE ON Contacts BEGIN
        {Tally("Contact", "old", -1, ContactCounts("old"))}
        END
        """,
        $"""
        CREATE TRIGGER Contacts_unplanned_update
          AFTER UPDATE OF DeletedAt, LeadStatus, Stage, OwnerId, TeamId, OpenActionCount, OpenDealCount ON Contacts BEGIN
        {Tally("Contact", "old", -1, ContactCounts("old"))}
        {Tally("Contact", "new", 1, ContactCounts("new"))}
        END
        """,
        $"""
        CREATE TRIGGER WorkspaceSettings_unplanned_insert AFTER INSERT ON WorkspaceSettings BEGIN
        {RecountContacts}
        END
        """,
        $"""
        CREATE TRIGGER WorkspaceSettings_unplanned_update AFTER UPDATE OF CustomersNeedNextAction ON WorkspaceSettings
          WHEN old.CustomersNeedNextAction IS NOT new.CustomersNeedNextAction BEGIN
        {RecountContacts}
        END
        """,
        $"""
        CREATE TRIGGER WorkspaceSettings_unplanned_delete AFTER DELETE ON WorkspaceSettings BEGIN
        {RecountContacts}
        END
        """,
    ];

    public static readonly string[] Down = [.. Triggers.Select(t => $"DROP TRIGGER IF EXISTS {t}"), "DROP INDEX IF EXISTS UX_UnplannedTallies_Key"];
}

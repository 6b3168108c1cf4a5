namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps <c>Opportunities.ContactFirstLeadAt</c> on SQLite: the first day as a Lead of the deal's
/// contact. A deal takes it from its contact when it is inserted or changes contact (a contact deleted for good sets the
/// deal's contact to none, which clears it); a contact hands a new first day as a Lead (kept by the funnel facts'
/// triggers) to its deals. All in the transaction of the write, however the write is made. <see cref="Up"/> can be run again
/// at any time: it drops the triggers, recreates them and fills the column from the contacts.
/// Caution: a migration that rebuilds Opportunities or Contacts (SQLite's way to alter a column) drops its triggers: re-run
/// <see cref="Up"/> after it (FunnelFactsTests fails until then).
/// </summary>
public static class CohortDealsSql
{
    private static string Take(string o) =>
        $"UPDATE Opportunities SET ContactFirstLeadAt = (SELECT FirstLeadAt FROM Contacts WHERE Id = {o}.ContactId) WHERE Id = {o}.Id;";

    private static IEnumerable<string> Drops() =>
        new[] { "Opportunities_first_lead_insert", "Opportunities_first_lead_update", "Contacts_first_lead_deals" }.Select(t => $"DROP TRIGGER IF EXISTS {t}");

    public static readonly string[] Up =
    [
        .. Drops(),
        $"""
        CREATE TRIGGER Opportunities_first_lead_insert AFTER INSERT ON Opportunities
          WHEN new.ContactId IS NOT NULL OR new.ContactFirstLeadAt IS NOT NULL BEGIN
          {Take("new")}
        END
        """,
        $"""
        CREATE TRIGGER Opportunities_first_lead_update AFTER UPDATE OF ContactId ON Opportunities
          WHEN old.ContactId IS NOT new.ContactId BEGIN
          {Take("new")}
        END
        """,
        """
        CREATE TRIGGER Contacts_first_lead_deals AFTER UPDATE OF FirstLeadAt ON Contacts
          WHEN old.FirstLeadAt IS NOT new.FirstLeadAt BEGIN
          UPDATE Opportunities SET ContactFirstLeadAt = new.FirstLeadAt WHERE ContactId = new.Id;
        END
        """,
        """
        UPDATE Opportunities SET ContactFirstLeadAt = (SELECT FirstLeadAt FROM Contacts WHERE Id = Opportunities.ContactId)
          WHERE ContactFirstLeadAt IS NOT (SELECT FirstLeadAt FROM Contacts WHERE Id = Opportunities.ContactId)
        """,
    ];

    public static readonly string[] Down = [.. Drops()];
}

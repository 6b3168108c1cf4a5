namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps the funnel facts of each contact on SQLite: <c>Contacts.FirstLeadAt</c> (its first stage
/// change to Lead or a later stage) and <c>Contacts.HighestStage</c> (the highest stage any of its stage changes reached).
/// A trigger on LifecycleEvents moves them on with each new stage change, in the transaction of the event, however it is
/// written; deleting or changing a stage change (the app never does; a contact deleted for good takes its events along)
/// recomputes the contact's facts from its remaining events. <see cref="Up"/> can be run again at any time: it drops the
/// triggers, recomputes every contact's facts from its events and recreates the triggers.
/// Caution: a migration that rebuilds the LifecycleEvents table (SQLite's way to alter a column) drops the triggers:
/// re-run <see cref="Up"/> after it (FunnelFactsTests fails until then).
/// </summary>
public static class FunnelFactsSql
{
    private const string LeadOrLater = "'Lead', 'Prospect', 'Customer', 'RepeatCustomer'";

    private static string Rank(string stage) =>
        $"CASE {stage} WHEN 'RepeatCustomer' THEN 4 WHEN 'Customer' THEN 3 WHEN 'Prospect' THEN 2 WHEN 'Lead' THEN 1 WHEN 'Suspect' THEN 0 ELSE -1 END";

    private static string Earlier(string e) => $"{e}.ToStage IN ({LeadOrLater}) AND (FirstLeadAt IS NULL OR {e}.At < FirstLeadAt)";

    private static string Higher(string e) => $"{Rank(e + ".ToStage")} > {Rank("HighestStage")}";

    /// <summary>The facts of contact <paramref name="id"/> from all its stage changes.</summary>
    private static string Recompute(string id) => $"""
          UPDATE Contacts SET
            FirstLeadAt = (SELECT min(At) FROM LifecycleEvents WHERE ContactId = {id} AND Kind = 'StageChanged' AND ToStage IN ({LeadOrLater})),
            HighestStage = (SELECT ToStage FROM LifecycleEvents WHERE ContactId = {id} AND Kind = 'StageChanged' AND ToStage IS NOT NULL
                            ORDER BY {Rank("ToStage")} DESC LIMIT 1)
          WHERE Id = {id};
        """;

    private static readonly string[] Drops =
    [
        "DROP TRIGGER IF EXISTS LifecycleEvents_facts_insert",
        "DROP TRIGGER IF EXISTS LifecycleEvents_facts_delete",
        "DROP TRIGGER IF EXISTS LifecycleEvents_facts_update",
    ];

    public static readonly string[] Up =
    [
        .. Drops,
        "UPDATE Contacts SET FirstLeadAt = NULL, HighestStage = NULL WHERE FirstLeadAt IS NOT NULL OR HighestStage IS NOT NULL",
        $"""
        UPDATE Contacts SET FirstLeadAt = f.FirstLeadAt,
          HighestStage = CASE f.R WHEN 4 THEN 'RepeatCustomer' WHEN 3 THEN 'Customer' WHEN 2 THEN 'Prospect' WHEN 1 THEN 'Lead' WHEN 0 THEN 'Suspect' END
        FROM (SELECT ContactId, min(CASE WHEN ToStage IN ({LeadOrLater}) THEN At END) AS FirstLeadAt, max({Rank("ToStage")}) AS R
              FROM LifecycleEvents WHERE Kind = 'StageChanged' GROUP BY ContactId) AS f
        WHERE Contacts.Id = f.ContactId
        """,
        $"""
        CREATE TRIGGER LifecycleEvents_facts_insert AFTER INSERT ON LifecycleEvents WHEN new.Kind = 'StageChanged' BEGIN
          UPDATE Contacts SET
            FirstLeadAt = CASE WHEN {Earlier("new")} THEN new.At ELSE FirstLeadAt END,
            HighestStage = CASE WHEN {Higher("new")} THEN new.ToStage ELSE HighestStage END
          WHERE Id = new.ContactId AND (({Earlier("new")}) OR {Higher("new")});
        END
        """,
        $"""
        CREATE TRIGGER LifecycleEvents_facts_delete AFTER DELETE ON LifecycleEvents WHEN old.Kind = 'StageChanged' BEGIN
        {Recompute("old.ContactId")}
        END
        """,
        $"""
        CREATE TRIGGER LifecycleEvents_facts_update AFTER UPDATE OF Kind, ToStage, At, ContactId ON LifecycleEvents BEGIN
        {Recompute("old.ContactId")}
        {Recompute("new.ContactId")}
        END
        """,
    ];

    public static readonly string[] Down = Drops;
}

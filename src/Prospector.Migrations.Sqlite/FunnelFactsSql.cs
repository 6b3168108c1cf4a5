namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps the funnel facts on SQLite: of each contact <c>Contacts.FirstLeadAt</c> (its first stage
/// change to Lead or a later stage) and <c>Contacts.HighestStage</c> (the highest stage any of its stage changes reached);
/// of each stage change the stay it ends, <c>LifecycleEvents.StayStartedAt</c> and <c>StayStage</c> (the time and new
/// stage of the contact's stage change just before it, by time, then id). A trigger on LifecycleEvents moves them on with
/// each new stage change (and points the contact's next stage change, when the new one is backdated before it, at the new
/// one), in the transaction of the event, however it is written; deleting or changing a stage change (the app never does;
/// a contact deleted for good takes its events along) recomputes the contact's facts and stays from its remaining events. <see cref="Up"/> can be run again at any time: it drops the
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

    /// <summary>The time and new stage of the contact's stage change just before the stage change <paramref name="e"/>.</summary>
    private static string Before(string e) => $"""
        SELECT p.At, p.ToStage FROM LifecycleEvents AS p
                  WHERE p.ContactId = {e}.ContactId AND p.Kind = 'StageChanged' AND p.At <= {e}.At AND (p.At < {e}.At OR p.Id < {e}.Id)
                  ORDER BY p.At DESC, p.Id DESC LIMIT 1
        """;

    /// <summary>The facts and stays of contact <paramref name="id"/> from all its stage changes.</summary>
    private static string Recompute(string id) => $"""
          UPDATE LifecycleEvents SET StayStartedAt = NULL, StayStage = NULL
          WHERE ContactId = {id} AND Kind <> 'StageChanged' AND (StayStartedAt IS NOT NULL OR StayStage IS NOT NULL);
          UPDATE LifecycleEvents SET (StayStartedAt, StayStage) = ({Before("LifecycleEvents")})
          WHERE ContactId = {id} AND Kind = 'StageChanged';
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
        "UPDATE LifecycleEvents SET StayStartedAt = NULL, StayStage = NULL WHERE StayStartedAt IS NOT NULL OR StayStage IS NOT NULL",
        """
        UPDATE LifecycleEvents SET StayStartedAt = f.PrevAt, StayStage = f.PrevStage
        FROM (SELECT Id, lag(At) OVER w AS PrevAt, lag(ToStage) OVER w AS PrevStage FROM LifecycleEvents WHERE Kind = 'StageChanged'
              WINDOW w AS (PARTITION BY ContactId ORDER BY At, Id)) AS f
        WHERE LifecycleEvents.Id = f.Id AND f.PrevAt IS NOT NULL
        """,
        $"""
        CREATE TRIGGER LifecycleEvents_facts_insert AFTER INSERT ON LifecycleEvents WHEN new.Kind = 'StageChanged' BEGIN
          UPDATE Contacts SET
            FirstLeadAt = CASE WHEN {Earlier("new")} THEN new.At ELSE FirstLeadAt END,
            HighestStage = CASE WHEN {Higher("new")} THEN new.ToStage ELSE HighestStage END
          WHERE Id = new.ContactId AND (({Earlier("new")}) OR {Higher("new")});
          UPDATE LifecycleEvents SET (StayStartedAt, StayStage) = ({Before("new")}) WHERE Id = new.Id;
          UPDATE LifecycleEvents SET StayStartedAt = new.At, StayStage = new.ToStage
          WHERE Id = (SELECT n.Id FROM LifecycleEvents AS n
                      WHERE n.ContactId = new.ContactId AND n.Kind = 'StageChanged' AND n.At >= new.At AND (n.At > new.At OR n.Id > new.Id)
                      ORDER BY n.At, n.Id LIMIT 1);
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

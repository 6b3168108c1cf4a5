namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps the funnel facts on PostgreSQL: of each contact "Contacts"."FirstLeadAt" (its first stage
/// change to Lead or a later stage) and "Contacts"."HighestStage" (the highest stage any of its stage changes reached); of
/// each stage change the stay it ends, "LifecycleEvents"."StayStartedAt" and "StayStage" (the time and new stage of the
/// contact's stage change just before it, by time, then id); of each stage change the time of the contact's last one like
/// it before it, for the period funnel: "PreviousEntryAt" (entering the same stage going up) and "PreviousLeaveAt" (leaving
/// the same stage in the same direction). A row trigger on "LifecycleEvents" moves them on with each
/// new stage change (and points the contact's next stage change, when the new one is backdated before it, at the new one),
/// in the transaction of the event, however it is written; deleting or changing a stage change (the app never does; a
/// contact deleted for good takes its events along) recomputes the contact's facts and stays from its remaining events. <see cref="Up"/> can be run again at any time: it drops the
/// trigger, recomputes every contact's facts from its events and recreates the trigger.
/// </summary>
public static class FunnelFactsSql
{
    private const string LeadOrLater = "'Lead', 'Prospect', 'Customer', 'RepeatCustomer'";

    private static string Rank(string stage) =>
        $"CASE {stage} WHEN 'RepeatCustomer' THEN 4 WHEN 'Customer' THEN 3 WHEN 'Prospect' THEN 2 WHEN 'Lead' THEN 1 WHEN 'Suspect' THEN 0 ELSE -1 END";

    private static string Earlier(string e) => $"{e}.\"ToStage\" IN ({LeadOrLater}) AND (c.\"FirstLeadAt\" IS NULL OR {e}.\"At\" < c.\"FirstLeadAt\")";

    private static string Higher(string e) => $"{Rank(e + ".\"ToStage\"")} > {Rank("c.\"HighestStage\"")}";

    /// <summary>Any stage change <c>p</c> of the contact of <c>e</c>: for <see cref="Last"/> and <see cref="Next"/>.</summary>
    private static string Any(string p, string e) => "TRUE";

    /// <summary>
    /// <paramref name="columns"/> of the contact's last stage change <c>p</c> like <paramref name="e"/> (<paramref name="same"/>)
    /// before it, by time, then id.
    /// </summary>
    private static string Last(string e, string columns, Func<string, string, string> same) => $"""
        SELECT {columns} FROM "LifecycleEvents" AS p
                  WHERE p."ContactId" = {e}."ContactId" AND p."Kind" = 'StageChanged' AND {same("p", e)} AND p."At" <= {e}."At" AND (p."At" < {e}."At" OR p."Id" < {e}."Id")
                  ORDER BY p."At" DESC, p."Id" DESC LIMIT 1
        """;

    /// <summary>The time and new stage of the contact's stage change just before the stage change <paramref name="e"/>.</summary>
    private static string Before(string e) => Last(e, "p.\"At\", p.\"ToStage\"", Any);

    /// <summary>A stage change <paramref name="e"/> goes up the funnel (or is the contact's first): the reports' StageOrder.Upward.</summary>
    private static string Rising(string e) => $"({e}.\"FromStage\" IS NULL OR {Rank(e + ".\"ToStage\"")} > {Rank(e + ".\"FromStage\"")})";

    /// <summary>The stage change <paramref name="e"/> enters its stage going up (the funnel's "entered").</summary>
    private static string Enters(string e) => $"({e}.\"ToStage\" IS NOT NULL AND {Rising(e)})";

    /// <summary>The stage change <paramref name="e"/> leaves a stage (the funnel's "moved on" or "moved back", by <see cref="Rising"/>).</summary>
    private static string Leaves(string e) => $"({e}.\"FromStage\" IS NOT NULL AND ({e}.\"ToStage\" IS NULL OR {e}.\"ToStage\" <> {e}.\"FromStage\"))";

    /// <summary>Stage change <c>p</c> is of the same entry as <paramref name="e"/> (into the same stage, going up).</summary>
    private static string SameEntry(string p, string e) => $"{p}.\"ToStage\" = {e}.\"ToStage\" AND {Enters(p)}";

    /// <summary>Stage change <c>p</c> is of the same leave as <paramref name="e"/> (out of the same stage, in the same direction).</summary>
    private static string SameLeave(string p, string e) => $"{p}.\"FromStage\" = {e}.\"FromStage\" AND {Leaves(p)} AND {Rising(p)} = {Rising(e)}";

    /// <summary>The time of the contact's last stage change like <paramref name="e"/> (<paramref name="same"/>) before it, by time, then id.</summary>
    private static string Prior(string e, Func<string, string, string> same) => Last(e, "p.\"At\"", same);

    /// <summary>
    /// The contact's next stage change like <paramref name="e"/> (<paramref name="same"/>) after it, by time, then id: a backdated
    /// <paramref name="e"/> is now the one before it.
    /// </summary>
    private static string Next(string e, Func<string, string, string> same) => $"""
        SELECT n."Id" FROM "LifecycleEvents" AS n
                        WHERE n."ContactId" = {e}."ContactId" AND n."Kind" = 'StageChanged' AND {same("n", e)} AND n."At" >= {e}."At" AND (n."At" > {e}."At" OR n."Id" > {e}."Id")
                        ORDER BY n."At", n."Id" LIMIT 1
        """;

    /// <summary>SET clauses for the period facts of stage change <paramref name="e"/>.</summary>
    private static string PeriodFacts(string e) =>
        $"\"PreviousEntryAt\" = CASE WHEN {Enters(e)} THEN ({Prior(e, SameEntry)}) END, \"PreviousLeaveAt\" = CASE WHEN {Leaves(e)} THEN ({Prior(e, SameLeave)}) END";

    /// <summary>The contact's next entry and leave like the new stage change, when it is backdated before them, now follow it.</summary>
    private static string NextPeriodFacts => $"""
              UPDATE "LifecycleEvents" SET "PreviousEntryAt" = NEW."At" WHERE {Enters("NEW")} AND "Id" = ({Next("NEW", SameEntry)});
              UPDATE "LifecycleEvents" SET "PreviousLeaveAt" = NEW."At" WHERE {Leaves("NEW")} AND "Id" = ({Next("NEW", SameLeave)});
        """;

    private static string Recompute(string id, bool period) => $"""
            UPDATE "LifecycleEvents" SET "StayStartedAt" = NULL, "StayStage" = NULL{(period ? ", \"PreviousEntryAt\" = NULL, \"PreviousLeaveAt\" = NULL" : "")}
            WHERE "ContactId" = {id} AND "Kind" <> 'StageChanged' AND ("StayStartedAt" IS NOT NULL OR "StayStage" IS NOT NULL{(period ? " OR \"PreviousEntryAt\" IS NOT NULL OR \"PreviousLeaveAt\" IS NOT NULL" : "")});
            UPDATE "LifecycleEvents" AS e SET ("StayStartedAt", "StayStage") = ({Before("e")}){(period ? ", " + PeriodFacts("e") : "")}
            WHERE e."ContactId" = {id} AND e."Kind" = 'StageChanged';
            UPDATE "Contacts" SET
              "FirstLeadAt" = (SELECT min("At") FROM "LifecycleEvents" WHERE "ContactId" = {id} AND "Kind" = 'StageChanged' AND "ToStage" IN ({LeadOrLater})),
              "HighestStage" = (SELECT "ToStage" FROM "LifecycleEvents" WHERE "ContactId" = {id} AND "Kind" = 'StageChanged' AND "ToStage" IS NOT NULL
                                ORDER BY {Rank("\"ToStage\"")} DESC LIMIT 1)
            WHERE "Id" = {id};
        """;

    private static readonly string[] Drops = ["DROP TRIGGER IF EXISTS lifecycle_events_funnel_facts ON \"LifecycleEvents\""];

    /// <summary>The facts, stays and period facts, and the trigger that keeps them all (migration FunnelPeriodFacts on).</summary>
    public static readonly string[] Up = Build(period: true);

    /// <summary>
    /// As migration FunnelFacts made them: the facts and stays without the period facts ("PreviousEntryAt",
    /// "PreviousLeaveAt"; their columns came with the next migration, FunnelPeriodFacts, which runs <see cref="PeriodUp"/>).
    /// </summary>
    public static readonly string[] UpWithoutPeriodFacts = Build(period: false);

    /// <summary>
    /// Migration FunnelPeriodFacts: the period facts of every stage change and the triggers that keep them; the facts and
    /// stays were already kept (FunnelFacts), so they are not computed again.
    /// </summary>
    public static readonly string[] PeriodUp = [.. Drops, .. PeriodFill, .. Triggers(period: true)];

    private static string[] Build(bool period) => [.. Drops, .. Facts, .. period ? PeriodFill : [], .. Triggers(period)];

    /// <summary>Every contact's facts and every stage change's stay, from the stage changes.</summary>
    private static string[] Facts =>
    [
        "UPDATE \"Contacts\" SET \"FirstLeadAt\" = NULL, \"HighestStage\" = NULL WHERE \"FirstLeadAt\" IS NOT NULL OR \"HighestStage\" IS NOT NULL",
        $"""
        UPDATE "Contacts" SET "FirstLeadAt" = f."FirstLeadAt",
          "HighestStage" = CASE f."R" WHEN 4 THEN 'RepeatCustomer' WHEN 3 THEN 'Customer' WHEN 2 THEN 'Prospect' WHEN 1 THEN 'Lead' WHEN 0 THEN 'Suspect' END
        FROM (SELECT "ContactId", min(CASE WHEN "ToStage" IN ({LeadOrLater}) THEN "At" END) AS "FirstLeadAt", max({Rank("\"ToStage\"")}) AS "R"
              FROM "LifecycleEvents" WHERE "Kind" = 'StageChanged' GROUP BY "ContactId") AS f
        WHERE "Contacts"."Id" = f."ContactId"
        """,
        "UPDATE \"LifecycleEvents\" SET \"StayStartedAt\" = NULL, \"StayStage\" = NULL WHERE \"StayStartedAt\" IS NOT NULL OR \"StayStage\" IS NOT NULL",
        """
        UPDATE "LifecycleEvents" SET "StayStartedAt" = f."PrevAt", "StayStage" = f."PrevStage"
        FROM (SELECT "Id", lag("At") OVER w AS "PrevAt", lag("ToStage") OVER w AS "PrevStage" FROM "LifecycleEvents" WHERE "Kind" = 'StageChanged'
              WINDOW w AS (PARTITION BY "ContactId" ORDER BY "At", "Id")) AS f
        WHERE "LifecycleEvents"."Id" = f."Id" AND f."PrevAt" IS NOT NULL
        """,
    ];

    /// <summary>The triggers that keep the facts and stays (and, with <paramref name="period"/>, the period facts).</summary>
    private static string[] Triggers(bool period) =>
    [
        $"""
        CREATE OR REPLACE FUNCTION prospector_funnel_facts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            IF NEW."Kind" = 'StageChanged' THEN
              UPDATE "Contacts" AS c SET
                "FirstLeadAt" = CASE WHEN {Earlier("NEW")} THEN NEW."At" ELSE c."FirstLeadAt" END,
                "HighestStage" = CASE WHEN {Higher("NEW")} THEN NEW."ToStage" ELSE c."HighestStage" END
              WHERE c."Id" = NEW."ContactId" AND (({Earlier("NEW")}) OR {Higher("NEW")});
              UPDATE "LifecycleEvents" SET ("StayStartedAt", "StayStage") = ({Before("NEW")}){(period ? ", " + PeriodFacts("NEW") : "")} WHERE "Id" = NEW."Id";
              UPDATE "LifecycleEvents" SET "StayStartedAt" = NEW."At", "StayStage" = NEW."ToStage" WHERE "Id" = ({Next("NEW", Any)});
        {(period ? NextPeriodFacts : "")}
            END IF;
            RETURN NULL;
          END IF;
          IF OLD."Kind" = 'StageChanged' OR (TG_OP = 'UPDATE' AND NEW."Kind" = 'StageChanged') THEN
        {Recompute("OLD.\"ContactId\"", period)}
            IF TG_OP = 'UPDATE' THEN
        {Recompute("NEW.\"ContactId\"", period)}
            END IF;
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER lifecycle_events_funnel_facts
          AFTER INSERT OR DELETE OR UPDATE OF "Kind", "ToStage", "At", "ContactId"
          ON "LifecycleEvents" FOR EACH ROW EXECUTE FUNCTION prospector_funnel_facts()
        """,
    ];

    /// <summary>
    /// Of each stage change, the time of the contact's last stage change like it before it: entering the same stage going
    /// up ("PreviousEntryAt"), leaving the same stage in the same direction ("PreviousLeaveAt").
    /// </summary>
    private static string[] PeriodFill =>
    [
        "UPDATE \"LifecycleEvents\" SET \"PreviousEntryAt\" = NULL, \"PreviousLeaveAt\" = NULL WHERE \"PreviousEntryAt\" IS NOT NULL OR \"PreviousLeaveAt\" IS NOT NULL",
        $"""
        UPDATE "LifecycleEvents" SET "PreviousEntryAt" = f."PrevAt"
        FROM (SELECT "Id", lag("At") OVER (PARTITION BY "ContactId", "ToStage" ORDER BY "At", "Id") AS "PrevAt" FROM "LifecycleEvents" AS e
              WHERE "Kind" = 'StageChanged' AND {Enters("e")}) AS f
        WHERE "LifecycleEvents"."Id" = f."Id" AND f."PrevAt" IS NOT NULL
        """,
        $"""
        UPDATE "LifecycleEvents" SET "PreviousLeaveAt" = f."PrevAt"
        FROM (SELECT "Id", lag("At") OVER (PARTITION BY "ContactId", "FromStage", {Rising("e")} ORDER BY "At", "Id") AS "PrevAt" FROM "LifecycleEvents" AS e
              WHERE "Kind" = 'StageChanged' AND {Leaves("e")}) AS f
        WHERE "LifecycleEvents"."Id" = f."Id" AND f."PrevAt" IS NOT NULL
        """,
    ];

    public static readonly string[] Down = [.. Drops, "DROP FUNCTION IF EXISTS prospector_funnel_facts()"];
}

namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps the funnel facts of each contact on PostgreSQL: "Contacts"."FirstLeadAt" (its first stage
/// change to Lead or a later stage) and "Contacts"."HighestStage" (the highest stage any of its stage changes reached). A
/// row trigger on "LifecycleEvents" moves them on with each new stage change, in the transaction of the event, however it
/// is written; deleting or changing a stage change (the app never does; a contact deleted for good takes its events along)
/// recomputes the contact's facts from its remaining events. <see cref="Up"/> can be run again at any time: it drops the
/// trigger, recomputes every contact's facts from its events and recreates the trigger.
/// </summary>
public static class FunnelFactsSql
{
    private const string LeadOrLater = "'Lead', 'Prospect', 'Customer', 'RepeatCustomer'";

    private static string Rank(string stage) =>
        $"CASE {stage} WHEN 'RepeatCustomer' THEN 4 WHEN 'Customer' THEN 3 WHEN 'Prospect' THEN 2 WHEN 'Lead' THEN 1 WHEN 'Suspect' THEN 0 ELSE -1 END";

    private static string Earlier(string e) => $"{e}.\"ToStage\" IN ({LeadOrLater}) AND (c.\"FirstLeadAt\" IS NULL OR {e}.\"At\" < c.\"FirstLeadAt\")";

    private static string Higher(string e) => $"{Rank(e + ".\"ToStage\"")} > {Rank("c.\"HighestStage\"")}";

    private static string Recompute(string id) => $"""
            UPDATE "Contacts" SET
              "FirstLeadAt" = (SELECT min("At") FROM "LifecycleEvents" WHERE "ContactId" = {id} AND "Kind" = 'StageChanged' AND "ToStage" IN ({LeadOrLater})),
              "HighestStage" = (SELECT "ToStage" FROM "LifecycleEvents" WHERE "ContactId" = {id} AND "Kind" = 'StageChanged' AND "ToStage" IS NOT NULL
                                ORDER BY {Rank("\"ToStage\"")} DESC LIMIT 1)
            WHERE "Id" = {id};
        """;

    private static readonly string[] Drops = ["DROP TRIGGER IF EXISTS lifecycle_events_funnel_facts ON \"LifecycleEvents\""];

    public static readonly string[] Up =
    [
        .. Drops,
        "UPDATE \"Contacts\" SET \"FirstLeadAt\" = NULL, \"HighestStage\" = NULL WHERE \"FirstLeadAt\" IS NOT NULL OR \"HighestStage\" IS NOT NULL",
        $"""
        UPDATE "Contacts" SET "FirstLeadAt" = f."FirstLeadAt",
          "HighestStage" = CASE f."R" WHEN 4 THEN 'RepeatCustomer' WHEN 3 THEN 'Customer' WHEN 2 THEN 'Prospect' WHEN 1 THEN 'Lead' WHEN 0 THEN 'Suspect' END
        FROM (SELECT "ContactId", min(CASE WHEN "ToStage" IN ({LeadOrLater}) THEN "At" END) AS "FirstLeadAt", max({Rank("\"ToStage\"")}) AS "R"
              FROM "LifecycleEvents" WHERE "Kind" = 'StageChanged' GROUP BY "ContactId") AS f
        WHERE "Contacts"."Id" = f."ContactId"
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_funnel_facts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            IF NEW."Kind" = 'StageChanged' THEN
              UPDATE "Contacts" AS c SET
                "FirstLeadAt" = CASE WHEN {Earlier("NEW")} THEN NEW."At" ELSE c."FirstLeadAt" END,
                "HighestStage" = CASE WHEN {Higher("NEW")} THEN NEW."ToStage" ELSE c."HighestStage" END
              WHERE c."Id" = NEW."ContactId" AND (({Earlier("NEW")}) OR {Higher("NEW")});
            END IF;
            RETURN NULL;
          END IF;
          IF OLD."Kind" = 'StageChanged' OR (TG_OP = 'UPDATE' AND NEW."Kind" = 'StageChanged') THEN
        {Recompute("OLD.\"ContactId\"")}
            IF TG_OP = 'UPDATE' THEN
        {Recompute("NEW.\"ContactId\"")}
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

    public static readonly string[] Down = [.. Drops, "DROP FUNCTION IF EXISTS prospector_funnel_facts()"];
}

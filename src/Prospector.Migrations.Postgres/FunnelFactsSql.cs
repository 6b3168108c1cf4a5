namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps the funnel facts on PostgreSQL: of each contact "Contacts"."FirstLeadAt" (its first stage
/// change to Lead or a later stage) and "Contacts"."HighestStage" (the highest stage any of its stage changes reached); of
/// each stage change the stay it ends, "LifecycleEvents"."StayStartedAt" and "StayStage" (the time and new stage of the
/// contact's stage change just before it, by time, then id). A row trigger on "LifecycleEvents" moves them on with each
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

    /// <summary>The time and new stage of the contact's stage change just before the stage change <paramref name="e"/>.</summary>
    private static string Before(string e) => $"""
        SELECT p."At", p."ToStage" FROM "LifecycleEvents" AS p
                  WHERE p."ContactId" = {e}."ContactId" AND p."Kind" = 'StageChanged' AND p."At" <= {e}."At" AND (p."At" < {e}."At" OR p."Id" < {e}."Id")
                  ORDER BY p."At" DESC, p."Id" DESC LIMIT 1
        """;

    private static string Recompute(string id) => $"""
            UPDATE "LifecycleEvents" SET "StayStartedAt" = NULL, "StayStage" = NULL
            WHERE "ContactId" = {id} AND "Kind" <> 'StageChanged' AND ("StayStartedAt" IS NOT NULL OR "StayStage" IS NOT NULL);
            UPDATE "LifecycleEvents" AS e SET ("StayStartedAt", "StayStage") = ({Before("e")})
            WHERE e."ContactId" = {id} AND e."Kind" = 'StageChanged';
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
        "UPDATE \"LifecycleEvents\" SET \"StayStartedAt\" = NULL, \"StayStage\" = NULL WHERE \"StayStartedAt\" IS NOT NULL OR \"StayStage\" IS NOT NULL",
        """
        UPDATE "LifecycleEvents" SET "StayStartedAt" = f."PrevAt", "StayStage" = f."PrevStage"
        FROM (SELECT "Id", lag("At") OVER w AS "PrevAt", lag("ToStage") OVER w AS "PrevStage" FROM "LifecycleEvents" WHERE "Kind" = 'StageChanged'
              WINDOW w AS (PARTITION BY "ContactId" ORDER BY "At", "Id")) AS f
        WHERE "LifecycleEvents"."Id" = f."Id" AND f."PrevAt" IS NOT NULL
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
              UPDATE "LifecycleEvents" SET ("StayStartedAt", "StayStage") = ({Before("NEW")}) WHERE "Id" = NEW."Id";
              UPDATE "LifecycleEvents" SET "StayStartedAt" = NEW."At", "StayStage" = NEW."ToStage"
              WHERE "Id" = (SELECT n."Id" FROM "LifecycleEvents" AS n
                            WHERE n."ContactId" = NEW."ContactId" AND n."Kind" = 'StageChanged' AND n."At" >= NEW."At" AND (n."At" > NEW."At" OR n."Id" > NEW."Id")
                            ORDER BY n."At", n."Id" LIMIT 1);
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

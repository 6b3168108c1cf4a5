namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps the step times' facts on PostgreSQL, in two layers, like the stage stays
/// (<see cref="FunnelFactsSql"/>, <see cref="StayTalliesSql"/>):
/// <list type="number">
/// <item>Of each deal step entry, "OpportunityStepChanges"."StayStartedAt": the time of the deal's entry just before it (by
/// time, then id) when that one entered the step this one leaves ("FromStepId"); else null. A new entry gets its own and,
/// when backdated, gives the deal's next entry its new one; deleting or changing an entry (the app never does; a deal deleted
/// for good takes its entries along) recomputes the deal's entries.</item>
/// <item>"StepStayTallies": a unique key over (UTC month, step, whole days, owner or none, team or none) and row triggers that
/// count each entry's stay in the UTC month of the entry, by its length in whole days, for the owner and team of its deal
/// while the deal is not in the recycle bin. Each takes out a row's old stay and adds its new one whenever a column the stay
/// depends on is written (also by the first layer's trigger), so the order in which triggers fire does not matter.</item>
/// </list>
/// All in the transaction of the write, however it is made. <see cref="Up"/> can be run again at any time: it drops the
/// triggers, recomputes every entry's stay, empties and refills the table and recreates the triggers.
/// </summary>
public static class StepStaysSql
{
    private const string Key = "\"Month\", \"StepId\", \"Days\", (COALESCE(\"OwnerId\", 0)), (COALESCE(\"TeamId\", 0))";
    private const string Columns = "\"Month\", \"StepId\", \"Days\", \"OwnerId\", \"TeamId\", \"Count\"";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET \"Count\" = \"StepStayTallies\".\"Count\" + EXCLUDED.\"Count\";";

    private static string Month(string e) => $"date_trunc('month', {e}.\"At\", 'UTC')";

    /// <summary>The stay's length in whole days (the exact span in seconds: extract gives a numeric; never negative).</summary>
    private static string Days(string e) => $"floor(extract(epoch FROM {e}.\"At\" - {e}.\"StayStartedAt\") / 86400)::integer";

    private static string Counted(string e) => $"{e}.\"StayStartedAt\" IS NOT NULL AND {e}.\"FromStepId\" IS NOT NULL";

    /// <summary>The stay the entry <paramref name="e"/> ends: when the deal's entry just before it entered the step it leaves.</summary>
    private static string StayStart(string e) => $"""
        (SELECT CASE WHEN p."ToStepId" = {e}."FromStepId" THEN p."At" END FROM "OpportunityStepChanges" AS p
                  WHERE p."OpportunityId" = {e}."OpportunityId" AND p."At" <= {e}."At" AND (p."At" < {e}."At" OR p."Id" < {e}."Id")
                  ORDER BY p."At" DESC, p."Id" DESC LIMIT 1)
        """;

    /// <summary>Every entry of deal <paramref name="id"/> gets its stay again (only those whose stay changes are written).</summary>
    private static string Recompute(string id) => $"""
            UPDATE "OpportunityStepChanges" AS s SET "StayStartedAt" = {StayStart("s")}
            WHERE s."OpportunityId" = {id} AND s."StayStartedAt" IS DISTINCT FROM {StayStart("s")};
        """;

    private static string Apply(string e, int sign) => $"""
            INSERT INTO "StepStayTallies" ({Columns})
              SELECT {Month(e)}, {e}."FromStepId", {Days(e)}, o."OwnerId", o."TeamId", {sign}
              FROM "Opportunities" AS o
              WHERE o."Id" = {e}."OpportunityId" AND o."DeletedAt" IS NULL AND {Counted(e)}
              {Add}
        """;

    private static string Move(string o, int sign) => $"""
              INSERT INTO "StepStayTallies" ({Columns})
                SELECT {Month("e")}, e."FromStepId", {Days("e")}, {o}."OwnerId", {o}."TeamId", {sign} * count(*)
                FROM "OpportunityStepChanges" AS e
                WHERE e."OpportunityId" = {o}."Id" AND {Counted("e")}
                GROUP BY 1, 2, 3
                {Add}
        """;

    private static IEnumerable<string> Drops() =>
    [
        "DROP TRIGGER IF EXISTS opportunity_step_changes_stay ON \"OpportunityStepChanges\"",
        "DROP TRIGGER IF EXISTS opportunity_step_changes_stay_tallies ON \"OpportunityStepChanges\"",
        "DROP TRIGGER IF EXISTS opportunities_step_stays ON \"Opportunities\"",
        "DROP TRIGGER IF EXISTS opportunities_step_stays_delete ON \"Opportunities\"",
    ];

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS \"UX_StepStayTallies_Key\"",
        "DELETE FROM \"StepStayTallies\"",
        "UPDATE \"OpportunityStepChanges\" SET \"StayStartedAt\" = NULL WHERE \"StayStartedAt\" IS NOT NULL",
        """
        UPDATE "OpportunityStepChanges" AS s SET "StayStartedAt" = f."PrevAt"
        FROM (SELECT "Id", "FromStepId", lag("At") OVER w AS "PrevAt", lag("ToStepId") OVER w AS "PrevTo" FROM "OpportunityStepChanges"
              WINDOW w AS (PARTITION BY "OpportunityId" ORDER BY "At", "Id")) AS f
        WHERE s."Id" = f."Id" AND f."PrevTo" = f."FromStepId"
        """,
        $"CREATE UNIQUE INDEX \"UX_StepStayTallies_Key\" ON \"StepStayTallies\" ({Key})",
        $"""
        INSERT INTO "StepStayTallies" ({Columns})
          SELECT {Month("e")}, e."FromStepId", {Days("e")}, o."OwnerId", o."TeamId", count(*)
          FROM "OpportunityStepChanges" AS e JOIN "Opportunities" AS o ON o."Id" = e."OpportunityId" AND o."DeletedAt" IS NULL
          WHERE {Counted("e")}
          GROUP BY 1, 2, 3, 4, 5
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_step_stay() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            UPDATE "OpportunityStepChanges" SET "StayStartedAt" = {StayStart("NEW")}
            WHERE "Id" = NEW."Id" AND "StayStartedAt" IS DISTINCT FROM {StayStart("NEW")};
            UPDATE "OpportunityStepChanges" SET "StayStartedAt" = CASE WHEN NEW."ToStepId" = "FromStepId" THEN NEW."At" END
            WHERE "Id" = (SELECT n."Id" FROM "OpportunityStepChanges" AS n
                          WHERE n."OpportunityId" = NEW."OpportunityId" AND n."At" >= NEW."At" AND (n."At" > NEW."At" OR n."Id" > NEW."Id")
                          ORDER BY n."At", n."Id" LIMIT 1)
              AND "StayStartedAt" IS DISTINCT FROM (CASE WHEN NEW."ToStepId" = "FromStepId" THEN NEW."At" END);
            RETURN NULL;
          END IF;
        {Recompute("OLD.\"OpportunityId\"")}
          IF TG_OP = 'UPDATE' THEN
        {Recompute("NEW.\"OpportunityId\"")}
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER opportunity_step_changes_stay
          AFTER INSERT OR DELETE OR UPDATE OF "OpportunityId", "At", "FromStepId", "ToStepId"
          ON "OpportunityStepChanges" FOR EACH ROW EXECUTE FUNCTION prospector_step_stay()
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_step_stay_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
        {Apply("OLD", -1)}
          END IF;
          IF TG_OP <> 'DELETE' THEN
        {Apply("NEW", 1)}
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER opportunity_step_changes_stay_tallies
          AFTER INSERT OR DELETE OR UPDATE OF "OpportunityId", "At", "FromStepId", "StayStartedAt"
          ON "OpportunityStepChanges" FOR EACH ROW EXECUTE FUNCTION prospector_step_stay_tallies()
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_deal_step_stays() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            IF OLD."DeletedAt" IS NULL THEN
        {Move("OLD", -1)}
            END IF;
            RETURN OLD;
          END IF;
          IF OLD."OwnerId" IS DISTINCT FROM NEW."OwnerId" OR OLD."TeamId" IS DISTINCT FROM NEW."TeamId"
             OR (OLD."DeletedAt" IS NULL) <> (NEW."DeletedAt" IS NULL) THEN
            IF OLD."DeletedAt" IS NULL THEN
        {Move("OLD", -1)}
            END IF;
            IF NEW."DeletedAt" IS NULL THEN
        {Move("NEW", 1)}
            END IF;
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER opportunities_step_stays AFTER UPDATE OF "OwnerId", "TeamId", "DeletedAt"
          ON "Opportunities" FOR EACH ROW EXECUTE FUNCTION prospector_deal_step_stays()
        """,
        """
        CREATE TRIGGER opportunities_step_stays_delete BEFORE DELETE
          ON "Opportunities" FOR EACH ROW EXECUTE FUNCTION prospector_deal_step_stays()
        """,
    ];

    public static readonly string[] Down =
    [
        .. Drops(),
        "DROP FUNCTION IF EXISTS prospector_step_stay()",
        "DROP FUNCTION IF EXISTS prospector_step_stay_tallies()",
        "DROP FUNCTION IF EXISTS prospector_deal_step_stays()",
        "DROP INDEX IF EXISTS \"UX_StepStayTallies_Key\"",
    ];
}

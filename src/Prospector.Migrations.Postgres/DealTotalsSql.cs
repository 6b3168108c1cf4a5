namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps "DealTotals" on PostgreSQL: a unique key over (pipeline, step, owner or none, team or none,
/// currency, standby) and a row trigger on "Opportunities" that takes a deal out of its old row and adds it to its new one
/// when it is in play (open or on standby, not in the recycle bin), in the transaction of the write, however the write is
/// made. Amounts are added as whole cents, so adding and subtracting never drifts. Concurrent writes to deals of the same
/// owner and step wait for each other on that row until commit. <see cref="Up"/> can be run again at any time: it drops
/// the trigger, empties the table, recreates both and fills the table from the deals.
/// </summary>
public static class DealTotalsSql
{
    private const string Key = "\"PipelineId\", \"StepId\", (COALESCE(\"OwnerId\", 0)), (COALESCE(\"TeamId\", 0)), \"Currency\", \"Standby\"";
    private const string Columns = "\"PipelineId\", \"StepId\", \"OwnerId\", \"TeamId\", \"Currency\", \"Standby\", \"Count\", \"AmountCents\", \"WeightedCentPercent\"";

    private static string Cents(string row) => $"round({row}.\"Amount\" * 100)::bigint";

    private static string InPlay(string row) => $"{row}.\"DeletedAt\" IS NULL AND {row}.\"State\" IN ('Open', 'Standby')";

    private static string Apply(string row, int sign) => $"""
            INSERT INTO "DealTotals" ({Columns})
              VALUES ({row}."PipelineId", {row}."StepId", {row}."OwnerId", {row}."TeamId", {row}."Currency", {row}."State" = 'Standby',
                      {sign}, {sign} * {Cents(row)}, {sign} * {Cents(row)} * {row}."Probability")
              ON CONFLICT ({Key}) DO UPDATE SET "Count" = "DealTotals"."Count" + EXCLUDED."Count",
                "AmountCents" = "DealTotals"."AmountCents" + EXCLUDED."AmountCents",
                "WeightedCentPercent" = "DealTotals"."WeightedCentPercent" + EXCLUDED."WeightedCentPercent";
        """;

    public static readonly string[] Up =
    [
        "DROP TRIGGER IF EXISTS opportunities_deal_totals ON \"Opportunities\"",
        "DROP INDEX IF EXISTS \"UX_DealTotals_Key\"",
        "DELETE FROM \"DealTotals\"",
        $"CREATE UNIQUE INDEX \"UX_DealTotals_Key\" ON \"DealTotals\" ({Key})",
        $"""
        CREATE OR REPLACE FUNCTION prospector_deal_totals() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' AND {InPlay("OLD")} THEN
        {Apply("OLD", -1)}
          END IF;
          IF TG_OP <> 'DELETE' AND {InPlay("NEW")} THEN
        {Apply("NEW", 1)}
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER opportunities_deal_totals
          AFTER INSERT OR DELETE OR UPDATE OF "PipelineId", "StepId", "OwnerId", "TeamId", "Currency", "State", "Amount", "Probability", "DeletedAt"
          ON "Opportunities" FOR EACH ROW EXECUTE FUNCTION prospector_deal_totals()
        """,
        $"""
        INSERT INTO "DealTotals" ({Columns})
          SELECT "PipelineId", "StepId", "OwnerId", "TeamId", "Currency", "State" = 'Standby', count(*), sum({Cents("o")}), sum({Cents("o")} * "Probability")
          FROM "Opportunities" AS o WHERE {InPlay("o")}
          GROUP BY "PipelineId", "StepId", "OwnerId", "TeamId", "Currency", "State" = 'Standby'
        """,
    ];

    public static readonly string[] Down =
    [
        "DROP TRIGGER IF EXISTS opportunities_deal_totals ON \"Opportunities\"",
        "DROP FUNCTION IF EXISTS prospector_deal_totals()",
        "DROP INDEX IF EXISTS \"UX_DealTotals_Key\"",
    ];
}

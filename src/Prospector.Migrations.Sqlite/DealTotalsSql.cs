namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL that keeps <c>DealTotals</c> on SQLite: a unique key over (pipeline, step, owner or none, team or none,
/// currency, standby) and three triggers on Opportunities that add a deal in play (open or on standby, not in the recycle
/// bin) to its row and take it out of its old one, in the transaction of the write, however the write is made. Amounts are
/// added as whole cents (amount × 100, rounded like the live sum in <c>PipelineNumbers</c>), so adding and subtracting
/// never drifts. <see cref="Up"/> can be run again at any time: it drops the triggers, empties the table, recreates both
/// and fills the table from the deals.
/// Caution: a migration that rebuilds the Opportunities table (SQLite's way to alter a column) drops the triggers:
/// re-run <see cref="Up"/> after it (DealTotalsTests fails until then).
/// </summary>
public static class DealTotalsSql
{
    private const string Key = "PipelineId, StepId, ifnull(OwnerId, 0), ifnull(TeamId, 0), Currency, Standby";
    private const string Columns = "PipelineId, StepId, OwnerId, TeamId, Currency, Standby, Count, AmountCents, WeightedCentPercent";

    private static string Cents(string row) => $"CAST(round(CAST({row}.Amount AS REAL) * 100) AS INTEGER)";

    private static string InPlay(string row) => $"{row}.DeletedAt IS NULL AND {row}.State IN ('Open', 'Standby')";

    /// <summary>Adds (sign +1) or takes out (−1) the deal <paramref name="row"/> (new or old) when it is in play.</summary>
    private static string Apply(string row, int sign) => $"""
        INSERT INTO DealTotals ({Columns})
          SELECT {row}.PipelineId, {row}.StepId, {row}.OwnerId, {row}.TeamId, {row}.Currency, {row}.State = 'Standby',
                 {sign}, {sign} * {Cents(row)}, {sign} * {Cents(row)} * {row}.Probability
          WHERE {InPlay(row)}
          ON CONFLICT ({Key}) DO UPDATE SET Count = Count + excluded.Count, AmountCents = AmountCents + excluded.AmountCents,
            WeightedCentPercent = WeightedCentPercent + excluded.WeightedCentPercent;
        """;

    public static readonly string[] Up =
    [
        "DROP TRIGGER IF EXISTS Opportunities_totals_insert",
        "DROP TRIGGER IF EXISTS Opportunities_totals_delete",
        "DROP TRIGGER IF EXISTS Opportunities_totals_update",
        "DROP INDEX IF EXISTS UX_DealTotals_Key",
        "DELETE FROM DealTotals",
        $"CREATE UNIQUE INDEX UX_DealTotals_Key ON DealTotals ({Key})",
        $"""
        CREATE TRIGGER Opportunities_totals_insert AFTER INSERT ON Opportunities BEGIN
        {Apply("new", 1)}
        END
        """,
        $"""
        CREATE TRIGGER Opportunities_totals_delete AFTER DELETE ON Opportunities BEGIN
        {Apply("old", -1)}
        END
        """,
        $"""
        CREATE TRIGGER Opportunities_totals_update
          AFTER UPDATE OF PipelineId, StepId, OwnerId, TeamId, Currency, State, Amount, Probability, DeletedAt ON Opportunities BEGIN
        {Apply("old", -1)}
        {Apply("new", 1)}
        END
        """,
        $"""
        INSERT INTO DealTotals ({Columns})
          SELECT PipelineId, StepId, OwnerId, TeamId, Currency, State = 'Standby', count(*), sum({Cents("o")}), sum({Cents("o")} * Probability)
          FROM Opportunities AS o WHERE {InPlay("o")}
          GROUP BY PipelineId, StepId, OwnerId, TeamId, Currency, State = 'Standby'
        """,
    ];

    public static readonly string[] Down =
    [
        "DROP TRIGGER IF EXISTS Opportunities_totals_insert",
        "DROP TRIGGER IF EXISTS Opportunities_totals_delete",
        "DROP TRIGGER IF EXISTS Opportunities_totals_update",
        "DROP INDEX IF EXISTS UX_DealTotals_Key",
    ];
}

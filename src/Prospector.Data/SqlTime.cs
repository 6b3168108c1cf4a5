using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.EntityFrameworkCore.Storage;

namespace Prospector.Data;

/// <summary>
/// Time spans computed by the database and read as one number, instead of two instants read as text and parsed by .NET
/// (SQLite keeps a time as text; parsing one costs about a microsecond and a string, and a report that reads a million
/// stays spends seconds on it). In a query, <see cref="Between"/>; in memory, <see cref="Days"/> turns the number into the
/// very value <c>(end - start).TotalDays</c> gives for the stored instants (SQLite reads a time to the millisecond,
/// PostgreSQL keeps microseconds).
/// </summary>
public static class SqlTime
{
    /// <summary>
    /// In a query: the time from <paramref name="start"/> to <paramref name="end"/> (neither null) as a number —
    /// SQLite's julianday(end) - julianday(start) (days), PostgreSQL's date_part('epoch', end - start) (seconds).
    /// </summary>
    public static double Between(DateTime start, DateTime end) => throw new InvalidOperationException("SqlTime.Between runs only in a query.");

    internal static void Map(ModelBuilder builder, bool postgres) =>
        builder.HasDbFunction(typeof(SqlTime).GetMethod(nameof(Between))!).HasTranslation(args => postgres
            ? new SqlFunctionExpression("date_part",
                [new SqlFragmentExpression("'epoch'"), new SqlBinaryExpression(ExpressionType.Subtract, args[1], args[0], typeof(TimeSpan), new TimeSpanTypeMapping("interval"))],
                nullable: false, argumentsPropagateNullability: [false, false], typeof(double), new DoubleTypeMapping("double precision"))
            : new SqlBinaryExpression(ExpressionType.Subtract, JulianDay(args[1]), JulianDay(args[0]), typeof(double), Real));

    private static readonly DoubleTypeMapping Real = new("REAL");

    private static SqlFunctionExpression JulianDay(SqlExpression at) =>
        new("julianday", [at], nullable: false, argumentsPropagateNullability: [false], typeof(double), Real);

    /// <summary>Whether <see cref="Between"/> gives days (SQLite: Julian days) on this database, or seconds (PostgreSQL).</summary>
    public static bool InDays(DbContext db) => db.Database.ProviderName != ProspectorDb.PostgresProvider;

    /// <summary>
    /// The days of a number <see cref="Between"/> read: exactly <c>(end - start).TotalDays</c> of the stored instants. The number
    /// is well within half a millisecond (SQLite; a Julian day near 2.4 million resolves 0.04 ms) or half a microsecond
    /// (PostgreSQL, for spans of up to two centuries) of the span, so rounding recovers it; it is then counted in days as
    /// .NET does.
    /// </summary>
    public static double Days(double between, bool inDays) => Span(between, inDays).TotalDays;

    /// <summary>The span of a number <see cref="Between"/> read: exactly <c>end - start</c> of the stored instants (see <see cref="Days"/>).</summary>
    public static TimeSpan Span(double between, bool inDays) => TimeSpan.FromTicks(inDays
        ? (long)Math.Round(between * 86_400_000d) * TimeSpan.TicksPerMillisecond
        : (long)Math.Round(between * 1_000_000d) * TimeSpan.TicksPerMicrosecond);
}

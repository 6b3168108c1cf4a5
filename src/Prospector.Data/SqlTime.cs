using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.EntityFrameworkCore.Storage;

namespace Prospector.Data;

/// <summary>
/// Time spans computed by the database and read as one number, instead of two instants read as text and parsed by .NET
/// (SQLite keeps a time as text; parsing one costs about a microsecond and a string, and a report that reads a million
/// stays spends seconds on it). In a query, <see cref="Between"/>; in memory, <see cref="Span"/> turns the number into the
/// very span <c>end - start</c> gives for the stored instants (SQLite reads a time to the millisecond,
/// PostgreSQL keeps microseconds).
/// </summary>
public static class SqlTime
{
    /// <summary>
    /// In a query: the time from <paramref name="start"/> to <paramref name="end"/> (neither null) as a number —
    /// SQLite's julianday(end) - julianday(start) (days), PostgreSQL's date_part('epoch', end - start) (seconds).
    /// </summary>
    public static double Between(DateTime start, DateTime end) => throw new InvalidOperationException("SqlTime.Between runs only in a query.");

    /// <summary>
    /// In a query: the whole days from <paramref name="start"/> to <paramref name="end"/> (neither null), truncated towards zero —
    /// the very number <c>DayCounts.WholeDays</c> gives for the stored instants, computed by the database so that a report
    /// can count lengths per day in a GROUP BY instead of reading each one (SQLite: the span rounded to the millisecond as
    /// <see cref="Span"/> reads it, then integer division; PostgreSQL: the span in seconds, divided and truncated).
    /// </summary>
    public static long WholeDays(DateTime start, DateTime end) => throw new InvalidOperationException("SqlTime.WholeDays runs only in a query.");

    internal static void Map(ModelBuilder builder, bool postgres)
    {
        builder.HasDbFunction(typeof(SqlTime).GetMethod(nameof(Between))!).HasTranslation(args => BetweenSql(args[0], args[1], postgres));
        builder.HasDbFunction(typeof(SqlTime).GetMethod(nameof(WholeDays))!).HasTranslation(args => postgres
            ? new SqlUnaryExpression(ExpressionType.Convert,
                new SqlFunctionExpression("trunc",
                    [new SqlBinaryExpression(ExpressionType.Divide, BetweenSql(args[0], args[1], true), new SqlConstantExpression(86_400d, PgDouble), typeof(double), PgDouble)],
                    nullable: false, argumentsPropagateNullability: [false], typeof(double), PgDouble),
                typeof(long), new LongTypeMapping("bigint"))
            : new SqlBinaryExpression(ExpressionType.Divide,
                new SqlUnaryExpression(ExpressionType.Convert,
                    new SqlFunctionExpression("round",
                        [new SqlBinaryExpression(ExpressionType.Multiply, BetweenSql(args[0], args[1], false), new SqlConstantExpression(86_400_000d, Real), typeof(double), Real)],
                        nullable: false, argumentsPropagateNullability: [false], typeof(double), Real),
                    typeof(long), Integer),
                new SqlConstantExpression(86_400_000L, Integer), typeof(long), Integer));
    }

    private static SqlExpression BetweenSql(SqlExpression start, SqlExpression end, bool postgres) => postgres
        ? new SqlFunctionExpression("date_part",
            [new SqlFragmentExpression("'epoch'"), new SqlBinaryExpression(ExpressionType.Subtract, end, start, typeof(TimeSpan), new TimeSpanTypeMapping("interval"))],
            nullable: false, argumentsPropagateNullability: [false, false], typeof(double), PgDouble)
        : new SqlBinaryExpression(ExpressionType.Subtract, JulianDay(end), JulianDay(start), typeof(double), Real);

    private static readonly DoubleTypeMapping PgDouble = new("double precision");
    private static readonly LongTypeMapping Integer = new("INTEGER");
    private static readonly DoubleTypeMapping Real = new("REAL");

    private static SqlFunctionExpression JulianDay(SqlExpression at) =>
        new("julianday", [at], nullable: false, argumentsPropagateNullability: [false], typeof(double), Real);

    /// <summary>Whether <see cref="Between"/> gives days (SQLite: Julian days) on this database, or seconds (PostgreSQL).</summary>
    public static bool InDays(DbContext db) => db.Database.ProviderName != ProspectorDb.PostgresProvider;

    /// <summary>
    /// The span of a number <see cref="Between"/> read: exactly <c>end - start</c> of the stored instants. The number is well
    /// within half a millisecond (SQLite; a Julian day near 2.4 million resolves 0.04 ms) or half a microsecond (PostgreSQL,
    /// for spans of up to two centuries) of the span, so rounding recovers it.
    /// </summary>
    public static TimeSpan Span(double between, bool inDays) => TimeSpan.FromTicks(inDays
        ? (long)Math.Round(between * 86_400_000d) * TimeSpan.TicksPerMillisecond
        : (long)Math.Round(between * 1_000_000d) * TimeSpan.TicksPerMicrosecond);
}

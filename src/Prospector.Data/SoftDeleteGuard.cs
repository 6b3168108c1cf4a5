using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Query;

namespace Prospector.Data;

/// <summary>
/// Refuses a query in which <c>IgnoreQueryFilters()</c> would silently switch off the recycle-bin filter of another set.
/// EF Core applies IgnoreQueryFilters to the whole query, not to the set it is called on: <c>db.Opportunities.Where(o =>
/// db.Contacts.IgnoreQueryFilters().Any(…))</c> reads the deals in the recycle bin too, with no sign of it in the code.
/// A query may ignore the filters only when every soft-deletable set in it is the one IgnoreQueryFilters is called on
/// (each <c>db.X.IgnoreQueryFilters()</c>, then narrowed explicitly by DeletedAt where it matters). A set that must stay
/// filtered next to records in the recycle bin takes those from raw SQL instead (see Reports' <c>BinnedContactIds</c>).
/// Runs once per query shape, when EF Core compiles it (the compiled query is cached), so it costs nothing per request.
/// </summary>
public sealed class SoftDeleteGuard : IQueryExpressionInterceptor
{
    public static readonly SoftDeleteGuard Instance = new();

    private SoftDeleteGuard() { }

    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData)
    {
        var scan = new Scan();
        scan.Visit(queryExpression);
        if (scan.Ignores > 0 && scan.StillFiltered.Count > 0)
            throw new InvalidOperationException(
                $"This query calls IgnoreQueryFilters() and also reads {string.Join(", ", scan.StillFiltered.Distinct())} through the recycle-bin " +
                "filter, which EF Core would then drop for the whole query. Call IgnoreQueryFilters() on every soft-deletable set in the " +
                "query (and filter DeletedAt explicitly), or take the records in the recycle bin from raw SQL.");
        return queryExpression;
    }

    private sealed class Scan : ExpressionVisitor
    {
        public int Ignores;
        public List<string> StillFiltered { get; } = [];

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType == typeof(EntityFrameworkQueryableExtensions)
                && node.Method.Name == nameof(EntityFrameworkQueryableExtensions.IgnoreQueryFilters))
            {
                Ignores++;
                // The set it is called on is deliberately unfiltered, also through the operators between the two
                // (db.X.AsNoTracking().Where(…).IgnoreQueryFilters()): that root is skipped, the rest is looked into.
                // (EF Core 10's IgnoreQueryFilters(keys) counts as ignoring all: the soft-delete filter is the only one.)
                var source = node.Arguments[0];
                var chain = new List<MethodCallExpression>();
                while (source is MethodCallExpression call && call.Arguments.Count > 0)
                {
                    chain.Add(call);
                    source = call.Arguments[0];
                }
                if (source is EntityQueryRootExpression)
                {
                    foreach (var call in chain) foreach (var a in call.Arguments.Skip(1)) Visit(a);
                    foreach (var a in node.Arguments.Skip(1)) Visit(a);
                    return node;
                }
            }
            return base.VisitMethodCall(node);
        }

        protected override Expression VisitExtension(Expression node)
        {
            if (node is EntityQueryRootExpression root)
            {
                if (typeof(ISoftDeletable).IsAssignableFrom(root.EntityType.ClrType)) StillFiltered.Add(root.EntityType.ClrType.Name);
                return node;
            }
            return base.VisitExtension(node);
        }
    }
}

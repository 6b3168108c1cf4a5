using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Prospector.Features.Common;

/// <summary>
/// A compiled query (EF.CompileAsyncQuery) for each database provider. EF binds a compiled query to the provider of the
/// context that first runs it; one process using both SQLite and PostgreSQL (the test suite) needs one per provider.
/// </summary>
public sealed class PerProvider<T>(Func<T> compile) where T : class
{
    private readonly ConcurrentDictionary<string, T> _byProvider = new();

    public T For(DbContext db) => _byProvider.GetOrAdd(db.Database.ProviderName ?? "", _ => compile());
}

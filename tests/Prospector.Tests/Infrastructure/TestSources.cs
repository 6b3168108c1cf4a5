using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Tests.Infrastructure;

/// <summary>A managed lead source of a test's own (key: the name in lower case), so report figures filtered by it are the test's alone.</summary>
internal static class TestSources
{
    public static async Task<long> IdAsync(ProspectorDb db, string name)
    {
        var key = name.ToLowerInvariant();
        if (await db.LeadSources.Where(s => s.Key == key).Select(s => (long?)s.Id).FirstOrDefaultAsync() is { } id) return id;
        var source = db.LeadSources.Add(new LeadSource { Key = key, Name = name }).Entity;
        await db.SaveChangesAsync();
        return source.Id;
    }
}

namespace Prospector.Features.Common;

/// <summary>
/// One circuit's "the rep came back from a call" news for a prospecting-list row that is no contact yet (nothing to log a
/// conversation on): the list page shows that row's outcome choices. Scoped: one per circuit, raised by Outreach's CallReturn.
/// </summary>
public sealed class CallReturns
{
    public event Func<long, string, string?, Task>? RowReturned;

    /// <summary>Tells the page that shows the row; false when no page listens (the rep went elsewhere meanwhile).</summary>
    public async Task<bool> RowAsync(long rowId, string channel, string? name)
    {
        if (RowReturned is not { } handlers) return false;
        foreach (var h in handlers.GetInvocationList().Cast<Func<long, string, string?, Task>>()) await h(rowId, channel, name);
        return true;
    }
}

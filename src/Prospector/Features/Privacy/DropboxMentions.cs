using Prospector.Data;

namespace Prospector.Features.Privacy;

/// <summary>
/// Dropbox mail that names a person: logged on them, from them, or with their address as one whole entry of the recipients
/// (stored as "a@x, b@y"): "ann@acme.com" is not in "joann@acme.com" nor in "ann@acme.com.au".
/// </summary>
public static class DropboxMentions
{
    public static IQueryable<DropboxMessage> Of(IQueryable<DropboxMessage> q, long contactId, string? emailKey)
    {
        if (emailKey is null) return q.Where(m => m.ContactId == contactId);
        var (first, middle, last) = (emailKey + ", ", ", " + emailKey + ", ", ", " + emailKey);
        return q.Where(m => m.ContactId == contactId || m.FromAddress == emailKey || m.Recipients == emailKey
            || m.Recipients.StartsWith(first) || m.Recipients.Contains(middle) || m.Recipients.EndsWith(last));
    }
}

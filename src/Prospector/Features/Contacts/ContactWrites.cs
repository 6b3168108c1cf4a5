using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Contacts;

/// <summary>Validates and applies a change to a contact, including its references; shared by API and UI.</summary>
public static class ContactWrites
{
    public static async Task<Dictionary<string, string[]>?> ApplyAsync(
        ProspectorDb db, AccessScope scope, Contact c, JsonFields f, DateTime now, bool isNew, CancellationToken ct)
    {
        var tags = ContactFields.Apply(f, c, scope.UserId, now);
        if (!isNew)
            c.UpdatedAt = now; // also tag- or consent-only changes bump the version and are checked against If-Match
        if (isNew)
        {
            c.OwnerId ??= scope.UserId;
            c.TeamId ??= await db.TeamMembers.Where(m => m.UserId == c.OwnerId).OrderBy(m => m.TeamId)
                .Select(m => (long?)m.TeamId).FirstOrDefaultAsync(ct);
        }
        if (f.Errors.Count == 0)
            await References.CheckAsync(db, scope, f, c.CompanyId, c.OwnerId, c.TeamId, ct);
        if (f.Errors.Count == 0 && !scope.CanSee(c))
            f.Fail("ownerId", f.T("You can only give records to yourself or to your teams."));
        if (f.Errors.Count > 0) return f.Errors;
        if (tags is not null) await References.SetTagsAsync(db, c.Tags, tags, ct);
        return null;
    }
}

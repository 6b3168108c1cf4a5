using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Sources;

public sealed record ReferredContact(long Id, string Name, Stage Stage);

/// <summary>
/// Whom a contact referred: <c>Leads</c> counts every live contact they referred, <c>Customers</c> those of them who became
/// customers (or repeat customers). <c>Contacts</c> lists the ones the caller can see; the counts include all of them.
/// </summary>
public sealed record ReferralsDto(long ContactId, int Leads, int Customers, IReadOnlyList<ReferredContact> Contacts);

/// <summary>"Referred by" read both ways: the referrer's name for a contact, and the contacts a referrer brought in.</summary>
public static class Referrals
{
    public static async Task<Outcome<ReferralsDto>> OfAsync(ProspectorDb db, AccessScope scope, long contactId, IStringLocalizer l, CancellationToken ct = default)
    {
        if (!await scope.Filter(db.Contacts).AnyAsync(c => c.Id == contactId, ct))
            return Outcome<ReferralsDto>.NotFound("Contact not found", l["There is no contact {0} that you can see.", contactId]);
        var referred = db.Contacts.Where(c => c.ReferredById == contactId);
        var leads = await referred.CountAsync(ct);
        var customers = await referred.CountAsync(c => c.Stage == Stage.Customer || c.Stage == Stage.RepeatCustomer, ct);
        var visible = (await scope.Filter(referred).OrderBy(c => c.NameKey).Take(100)
            .Select(c => new { c.Id, c.FirstName, c.NamePrefix, c.LastName, c.Stage }).ToListAsync(ct))
            .Select(c => new ReferredContact(c.Id, Contact.NameOf(c.FirstName, c.NamePrefix, c.LastName), c.Stage)).ToList();
        return new ReferralsDto(contactId, leads, customers, visible);
    }

    /// <summary>The referrer's name when the user can see the referrer; null otherwise (the page says it is not visible).</summary>
    public static async Task<string?> ReferrerNameAsync(ProspectorDb db, AccessScope scope, long? referrerId, CancellationToken ct = default) =>
        referrerId is not { } id ? null
            : (await scope.Filter(db.Contacts).Where(c => c.Id == id).Select(c => new { c.FirstName, c.NamePrefix, c.LastName }).FirstOrDefaultAsync(ct)) is { } c
                ? Contact.NameOf(c.FirstName, c.NamePrefix, c.LastName) : null;
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Contacts;

/// <summary>A customer not contacted for the workspace's N months, with its open next action (a check-in already planned) if any.</summary>
public sealed record NotContactedItem(long Id, string DisplayName, long? CompanyId, string? CompanyName, Stage Stage, long? OwnerId, string? OwnerName,
    DateTime? LastContactedAt, long? NextActionId, DateOnly? NextActionDue, string? NextActionNote);

/// <summary>The list and how it was drawn: no conversation for <see cref="Months"/> months, i.e. none since <see cref="Since"/> (your day).</summary>
public sealed record NotContactedView(int Months, DateOnly Since, Paged<NotContactedItem> Customers);

/// <summary>
/// "Customers not contacted for N months": customers and repeat customers in care (<see cref="Definitions.CustomerInCare"/>) the user
/// may see, with no conversation since the day N months ago in the user's zone, the longest silence first (never contacted on top).
/// </summary>
public static class NotContacted
{
    public static async Task<NotContactedView> PageAsync(ProspectorDb db, AccessScope scope, int page, int pageSize, CancellationToken ct = default)
    {
        var zone = UserTime.Zone(await UserTime.ZoneOfAsync(db, scope.UserId, ct));
        var months = await db.WorkspaceSettings.Select(s => s.CustomersNotContactedMonths).FirstAsync(ct);
        var since = Engagement.QuietSince(Engagement.Today(db.Clock.GetUtcNow().UtcDateTime, zone), months);
        var quiet = scope.Filter(db.Contacts).Where(Definitions.CustomerInCare)
            .Where(Engagement.ContactQuietSince(db, Engagement.StartOfDayUtc(since, zone)));
        var (total, capped) = await Api.CappedCountAsync(quiet, ct);
        var last = Engagement.Conversations(db, db.Clock.GetUtcNow().UtcDateTime);
        var rows = await quiet
            .OrderBy(c => last.Where(a => a.ContactId == c.Id).Max(a => (DateTime?)a.OccurredAt) ?? DateTime.MinValue).ThenBy(c => c.NameKey).ThenBy(c => c.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(c => new
            {
                c.Id, c.FirstName, c.NamePrefix, c.LastName, c.CompanyId, CompanyName = c.Company!.Name, c.Stage, c.OwnerId, OwnerName = c.Owner!.DisplayName,
                LastContactedAt = last.Where(a => a.ContactId == c.Id).Max(a => (DateTime?)a.OccurredAt),
            }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var open = await db.NextActions.Where(a => a.ContactId != null && ids.Contains(a.ContactId.Value) && a.OpportunityId == null
                && a.Status == NextActionStatus.Open)
            .Select(a => new { a.Id, ContactId = a.ContactId!.Value, a.DueDate, a.Note }).ToListAsync(ct);
        var items = rows.Select(r =>
        {
            var next = open.FirstOrDefault(a => a.ContactId == r.Id);
            return new NotContactedItem(r.Id, Contact.NameOf(r.FirstName, r.NamePrefix, r.LastName), r.CompanyId, r.CompanyName, r.Stage, r.OwnerId, r.OwnerName,
                r.LastContactedAt, next?.Id, next?.DueDate, next?.Note);
        }).ToList();
        return new NotContactedView(months, since, new Paged<NotContactedItem>(items, total, page, pageSize, capped));
    }

    /// <summary><c>GET /api/v1/contacts/not-contacted</c>.</summary>
    public static async Task<Results<Ok<NotContactedView>, ValidationProblem>> ListAsync(ProspectorDb db, AccessScope scope, CancellationToken ct,
        int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await PageAsync(db, scope, p, size, ct));
    }
}

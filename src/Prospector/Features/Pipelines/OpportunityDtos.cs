using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.NextActions;

namespace Prospector.Features.Pipelines;

public sealed record OpportunityDto(long Id, string Title, long? ContactId, string? ContactName, long? CompanyId, string? CompanyName,
    long PipelineId, long StepId, decimal Amount, string Currency, int Probability, DateOnly? ExpectedCloseDate, OpportunityState State,
    DateOnly? StandbyUntil, string? CloseReason, DateTime? ClosedAt, long? OwnerId, string? OwnerName, long? TeamId,
    NextActionDto? NextAction, int Version, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record AmountTotal(string Currency, decimal Amount);

/// <summary>
/// A step's cards: <see cref="Count"/> deals in play (open and on standby, the cards to page through), <see cref="Totals"/> the
/// value of the open ones (the pipeline value, docs/numbers.md), <see cref="StandbyCount"/> how many wait on standby.
/// </summary>
public sealed record BoardColumn(long StepId, string Name, int DefaultProbability, int Count, IReadOnlyList<AmountTotal> Totals,
    IReadOnlyList<OpportunityDto> Items, int StandbyCount = 0);

/// <summary>
/// A pipeline's deals in play by step; <see cref="Forecast"/> is the open deals' amount weighted by probability, per currency;
/// <see cref="Numbers"/> the pipeline value as the dashboard shows it (open deals; standby apart).
/// </summary>
public sealed record BoardView(long PipelineId, string Name, IReadOnlyList<BoardColumn> Columns, IReadOnlyList<AmountTotal> Forecast,
    PipelineValue Numbers);

public sealed record OpportunityCreate(string? Title, long? ContactId, long? CompanyId, long? PipelineId, long? StepId, decimal? Amount,
    string? Currency, int? Probability, DateOnly? ExpectedCloseDate, long? OwnerId, NextActionInput? NextAction);

public sealed record OpportunityPatch(string? Title, decimal? Amount, string? Currency, int? Probability, DateOnly? ExpectedCloseDate, long? OwnerId);

public sealed record MoveBody(long? StepId);
public sealed record ReasonBody(string? Reason);

/// <summary>Closing as won; <see cref="FreeDeal"/> confirms that a deal at 0 is really free (otherwise it is refused).</summary>
public sealed record WinBody(
    [property: Description("Why it was won (optional, up to 500 characters).")] string? Reason,
    [property: Description("Confirms a won deal with amount 0 (a free deal). Without it, winning a deal at 0 is refused on \"amount\".")] bool? FreeDeal = null);
public sealed record StandbyBody(DateOnly? Until, string? Note);
public sealed record ReopenBody(NextActionInput? NextAction);

public static class OpportunityQueries
{
    /// <summary>Opportunities as DTOs with names and their current next action, in one round trip per page.</summary>
    public static async Task<List<OpportunityDto>> ToDtosAsync(ProspectorDb db, IQueryable<Opportunity> query, CancellationToken ct)
    {
        var rows = await query.Select(o => new
        {
            o,
            ContactName = o.Contact == null ? null : o.Contact.FirstName + " " + o.Contact.LastName,
            CompanyName = o.Company == null ? null : o.Company.Name,
            OwnerName = db.Users.Where(u => u.Id == o.OwnerId).Select(u => u.DisplayName).FirstOrDefault(),
        }).ToListAsync(ct);
        var ids = rows.Select(r => r.o.Id).ToList();
        var actions = (await NextActionDto.QueryAsync(db, db.NextActions.Where(a => a.OpportunityId != null && ids.Contains(a.OpportunityId.Value)
            && a.Status == NextActionStatus.Open), ct)).ToDictionary(a => a.OpportunityId!.Value);
        return rows.Select(r => From(r.o, r.ContactName?.Trim(), r.CompanyName, r.OwnerName, actions.GetValueOrDefault(r.o.Id))).ToList();
    }

    public static OpportunityDto From(Opportunity o, string? contactName, string? companyName, string? ownerName, NextActionDto? next) =>
        new(o.Id, o.Title, o.ContactId, contactName, o.CompanyId, companyName, o.PipelineId, o.StepId, o.Amount, o.Currency, o.Probability,
            o.ExpectedCloseDate, o.State, o.StandbyUntil, o.CloseReason, o.ClosedAt, o.OwnerId, ownerName, o.TeamId, next, o.Version,
            o.CreatedAt, o.UpdatedAt);

    /// <summary>How long a change keeps a card at the top of its column.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromDays(1);

    /// <summary>
    /// Board and list order: deals changed in the last day first, the latest change on top (so a new deal or a card just moved
    /// is in the first page of its column, not behind "Load more"); then the soonest expected close; then the newest.
    /// </summary>
    public static IQueryable<Opportunity> BoardOrder(IQueryable<Opportunity> q, DateTime nowUtc)
    {
        var since = nowUtc - Recent;
        return q.OrderByDescending(o => o.UpdatedAt >= since ? o.UpdatedAt : since)
            .ThenBy(o => o.ExpectedCloseDate == null).ThenBy(o => o.ExpectedCloseDate).ThenByDescending(o => o.Id);
    }
}

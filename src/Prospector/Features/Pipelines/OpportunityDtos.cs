using System.ComponentModel;
using Prospector.Data;
using Prospector.Features.NextActions;

namespace Prospector.Features.Pipelines;

public sealed record OpportunityDto(long Id, string Title, long? ContactId, string? ContactName, long? CompanyId, string? CompanyName,
    long PipelineId, long StepId, decimal Amount, string Currency, int Probability, DateOnly? ExpectedCloseDate, OpportunityState State,
    DateOnly? StandbyUntil, string? CloseReason, DateTime? ClosedAt, long? OwnerId, string? OwnerName, long? TeamId,
    NextActionDto? NextAction, int Version, DateTime CreatedAt, DateTime UpdatedAt, DealSignals? Signals = null, DateOnly? RenewalDate = null);

/// <summary>
/// How a deal is worked, in days of the viewer's time zone: in its step since <see cref="StepEnteredAt"/> (<see cref="DaysInStep"/>),
/// <see cref="AgeDays"/> since it was created, its last conversation and touches (on the deal or with its contact; last 90 days),
/// the step's "rotting after" limit and whether it is past it (<c>Common/Rotting</c>).
/// </summary>
public sealed record DealSignals(DateTime StepEnteredAt, int DaysInStep, int AgeDays, DateTime? LastContactedAt, int Touches,
    int? RottingAfterDays, bool Rotting);

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
    PipelineValue Numbers, IReadOnlyList<ClosedColumn>? Closed = null);

/// <summary>The closed deals of one kind (won, lost, cancelled) the board shows when asked: how many, their value, the first cards.</summary>
public sealed record ClosedColumn(OpportunityState State, int Count, IReadOnlyList<AmountTotal> Totals, IReadOnlyList<OpportunityDto> Items);

/// <summary>How a column's cards are ordered (the board's "Sort"): see <c>OpportunityQueries.Order</c>.</summary>
public enum BoardSort { Default, NextActionDue, Amount, Age, LastActivity, DaysInStep }

/// <summary>
/// What the board shows: deals matching <see cref="Search"/>, each column in <see cref="Sort"/> order and, with
/// <see cref="ShowClosed"/>, the won, lost and cancelled deals closed since <see cref="ClosedSince"/> (a day in the user's zone; null: all).
/// With <see cref="StaleOnly"/>, only rotting deals (<c>Common/Rotting</c>).
/// </summary>
public sealed record BoardOptions(string? Search = null, BoardSort Sort = BoardSort.Default, bool ShowClosed = false, DateOnly? ClosedSince = null,
    bool StaleOnly = false, long? SourceId = null)
{
    public static readonly BoardOptions Default = new();
}

public sealed record OpportunityCreate(string? Title, long? ContactId, long? CompanyId, long? PipelineId, long? StepId, decimal? Amount,
    string? Currency, int? Probability, DateOnly? ExpectedCloseDate, long? OwnerId, NextActionInput? NextAction);

public sealed record OpportunityPatch(string? Title, decimal? Amount, string? Currency, int? Probability, DateOnly? ExpectedCloseDate, long? OwnerId,
    [property: Description("A won deal's renewal or re-order day (in the future): its account-care next action is planned, or moved, to that day for the " +
        "deal's owner; null clears the date and cancels that action.")] DateOnly? RenewalDate = null);

public sealed record MoveBody(long? StepId);
public sealed record ReasonBody(string? Reason);

/// <summary>Closing as won; <see cref="FreeDeal"/> confirms that a deal at 0 is really free (otherwise it is refused).</summary>
public sealed record WinBody(
    [property: Description("Why it was won (optional, up to 500 characters).")] string? Reason,
    [property: Description("Confirms a won deal with amount 0 (a free deal). Without it, winning a deal at 0 is refused on \"amount\".")] bool? FreeDeal = null,
    [property: Description("Optional renewal or re-order day (in the future): plans the deal's account-care next action (a call) for that day for the deal's owner.")] DateOnly? RenewalDate = null);
public sealed record StandbyBody(DateOnly? Until, string? Note);
public sealed record ReopenBody(NextActionInput? NextAction);

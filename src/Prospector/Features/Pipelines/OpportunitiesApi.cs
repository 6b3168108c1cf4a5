using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Pipelines;

/// <summary>
/// /api/v1/opportunities: list, create (with its first next action), edit, move, win, lose, cancel, standby, reopen. Every write
/// goes through <see cref="OpportunityService"/>, the same methods the deal page and the board call.
/// </summary>
public static class OpportunitiesApi
{
    public static IEndpointRouteBuilder MapOpportunitiesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/opportunities").WithTags("Opportunities");
        g.MapGet("/", List);
        g.MapGet("/{id:long}", Get);
        g.MapGet("/suggestion", Suggest)
            .WithSummary("What a new opportunity for a contact would be: for a customer the next sale, filled from the last won deal.")
            .WithDescription("For a Customer or RepeatCustomer: the pipeline, amount and currency of their last won deal, titled \"Re-order – <company>\". " +
                "Otherwise \"<Company> – <person>\" in the default pipeline. Always the pipeline's first step, closing in 30 days, a call tomorrow as " +
                "the first next action. Nothing is saved: POST the (edited) suggestion to /opportunities to create the deal.");
        g.MapGet("/{id:long}/steps", Steps)
            .WithSummary("The steps the opportunity went through and how it was closed, with dates (from the audit trail), oldest first.");
        g.MapPost("/", async (Body<OpportunityCreate> body, AccessScope scope, OpportunityService deals, CancellationToken ct) =>
            (await deals.CreateAsync(body.Value, scope, ct)).ToCreated(o => $"/api/v1/opportunities/{o.Id}", o => o));
        g.MapPatch("/{id:long}", Patch).WithIfMatch();
        g.MapPost("/{id:long}/move", (long id, Body<MoveBody> b, AccessScope scope, OpportunityService deals, HttpResponse res, CancellationToken ct) =>
            Answer(deals.MoveAsync(id, b.Value.StepId, scope, ct), res));
        g.MapPost("/{id:long}/win", (long id, Body<WinBody> b, AccessScope scope, OpportunityService deals, HttpResponse res, CancellationToken ct) =>
            Answer(deals.WinAsync(id, b.Value.Reason, b.Value.FreeDeal == true, scope, ct, renewalDate: b.Value.RenewalDate), res))
            .WithSummary("Close the opportunity as won.")
            .WithDescription("A won deal needs an amount above 0: with amount 0 the answer is a 400 ValidationProblem on the field " +
                "\"amount\", unless the body confirms a free deal with \"freeDeal\": true.");
        g.MapPost("/{id:long}/lose", (long id, Body<ReasonBody> b, AccessScope scope, OpportunityService deals, HttpResponse res, CancellationToken ct) =>
            Answer(deals.CloseAsync(id, OpportunityState.Lost, b.Value.Reason, scope, ct), res));
        g.MapPost("/{id:long}/cancel", (long id, Body<ReasonBody> b, AccessScope scope, OpportunityService deals, HttpResponse res, CancellationToken ct) =>
            Answer(deals.CloseAsync(id, OpportunityState.Cancelled, b.Value.Reason, scope, ct), res));
        g.MapPost("/{id:long}/standby", (long id, Body<StandbyBody> b, AccessScope scope, OpportunityService deals, HttpResponse res, CancellationToken ct) =>
            Answer(deals.StandbyAsync(id, b.Value.Until, b.Value.Note, scope, ct), res));
        g.MapPost("/{id:long}/reopen", (long id, Body<ReopenBody> b, AccessScope scope, OpportunityService deals, HttpResponse res, CancellationToken ct) =>
            Answer(deals.ReopenAsync(id, b.Value.NextAction, scope, ct), res))
            .WithDescription("A deal reopened after lost or cancelled needs its next action (\"nextAction\"); from standby it is optional.");
        return app;
    }

    private static async Task<Results<Ok<Paged<OpportunityDto>>, ValidationProblem>> List(
        ProspectorDb db, AccessScope scope, TimeProvider time, IStringLocalizer<SharedResource> l, CancellationToken ct, long? pipelineId = null, long? stepId = null,
        OpportunityState? state = null, long? ownerId = null, long? teamId = null, long? contactId = null, int? page = null, int? pageSize = null, string? q = null,
        bool? stale = null, DateOnly? lastContactedBefore = null, BoardSort sort = BoardSort.Default,
        [System.ComponentModel.Description("A lead source by id or key (GET /api/v1/sources): the deal's contact's source, or its company's.")] string? source = null,
        [System.ComponentModel.Description("A prospecting list: deals whose contact came from it.")] long? listId = null,
        [System.ComponentModel.Description("ISO country code of the deal's contact.")] string? country = null,
        [System.ComponentModel.Description("Closed (won, lost, cancelled) on or after this day, in the caller's time zone.")] DateOnly? closedFrom = null,
        [System.ComponentModel.Description("Closed on or before this day (included), in the caller's time zone.")] DateOnly? closedTo = null,
        [System.ComponentModel.Description("Expected to close in this month (yyyy-MM).")] string? expectedClose = null,
        [System.ComponentModel.Description("The close reason, exactly.")] string? reason = null,
        [System.ComponentModel.Description("ISO 4217 currency.")] string? currency = null,
        [System.ComponentModel.Description("true: open deals whose expected close date has passed (the forecast's overdue deals).")] bool? overdue = null,
        [System.ComponentModel.Description("Comma-separated: owner, team, source, reason — deals without one.")] string? without = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var (sourceId, sourceError) = await Sources.SourceFilter.ReadAsync(db, source, ct, l);
        if (sourceError is not null) return TypedResults.ValidationProblem(sourceError);
        var deals = PipelineQueries.OpportunityFilter(db, scope, pipelineId, ownerId, teamId, q, sourceId);
        if (stepId is { } s) deals = deals.Where(o => o.StepId == s);
        if (state is { } st) deals = deals.Where(o => o.State == st);
        if (contactId is { } c) deals = deals.Where(o => o.ContactId == c);
        // The report filters (the same query as the /deals page and the reports' links: Reports/DealList).
        var narrowed = await Reports.DealList.QueryAsync(db, scope, new Reports.DealFilter(ListId: listId, Country: country, ClosedFrom: closedFrom,
            ClosedTo: closedTo, ExpectedClose: expectedClose, Reason: reason, Currency: currency, Overdue: overdue == true, Without: without), time, l, ct, deals);
        if (!narrowed.IsOk) return TypedResults.ValidationProblem(narrowed.Errors!);
        deals = await StalenessFilter.DealsAsync(db, scope, narrowed.Value!, stale, lastContactedBefore, ct);
        var (total, capped) = await Api.CappedCountAsync(deals, ct);
        var items = await OpportunityQueries.ToDtosAsync(db, scope, OpportunityQueries.Order(db, deals, sort, time.GetUtcNow().UtcDateTime).Skip((p - 1) * size).Take(size), ct);
        return TypedResults.Ok(new Paged<OpportunityDto>(items, total, p, size, capped));
    }

    private static async Task<Results<Ok<OpportunityCreate>, ValidationProblem, ProblemHttpResult>> Suggest(
        AccessScope scope, OpportunityService deals, IStringLocalizer<SharedResource> l, CancellationToken ct, long? contactId = null) =>
        contactId is { } id ? (await deals.SuggestAsync(id, scope, ct)).ToOk() : Api.Invalid("contactId", l["{0} is required.", "contactId"]);

    private static async Task<Results<Ok<List<StepChange>>, ValidationProblem, ProblemHttpResult>> Steps(
        long id, AccessScope scope, OpportunityService deals, CancellationToken ct) => (await deals.StepHistoryAsync(id, scope, ct)).ToOk();

    private static Task<Results<Ok<OpportunityDto>, ValidationProblem, ProblemHttpResult>> Get(
        long id, AccessScope scope, OpportunityService deals, HttpResponse res, CancellationToken ct) => Answer(deals.FindAsync(id, scope, ct), res);

    /// <summary>Edits the fields given (merge-patch: a field left out stays); needs the version seen in If-Match.</summary>
    private static async Task<Results<Ok<OpportunityDto>, ValidationProblem, ProblemHttpResult>> Patch(
        long id, Body<OpportunityPatch> patch, AccessScope scope, OpportunityService deals, HttpRequest request, CancellationToken ct)
    {
        if (Api.IfMatchVersion(request) is not { } version)
            return (await deals.FindAsync(id, scope, ct)) is { IsOk: false } missing ? OutcomeResults.ProblemOf(missing) : Api.PreconditionRequired();
        var body = patch.Value;
        // Merge-patch: null clears a field; only the expected close date can be cleared.
        var cleared = new[] { "title", "amount", "currency", "probability", "ownerId" }.Where(patch.Fields.IsNull).ToList();
        if (cleared.Count > 0)
            return TypedResults.ValidationProblem(cleared.ToDictionary(f => f, f => new[] { patch.Fields.T("{0} cannot be cleared.", f) }));
        var edit = new OpportunityEdit(body.Title, body.Amount, body.Currency, body.Probability, body.OwnerId,
            SetExpectedClose: patch.Has("expectedCloseDate"), body.ExpectedCloseDate, SetRenewal: patch.Has("renewalDate"), RenewalDate: body.RenewalDate);
        return await Answer(deals.UpdateAsync(id, version, edit, scope, ct), request.HttpContext.Response);
    }

    /// <summary>The deal as it is now, with its version as the ETag; or the problem.</summary>
    private static async Task<Results<Ok<OpportunityDto>, ValidationProblem, ProblemHttpResult>> Answer(Task<Outcome<OpportunityDto>> work, HttpResponse res)
    {
        var outcome = await work;
        if (outcome.IsOk) res.Headers.ETag = Api.ETag(outcome.Value!.Version);
        return outcome.ToOk();
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Pipelines;

/// <summary>/api/v1/opportunities: list, create (with its first next action), edit, move, win, lose, cancel, standby, reopen.</summary>
public static class OpportunitiesApi
{
    public static IEndpointRouteBuilder MapOpportunitiesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/opportunities").WithTags("Opportunities");
        g.MapGet("/", List);
        g.MapGet("/{id:long}", Get);
        g.MapPost("/", Create);
        g.MapPatch("/{id:long}", Patch);
        g.MapPost("/{id:long}/move", (long id, MoveBody b, OpportunityChange c, CancellationToken ct) =>
            c.RunAsync(id, ct, (o, _) => b.StepId is { } step ? c.Opportunities.MoveAsync(o, step, ct) : Task.FromResult<Dictionary<string, string[]>?>(c.Required("stepId"))));
        g.MapPost("/{id:long}/win", (long id, WinBody b, OpportunityChange c, CancellationToken ct) =>
            c.RunAsync(id, ct, (o, scope) => c.Opportunities.WinAsync(o, b.Reason, b.FreeDeal == true, scope, ct)))
            .WithSummary("Close the opportunity as won.")
            .WithDescription("A won deal needs an amount above 0: with amount 0 the answer is a 400 ValidationProblem on the field " +
                "\"amount\", unless the body confirms a free deal with \"freeDeal\": true.");
        g.MapPost("/{id:long}/lose", (long id, ReasonBody b, OpportunityChange c, CancellationToken ct) =>
            c.RunAsync(id, ct, (o, scope) => c.Opportunities.CloseAsync(o, OpportunityState.Lost, b.Reason, scope, ct)));
        g.MapPost("/{id:long}/cancel", (long id, ReasonBody b, OpportunityChange c, CancellationToken ct) =>
            c.RunAsync(id, ct, (o, scope) => c.Opportunities.CloseAsync(o, OpportunityState.Cancelled, b.Reason, scope, ct)));
        g.MapPost("/{id:long}/standby", (long id, StandbyBody b, OpportunityChange c, CancellationToken ct) =>
            c.RunAsync(id, ct, (o, scope) => c.StandbyAsync(o, b, scope, ct)));
        g.MapPost("/{id:long}/reopen", (long id, ReopenBody b, OpportunityChange c, CancellationToken ct) =>
            c.RunAsync(id, ct, (o, scope) => c.ReopenAsync(o, b.NextAction, scope, ct)));
        return app;
    }

    private static async Task<Results<Ok<Paged<OpportunityDto>>, ValidationProblem>> List(
        ProspectorDb db, RecordAccess access, ClaimsPrincipal user, TimeProvider time, CancellationToken ct, long? pipelineId = null, long? stepId = null,
        OpportunityState? state = null, long? ownerId = null, long? teamId = null, long? contactId = null, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var q = OpportunityFilter(db, await access.ScopeAsync(user, ct), pipelineId, ownerId, teamId);
        if (stepId is { } s) q = q.Where(o => o.StepId == s);
        if (state is { } st) q = q.Where(o => o.State == st);
        if (contactId is { } c) q = q.Where(o => o.ContactId == c);
        var (total, capped) = await Api.CappedCountAsync(q, ct);
        var items = await OpportunityQueries.ToDtosAsync(db, OpportunityQueries.BoardOrder(q, time.GetUtcNow().UtcDateTime).Skip((p - 1) * size).Take(size), ct);
        return TypedResults.Ok(new Paged<OpportunityDto>(items, total, p, size, capped));
    }

    public static IQueryable<Opportunity> OpportunityFilter(ProspectorDb db, AccessScope scope, long? pipelineId, long? ownerId, long? teamId)
    {
        var q = scope.Filter(db.Opportunities);
        if (pipelineId is { } pid) q = q.Where(o => o.PipelineId == pid);
        if (ownerId is { } owner) q = q.Where(o => o.OwnerId == owner);
        if (teamId is { } team) q = q.Where(o => o.TeamId == team);
        return q;
    }

    private static async Task<Results<Ok<OpportunityDto>, ProblemHttpResult>> Get(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        var dto = (await OpportunityQueries.ToDtosAsync(db, scope.Filter(db.Opportunities).Where(o => o.Id == id), ct)).FirstOrDefault();
        if (dto is null) return OpportunityChange.NotFound(id);
        http.Response.Headers.ETag = Api.ETag(dto.Version);
        return TypedResults.Ok(dto);
    }

    private static async Task<Results<Created<OpportunityDto>, ValidationProblem, ProblemHttpResult>> Create(
        OpportunityCreate body, ProspectorDb db, RecordAccess access, NextActions.NextActions actions, ClaimsPrincipal user,
        IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        var errors = new Dictionary<string, string[]>();
        var contact = body.ContactId is { } cid ? await scope.Filter(db.Contacts).FirstOrDefaultAsync(c => c.Id == cid, ct) : null;
        if (body.ContactId is null) errors["contactId"] = [l["{0} is required.", "contactId"]];
        else if (contact is null) errors["contactId"] = [l["There is no such record that you can see."]];
        if (body.CompanyId is { } co && !await scope.Filter(db.Companies).AnyAsync(x => x.Id == co, ct))
            errors["companyId"] = [l["There is no company {0} that you can see.", co]];
        if (body.Amount is < 0) errors["amount"] = [l["The amount cannot be negative."]];
        if (body.Probability is < 0 or > 100) errors["probability"] = [l["{0} must be between {1} and {2}.", "probability", 0, 100]];
        if (body.Currency is { } cur && !IsCurrency(cur)) errors["currency"] = [l["Use a three-letter currency code such as EUR."]];
        if (body.Title is { Length: > 200 }) errors["title"] = [l["{0} is longer than {1} characters.", "title", 200]];
        if (body.OwnerId is { } owner && await References.OwnerProblemAsync(db, scope, owner, ct) is { } problem) errors["ownerId"] = [l[problem, owner]];
        if (actions.Validate(body.NextAction, "nextAction") is { } actionErrors) foreach (var (k, v) in actionErrors) errors[k] = v;
        var pipeline = await db.Pipelines.Include(p => p.Steps)
            .Where(p => body.PipelineId == null ? p.IsDefault : p.Id == body.PipelineId).OrderBy(p => p.SortOrder).FirstOrDefaultAsync(ct);
        var step = pipeline?.Steps.Where(s => body.StepId == null || s.Id == body.StepId).OrderBy(s => s.SortOrder).FirstOrDefault();
        if (pipeline is null) errors["pipelineId"] = [l["There is no pipeline {0}.", body.PipelineId ?? 0]];
        else if (step is null) errors["stepId"] = [l["Step {0} is not a step of this pipeline.", body.StepId ?? 0]];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ownerId = body.OwnerId ?? contact!.OwnerId ?? scope.UserId;
        var o = new Opportunity
        {
            Title = string.IsNullOrWhiteSpace(body.Title) ? contact!.DisplayName : body.Title.Trim(), ContactId = contact!.Id,
            CompanyId = body.CompanyId ?? contact.CompanyId, PipelineId = pipeline!.Id, StepId = step!.Id, Amount = body.Amount ?? 0,
            Currency = (body.Currency ?? await db.WorkspaceSettings.Select(s => s.DefaultCurrency).FirstAsync(ct)).ToUpperInvariant(),
            Probability = body.Probability ?? step.DefaultProbability, ExpectedCloseDate = body.ExpectedCloseDate, State = OpportunityState.Open,
            OwnerId = ownerId, TeamId = ownerId == contact.OwnerId ? contact.TeamId : await References.DefaultTeamAsync(db, ownerId, ct),
        };
        db.Opportunities.Add(o);
        await db.SaveChangesAsync(ct);
        var (_, scheduleErrors) = await actions.ScheduleAsync(null, o.Id, body.NextAction!, scope, ct, prefix: "nextAction");
        if (scheduleErrors is not null) return TypedResults.ValidationProblem(scheduleErrors);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var dto = (await OpportunityQueries.ToDtosAsync(db, db.Opportunities.Where(x => x.Id == o.Id), ct))[0];
        return TypedResults.Created($"/api/v1/opportunities/{o.Id}", dto);
    }

    private static async Task<Results<Ok<OpportunityDto>, ValidationProblem, ProblemHttpResult>> Patch(
        long id, OpportunityPatch body, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, HttpContext http,
        IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        var o = await scope.Filter(db.Opportunities).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (o is null) return OpportunityChange.NotFound(id);
        if (Api.IfMatchVersion(http.Request) is not { } version) return Api.PreconditionRequired();
        if (version != o.Version) return Api.Stale(o.Version);
        var errors = new Dictionary<string, string[]>();
        if (body.Title is { } t && (string.IsNullOrWhiteSpace(t) || t.Length > 200)) errors["title"] = [l["{0} must be 1 to {1} characters.", "title", 200]];
        if (body.Amount is < 0) errors["amount"] = [l["The amount cannot be negative."]];
        if (body.Probability is < 0 or > 100) errors["probability"] = [l["{0} must be between {1} and {2}.", "probability", 0, 100]];
        if (body.Currency is { } cur && !IsCurrency(cur)) errors["currency"] = [l["Use a three-letter currency code such as EUR."]];
        if (body.OwnerId is { } owner && await References.OwnerProblemAsync(db, scope, owner, ct) is { } problem) errors["ownerId"] = [l[problem, owner]];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (body.Title is not null) o.Title = body.Title.Trim();
        if (body.Amount is { } amount) o.Amount = amount;
        if (body.Currency is not null) o.Currency = body.Currency.ToUpperInvariant();
        if (body.Probability is { } probability) o.Probability = probability;
        if (body.ExpectedCloseDate is not null) o.ExpectedCloseDate = body.ExpectedCloseDate;
        if (body.OwnerId is { } newOwner && newOwner != o.OwnerId) (o.OwnerId, o.TeamId) = (newOwner, await References.DefaultTeamAsync(db, newOwner, ct));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Api.Stale(await db.Opportunities.Where(x => x.Id == id).Select(x => x.Version).FirstAsync(ct));
        }
        var dto = (await OpportunityQueries.ToDtosAsync(db, db.Opportunities.Where(x => x.Id == id), ct))[0];
        http.Response.Headers.ETag = Api.ETag(dto.Version);
        return TypedResults.Ok(dto);
    }

    private static bool IsCurrency(string s) => s.Length == 3 && s.All(char.IsAsciiLetter);
}

/// <summary>Runs one change of an opportunity for the API: load visible, change in a transaction, answer with the new state.</summary>
public sealed class OpportunityChange(ProspectorDb db, RecordAccess access, IHttpContextAccessor http, Opportunities opportunities,
    NextActions.NextActions actions, IStringLocalizer<SharedResource> l, TimeProvider time)
{
    public Opportunities Opportunities => opportunities;

    public Dictionary<string, string[]> Required(string field) => new() { [field] = [l["{0} is required.", field]] };

    public async Task<Results<Ok<OpportunityDto>, ValidationProblem, ProblemHttpResult>> RunAsync(
        long id, CancellationToken ct, Func<Opportunity, AccessScope, Task<Dictionary<string, string[]>?>> change)
    {
        var scope = await access.ScopeAsync(http.HttpContext!.User, ct);
        var o = await scope.Filter(db.Opportunities).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (o is null) return NotFound(id);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await change(o, scope) is { } errors) return TypedResults.ValidationProblem(errors);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var dto = (await OpportunityQueries.ToDtosAsync(db, db.Opportunities.Where(x => x.Id == id), ct))[0];
        http.HttpContext.Response.Headers.ETag = Api.ETag(dto.Version);
        return TypedResults.Ok(dto);
    }

    /// <summary>On hold until a date, with the next action on that date (a call unless said otherwise).</summary>
    public async Task<Dictionary<string, string[]>?> StandbyAsync(Opportunity o, StandbyBody b, AccessScope scope, CancellationToken ct)
    {
        var today = await NextActionQueries.TodayAsync(db, scope.UserId, time, ct);
        if (opportunities.Standby(o, b.Until, today) is { } errors) return errors;
        var (_, scheduleErrors) = await actions.ScheduleAsync(null, o.Id,
            new NextActionInput(NextActionType.Call, b.Until, null, string.IsNullOrWhiteSpace(b.Note) ? l["Follow up after standby"] : b.Note, null), scope, ct);
        return scheduleErrors;
    }

    /// <summary>Reopening makes the item open again, so it needs its next action at once.</summary>
    public async Task<Dictionary<string, string[]>?> ReopenAsync(Opportunity o, NextActionInput? next, AccessScope scope, CancellationToken ct)
    {
        var wasStandby = o.State == OpportunityState.Standby;
        if (opportunities.Reopen(o) is { } errors) return errors;
        if (next is null)
            return wasStandby ? null : new() { ["nextAction"] = [l["This item is still open: name the next action or close it."]] };
        var (_, scheduleErrors) = await actions.ScheduleAsync(null, o.Id, next, scope, ct, prefix: "nextAction");
        return scheduleErrors;
    }

    public static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Opportunity not found", detail: $"There is no opportunity {id} that you can see.");
}

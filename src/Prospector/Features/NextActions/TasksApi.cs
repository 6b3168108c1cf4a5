using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.NextActions;

public sealed record TaskCreate(long? ContactId, long? OpportunityId, NextActionType? Type, DateOnly? DueDate, TimeOnly? DueTime, string? Note, long? AssigneeId);
public sealed record TaskPatch(NextActionType? Type, DateOnly? DueDate, TimeOnly? DueTime, string? Note, long? AssigneeId);
public sealed record CompletionResult(NextActionDto Completed, NextActionDto? Next);
public sealed record WithoutView(int Total, IReadOnlyList<UnplannedItem> Items);

/// <summary>/api/v1/tasks: next actions by bucket, create, reschedule, complete with the outcome and the next one.</summary>
public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/tasks").WithTags("Tasks");
        g.MapGet("/", List);
        g.MapGet("/without-next-action", Without);
        g.MapGet("/{id:long}", Get);
        g.MapPost("/", Create);
        g.MapPatch("/{id:long}", Patch);
        g.MapPost("/{id:long}/complete", Complete);
        return app;
    }

    private static async Task<Results<Ok<Paged<NextActionDto>>, ValidationProblem>> List(
        ProspectorDb db, RecordAccess access, ClaimsPrincipal user, TimeProvider time, CancellationToken ct,
        Bucket bucket = Bucket.Today, long? assigneeId = null, bool all = false, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var scope = await access.ScopeAsync(user, ct);
        // By default a rep's own list (the To do); "all" or another assignee shows what else the user can see.
        var query = !all && assigneeId is null ? NextActionQueries.Mine(db, scope) : NextActionQueries.Visible(db, scope);
        if (!all && assigneeId is { } who) query = query.Where(a => a.AssigneeId == who);
        var today = await NextActionQueries.TodayAsync(db, scope.UserId, time, ct);
        var inBucket = NextActionQueries.InBucket(query, bucket, today);
        var (total, capped) = await Api.CappedCountAsync(inBucket, ct);
        var items = await NextActionDto.QueryAsync(db, inBucket.Skip((p - 1) * size).Take(size), ct);
        return TypedResults.Ok(new Paged<NextActionDto>(items, total, p, size, capped));
    }

    private static async Task<Ok<WithoutView>> Without(ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct, bool all = false)
    {
        var scope = await access.ScopeAsync(user, ct);
        long? owner = all ? null : scope.UserId;
        return TypedResults.Ok(new WithoutView(await NextActionQueries.CountWithoutAsync(db, scope, owner, ct),
            await NextActionQueries.WithoutAsync(db, scope, owner, 200, ct)));
    }

    private static async Task<Results<Ok<NextActionDto>, ProblemHttpResult>> Get(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        var dto = (await NextActionDto.QueryAsync(db, NextActionQueries.Visible(db, scope).Where(a => a.Id == id), ct)).FirstOrDefault();
        if (dto is null) return NotFound(id);
        http.Response.Headers.ETag = Api.ETag(dto.Version);
        return TypedResults.Ok(dto);
    }

    private static async Task<Results<Created<NextActionDto>, ValidationProblem, ProblemHttpResult>> Create(
        TaskCreate body, ProspectorDb db, RecordAccess access, NextActions actions, ClaimsPrincipal user, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        if ((body.ContactId is null) == (body.OpportunityId is null))
            return Api.Invalid("contactId", l["Give either a contactId or an opportunityId."]);
        var visible = body.OpportunityId is { } oid
            ? await scope.Filter(db.Opportunities).AnyAsync(o => o.Id == oid, ct)
            : await scope.Filter(db.Contacts).AnyAsync(c => c.Id == body.ContactId, ct);
        if (!visible) return Api.Invalid(body.OpportunityId is null ? "contactId" : "opportunityId", l["There is no such record that you can see."]);
        if (await db.NextActions.AnyAsync(a => a.Status == NextActionStatus.Open
                && (body.OpportunityId != null ? a.OpportunityId == body.OpportunityId : a.ContactId == body.ContactId && a.OpportunityId == null), ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["This item already has a next action."],
                detail: l["Complete or reschedule the current next action instead."]);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var input = new NextActionInput(body.Type, body.DueDate, body.DueTime, body.Note, body.AssigneeId);
        var (action, errors) = await actions.ScheduleAsync(body.OpportunityId is null ? body.ContactId : null, body.OpportunityId, input, scope, ct, prefix: "task");
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var dto = (await NextActionDto.QueryAsync(db, db.NextActions.Where(a => a.Id == action!.Id), ct))[0];
        return TypedResults.Created($"/api/v1/tasks/{dto.Id}", dto);
    }

    private static async Task<Results<Ok<NextActionDto>, ValidationProblem, ProblemHttpResult>> Patch(
        long id, TaskPatch body, ProspectorDb db, RecordAccess access, NextActions actions, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        var a = await NextActionQueries.Visible(db, scope).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return NotFound(id);
        if (Api.IfMatchVersion(http.Request) is not { } version) return Api.PreconditionRequired();
        if (version != a.Version) return Api.Stale(a.Version);
        if (await actions.UpdateAsync(a, new NextActionInput(body.Type, body.DueDate, body.DueTime, body.Note, body.AssigneeId), scope, ct) is { } errors)
            return TypedResults.ValidationProblem(errors);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Api.Stale(await db.NextActions.Where(x => x.Id == id).Select(x => x.Version).FirstAsync(ct));
        }
        var dto = (await NextActionDto.QueryAsync(db, db.NextActions.Where(x => x.Id == id), ct))[0];
        http.Response.Headers.ETag = Api.ETag(dto.Version);
        return TypedResults.Ok(dto);
    }

    private static async Task<Results<Ok<CompletionResult>, ValidationProblem, ProblemHttpResult>> Complete(
        long id, [FromBody] Completion body, ProspectorDb db, RecordAccess access, NextActions actions, ClaimsPrincipal user, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        var a = await NextActionQueries.Visible(db, scope).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return NotFound(id);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (next, errors) = await actions.CompleteAsync(a, body, scope, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var ids = new[] { id, next?.Id ?? 0 };
        var dtos = await NextActionDto.QueryAsync(db, db.NextActions.Where(x => ids.Contains(x.Id)), ct);
        return TypedResults.Ok(new CompletionResult(dtos.First(d => d.Id == id), dtos.FirstOrDefault(d => d.Id == next?.Id)));
    }

    private static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Next action not found", detail: $"There is no next action {id} that you can see.");
}

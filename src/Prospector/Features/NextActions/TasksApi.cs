using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.NextActions;

public sealed record TaskCreate(long? ContactId, long? OpportunityId, NextActionType? Type, DateOnly? DueDate, TimeOnly? DueTime, string? Note, long? AssigneeId);

/// <summary>The body of <c>PATCH /tasks/{id}</c> (merge-patch): a field left out is unchanged, <c>null</c> clears it.</summary>
public sealed record TaskPatch(
    [property: Description("The kind of action; cannot be cleared.")] NextActionType? Type,
    [property: Description("The due day (yyyy-MM-dd); cannot be cleared.")] DateOnly? DueDate,
    [property: Description("The due time (HH:mm) in the assignee's zone; null makes it an all-day action.")] TimeOnly? DueTime,
    [property: Description("What exactly; null clears it.")] string? Note,
    [property: Description("Who does it; null gives it back to the item's owner (else to you).")] long? AssigneeId) : IReadFieldByField;

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
        g.MapPatch("/{id:long}", Patch).WithIfMatch();
        g.MapPost("/{id:long}/complete", Complete);
        g.MapPost("/bulk", Bulk).WithSummary("Reschedules or reassigns several next actions at once: all or nothing (400 names each id or field refused).");
        return app;
    }

    private static async Task<Results<Ok<Paged<NextActionDto>>, ValidationProblem>> List(
        ProspectorDb db, AccessScope scope, TimeProvider time, CancellationToken ct,
        Bucket bucket = Bucket.Today, long? assigneeId = null, bool all = false, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        // By default a rep's own list (the To do); "all" or another assignee shows what else the user can see.
        var query = !all && assigneeId is null ? NextActionQueries.Mine(db, scope) : NextActionQueries.Visible(db, scope);
        if (!all && assigneeId is { } who) query = query.Where(a => a.AssigneeId == who);
        var today = await CurrentAction.TodayAsync(db, scope.UserId, time, ct);
        var inBucket = NextActionQueries.InBucket(query, bucket, today);
        var (total, capped) = await Api.CappedCountAsync(inBucket, ct);
        var items = await NextActionDto.QueryAsync(db, scope, inBucket.Skip((p - 1) * size).Take(size), ct);
        return TypedResults.Ok(new Paged<NextActionDto>(items, total, p, size, capped));
    }

    private static async Task<Ok<WithoutView>> Without(ProspectorDb db, AccessScope scope, CancellationToken ct, bool all = false)
    {
        long? owner = all ? null : scope.UserId;
        return TypedResults.Ok(new WithoutView(await NextActionQueries.CountWithoutAsync(db, scope, owner, ct),
            await NextActionQueries.WithoutAsync(db, scope, owner, 200, ct)));
    }

    private static async Task<Results<Ok<NextActionDto>, ValidationProblem, ProblemHttpResult>> Get(
        long id, ProspectorDb db, AccessScope scope, HttpContext http, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var dto = (await NextActionDto.QueryAsync(db, scope, NextActionQueries.Visible(db, scope).Where(a => a.Id == id), ct)).FirstOrDefault();
        var found = dto is null ? Outcome<NextActionDto>.NotFound("Next action not found", l["There is no next action {0} that you can see.", id]) : dto;
        if (dto is not null) http.Response.Headers.ETag = Api.ETag(dto.Version);
        return found.ToOk();
    }

    private static async Task<Results<Created<NextActionDto>, ValidationProblem, ProblemHttpResult>> Create(
        Body<TaskCreate> b, ProspectorDb db, AccessScope scope, NextActions actions, CancellationToken ct)
    {
        var body = b.Value;
        var input = new NextActionInput(body.Type, body.DueDate, body.DueTime, body.Note, body.AssigneeId);
        var planned = await actions.PlanAsync(body.ContactId, body.OpportunityId, input, scope, "task", ct);
        if (!planned.IsOk) return planned.As<NextActionDto>().ToCreated(d => "", d => d);
        var dto = (await NextActionDto.QueryAsync(db, scope, db.NextActions.Where(a => a.Id == planned.Value!.Id), ct))[0];
        return TypedResults.Created($"/api/v1/tasks/{dto.Id}", dto);
    }

    /// <summary>Merge-patch, read field by field (ADR 0003): a field left out keeps its value, <c>null</c> clears it.</summary>
    private static async Task<Results<Ok<NextActionDto>, ValidationProblem, ProblemHttpResult>> Patch(
        long id, Body<TaskPatch> body, ProspectorDb db, AccessScope scope, NextActions actions, HttpContext http, CancellationToken ct)
    {
        if (Api.IfMatchVersion(http.Request) is not { } version) return Api.PreconditionRequired();
        var f = body.Fields;
        var change = new NextActionChange();
        f.Enum<NextActionType>("type", t => change = change with { Type = Patch<NextActionType?>.To(t) });
        Day(f, "dueDate", d => change = change with { DueDate = Patch<DateOnly?>.To(d) });
        Time(f, "dueTime", t => change = change with { DueTime = Patch<TimeOnly?>.To(t) });
        f.String("note", NextActions.MaxNote, n => change = change with { Note = Patch<string?>.To(n) });
        f.Id("assigneeId", a => change = change with { AssigneeId = Patch<long?>.To(a) });
        if (f.Errors.Count > 0) return TypedResults.ValidationProblem(f.Errors);
        var saved = await actions.RescheduleAsync(id, version, change, scope, ct);
        if (!saved.IsOk) return saved.As<NextActionDto>().ToOk();
        var dto = (await NextActionDto.QueryAsync(db, scope, db.NextActions.Where(x => x.Id == id), ct))[0];
        http.Response.Headers.ETag = Api.ETag(dto.Version);
        return TypedResults.Ok(dto);
    }

    private static void Day(JsonFields f, string name, Action<DateOnly?> set) => f.String(name, 10, v =>
    {
        if (v is null) set(null);
        else if (DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) set(d);
        else f.Fail(name, f.T("{0} must be a date (yyyy-mm-dd).", name));
    });

    private static void Time(JsonFields f, string name, Action<TimeOnly?> set) => f.String(name, 12, v =>
    {
        if (v is null) set(null);
        else if (TimeOnly.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) set(t);
        else f.Fail(name, f.T("{0} must be a time such as 14:30.", name));
    });

    private static async Task<Results<Ok<TaskBulkResult>, ValidationProblem, ProblemHttpResult>> Bulk(
        Body<TaskBulk> body, ProspectorDb db, AccessScope scope, NextActions actions, CancellationToken ct)
    {
        var changed = await actions.BulkAsync(body.Value, scope, ct);
        if (!changed.IsOk) return changed.As<TaskBulkResult>().ToOk();
        var ids = changed.Value!;
        var dtos = await NextActionDto.QueryAsync(db, scope, db.NextActions.Where(a => ids.Contains(a.Id)).OrderBy(a => a.DueAtUtc), ct);
        return TypedResults.Ok(new TaskBulkResult(dtos.Count, dtos));
    }

    private static async Task<Results<Ok<CompletionResult>, ValidationProblem, ProblemHttpResult>> Complete(
        long id, Body<Completion> body, ProspectorDb db, AccessScope scope, NextActions actions, CancellationToken ct)
    {
        var completed = await actions.CompleteAsync(id, body.Value, scope, ct);
        if (!completed.IsOk) return completed.As<CompletionResult>().ToOk();
        var ids = new[] { id, completed.Value!.Next?.Id ?? 0 };
        var dtos = await NextActionDto.QueryAsync(db, scope, db.NextActions.Where(x => ids.Contains(x.Id)), ct);
        return TypedResults.Ok(new CompletionResult(dtos.First(d => d.Id == id), dtos.FirstOrDefault(d => d.Id == completed.Value.Next?.Id)));
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Pipelines;

public sealed record StepDto(long Id, string Name, int SortOrder, int DefaultProbability);
public sealed record PipelineDto(long Id, string Name, bool IsDefault, int SortOrder, IReadOnlyList<StepDto> Steps, int Version);
public sealed record StepInput(long? Id, string? Name, int? DefaultProbability);
public sealed record PipelineInput(string? Name, bool? IsDefault, IReadOnlyList<StepInput>? Steps);

/// <summary>/api/v1/pipelines: the pipelines and their steps (admins edit them) and the kanban board of each.</summary>
public static class PipelinesApi
{
    public static IEndpointRouteBuilder MapPipelinesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/pipelines").WithTags("Pipelines");
        g.MapGet("/", List);
        g.MapGet("/{id:long}/board", Board);
        g.MapPost("/", (PipelineInput body, PipelineSetup setup, CancellationToken ct) => setup.SaveAsync(null, body, ct)).RequireAuthorization(Policies.Admin);
        g.MapPut("/{id:long}", (long id, PipelineInput body, PipelineSetup setup, CancellationToken ct) => setup.SaveAsync(id, body, ct)).RequireAuthorization(Policies.Admin);
        g.MapDelete("/{id:long}", (long id, PipelineSetup setup, CancellationToken ct) => setup.DeleteAsync(id, ct)).RequireAuthorization(Policies.Admin);
        return app;
    }

    public static async Task<List<PipelineDto>> AllAsync(ProspectorDb db, CancellationToken ct = default) =>
        (await db.Pipelines.Include(p => p.Steps).OrderByDescending(p => p.IsDefault).ThenBy(p => p.SortOrder).ThenBy(p => p.Id).ToListAsync(ct))
        .Select(p => new PipelineDto(p.Id, p.Name, p.IsDefault, p.SortOrder,
            p.Steps.OrderBy(s => s.SortOrder).Select(s => new StepDto(s.Id, s.Name, s.SortOrder, s.DefaultProbability)).ToList(), p.Version))
        .ToList();

    private static async Task<Ok<List<PipelineDto>>> List(ProspectorDb db, CancellationToken ct) => TypedResults.Ok(await AllAsync(db, ct));

    private static async Task<Results<Ok<BoardView>, ProblemHttpResult, ValidationProblem>> Board(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, TimeProvider time, CancellationToken ct,
        long? ownerId = null, long? teamId = null, int perColumn = 25, long? focus = null)
    {
        if (perColumn is < 1 or > 200) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["perColumn"] = ["perColumn must be between 1 and 200."] });
        var board = await BoardAsync(db, await access.ScopeAsync(user, ct), id, ownerId, teamId, perColumn, time.GetUtcNow().UtcDateTime, focus, ct);
        return board is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Pipeline not found", detail: $"There is no pipeline {id}.")
            : TypedResults.Ok(board);
    }

    /// <summary>
    /// The deals in play of a pipeline by step: counts and values per column from one grouped query (<see cref="PipelineNumbers"/>),
    /// then the first <paramref name="perColumn"/> cards of each column in <see cref="OpportunityQueries.BoardOrder"/> (more are
    /// loaded a page at a time through the list endpoint). A <paramref name="focus"/> deal (just created, just moved) is always
    /// among its column's cards, first.
    /// </summary>
    public static async Task<BoardView?> BoardAsync(ProspectorDb db, AccessScope scope, long pipelineId, long? ownerId, long? teamId, int perColumn,
        DateTime nowUtc, long? focus, CancellationToken ct)
    {
        var pipeline = await db.Pipelines.Include(p => p.Steps).FirstOrDefaultAsync(p => p.Id == pipelineId, ct);
        if (pipeline is null) return null;
        var inPlay = OpportunitiesApi.OpportunityFilter(db, scope, pipelineId, ownerId, teamId).Where(Definitions.OpenDeal);
        var rows = await PipelineNumbers.RowsAsync(inPlay, ct);
        var focused = focus is { } f ? (await OpportunityQueries.ToDtosAsync(db, inPlay.Where(o => o.Id == f), ct)).FirstOrDefault() : null;
        var columns = new List<BoardColumn>();
        foreach (var step in pipeline.Steps.OrderBy(s => s.SortOrder))
        {
            var mine = rows.Where(t => t.StepId == step.Id).ToList();
            var items = await OpportunityQueries.ToDtosAsync(db, OpportunityQueries.BoardOrder(inPlay.Where(o => o.StepId == step.Id), nowUtc).Take(perColumn), ct);
            if (focused?.StepId == step.Id) items = [focused, .. items.Where(i => i.Id != focused.Id)];
            columns.Add(new BoardColumn(step.Id, step.Name, step.DefaultProbability, mine.Sum(t => t.Count),
                PipelineNumbers.Totals(mine.Where(t => !t.Standby), t => t.Sum), items, mine.Where(t => t.Standby).Sum(t => t.Count)));
        }
        var numbers = PipelineNumbers.Summarise(rows);
        return new BoardView(pipeline.Id, pipeline.Name, columns, numbers.Weighted, numbers);
    }
}

/// <summary>Creating, editing and deleting pipelines (admin): steps in order, a default pipeline, no step lost with deals on it.</summary>
public sealed class PipelineSetup(ProspectorDb db, IStringLocalizer<SharedResource> l)
{
    public async Task<Results<Ok<PipelineDto>, Created<PipelineDto>, ValidationProblem, ProblemHttpResult>> SaveAsync(long? id, PipelineInput body, CancellationToken ct)
    {
        var pipeline = id is null ? new Pipeline() : await db.Pipelines.Include(p => p.Steps).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pipeline is null) return NotFound(id!.Value);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Trim().Length > 100) errors["name"] = [l["{0} must be 1 to {1} characters.", "name", 100]];
        if (body.Steps is not { Count: > 0 } steps) errors["steps"] = [l["A pipeline needs at least one step."]];
        else
        {
            for (var i = 0; i < steps.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(steps[i].Name) || steps[i].Name!.Trim().Length > 100) errors[$"steps[{i}].name"] = [l["{0} must be 1 to {1} characters.", "name", 100]];
                if (steps[i].DefaultProbability is < 0 or > 100) errors[$"steps[{i}].defaultProbability"] = [l["{0} must be between {1} and {2}.", "defaultProbability", 0, 100]];
                if (steps[i].Id is { } sid && pipeline.Steps.All(s => s.Id != sid)) errors[$"steps[{i}].id"] = [l["Step {0} is not a step of this pipeline.", sid]];
            }
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var keep = body.Steps!.Where(s => s.Id != null).Select(s => s.Id!.Value).ToHashSet();
        var removed = pipeline.Steps.Where(s => !keep.Contains(s.Id)).ToList();
        var removedIds = removed.Select(s => s.Id).ToList();
        if (removed.Count > 0 && await db.Opportunities.IgnoreQueryFilters().AnyAsync(o => removedIds.Contains(o.StepId), ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["A step still has opportunities."],
                detail: l["Move the opportunities of {0} to another step first.", string.Join(", ", removed.Select(s => s.Name))]);
        pipeline.Name = body.Name!.Trim();
        foreach (var s in removed) pipeline.Steps.Remove(s);
        for (var i = 0; i < body.Steps!.Count; i++)
        {
            var input = body.Steps[i];
            var step = input.Id is { } sid ? pipeline.Steps.First(s => s.Id == sid) : new PipelineStep();
            if (input.Id is null) pipeline.Steps.Add(step);
            (step.Name, step.SortOrder, step.DefaultProbability) = (input.Name!.Trim(), i + 1, input.DefaultProbability ?? step.DefaultProbability);
        }
        if (id is null)
        {
            pipeline.SortOrder = (await db.Pipelines.MaxAsync(p => (int?)p.SortOrder, ct) ?? 0) + 1;
            db.Pipelines.Add(pipeline);
        }
        if (body.IsDefault == true && !pipeline.IsDefault)
        {
            await db.Pipelines.Where(p => p.IsDefault).ExecuteUpdateAsync(u => u.SetProperty(p => p.IsDefault, false), ct);
            pipeline.IsDefault = true;
        }
        await db.SaveChangesAsync(ct);
        var dto = (await PipelinesApi.AllAsync(db, ct)).First(p => p.Id == pipeline.Id);
        return id is null ? TypedResults.Created($"/api/v1/pipelines/{dto.Id}", dto) : TypedResults.Ok(dto);
    }

    public async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, CancellationToken ct)
    {
        var pipeline = await db.Pipelines.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pipeline is null) return NotFound(id);
        if (pipeline.IsDefault)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["The default pipeline cannot be deleted."],
                detail: l["Make another pipeline the default first."]);
        if (await db.Opportunities.IgnoreQueryFilters().AnyAsync(o => o.PipelineId == id, ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["The pipeline still has opportunities."],
                detail: l["Move or delete its opportunities first."]);
        pipeline.DeletedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Pipeline not found", detail: $"There is no pipeline {id}.");
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Pipelines;

/// <summary>A step; <see cref="RottingAfterDays"/>: a deal longer in it than this many days is rotting (null: never); <see cref="IsCreditCheck"/>: the credit check step.</summary>
public sealed record StepDto(long Id, string Name, int SortOrder, int DefaultProbability, int? RottingAfterDays = null, bool IsCreditCheck = false);
public sealed record PipelineDto(long Id, string Name, bool IsDefault, int SortOrder, IReadOnlyList<StepDto> Steps, int Version);
/// <summary>A step of a pipeline; <see cref="IsCreditCheck"/> marks the credit check step (a failed credit check stops a deal there; left out: unchanged).</summary>
public sealed record StepInput(long? Id, string? Name, int? DefaultProbability,
    [property: System.ComponentModel.Description("Days a deal may stay in the step before it is rotting (1 to 3650); 0 turns it off; left out: unchanged.")]
    int? RottingAfterDays = null, bool? IsCreditCheck = null);
public sealed record PipelineInput(string? Name, bool? IsDefault, IReadOnlyList<StepInput>? Steps);

/// <summary>/api/v1/pipelines: the pipelines and their steps (admins edit them through <see cref="PipelineSetup"/>) and the kanban board of each.</summary>
public static class PipelinesApi
{
    public static IEndpointRouteBuilder MapPipelinesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/pipelines").WithTags("Pipelines");
        g.MapGet("/", List);
        g.MapGet("/{id:long}/board", Board)
            .WithDescription("The deals in play by step. q: words each found in the title, the company or the contact; sort: Default (recently " +
                "changed, then the soonest expected close), NextActionDue, Amount (largest first), Age (oldest first), LastActivity (longest " +
                "silence first), DaysInStep (longest in its step first); stale=true: only rotting deals; closed=true adds \"closed\": the won, lost and cancelled deals, closed on or after closedSince (a day in your zone) when given.");
        g.MapPost("/", async (Body<PipelineInput> body, PipelineSetup setup, CancellationToken ct) =>
                (await setup.SaveAsync(null, body.Value, ct)).ToCreated(p => $"/api/v1/pipelines/{p.Id}", p => p))
            .RequireAuthorization(Policies.Admin);
        g.MapPut("/{id:long}", async (long id, Body<PipelineInput> body, PipelineSetup setup, CancellationToken ct) => (await setup.SaveAsync(id, body.Value, ct)).ToOk())
            .RequireAuthorization(Policies.Admin);
        g.MapDelete("/{id:long}", async (long id, PipelineSetup setup, CancellationToken ct) => (await setup.DeleteAsync(id, ct)).ToNoContent())
            .RequireAuthorization(Policies.Admin);
        return app;
    }

    private static async Task<Ok<List<PipelineDto>>> List(ProspectorDb db, CancellationToken ct) => TypedResults.Ok(await PipelineQueries.AllAsync(db, ct));

    private static async Task<Results<Ok<BoardView>, ValidationProblem, ProblemHttpResult>> Board(
        long id, AccessScope scope, ProspectorDb db, PipelineSetup setup, IStringLocalizer<SharedResource> l, TimeProvider time, CancellationToken ct,
        long? ownerId = null, long? teamId = null, int perColumn = 25, long? focus = null, string? q = null, BoardSort? sort = null,
        bool? closed = null, DateOnly? closedSince = null, bool? stale = null)
    {
        if (perColumn is < 1 or > 200) return Api.Invalid("perColumn", l["{0} must be between {1} and {2}.", "perColumn", 1, 200]);
        if (q is { Length: > 200 }) return Api.Invalid("q", l["{0} is longer than {1} characters.", "q", 200]);
        if (closedSince is not null && closed != true) return Api.Invalid("closedSince", l["closedSince needs closed=true."]);
        var options = new BoardOptions(q, sort ?? BoardSort.Default, closed == true, closedSince, stale == true);
        var board = await PipelineQueries.BoardAsync(db, scope, id, ownerId, teamId, perColumn, time.GetUtcNow().UtcDateTime, focus, ct, options);
        return board is null ? OutcomeResults.ProblemOf(setup.Missing<BoardView>(id)) : TypedResults.Ok(board);
    }
}

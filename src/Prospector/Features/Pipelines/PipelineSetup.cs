using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Pipelines;

/// <summary>
/// Creating, editing and deleting pipelines (admin), for the API and the settings page alike: steps in order, one default
/// pipeline, no step or pipeline lost while deals are on it.
/// </summary>
public sealed class PipelineSetup(ProspectorDb db, IStringLocalizer<SharedResource> l, TimeProvider time)
{
    public const string NotFoundTitle = "Pipeline not found";
    public const int MaxName = 100;
    public const int MaxRottingDays = 3650;

    public async Task<Outcome<PipelineDto>> SaveAsync(long? id, PipelineInput body, CancellationToken ct = default)
    {
        var pipeline = id is null ? new Pipeline() : await db.Pipelines.Include(p => p.Steps).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pipeline is null) return Missing<PipelineDto>(id!.Value);
        if (Check(body, pipeline) is { } errors) return Outcome<PipelineDto>.Invalid(errors);
        var keep = body.Steps!.Where(s => s.Id != null).Select(s => s.Id!.Value).ToHashSet();
        var removed = pipeline.Steps.Where(s => !keep.Contains(s.Id)).ToList();
        var removedIds = removed.Select(s => s.Id).ToList();
        if (removed.Count > 0 && await db.Opportunities.IgnoreQueryFilters().AnyAsync(o => removedIds.Contains(o.StepId), ct))
            return Outcome<PipelineDto>.Conflict("A step still has opportunities.",
                l["Move the opportunities of {0} to another step first.", string.Join(", ", removed.Select(s => s.Name))]);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        pipeline.Name = body.Name!.Trim();
        foreach (var s in removed) pipeline.Steps.Remove(s);
        for (var i = 0; i < body.Steps!.Count; i++)
        {
            var input = body.Steps[i];
            var step = input.Id is { } sid ? pipeline.Steps.First(s => s.Id == sid) : new PipelineStep();
            if (input.Id is null) pipeline.Steps.Add(step);
            (step.Name, step.SortOrder, step.DefaultProbability) = (input.Name!.Trim(), i + 1, input.DefaultProbability ?? step.DefaultProbability);
            if (input.RottingAfterDays is { } rot) step.RottingAfterDays = rot == 0 ? null : rot;
            step.IsCreditCheck = input.IsCreditCheck ?? step.IsCreditCheck;
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
        await tx.CommitAsync(ct);
        return (await PipelineQueries.AllAsync(db, ct)).First(p => p.Id == pipeline.Id);
    }

    public async Task<Outcome<Done>> DeleteAsync(long id, CancellationToken ct = default)
    {
        var pipeline = await db.Pipelines.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pipeline is null) return Missing<Done>(id);
        if (pipeline.IsDefault)
            return Outcome<Done>.Conflict("The default pipeline cannot be deleted.", l["Make another pipeline the default first."]);
        if (await db.Opportunities.IgnoreQueryFilters().AnyAsync(o => o.PipelineId == id, ct))
            return Outcome<Done>.Conflict("The pipeline still has opportunities.", l["Move or delete its opportunities first."]);
        pipeline.DeletedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return new Done();
    }

    /// <summary>A pipeline that does not exist (or is in the recycle bin).</summary>
    public Outcome<T> Missing<T>(long id) => Outcome<T>.NotFound(NotFoundTitle, l["There is no pipeline {0}.", id]);

    private Dictionary<string, string[]>? Check(PipelineInput body, Pipeline pipeline)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Trim().Length > MaxName) errors["name"] = [l["{0} must be 1 to {1} characters.", "name", MaxName]];
        if (body.Steps is not { Count: > 0 } steps) errors["steps"] = [l["A pipeline needs at least one step."]];
        else
        {
            for (var i = 0; i < steps.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(steps[i].Name) || steps[i].Name!.Trim().Length > MaxName) errors[$"steps[{i}].name"] = [l["{0} must be 1 to {1} characters.", "name", MaxName]];
                if (steps[i].DefaultProbability is < 0 or > 100) errors[$"steps[{i}].defaultProbability"] = [l["{0} must be between {1} and {2}.", "defaultProbability", 0, 100]];
                if (steps[i].RottingAfterDays is < 0 or > MaxRottingDays)
                    errors[$"steps[{i}].rottingAfterDays"] = [l["{0} must be between {1} and {2}.", "rottingAfterDays", 0, MaxRottingDays]];
                if (steps[i].Id is { } sid && pipeline.Steps.All(s => s.Id != sid)) errors[$"steps[{i}].id"] = [l["Step {0} is not a step of this pipeline.", sid]];
            }
        }
        return errors.Count > 0 ? errors : null;
    }
}

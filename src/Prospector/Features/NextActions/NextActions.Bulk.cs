using System.ComponentModel;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.NextActions;

/// <summary>What a bulk change does to every selected next action.</summary>
public enum BulkTaskAction { Reschedule, Reassign }

/// <summary>The body of <c>POST /tasks/bulk</c>: the same change for several next actions, all or nothing.</summary>
public sealed record TaskBulk(
    [property: Description("The next actions to change (at most 200); each must be one you can see and still open.")] IReadOnlyList<long>? Ids,
    [property: Description("reschedule (needs dueDate) or reassign (needs assigneeId).")] BulkTaskAction? Action,
    [property: Description("reschedule: the new due day (yyyy-MM-dd); times of day are kept.")] DateOnly? DueDate,
    [property: Description("reassign: who does them; only yourself or a member of your teams (an admin: anyone).")] long? AssigneeId);

public sealed record TaskBulkResult(int Changed, IReadOnlyList<NextActionDto> Items);

public sealed partial class NextActions
{
    public const int MaxBulk = 200;

    /// <summary>
    /// Reschedules or reassigns several actions in one transaction: every id is loaded through the user's access and checked
    /// like a single change (<see cref="RescheduleAsync"/>, the hand-over rule for the assignee); one refusal keeps them all as they were.
    /// </summary>
    public Task<Outcome<IReadOnlyList<long>>> BulkAsync(TaskBulk bulk, AccessScope scope, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        var ids = bulk.Ids ?? [];
        if (ids.Count == 0) return Outcome<IReadOnlyList<long>>.Invalid("ids", l["{0} is required.", "ids"]);
        if (ids.Count > MaxBulk) return Outcome<IReadOnlyList<long>>.Invalid("ids", l["At most {0} at once.", MaxBulk]);
        if (ids.Distinct().Count() != ids.Count) return Outcome<IReadOnlyList<long>>.Invalid("ids", l["Each id only once."]);
        NextActionChange change;
        switch (bulk.Action)
        {
            case BulkTaskAction.Reschedule when bulk.DueDate is { } due:
                change = new NextActionChange(DueDate: Patch<DateOnly?>.To(due));
                break;
            case BulkTaskAction.Reschedule:
                return Outcome<IReadOnlyList<long>>.Invalid("dueDate", l["{0} is required.", "dueDate"]);
            case BulkTaskAction.Reassign when bulk.AssigneeId is { } who:
                if (await scope.HandOverProblemAsync(db, who, ct) is { } problem) return Outcome<IReadOnlyList<long>>.Invalid("assigneeId", l[problem, who]);
                change = new NextActionChange(AssigneeId: Patch<long?>.To(who));
                break;
            case BulkTaskAction.Reassign:
                return Outcome<IReadOnlyList<long>>.Invalid("assigneeId", l["{0} is required.", "assigneeId"]);
            default:
                return Outcome<IReadOnlyList<long>>.Invalid("action", l["{0} must be one of: {1}.", "action", string.Join(", ", Enum.GetNames<BulkTaskAction>())]);
        }
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < ids.Count; i++)
        {
            var done = await RescheduleAsync(ids[i], null, change, scope, ct);
            if (done.IsOk) continue;
            errors[$"ids[{i}]"] = done.Kind switch
            {
                OutcomeKind.Invalid => [.. done.Errors.SelectMany(kv => kv.Value).Select(m => $"{ids[i]}: {m}")],
                OutcomeKind.NotFound => [l["There is no next action {0} that you can see.", ids[i]]],
                _ => [l["Next action {0} was changed by someone else.", ids[i]]],
            };
        }
        return errors.Count > 0 ? Outcome<IReadOnlyList<long>>.Invalid(errors) : Outcome<IReadOnlyList<long>>.Ok(ids);
    }, ct);
}

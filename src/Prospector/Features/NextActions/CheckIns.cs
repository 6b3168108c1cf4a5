using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.NextActions;

/// <summary>The body of <c>POST /tasks/check-in</c>: the customer, and optionally the day (default: today in your zone).</summary>
public sealed record CheckInBody(long? ContactId, DateOnly? DueDate);

/// <summary>
/// "Plan a check-in" in one click: the account-care next action (a call, "Check-in") of a customer or repeat customer, due today
/// in the user's zone unless a day is given. Planned through <see cref="NextActions.PlanAsync"/>: the same visibility, assignee
/// and one-open-action rules as any next action.
/// </summary>
public sealed class CheckIns(ProspectorDb db, NextActions actions, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    /// <summary>The note of a check-in, written in the user's language as the care quick picks write it.</summary>
    public const string Note = "Check-in";

    public async Task<Outcome<NextAction>> PlanAsync(long? contactId, DateOnly? dueDate, AccessScope scope, CancellationToken ct = default)
    {
        if (contactId is not { } id) return Outcome<NextAction>.Invalid("contactId", l["{0} is required.", "contactId"]);
        var contact = await scope.Filter(db.Contacts).Where(c => c.Id == id).Select(c => new { c.Stage, c.LeadStatus }).FirstOrDefaultAsync(ct);
        if (contact is null) return Outcome<NextAction>.Invalid("contactId", l["There is no such record that you can see."]);
        if (contact.Stage is not (Stage.Customer or Stage.RepeatCustomer) || contact.LeadStatus == LeadStatus.Unqualified)
            return Outcome<NextAction>.Invalid("contactId", l["A check-in is account care: only for customers and repeat customers."]);
        var day = dueDate ?? await CurrentAction.TodayAsync(db, scope.UserId, time, ct);
        return await actions.PlanAsync(id, null, new NextActionInput(NextActionType.Call, day, null, l[Note].Value, null), scope, "task", ct);
    }
}

/// <summary><c>POST /api/v1/tasks/check-in</c>: plan a customer's check-in (<see cref="CheckIns"/>).</summary>
public static class CheckInsApi
{
    public static IEndpointRouteBuilder MapCheckInsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/tasks").WithTags("Tasks").MapPost("/check-in", Post)
            .WithSummary("Plan a check-in with a customer (account care).")
            .WithDescription("Creates the customer's next action: a call \"Check-in\", due today in your zone unless dueDate is given. " +
                "409 when the customer already has an open next action; 400 when the contact is not a customer or repeat customer.");
        return app;
    }

    private static async Task<Results<Created<NextActionDto>, ValidationProblem, ProblemHttpResult>> Post(
        Body<CheckInBody> body, ProspectorDb db, AccessScope scope, CheckIns checkIns, CancellationToken ct)
    {
        var planned = await checkIns.PlanAsync(body.Value.ContactId, body.Value.DueDate, scope, ct);
        if (!planned.IsOk) return planned.As<NextActionDto>().ToCreated(d => "", d => d);
        var dto = (await NextActionDto.QueryAsync(db, scope, db.NextActions.Where(a => a.Id == planned.Value!.Id), ct))[0];
        return TypedResults.Created($"/api/v1/tasks/{dto.Id}", dto);
    }
}

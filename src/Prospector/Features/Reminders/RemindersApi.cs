using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Reminders;

public sealed record ReminderDto(long Id, ReminderKind Kind, ReminderChannel Channel, string? Title, string? Link, DateTime DueAtUtc,
    ReminderStatus Status, DateTime? SentAt, string? Recipient, string? Error, int Attempts, DateTime? ReadAt);

public sealed record ReminderSettings(bool? EmailReminders, bool? DigestEnabled, int? DigestHour, bool EmailAvailable = false);

/// <summary>/api/v1/reminders: the user's delivery log and in-app notifications (mark read), and their reminder settings.</summary>
public static class RemindersApi
{
    public static IEndpointRouteBuilder MapRemindersApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/reminders").WithTags("Reminders");
        g.MapGet("/", List);
        g.MapPost("/{id:long}/read", MarkRead);
        g.MapPost("/read-all", MarkAllRead);
        g.MapGet("/settings", GetSettings);
        g.MapPut("/settings", PutSettings);
        return app;
    }

    private static async Task<Results<Ok<Paged<ReminderDto>>, ValidationProblem>> List(AccessScope scope, ProspectorDb db, CancellationToken ct,
        ReminderChannel? channel = null, bool unread = false, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var q = ReminderInbox.Log(db, scope.UserId, channel, unread);
        var (total, capped) = await Api.CappedCountAsync(q, ct);
        return TypedResults.Ok(new Paged<ReminderDto>(await q.Skip((p - 1) * size).Take(size).ToListAsync(ct), total, p, size, capped));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> MarkRead(long id, AccessScope scope, ReminderInbox inbox, CancellationToken ct) =>
        (await inbox.MarkReadAsync(id, scope.UserId, ct)).ToNoContent();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> MarkAllRead(AccessScope scope, ReminderInbox inbox, CancellationToken ct) =>
        (await inbox.MarkAllReadAsync(scope.UserId, ct)).ToNoContent();

    private static async Task<Ok<ReminderSettings>> GetSettings(AccessScope scope, ReminderInbox inbox, CancellationToken ct) =>
        TypedResults.Ok(await inbox.SettingsAsync(scope.UserId, ct));

    private static async Task<Results<Ok<ReminderSettings>, ValidationProblem, ProblemHttpResult>> PutSettings(Body<ReminderSettings> body, AccessScope scope,
        ReminderInbox inbox, CancellationToken ct) => (await inbox.SaveSettingsAsync(scope.UserId, body.Value, ct)).ToOk();
}

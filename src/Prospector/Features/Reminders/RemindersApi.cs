using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Auth;
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

    public static IQueryable<ReminderDto> Log(ProspectorDb db, long userId, ReminderChannel? channel, bool unreadOnly, bool sentOnly = false) =>
        db.Reminders.Where(r => r.UserId == userId && r.Status != ReminderStatus.Pending)
            .Where(r => !sentOnly || r.Status == ReminderStatus.Sent)
            .Where(r => channel == null || r.Channel == channel)
            .Where(r => !unreadOnly || (r.Channel == ReminderChannel.InApp && r.Status == ReminderStatus.Sent && r.ReadAt == null))
            .OrderByDescending(r => r.Id)
            .Select(r => new ReminderDto(r.Id, r.Kind, r.Channel, r.Title, r.Link, r.DueAtUtc, r.Status, r.SentAt, r.Recipient, r.Error, r.Attempts, r.ReadAt));

    private static async Task<Results<Ok<Paged<ReminderDto>>, ValidationProblem>> List(ClaimsPrincipal user, ProspectorDb db, CancellationToken ct,
        ReminderChannel? channel = null, bool unread = false, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var q = Log(db, Me.Id(user), channel, unread);
        var (total, capped) = await Api.CappedCountAsync(q, ct);
        return TypedResults.Ok(new Paged<ReminderDto>(await q.Skip((p - 1) * size).Take(size).ToListAsync(ct), total, p, size, capped));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(long id, ClaimsPrincipal user, ProspectorDb db, TimeProvider time, CancellationToken ct)
    {
        var me = Me.Id(user);
        var n = await db.Reminders.Where(r => r.Id == id && r.UserId == me)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ReadAt, r => r.ReadAt ?? time.GetUtcNow().UtcDateTime), ct);
        return n == 0
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Reminder not found", detail: $"You have no reminder {id}.")
            : TypedResults.NoContent();
    }

    private static async Task<NoContent> MarkAllRead(ClaimsPrincipal user, ProspectorDb db, TimeProvider time, CancellationToken ct)
    {
        await MarkAllReadAsync(db, Me.Id(user), time.GetUtcNow().UtcDateTime, ct);
        return TypedResults.NoContent();
    }

    public static Task MarkAllReadAsync(ProspectorDb db, long userId, DateTime now, CancellationToken ct = default) =>
        db.Reminders.Where(r => r.UserId == userId && r.Channel == ReminderChannel.InApp && r.ReadAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ReadAt, now), ct);

    private static async Task<Ok<ReminderSettings>> GetSettings(ClaimsPrincipal user, ProspectorDb db, ReminderMail mail, CancellationToken ct)
    {
        var me = Me.Id(user);
        var u = await db.Users.Where(x => x.Id == me).Select(x => new ReminderSettings(x.EmailReminders, x.DigestEnabled, x.DigestHour, false)).FirstAsync(ct);
        return TypedResults.Ok(u with { EmailAvailable = mail.Enabled });
    }

    private static async Task<Results<Ok<ReminderSettings>, ValidationProblem>> PutSettings(ReminderSettings body, ClaimsPrincipal user, ProspectorDb db,
        ReminderMail mail, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        if (body.DigestHour is < 0 or > 23) return Api.Invalid("digestHour", l["{0} must be between {1} and {2}.", "digestHour", 0, 23]);
        var me = Me.Id(user);
        var u = await db.Users.FirstAsync(x => x.Id == me, ct);
        if (body.EmailReminders is { } e) u.EmailReminders = e;
        if (body.DigestEnabled is { } d) u.DigestEnabled = d;
        if (body.DigestHour is { } h) u.DigestHour = h;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ReminderSettings(u.EmailReminders, u.DigestEnabled, u.DigestHour, mail.Enabled));
    }

}

using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Auth;

public sealed record SecurityEvent(long Id, DateTime At, AuditAction Action, long? UserId, string? UserName, string? RemoteIp,
    string EntityType, long EntityId, IReadOnlyList<FieldChange> Details);

/// <summary>The security events of the audit trail, newest first, filtered: for the API and the admins' page alike.</summary>
public static class SecurityEventQueries
{
    public static readonly AuditAction[] Events =
    [
        AuditAction.SignedIn, AuditAction.SignInFailed, AuditAction.TokenCreated, AuditAction.TokenRevoked,
        AuditAction.PersonalDataExported, AuditAction.Erased, AuditAction.BackedUp, AuditAction.RetentionRun,
        AuditAction.TwoFactorEnabled, AuditAction.TwoFactorDisabled, AuditAction.TwoFactorReset, AuditAction.TwoFactorFailed,
        AuditAction.WebhookCreated, AuditAction.WebhookChanged, AuditAction.WebhookDeleted, AuditAction.WebhookSecretRotated, AuditAction.WebhookPaused,
    ];

    /// <summary>Events of one kind, by one user, at or after <paramref name="from"/> and before <paramref name="to"/> (UTC); each filter optional.</summary>
    public static IQueryable<AuditEntry> Filter(ProspectorDb db, AuditAction? action = null, long? userId = null, DateTime? from = null, DateTime? to = null)
    {
        var q = db.AuditEntries.AsNoTracking().Where(e => Events.Contains(e.Action));
        if (action is { } only) q = q.Where(e => e.Action == only);
        if (userId is { } u) q = q.Where(e => e.UserId == u || (e.EntityType == nameof(User) && e.EntityId == u));
        if (from is { } f) q = q.Where(e => e.At >= f);
        if (to is { } t) q = q.Where(e => e.At < t);
        return q.OrderByDescending(e => e.Id);
    }

    public static SecurityEvent Dto(AuditEntry e) => new(e.Id, e.At, e.Action, e.UserId, e.UserName, e.RemoteIp, e.EntityType, e.EntityId,
        JsonSerializer.Deserialize<List<FieldChange>>(e.Changes, JsonSerializerOptions.Web) ?? []);
}

/// <summary>The security events of the audit trail for admins, newest first: who did what, when and from where.</summary>
public static class SecurityEventsApi
{
    public const int MaxLimit = 500;

    public static RouteGroupBuilder MapSecurityEventsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/security-events").WithTags("Audit").RequireAuthorization(Policies.Admin);
        g.MapGet("/", List).WithSummary("Security events, newest first: sign-ins, failed sign-ins, two-factor changes and wrong codes, tokens, personal-data exports, erasures, backups, retention runs.")
            .WithDescription("Admins only. Filter by action, user (who acted or whom it concerns) and period (from inclusive, to exclusive, UTC); before (an event id) pages back; limit 1–500 (default 100).");
        return g;
    }

    private static async Task<Results<Ok<List<SecurityEvent>>, ValidationProblem>> List(ProspectorDb db, IStringLocalizer<SharedResource> l, CancellationToken ct,
        AuditAction? action = null, long? userId = null, long? before = null, int limit = 100, DateTime? from = null, DateTime? to = null)
    {
        if (limit is < 1 or > MaxLimit) return Api.Invalid("limit", l["{0} must be between {1} and {2}.", "limit", 1, MaxLimit]);
        if (action is { } a && !SecurityEventQueries.Events.Contains(a)) return Api.Invalid("action", l["{0} is not a security event.", a]);
        if (from is { } f && to is { } t && t <= f) return Api.Invalid("to", l["{0} must be after {1}.", "to", "from"]);
        var q = SecurityEventQueries.Filter(db, action, userId, from?.ToUniversalTime(), to?.ToUniversalTime());
        if (before is { } b) q = q.Where(e => e.Id < b);
        var rows = await q.Take(limit).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(SecurityEventQueries.Dto).ToList());
    }
}

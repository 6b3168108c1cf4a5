using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Auth;

public sealed record SecurityEvent(long Id, DateTime At, AuditAction Action, long? UserId, string? UserName, string? RemoteIp,
    string EntityType, long EntityId, IReadOnlyList<FieldChange> Details);

/// <summary>The security events of the audit trail for admins, newest first: who did what, when and from where.</summary>
public static class SecurityEventsApi
{
    public const int MaxLimit = 500;
    private static readonly AuditAction[] Events =
    [
        AuditAction.SignedIn, AuditAction.SignInFailed, AuditAction.TokenCreated, AuditAction.TokenRevoked,
        AuditAction.PersonalDataExported, AuditAction.Erased, AuditAction.BackedUp, AuditAction.RetentionRun,
    ];

    public static RouteGroupBuilder MapSecurityEventsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/security-events").WithTags("Audit").RequireAuthorization(Policies.Admin);
        g.MapGet("/", List).WithSummary("Security events, newest first: sign-ins, failed sign-ins, tokens, personal-data exports, erasures, backups, retention runs.")
            .WithDescription("Admins only. Filter by action and user; before (an event id) pages back; limit 1–500 (default 100).");
        return g;
    }

    private static async Task<Results<Ok<List<SecurityEvent>>, ValidationProblem>> List(ProspectorDb db, IStringLocalizer<SharedResource> l, CancellationToken ct,
        AuditAction? action = null, long? userId = null, long? before = null, int limit = 100)
    {
        if (limit is < 1 or > MaxLimit) return Api.Invalid("limit", l["{0} must be between {1} and {2}.", "limit", 1, MaxLimit]);
        if (action is { } a && !Events.Contains(a)) return Api.Invalid("action", l["{0} is not a security event.", a]);
        var q = db.AuditEntries.Where(e => Events.Contains(e.Action));
        if (action is { } only) q = q.Where(e => e.Action == only);
        if (userId is { } u) q = q.Where(e => e.UserId == u);
        if (before is { } b) q = q.Where(e => e.Id < b);
        var rows = await q.OrderByDescending(e => e.Id).Take(limit).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(e => new SecurityEvent(e.Id, e.At, e.Action, e.UserId, e.UserName, e.RemoteIp, e.EntityType, e.EntityId,
            JsonSerializer.Deserialize<List<FieldChange>>(e.Changes, JsonSerializerOptions.Web) ?? [])).ToList());
    }
}

using System.Text.Json;
using Prospector.Data;
using Prospector.Hosting;

namespace Prospector.Features.Audit;

/// <summary>
/// Security events in the audit trail, beside the record changes: sign-ins and failed sign-ins, API tokens created and
/// revoked, personal-data exports, erasures and backups — who, when and from where (the remote address after the trusted
/// proxies; "cli" for the command line). The details never hold a password or a person's data: a failed sign-in names the
/// address tried, canonicalised; an export or an erasure names only the contact's id.
/// </summary>
public sealed class SecurityLog(ProspectorDb db, TimeProvider time, IAuditActor actor, IHttpContextAccessor http, CurrentUserHolder holder)
{
    public const string Cli = "cli";

    /// <summary>The entry, not yet saved: for a service that saves it with its own change, in its transaction.</summary>
    public AuditEntry Entry(AuditAction action, string entityType, long entityId, long? userId = null, string? userName = null,
        IReadOnlyList<FieldChange>? details = null) => new()
        {
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            UserId = userId ?? actor.UserId,
            // Outside a request and a page (the command line) the operator is named by their system account.
            UserName = userName ?? actor.UserName ?? (http.HttpContext is null && holder.User is null ? $"CLI ({Environment.UserName})" : null),
            At = time.GetUtcNow().UtcDateTime,
            Changes = JsonSerializer.Serialize(details ?? [], JsonSerializerOptions.Web),
            RemoteIp = RemoteIp,
        };

    /// <summary>Records the event at once, in a save of its own.</summary>
    public async Task RecordAsync(AuditAction action, string entityType, long entityId, long? userId = null, string? userName = null,
        IReadOnlyList<FieldChange>? details = null, CancellationToken ct = default)
    {
        db.AuditEntries.Add(Entry(action, entityType, entityId, userId, userName, details));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Where the request came from; "cli" outside a request (the command line, a background job).</summary>
    public string RemoteIp => holder.RemoteIp ?? http.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? Cli;
}

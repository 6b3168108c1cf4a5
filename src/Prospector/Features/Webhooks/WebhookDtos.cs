using System.ComponentModel;
using Prospector.Data;

namespace Prospector.Features.Webhooks;

/// <summary>A webhook endpoint to register or change; on a change a field left out (null) stays as it is.</summary>
public sealed record WebhookInput(
    [property: Description("The https:// address that receives the events; it must resolve to a public address.")] string? Url = null,
    [property: Description("Event types to receive, e.g. [\"contact.created\", \"deal.won\"] (GET /api/v1/webhooks/events lists them).")] List<string>? Events = null,
    string? Description = null,
    [property: Description("false pauses the endpoint (events for it are kept, not sent); true resumes it.")] bool? Active = null);

public sealed record WebhookDto(long Id, string Url, List<string> Events, string? Description, WebhookEndpointStatus Status, string? PausedReason,
    DateTime? PausedAt, int ConsecutiveFailures, DateTime CreatedAt, DateTime SecretCreatedAt)
{
    public static WebhookDto From(WebhookEndpoint e) => new(e.Id, e.Url, [.. e.Events.Split(' ', StringSplitOptions.RemoveEmptyEntries)], e.Description,
        e.Status, e.PausedReason, e.PausedAt, e.ConsecutiveFailures, e.CreatedAt, e.SecretCreatedAt);
}

/// <summary>A new endpoint or a renewed secret: the signing secret in clear, shown this once.</summary>
public sealed record WebhookWithSecret(WebhookDto Endpoint, string Secret);

public sealed record WebhookDeliveryDto(long Id, long EventId, string EventType, WebhookDeliveryStatus Status, int Attempts, DateTime CreatedAt,
    DateTime? LastAttemptAt, DateTime? NextAttemptAt, int? ResponseCode, int? DurationMs, string? ResponseExcerpt)
{
    public static WebhookDeliveryDto From(WebhookDelivery d) => new(d.Id, d.EventId, d.EventType, d.Status, d.Attempts, d.CreatedAt,
        d.LastAttemptAt, d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null, d.ResponseCode, d.DurationMs, d.ResponseExcerpt);
}

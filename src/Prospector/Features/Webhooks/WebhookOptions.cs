namespace Prospector.Features.Webhooks;

/// <summary>The "Webhooks" section of the configuration.</summary>
public sealed class WebhookOptions
{
    /// <summary>How often the dispatcher looks for events and due retries.</summary>
    public int PollSeconds { get; set; } = 5;
    /// <summary>Attempts keep going for this long after the event (exponential backoff with jitter), then the delivery fails.</summary>
    public int RetryHours { get; set; } = 24;
    /// <summary>An endpoint that failed this many attempts in a row is paused and the admins are told.</summary>
    public int PauseAfterFailures { get; set; } = 15;
    /// <summary>How long to wait for an answer.</summary>
    public int TimeoutSeconds { get; set; } = 10;
    /// <summary>
    /// FOR TESTS ONLY, empty by default: host names (exactly as in the URL, e.g. "127.0.0.1") that may be reached over plain
    /// http and on private or loopback addresses. Never set this in production — it switches off the SSRF guard for those hosts.
    /// </summary>
    public List<string> AllowInsecureHosts { get; set; } = [];
}

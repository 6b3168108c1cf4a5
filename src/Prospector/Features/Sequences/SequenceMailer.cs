namespace Prospector.Features.Sequences;

public enum SequenceMailStatus { Sent, Skipped, Failed }

/// <summary>
/// What became of a sequence e-mail: Sent (and logged as an outbound activity), Skipped (will never be sent, e.g. suppressed or
/// no address: the sequence goes on and the reason is kept) or Failed (a transient error: the step is tried again later).
/// </summary>
public sealed record SequenceMailResult(SequenceMailStatus Status, string? Reason = null)
{
    public static SequenceMailResult Sent() => new(SequenceMailStatus.Sent);
    public static SequenceMailResult Skipped(string reason) => new(SequenceMailStatus.Skipped, reason);
    public static SequenceMailResult Failed(string reason) => new(SequenceMailStatus.Failed, reason);
}

/// <summary>
/// The seam to the e-mail feature: sends an e-mail template to a contact on behalf of its owner and logs
/// the activity. The e-mail feature (templates and sending, issue #18 point 2) registers the real implementation.
/// </summary>
public interface ISequenceMailer
{
    Task<SequenceMailResult> SendAsync(long ownerUserId, long contactId, long templateId, CancellationToken ct);
}

/// <summary>Until e-mail templates exist: every e-mail step fails visibly (never silently dropped).</summary>
public sealed class UnavailableSequenceMailer : ISequenceMailer
{
    public const string Reason = "E-mail templates are not available yet";

    public Task<SequenceMailResult> SendAsync(long ownerUserId, long contactId, long templateId, CancellationToken ct) =>
        Task.FromResult(SequenceMailResult.Failed(Reason));
}

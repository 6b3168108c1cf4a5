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
/// the activity. Hosting/SequenceMail implements it with the e-mail feature's MailService.
/// </summary>
public interface ISequenceMailer
{
    Task<SequenceMailResult> SendAsync(long ownerUserId, long contactId, long templateId, CancellationToken ct);
}

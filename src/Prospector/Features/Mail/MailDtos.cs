using Prospector.Data;

namespace Prospector.Features.Mail;

/// <summary>A template as written: name, language (en, de or nl), subject and body with Liquid merge fields.</summary>
public sealed record TemplateInput(string? Name, string? Language, string? Subject, string? Body);

public sealed record TemplateDto(long Id, string Name, string Language, string Subject, string Body, DateTimeOffset UpdatedAt)
{
    public static TemplateDto Of(EmailTemplate t) =>
        new(t.Id, t.Name, t.Language, t.Subject, t.Body, new DateTimeOffset(t.UpdatedAt, TimeSpan.Zero));
}

/// <summary>What to preview: a saved template (templateId) or a text being written (subject, body, language), for one contact.</summary>
public sealed record PreviewRequest(long ContactId, long? TemplateId = null, string? Subject = null, string? Body = null, string? Language = null);

/// <summary>A rendered mail: what the contact would receive.</summary>
public sealed record PreviewDto(string To, string ToName, string Subject, string Body);

/// <summary>
/// One mail to one contact: a template (templateId), or subject and body written freely (merge fields allowed). Sent through
/// the configured SMTP server and logged as an outbound e-mail on the contact's timeline.
/// </summary>
public sealed record SendRequest(long ContactId, long? TemplateId = null, string? Subject = null, string? Body = null, string? Language = null);

/// <summary>
/// The mail that went out and the activity it was logged as. Logged is false (activityId null, note says why) only when the
/// server had accepted the mail and logging it failed afterwards: the mail is out, do not send it again.
/// </summary>
public sealed record SentDto(long? ActivityId, long ContactId, string To, string Subject, bool Logged = true, string? Note = null);

/// <summary>A mail (template or free text) to a selection of contacts, each with an unsubscribe link. dryRun only says who would get it.</summary>
public sealed record BulkSendRequest(IReadOnlyList<long> ContactIds, long? TemplateId = null, string? Subject = null, string? Body = null,
    string? Language = null, bool DryRun = false);

/// <summary>Why a contact is left out of a send.</summary>
/// <summary>
/// Why a contact is left out of a send: no address, withdrew e-mail consent, on the suppression list, not visible, the mail
/// could not be logged as the sender (checked before sending; e.g. a company the sender may not see), or the server refused it.
/// </summary>
public enum SkipReason { NoAddress, ConsentWithdrawn, Suppressed, NotFound, CannotLog, Failed }

/// <summary>A contact in a bulk answer; note: the server's reason for a failure, or why a sent mail is not logged.</summary>
public sealed record BulkContact(long ContactId, string Name, string? Note = null);

public sealed record BulkSkip(SkipReason Reason, int Count, IReadOnlyList<BulkContact> Contacts);

/// <summary>Who got the mail (or, on a dry run, would get it) and who was left out, per reason.</summary>
public sealed record BulkResultDto(bool DryRun, int Sent, IReadOnlyList<BulkContact> Recipients, IReadOnlyList<BulkSkip> Skipped);

public sealed record SuppressionDto(long Id, string Email, string Reason, DateTimeOffset CreatedAt);

public sealed record SuppressionInput(string? Email);

/// <summary>Whether the caller can send e-mail now: SMTP configured, and their sender name and signature.</summary>
public sealed record MailSettingsDto(bool SmtpConfigured, string SenderName, string? Signature, IReadOnlyList<string> MergeFields);

/// <summary>The caller's own sender name (empty: their display name) and signature.</summary>
public sealed record SenderInput(string? SenderName, string? Signature);

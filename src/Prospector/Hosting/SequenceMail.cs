using Prospector.Features.Common;
using Prospector.Features.Mail;
using Prospector.Features.Sequences;

namespace Prospector.Hosting;

/// <summary>
/// Joins nurturing sequences to e-mail (composition root, so neither feature folder depends on the other): an e-mail step
/// sends its template through <see cref="MailService.SendTemplateAsync"/> as the contact's owner would from the contact
/// page — consent, suppression list and what the owner may see all apply, and the mail is logged as an outbound activity.
/// A contact that cannot be mailed (no address, consent withdrawn, unsubscribed) or a template that is gone or does not
/// render is skipped with the reason; a mail server that is missing or refuses is a failure the runner retries.
/// </summary>
public sealed class SequenceMail(MailService mail) : ISequenceMailer
{
    public async Task<SequenceMailResult> SendAsync(long ownerUserId, long contactId, long templateId, CancellationToken ct)
    {
        var sent = await mail.SendTemplateAsync(ownerUserId, contactId, templateId, ct);
        return sent.Kind switch
        {
            OutcomeKind.Ok => SequenceMailResult.Sent(),
            OutcomeKind.Conflict when sent.Title is "Cannot e-mail this contact" => SequenceMailResult.Skipped(sent.Detail ?? sent.Title),
            OutcomeKind.Conflict => SequenceMailResult.Failed(sent.Detail ?? sent.Title ?? "The mail was not sent."),
            OutcomeKind.Invalid => SequenceMailResult.Skipped(string.Join(" ", sent.Errors?.Values.SelectMany(v => v) ?? [])),
            _ => SequenceMailResult.Skipped(sent.Detail ?? sent.Title ?? "The mail was not sent."),
        };
    }
}

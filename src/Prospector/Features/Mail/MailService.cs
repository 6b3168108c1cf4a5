using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Conversations;
using Prospector.Features.Reminders;

namespace Prospector.Features.Mail;

/// <summary>
/// E-mail from Prospector: renders a template (or a text written on the spot) for a contact, checks the contact's e-mail
/// consent and the suppression list, sends it through the configured SMTP server with the sender's name, and logs it as an
/// outbound e-mail on the contact's timeline (through <see cref="ConversationService"/>, the one write path for activities).
/// Nothing is logged when the mail did not go out. Pages, the API and background jobs (<see cref="SendTemplateAsync"/>) all
/// come here.
/// </summary>
public sealed class MailService(ProspectorDb db, ReminderMail smtp, ConversationService conversations, RecordAccess access,
    UnsubscribeTokens tokens, IOptions<ReminderOptions> links, TimeProvider time, IStringLocalizer<SharedResource> l, ILogger<MailService> log)
{
    public const int MaxBulk = 500;
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public bool SmtpConfigured => smtp.Enabled;

    public async Task<MailSettingsDto> SettingsAsync(long userId, CancellationToken ct = default)
    {
        var u = await db.Users.AsNoTracking().Where(x => x.Id == userId).Select(x => new { x.SenderName, x.Signature }).FirstOrDefaultAsync(ct);
        return new MailSettingsDto(smtp.Enabled, u?.SenderName ?? "", u?.Signature, MergeValues.Fields);
    }

    private sealed record Recipient(long Id, string Name, string? Email, string? Salutation, string FirstName, string? Prefix, string LastName,
        string? Company, string? OwnerName, string? OwnerSignature, bool ConsentWithdrawn, bool Suppressed);

    private sealed record Sender(long Id, string Name, string? Signature, string? Email);

    private sealed record Text(string Subject, string Body, string Language);

    /// <summary>
    /// For a background job (a nurturing step): sends template <paramref name="templateId"/> to the contact as the user
    /// <paramref name="senderUserId"/> would from the contact page — with what that user may see, the consent and suppression
    /// checks, and the activity logged. Needs no request or page.
    /// </summary>
    public async Task<Outcome<SentDto>> SendTemplateAsync(long senderUserId, long contactId, long templateId, CancellationToken ct = default)
    {
        // A deactivated user sends nothing any more, not even from a sequence they started.
        if (await db.Users.AnyAsync(u => u.Id == senderUserId && u.DeactivatedAt != null, ct))
            return Outcome<SentDto>.Conflict("The sender is deactivated", l["The mail was not sent: its sender's account is deactivated. Give the contact another owner."]);
        var scope = await access.ScopeOfUserAsync(senderUserId, ct);
        // A sequence's mail is not one the contact asked for one by one: it carries the unsubscribe link, like bulk mail.
        return await SendOneAsync(scope, new SendRequest(contactId, templateId), withUnsubscribe: true, ct);
    }

    /// <summary>Contacts the caller can see whose first name, last name or address starts with the text (the preview picker).</summary>
    public async Task<List<BulkContact>> ContactChoicesAsync(AccessScope scope, string text, CancellationToken ct = default)
    {
        var t = text.Trim().ToLowerInvariant();
        var rows = await scope.Filter(db.Contacts).AsNoTracking().Where(c => c.ErasedAt == null)
            .Where(c => t == "" || c.LastName.ToLower().StartsWith(t) || c.FirstName.ToLower().StartsWith(t) || (c.EmailKey != null && c.EmailKey.StartsWith(t)))
            .OrderBy(c => c.NameKey).Take(20).Select(c => new { c.Id, c.FirstName, c.NamePrefix, c.LastName }).ToListAsync(ct);
        return rows.Select(c => new BulkContact(c.Id, Contact.NameOf(c.FirstName, c.NamePrefix, c.LastName))).ToList();
    }

    /// <summary>Why this contact cannot be mailed now (no address, consent withdrawn, unsubscribed), or null.</summary>
    public async Task<string?> BlockedReasonAsync(AccessScope scope, long contactId, CancellationToken ct = default)
    {
        var r = (await RecipientsAsync(scope, [contactId], ct)).FirstOrDefault();
        return r is null ? l["There is no contact {0} that you can see.", contactId] : Blocked(r) is { } reason ? ReasonText(reason) : null;
    }

    public string ReasonText(SkipReason reason) => reason switch
    {
        SkipReason.NoAddress => l["No e-mail address"],
        SkipReason.ConsentWithdrawn => l["Withdrew e-mail consent"],
        SkipReason.Suppressed => l["Unsubscribed (suppression list)"],
        SkipReason.NotFound => l["Not Found"],
        SkipReason.CannotLog => l["Cannot be logged on the timeline"],
        _ => l["Sending failed"],
    };

    public async Task<Outcome<PreviewDto>> PreviewAsync(AccessScope scope, PreviewRequest request, CancellationToken ct = default)
    {
        var text = await TextAsync(request.TemplateId, request.Subject, request.Body, request.Language, ct);
        if (!text.IsOk) return text.As<PreviewDto>();
        var r = (await RecipientsAsync(scope, [request.ContactId], ct)).FirstOrDefault();
        if (r is null) return ContactNotFound<PreviewDto>(request.ContactId);
        var rendered = await RenderAsync(text.Value!, r, await SenderAsync(scope.UserId, ct));
        return rendered.IsOk ? new PreviewDto(r.Email ?? "", r.Name, rendered.Value!.Subject, rendered.Value.Body) : rendered.As<PreviewDto>();
    }

    /// <summary>Sends one mail to one contact and logs it. Refused (nothing sent, nothing logged) when the contact may not be mailed.</summary>
    public Task<Outcome<SentDto>> SendAsync(AccessScope scope, SendRequest request, CancellationToken ct = default) =>
        SendOneAsync(scope, request, withUnsubscribe: false, ct);

    /// <summary>
    /// One mail: everything the logged activity needs is checked before anything is sent (the contact and its company
    /// visible, the fields valid), so a mail the server accepted is logged; when logging still fails then, the answer says
    /// the mail went out and was not logged — never "not sent", so nobody sends it again. <paramref name="withUnsubscribe"/>:
    /// mail the contact did not ask for one by one (a sequence step) carries the unsubscribe link and headers.
    /// </summary>
    private async Task<Outcome<SentDto>> SendOneAsync(AccessScope scope, SendRequest request, bool withUnsubscribe, CancellationToken ct)
    {
        if (!smtp.Enabled) return NoSmtp<SentDto>();
        var text = await TextAsync(request.TemplateId, request.Subject, request.Body, request.Language, ct);
        if (!text.IsOk) return text.As<SentDto>();
        var r = (await RecipientsAsync(scope, [request.ContactId], ct)).FirstOrDefault();
        if (r is null) return ContactNotFound<SentDto>(request.ContactId);
        if (Blocked(r) is { } reason)
            return Outcome<SentDto>.Conflict(CannotMail, reason switch
            {
                SkipReason.NoAddress => l["{0} has no e-mail address.", r.Name],
                SkipReason.ConsentWithdrawn => l["{0} withdrew consent to e-mail; nothing was sent.", r.Name],
                _ => l["{0} unsubscribed from e-mail (suppression list); nothing was sent.", r.Name],
            }, new Dictionary<string, object?> { ["reason"] = reason.ToString() });
        var sender = await SenderAsync(scope.UserId, ct);
        var rendered = await RenderAsync(text.Value!, r, sender);
        if (!rendered.IsOk) return rendered.As<SentDto>();
        if (await CannotLogAsync(scope, r, rendered.Value!, ct) is { } why)
            return Outcome<SentDto>.Conflict(CannotMail, l["The mail to {0} could not be logged on the timeline, so nothing was sent: {1}", r.Name, why],
                new Dictionary<string, object?> { ["reason"] = SkipReason.CannotLog.ToString() });
        await using var batch = smtp.OpenBatch();
        if (await DeliverAsync(batch, r, sender, rendered.Value!, withUnsubscribe, ct) is { } error)
            return Outcome<SentDto>.Conflict("The mail server refused the mail", l["The mail was not sent and nothing was logged: {0}", error]);
        return await LogSentAsync(scope, r, rendered.Value!);
    }

    /// <summary>
    /// One mail to each of a selection of contacts, each with its own unsubscribe link, over one SMTP connection. Contacts
    /// without an address, who withdrew e-mail consent or are on the suppression list are left out and named, per reason; a
    /// dry run only says so. A recipient the server refuses fails alone; the others still go out.
    /// </summary>
    public async Task<Outcome<BulkResultDto>> BulkAsync(AccessScope scope, BulkSendRequest request, CancellationToken ct = default)
    {
        if (!request.DryRun && !smtp.Enabled) return NoSmtp<BulkResultDto>();
        var ids = (request.ContactIds ?? []).Distinct().ToList();
        if (ids.Count is 0 or > MaxBulk) return Outcome<BulkResultDto>.Invalid("contactIds", l["Choose 1 to {0} contacts.", MaxBulk]);
        var text = await TextAsync(request.TemplateId, request.Subject, request.Body, request.Language, ct);
        if (!text.IsOk) return text.As<BulkResultDto>();
        var recipients = await RecipientsAsync(scope, ids, ct);
        var skipped = new List<(SkipReason Reason, BulkContact Contact)>();
        foreach (var id in ids.Where(id => recipients.All(r => r.Id != id))) skipped.Add((SkipReason.NotFound, new BulkContact(id, "")));
        var sender = await SenderAsync(scope.UserId, ct);
        var sendable = new List<(Recipient R, Text Text)>();
        foreach (var r in recipients)
        {
            if (Blocked(r) is { } reason) { skipped.Add((reason, new BulkContact(r.Id, r.Name))); continue; }
            var rendered = await RenderAsync(text.Value!, r, sender);
            if (!rendered.IsOk) return rendered.As<BulkResultDto>();
            if (await CannotLogAsync(scope, r, rendered.Value!, ct) is { } why) skipped.Add((SkipReason.CannotLog, new BulkContact(r.Id, r.Name, why)));
            else sendable.Add((r, rendered.Value!));
        }
        var sent = new List<BulkContact>();
        if (request.DryRun) sent.AddRange(sendable.Select(x => new BulkContact(x.R.Id, x.R.Name)));
        else
        {
            await using var batch = smtp.OpenBatch();
            foreach (var (r, rendered) in sendable)
            {
                if (await DeliverAsync(batch, r, sender, rendered, withUnsubscribe: true, ct) is { } error)
                {
                    skipped.Add((SkipReason.Failed, new BulkContact(r.Id, r.Name, error)));
                    continue;
                }
                var logged = await LogSentAsync(scope, r, rendered);
                sent.Add(new BulkContact(r.Id, r.Name, logged.Value!.Logged ? null : logged.Value.Note));
            }
        }
        var groups = skipped.GroupBy(s => s.Reason).OrderBy(g => g.Key)
            .Select(g => new BulkSkip(g.Key, g.Count(), g.Select(x => x.Contact).ToList())).ToList();
        return new BulkResultDto(request.DryRun, request.DryRun ? 0 : sent.Count, sent, groups);
    }

    private const string CannotMail = "Cannot e-mail this contact";

    private static NewActivity ActivityOf(Recipient r, Text text) =>
        new(r.Id, null, null, Channel.Email, Direction.Outbound, Subject: Cap(text.Subject, 200), Notes: Cap(text.Body, ActivityWrites.NotesMax));

    /// <summary>Why the mail could not be logged as the caller (e.g. the contact's company is one they may not see), or null.</summary>
    private async Task<string?> CannotLogAsync(AccessScope scope, Recipient r, Text text, CancellationToken ct)
    {
        var check = await conversations.CheckAsync(scope, ActivityOf(r, text), ct);
        return check.IsOk ? null : string.Join(" ", check.Errors.SelectMany(e => e.Value).Append(check.Detail ?? "").Where(m => m.Length > 0));
    }

    /// <summary>
    /// Logs a mail the server accepted. It is sent whatever happens now: the request being cancelled does not stop the log
    /// (no token), and a log that fails anyway is reported as "sent, not logged" so nobody sends it again.
    /// </summary>
    private async Task<Outcome<SentDto>> LogSentAsync(AccessScope scope, Recipient r, Text text)
    {
        string why;
        try
        {
            var logged = await conversations.LogAsync(scope, ActivityOf(r, text), CancellationToken.None);
            if (logged.IsOk) return new SentDto(logged.Value!.Id, r.Id, r.Email!, text.Subject);
            why = string.Join(" ", logged.Errors.SelectMany(e => e.Value).Append(logged.Detail ?? "").Where(m => m.Length > 0));
        }
        catch (Exception e) // the database, mostly: the mail is out, so this is a report, never a "not sent"
        {
            log.LogError(e, "E-mail to contact {ContactId} was sent but could not be logged", r.Id);
            why = e.Message;
        }
        db.ChangeTracker.Clear();
        log.LogWarning("E-mail to contact {ContactId} was sent but not logged: {Reason}", r.Id, why);
        return new SentDto(null, r.Id, r.Email!, text.Subject, Logged: false,
            Note: l["The mail to {0} was sent, but it could not be logged on the timeline: {1}", r.Name, why]);
    }

    /// <summary>Sends one mail over the batch's connection; the server's reason when it was not sent, else null.</summary>
    private async Task<string?> DeliverAsync(SmtpBatch batch, Recipient r, Sender sender, Text text, bool withUnsubscribe, CancellationToken ct)
    {
        var message = new MimeMessage();
        var from = smtp.From;
        message.From.Add(new MailboxAddress(sender.Name, from.Address));
        if (!string.IsNullOrEmpty(sender.Email)) message.ReplyTo.Add(new MailboxAddress(sender.Name, sender.Email));
        message.To.Add(new MailboxAddress(r.Name, r.Email!));
        message.Subject = text.Subject;
        var body = text.Body;
        string? unsubscribe = null;
        if (withUnsubscribe)
        {
            // RFC 8058: a mail program may offer its own "unsubscribe" button, which POSTs List-Unsubscribe=One-Click there.
            unsubscribe = $"{links.Value.PublicUrl.TrimEnd('/')}/u/{tokens.For(r.Id, r.Email!)}";
            message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            body += "\n\n-- \n" + Footer(text.Language) + "\n" + unsubscribe;
        }
        var html = "<div style=\"font-family:sans-serif;white-space:pre-wrap\">" + WebUtility.HtmlEncode(text.Body) + "</div>";
        if (unsubscribe is not null)
            html += $"<p style=\"font-family:sans-serif;font-size:12px;color:#666\">{WebUtility.HtmlEncode(Footer(text.Language))} <a href=\"{WebUtility.HtmlEncode(unsubscribe)}\">{WebUtility.HtmlEncode(unsubscribe)}</a></p>";
        message.Body = new BodyBuilder { TextBody = body, HtmlBody = html }.ToMessageBody();
        try
        {
            await batch.SendAsync(message, ct);
            return null;
        }
        catch (Exception e) when (e is MailKit.Net.Smtp.SmtpCommandException or MailKit.Net.Smtp.SmtpProtocolException or MailKit.ServiceNotConnectedException
            or MailKit.Security.AuthenticationException or System.Net.Sockets.SocketException or IOException or TimeoutException or OperationCanceledException
            or MailKit.Security.SslHandshakeException)
        {
            if (e is OperationCanceledException && ct.IsCancellationRequested) throw;
            log.LogWarning(e, "E-mail to contact {ContactId} was not sent", r.Id);
            return e.Message;
        }
    }

    private static string Cap(string s, int max) => UnicodeText.Prefix(s, max);

    private static string Footer(string language) => language switch
    {
        "de" => "Sie möchten keine solchen E-Mails mehr erhalten? Hier abmelden:",
        "nl" => "Wilt u deze e-mails niet meer ontvangen? Afmelden:",
        _ => "Don't want these e-mails any more? Unsubscribe:",
    };

    private static SkipReason? Blocked(Recipient r) =>
        string.IsNullOrWhiteSpace(r.Email) ? SkipReason.NoAddress
        : r.ConsentWithdrawn ? SkipReason.ConsentWithdrawn
        : r.Suppressed ? SkipReason.Suppressed
        : null;

    private async Task<Outcome<Text>> TextAsync(long? templateId, string? subject, string? body, string? language, CancellationToken ct)
    {
        if (templateId is { } id)
        {
            var t = await db.EmailTemplates.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (t is null) return Outcome<Text>.NotFound("Template not found", l["There is no e-mail template {0}.", id]);
            return new Text(subject ?? t.Subject, body ?? t.Body, t.Language);
        }
        var lang = language?.Trim().ToLowerInvariant() ?? "en";
        var errors = new Dictionary<string, string[]>();
        if (!TemplateService.Languages.Contains(lang)) errors["language"] = [l["{0} must be one of: {1}.", "language", "en, de, nl"]];
        new TemplateService(db, time, l).Check(errors, "subject", subject, 500);
        new TemplateService(db, time, l).Check(errors, "body", body, 50_000);
        return errors.Count > 0 ? Outcome<Text>.Invalid(errors) : new Text(subject!.Trim(), body!, lang);
    }

    private async Task<Outcome<Text>> RenderAsync(Text text, Recipient r, Sender sender)
    {
        var values = new MergeValues(
            Salutations.Salutation(text.Language, r.Salutation, r.FirstName, r.Prefix, r.LastName),
            r.FirstName, Salutations.LastNameAlone(r.Prefix, r.LastName), r.Name, r.Company ?? "", r.OwnerName ?? "", r.OwnerSignature ?? "",
            sender.Signature ?? "", sender.Name, r.Email ?? "");
        var (subject, subjectError) = await TemplateRenderer.RenderAsync(text.Subject, values);
        var (body, bodyError) = await TemplateRenderer.RenderAsync(text.Body, values);
        var errors = new Dictionary<string, string[]>();
        if (subjectError is not null) errors["subject"] = [l["The {0} is not a valid template: {1}", "subject", subjectError]];
        if (bodyError is not null) errors["body"] = [l["The {0} is not a valid template: {1}", "body", bodyError]];
        if (errors.Count > 0) return Outcome<Text>.Invalid(errors);
        // A subject is one line: a merge field cannot add headers.
        return new Text(subject!.ReplaceLineEndings(" ").Trim(), body!, text.Language);
    }

    private async Task<List<Recipient>> RecipientsAsync(AccessScope scope, IReadOnlyList<long> ids, CancellationToken ct)
    {
        var rows = await scope.Filter(db.Contacts).AsNoTracking().Where(c => ids.Contains(c.Id) && c.ErasedAt == null)
            .Select(c => new
            {
                c.Id, c.Salutation, c.FirstName, c.NamePrefix, c.LastName, c.Email, c.EmailKey,
                Company = c.Company == null ? null : c.Company.Name,
                OwnerName = c.Owner == null ? null : c.Owner.DisplayName,
                OwnerSignature = c.Owner == null ? null : c.Owner.Signature,
                Consent = db.ConsentRecords.Where(x => x.ContactId == c.Id && x.Channel == ConsentChannel.Email)
                    .OrderByDescending(x => x.GivenAt).ThenByDescending(x => x.Id).Select(x => (ConsentStatus?)x.Status).FirstOrDefault(),
            }).ToListAsync(ct);
        var keys = rows.Where(r => r.EmailKey != null).Select(r => r.EmailKey!).ToList();
        var suppressed = (await db.SuppressedAddresses.Where(s => keys.Contains(s.Email)).Select(s => s.Email).ToListAsync(ct)).ToHashSet();
        return rows.Select(c => new Recipient(c.Id, Contact.NameOf(c.FirstName, c.NamePrefix, c.LastName), c.Email, c.Salutation, c.FirstName,
            c.NamePrefix, c.LastName, c.Company, c.OwnerName, c.OwnerSignature, c.Consent == ConsentStatus.Withdrawn,
            c.EmailKey != null && suppressed.Contains(c.EmailKey))).ToList();
    }

    private async Task<Sender> SenderAsync(long userId, CancellationToken ct)
    {
        var u = await db.Users.AsNoTracking().Where(x => x.Id == userId).Select(x => new { x.DisplayName, x.SenderName, x.Signature, x.Email }).FirstOrDefaultAsync(ct);
        return u is null ? new Sender(userId, "Prospector", null, null)
            : new Sender(userId, string.IsNullOrWhiteSpace(u.SenderName) ? u.DisplayName : u.SenderName, u.Signature, u.Email);
    }

    private Outcome<T> NoSmtp<T>() =>
        Outcome<T>.Conflict("E-mail is not configured", l["No SMTP server is configured (Smtp__Host), so Prospector cannot send e-mail. Nothing was sent or logged."]);

    private Outcome<T> ContactNotFound<T>(long id) => Outcome<T>.NotFound("Contact not found", l["There is no contact {0} that you can see.", id]);
}

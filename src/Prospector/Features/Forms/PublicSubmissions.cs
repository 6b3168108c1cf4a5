using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Forms;

/// <summary>Limits of the public form (configuration section <c>Forms</c>).</summary>
public sealed class WebFormOptions
{
    /// <summary>A page sent back sooner than this after it was shown goes to review (people take longer to type).</summary>
    public double MinSecondsToSubmit { get; set; } = 3;
    /// <summary>Submissions per minute and client address; more answer 429.</summary>
    public int SubmissionsPerMinute { get; set; } = 10;
    /// <summary>The largest submission body accepted; larger ones answer 413.</summary>
    public int MaxBodyBytes { get; set; } = 32 * 1024;
}

/// <summary>What a visitor sent: the values of the known fields, the consent box, the hidden checks.</summary>
public sealed record SentForm(Dictionary<string, string> Values, bool Consent, string Language, string? Token, string? Honeypot);

public enum SubmitKind { NotFound, Invalid, Accepted, HeldForReview }

/// <summary>What became of a submission; <see cref="Errors"/> (field → message) only for <see cref="SubmitKind.Invalid"/>.</summary>
public sealed record SubmitResult(SubmitKind Kind, WebForm? Form, IReadOnlyDictionary<string, string>? Errors = null, long? SubmissionId = null);

/// <summary>
/// The public side of web forms: a visitor's submission is checked (honeypot, time since the page was shown, the signed
/// token), then either held for review (never a contact) or turned into a lead through <see cref="LeadIntake"/> — the
/// submission, the contact, its consent, the inbound conversation and the next action in one transaction.
/// </summary>
public sealed class PublicSubmissions(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, LeadIntake intake,
    FormTokens tokens, IOptions<WebFormOptions> options, ILogger<PublicSubmissions> log)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public Task<WebForm?> FindActiveAsync(string slug, CancellationToken ct) =>
        db.WebForms.AsNoTracking().FirstOrDefaultAsync(f => f.Slug == slug && f.Active, ct);

    public async Task<SubmitResult> SubmitAsync(string slug, SentForm sent, CancellationToken ct)
    {
        var form = await FindActiveAsync(slug, ct);
        if (form is null) return new(SubmitKind.NotFound, null);
        var reason = SpamReason(form, sent);
        if (reason is null && FormValidation.Check(form, sent.Values, sent.Consent, l) is { Count: > 0 } errors)
            return new(SubmitKind.Invalid, form, errors);
        if (reason is not null) return new(SubmitKind.HeldForReview, form, SubmissionId: await HoldAsync(form, sent, reason, ct));

        var outcome = await UnitOfWork.RunAsync(db, async () =>
        {
            var made = await intake.IntakeAsync(form, sent.Values, sent.Language, sent.Consent, Now, ct);
            if (!made.IsOk) return made.As<FormSubmission>();
            var s = NewSubmission(form, sent, SubmissionStatus.Accepted, null);
            (s.ContactId, s.CreatedContact, s.HandledAt) = (made.Value!.ContactId, made.Value.Created, Now);
            db.FormSubmissions.Add(s);
            return s;
        }, ct);
        if (outcome.IsOk) return new(SubmitKind.Accepted, form, SubmissionId: outcome.Value!.Id);
        // Nothing the visitor can mend (the owner left, the team has no rep): keep the request for an admin.
        log.LogWarning("Web form {Form}: submission held for review: {Problem}", form.Id, string.Join("; ", outcome.Errors.SelectMany(e => e.Value)));
        db.ChangeTracker.Clear();
        return new(SubmitKind.HeldForReview, form, SubmissionId: await HoldAsync(form, sent, "no owner", ct));
    }

    private string? SpamReason(WebForm form, SentForm sent)
    {
        if (!string.IsNullOrEmpty(sent.Honeypot)) return "honeypot";
        if (!tokens.TryRead(sent.Token, form.Id, out var renderedAt)) return "token";
        if (renderedAt is { } at && time.GetUtcNow() - at < TimeSpan.FromSeconds(options.Value.MinSecondsToSubmit)) return "too fast";
        return null;
    }

    private async Task<long> HoldAsync(WebForm form, SentForm sent, string reason, CancellationToken ct)
    {
        var s = NewSubmission(form, sent, SubmissionStatus.Review, reason);
        db.FormSubmissions.Add(s);
        await db.SaveChangesAsync(ct);
        return s.Id;
    }

    private FormSubmission NewSubmission(WebForm form, SentForm sent, SubmissionStatus status, string? reason) => new()
    {
        FormId = form.Id, ReceivedAt = Now, Status = status, ReviewReason = reason, Language = sent.Language, ConsentGiven = sent.Consent,
        Values = JsonSerializer.Serialize(sent.Values.ToDictionary(kv => kv.Key,
            kv => kv.Value.Length > FormFields.Find(kv.Key)!.MaxLength ? kv.Value[..FormFields.Find(kv.Key)!.MaxLength] : kv.Value)),
    };
}

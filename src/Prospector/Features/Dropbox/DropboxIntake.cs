using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Conversations;

namespace Prospector.Features.Dropbox;

public enum IntakeResult { Logged, Unmatched, Duplicate, Held, Failed }

/// <summary>Why a message was held or not read (stored in <see cref="DropboxMessage.Problem"/>; the review page translates them).</summary>
public static class DropboxProblems
{
    /// <summary>None of its To/Cc/delivery headers names the current secret dropbox address (an old or a guessed one).</summary>
    public const string NotAddressed = "not-addressed";
    /// <summary>Its Authentication-Results say dmarc=fail or spf=fail for its From domain; the detail follows after ": ".</summary>
    public const string AuthFailed = "auth-failed";
    /// <summary>Larger than Dropbox:MaxMessageBytes with no text part small enough to read on its own.</summary>
    public const string TooLarge = "too-large";
    /// <summary>Fetching or reading it failed; the detail follows after ": ".</summary>
    public const string Unreadable = "unreadable";
    /// <summary>Logging it failed on several rounds in a row; the detail follows after ": ".</summary>
    public const string Failing = "failing";

    public static string With(string code, string? detail) => detail is { Length: > 0 } d ? Cut($"{code}: {d}") : code;

    public static string Cut(string s) => UnicodeText.Prefix(s, 500);
}

/// <summary>
/// Takes one fetched message in: checks that it was sent to the workspace's secret dropbox address and did not fail its
/// sender's authentication (else it is held for admins, never logged), finds its contacts and its user — for a forwarded mail
/// those of the original — then claims it and logs it in ONE transaction. The claim is the insert of its
/// <see cref="DropboxMessage.MessageKey"/> under a unique index, made first: a second insert of the same message (a second
/// delivery, a restart before the IMAP flag was set, another instance) fails and logs nothing, and a crash before the commit
/// leaves neither claim nor activity, so the next run logs it. Activities go through <see cref="ConversationService"/> like
/// every other conversation.
/// </summary>
public sealed class DropboxIntake(ProspectorDb db, ConversationService conversations, DropboxSecret secret, TimeProvider time)
{
    /// <summary>At most this many contacts per message (a mail to a whole distribution list is not 500 activities).</summary>
    public const int MaxContacts = 50;

    /// <summary>Test seam: runs inside the transaction after the activities were written, before the commit.</summary>
    public Func<DropboxMail, Task>? BeforeCommit { get; set; }

    /// <summary>Whether the message was claimed already (cheap check before downloading it whole).</summary>
    public Task<bool> SeenAsync(string key, CancellationToken ct) => db.DropboxMessages.AnyAsync(m => m.MessageKey == key, ct);

    public async Task<IntakeResult> TakeAsync(DropboxMail mail, CancellationToken ct)
    {
        if (await SeenAsync(mail.Key, ct)) return IntakeResult.Duplicate;
        var address = await secret.AddressAsync(ct);
        var dropbox = secret.BaseAddress ?? "";
        bool IsDropbox(string a) => dropbox.Length > 0 && DropboxSecret.IsDropbox(a, dropbox);
        var problem = address is null || !mail.DeliveredTo.Contains(address) ? DropboxProblems.NotAddressed
            : mail.AuthFailure is { } failure ? DropboxProblems.With(DropboxProblems.AuthFailed, failure) : null;

        // A mail addressed to nobody but the dropbox, quoting or attaching another, is a forward: the original's people count.
        // Only a forward by an active user that passed the sender checks: anyone else could write "From: rep@…" into a body
        // and have it logged as that rep's outbound mail.
        var forwarderKey = mail.From.ToUpperInvariant();
        var byUser = mail.Forwarded is not null && mail.AuthFailure is null && mail.From.Length > 0
            && await db.Users.AnyAsync(u => u.NormalizedEmail == forwarderKey && u.DeactivatedAt == null, ct);
        var original = mail.Forwarded is { } fw && byUser && mail.Recipients.All(IsDropbox) ? fw : null;
        var effective = original is null ? mail : mail with
        {
            From = original.From,
            FromName = original.FromName,
            Recipients = original.Recipients,
            SentAt = original.SentAt ?? mail.SentAt,
            Subject = original.Subject is { } s ? (s.Length > DropboxMail.SubjectMax ? s[..(DropboxMail.SubjectMax - 1)] + "…" : s) : mail.Subject,
        };
        var addresses = effective.Recipients.Prepend(effective.From).Append(mail.From)
            .Where(a => a.Length > 0 && !IsDropbox(a)).Distinct().ToList();
        var upper = addresses.Select(a => a.ToUpperInvariant()).ToList();
        var users = await db.Users.Where(u => u.NormalizedEmail != null && upper.Contains(u.NormalizedEmail))
            .Select(u => new { u.Id, Key = u.NormalizedEmail! }).ToListAsync(ct);
        var userOf = users.ToDictionary(u => u.Key.ToLowerInvariant(), u => u.Id);
        // Mail FROM a user went out; anything else came in, to the first user among its recipients (if any) — for a forward,
        // else to the user who forwarded it.
        long? fromUser = userOf.TryGetValue(effective.From, out var f) ? f : null;
        var direction = fromUser is null ? Direction.Inbound : Direction.Outbound;
        var user = fromUser ?? effective.Recipients.Where(userOf.ContainsKey).Select(r => (long?)userOf[r]).FirstOrDefault()
            ?? (original is not null && userOf.TryGetValue(mail.From, out var forwarder) ? forwarder : null);
        var keys = effective.Recipients.Prepend(effective.From).Where(a => a.Length > 0 && !IsDropbox(a) && !userOf.ContainsKey(a)).Distinct().ToList();
        var contacts = problem is not null ? [] : await db.Contacts.Where(c => c.EmailKey != null && keys.Contains(c.EmailKey) && c.ErasedAt == null)
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.OwnerId }).Take(MaxContacts).ToListAsync(ct);

        var now = time.GetUtcNow().UtcDateTime;
        var status = problem is not null ? DropboxMailStatus.Held : contacts.Count > 0 ? DropboxMailStatus.Logged : DropboxMailStatus.Unmatched;
        var row = new DropboxMessage
        {
            MessageKey = mail.Key, Status = status, Problem = problem,
            Direction = direction, FetchedAt = now, SentAt = effective.SentAt, FromAddress = Cut(effective.From, 320), FromName = effective.FromName is { } fromName ? Cut(fromName, 200) : null,
            Recipients = Cut(string.Join(", ", effective.Recipients), 4000), Subject = effective.Subject,
            Body = contacts.Count > 0 ? null : effective.Text, Logged = contacts.Count,
            // A held message's sender is not trusted: it belongs to no user (only admins see held mail).
            OwnerId = problem is null ? user : null,
        };
        await using var tx = await ClaimAsync(row, ct);
        if (tx is null) return IntakeResult.Duplicate;
        foreach (var c in contacts)
            await LogAsync(effective, c.Id, user ?? c.OwnerId, direction, now, ct);
        if (BeforeCommit is { } hook) await hook(mail);
        await tx.CommitAsync(ct);
        return status switch { DropboxMailStatus.Held => IntakeResult.Held, DropboxMailStatus.Logged => IntakeResult.Logged, _ => IntakeResult.Unmatched };
    }

    /// <summary>
    /// Records a message that cannot be read or logged, once: it is claimed as <see cref="DropboxMailStatus.Failed"/> with the
    /// reason, so it is skipped from now on and admins see it in review. False when it was claimed already.
    /// </summary>
    public async Task<bool> RecordFailedAsync(string key, string? from, string? subject, DateTime sentAt, string problem, CancellationToken ct)
    {
        if (await SeenAsync(key, ct)) return false;
        var row = new DropboxMessage
        {
            MessageKey = key, Status = DropboxMailStatus.Failed, Problem = DropboxProblems.Cut(problem), Direction = Direction.Inbound,
            FetchedAt = time.GetUtcNow().UtcDateTime, SentAt = sentAt, FromAddress = Cut(DropboxMail.Normal(from), 320),
            Subject = subject is null ? null : subject.Length > DropboxMail.SubjectMax ? subject[..(DropboxMail.SubjectMax - 1)] + "…" : subject,
        };
        await using var tx = await ClaimAsync(row, ct);
        if (tx is null) return false;
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Inserts the claim in a new transaction and answers it, still open; null when another run claimed it first.</summary>
    private async Task<IDbContextTransaction?> ClaimAsync(DropboxMessage row, CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        db.DropboxMessages.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return tx;
        }
        catch (DbUpdateException)
        {
            // Another instance (or an earlier run) claimed it between the check and the insert: nothing is logged twice.
            await tx.RollbackAsync(ct);
            await tx.DisposeAsync();
            db.ChangeTracker.Clear();
            if (await SeenAsync(row.MessageKey, ct)) return null;
            throw;
        }
    }

    /// <summary>
    /// Logs the mail on one contact as an e-mail activity by <paramref name="userId"/> (null: nobody's). The dropbox is the
    /// workspace's own mailbox, so it logs with a system scope; who may SEE the activity is still the contact's rule.
    /// </summary>
    internal async Task<long> LogAsync(DropboxMail mail, long contactId, long? userId, Direction direction, DateTime now, CancellationToken ct)
    {
        var scope = new AccessScope(userId ?? 0, Roles.Admin, [], [], SeesAll: true);
        var at = mail.SentAt > now ? now : mail.SentAt;
        var outcome = await conversations.LogAsync(scope, new NewActivity(contactId, null, null, Channel.Email, direction,
            OccurredAt: new DateTimeOffset(at, TimeSpan.Zero), Subject: mail.Subject, Notes: mail.Text.Length > 0 ? DropboxMail.Shorten(mail.Text, DropboxMail.NotesMax) : null), ct);
        if (!outcome.IsOk)
            throw new InvalidOperationException($"The e-mail could not be logged on contact {contactId}: "
                + string.Join(" ", outcome.Errors.SelectMany(e => e.Value).DefaultIfEmpty(outcome.Title ?? "")));
        return outcome.Value!.Id;
    }

    private static string Cut(string s, int max) => UnicodeText.Prefix(s, max);
}

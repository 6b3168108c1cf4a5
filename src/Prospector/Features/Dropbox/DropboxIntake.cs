using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Conversations;

namespace Prospector.Features.Dropbox;

public enum IntakeResult { Logged, Unmatched, Duplicate }

/// <summary>
/// Takes one fetched message in: finds its contacts and its user, then claims it and logs it in ONE transaction. The claim is
/// the insert of its <see cref="DropboxMessage.MessageKey"/> under a unique index, made first: a second insert of the same
/// message (a second delivery, a restart before the IMAP flag was set, another instance) fails and logs nothing, and a crash
/// before the commit leaves neither claim nor activity, so the next run logs it. Activities go through
/// <see cref="ConversationService"/> like every other conversation.
/// </summary>
public sealed class DropboxIntake(ProspectorDb db, ConversationService conversations, TimeProvider time, IOptions<DropboxOptions> options)
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
        var dropbox = DropboxMail.Normal(options.Value.Address);
        var addresses = mail.Recipients.Prepend(mail.From).Where(a => a.Length > 0 && a != dropbox).Distinct().ToList();
        var upper = addresses.Select(a => a.ToUpperInvariant()).ToList();
        var users = await db.Users.Where(u => u.NormalizedEmail != null && upper.Contains(u.NormalizedEmail))
            .Select(u => new { u.Id, Key = u.NormalizedEmail! }).ToListAsync(ct);
        var userOf = users.ToDictionary(u => u.Key.ToLowerInvariant(), u => u.Id);
        // Mail FROM a user went out; anything else came in, to the first user among its recipients (if any).
        long? fromUser = userOf.TryGetValue(mail.From, out var f) ? f : null;
        var direction = fromUser is null ? Direction.Inbound : Direction.Outbound;
        var user = fromUser ?? mail.Recipients.Where(userOf.ContainsKey).Select(r => (long?)userOf[r]).FirstOrDefault();
        var keys = addresses.Where(a => !userOf.ContainsKey(a)).ToList();
        var contacts = await db.Contacts.Where(c => c.EmailKey != null && keys.Contains(c.EmailKey) && c.ErasedAt == null)
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.OwnerId }).Take(MaxContacts).ToListAsync(ct);

        var now = time.GetUtcNow().UtcDateTime;
        var row = new DropboxMessage
        {
            MessageKey = mail.Key, Status = contacts.Count > 0 ? DropboxMailStatus.Logged : DropboxMailStatus.Unmatched,
            Direction = direction, FetchedAt = now, SentAt = mail.SentAt, FromAddress = Cut(mail.From, 320), FromName = mail.FromName,
            Recipients = Cut(string.Join(", ", mail.Recipients), 4000), Subject = mail.Subject,
            Body = contacts.Count > 0 ? null : mail.Text, Logged = contacts.Count, OwnerId = user,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.DropboxMessages.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance (or an earlier run) claimed it between the check and the insert: nothing is logged twice.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            if (await SeenAsync(mail.Key, ct)) return IntakeResult.Duplicate;
            throw;
        }
        foreach (var c in contacts)
            await LogAsync(mail, c.Id, user ?? c.OwnerId, direction, now, ct);
        if (BeforeCommit is { } hook) await hook(mail);
        await tx.CommitAsync(ct);
        return contacts.Count > 0 ? IntakeResult.Logged : IntakeResult.Unmatched;
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
            OccurredAt: new DateTimeOffset(at, TimeSpan.Zero), Subject: mail.Subject, Notes: mail.Text.Length > 0 ? mail.Text : null), ct);
        if (!outcome.IsOk)
            throw new InvalidOperationException($"The e-mail could not be logged on contact {contactId}: "
                + string.Join(" ", outcome.Errors.SelectMany(e => e.Value).DefaultIfEmpty(outcome.Title ?? "")));
        return outcome.Value!.Id;
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Mail;

/// <summary>
/// The suppression list (addresses no bulk or template mail goes to; admins see and edit it), the public unsubscribe that
/// fills it, and each user's sender name and signature.
/// </summary>
public sealed class Suppressions(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public const string Unsubscribed = "unsubscribe";
    public const string Manual = "manual";
    private DateTime Now => time.GetUtcNow().UtcDateTime;
    private Outcome<T> AdminsOnly<T>() => Outcome<T>.Forbidden("Forbidden", l["Only admins keep the suppression list."]);

    public async Task<Outcome<List<SuppressedAddress>>> ListAsync(AccessScope scope, CancellationToken ct = default) =>
        scope.IsAdmin ? await db.SuppressedAddresses.AsNoTracking().OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).ToListAsync(ct)
            : AdminsOnly<List<SuppressedAddress>>();

    public Task<Outcome<SuppressedAddress>> AddAsync(AccessScope scope, string? email, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsAdmin) return AdminsOnly<SuppressedAddress>();
        var key = email?.Trim().ToLowerInvariant() ?? "";
        if (key.Length is 0 or > 320 || !MimeKit.MailboxAddress.TryParse(key, out var parsed) || parsed.Address != key || !key.Contains('@'))
            return Outcome<SuppressedAddress>.Invalid("email", l["Give one e-mail address."]);
        if (await db.SuppressedAddresses.FirstOrDefaultAsync(s => s.Email == key, ct) is { } existing) return existing;
        var row = new SuppressedAddress { Email = key, Reason = Manual, CreatedAt = Now, CreatedById = scope.UserId };
        db.SuppressedAddresses.Add(row);
        return row;
    }, ct);

    public Task<Outcome<Done>> RemoveAsync(AccessScope scope, long id, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsAdmin) return AdminsOnly<Done>();
        var row = await db.SuppressedAddresses.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (row is null) return Outcome<Done>.NotFound("Not found", l["There is no entry {0} on the suppression list.", id]);
        db.SuppressedAddresses.Remove(row);
        return new Done();
    }, ct);

    /// <summary>
    /// The reader of a mail followed its unsubscribe link: the address goes on the suppression list and the contact's e-mail
    /// consent is recorded as withdrawn (once; a second click changes nothing).
    /// </summary>
    public async Task<Outcome<Done>> UnsubscribeAsync(long contactId, string email, CancellationToken ct = default)
    {
        // Two clicks at once (a mail program's one-click and the reader's button): both may find the address missing and
        // insert it; the unique index lets one win. The other runs again and finds everything done — never an error page.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await UnsubscribeOnceAsync(contactId, email, ct);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private Task<Outcome<Done>> UnsubscribeOnceAsync(long contactId, string email, CancellationToken ct) => UnitOfWork.RunAsync<Done>(db, async () =>
    {
        var key = email.Trim().ToLowerInvariant();
        var now = Now;
        if (!await db.SuppressedAddresses.AnyAsync(s => s.Email == key, ct))
            db.SuppressedAddresses.Add(new SuppressedAddress { Email = key, Reason = Unsubscribed, CreatedAt = now });
        var latest = await db.ConsentRecords.Where(x => x.ContactId == contactId && x.Channel == ConsentChannel.Email)
            .OrderByDescending(x => x.GivenAt).ThenByDescending(x => x.Id).Select(x => (ConsentStatus?)x.Status).FirstOrDefaultAsync(ct);
        if (latest != ConsentStatus.Withdrawn && await db.Contacts.AnyAsync(c => c.Id == contactId && c.ErasedAt == null, ct))
            db.ConsentRecords.Add(new ConsentRecord
            {
                ContactId = contactId, Channel = ConsentChannel.Email, Status = ConsentStatus.Withdrawn, GivenAt = now, RecordedAt = now,
                Method = "unsubscribe link", Note = key,
            });
        return new Done();
    }, ct);

    public async Task<Outcome<User>> UpdateSenderAsync(AccessScope scope, SenderInput input, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.SenderName?.Trim();
        if (name?.Length > 100) errors["senderName"] = [l["At most {0} characters.", 100]];
        if (input.Signature?.Length > 2000) errors["signature"] = [l["At most {0} characters.", 2000]];
        if (errors.Count > 0) return Outcome<User>.Invalid(errors);
        return await UnitOfWork.RunAsync(db, async () =>
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == scope.UserId, ct);
            if (user is null) return Outcome<User>.NotFound("Not found");
            user.SenderName = string.IsNullOrEmpty(name) ? null : name;
            user.Signature = string.IsNullOrWhiteSpace(input.Signature) ? null : input.Signature.TrimEnd();
            return user;
        }, ct);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Conversations;

namespace Prospector.Features.Dropbox;

/// <summary>
/// The review list of unmatched dropbox mail: see it, assign it to a contact (then it is logged there) or discard it. A message is
/// seen like a record (<see cref="AccessScope.Filter{T}"/>): by the user who sent or received it, their managers and admins; mail
/// no user sent or received is the shared pool everyone sees. Two people handling the same message: the second hears it is gone.
/// </summary>
public sealed class DropboxReview(ProspectorDb db, DropboxIntake intake, DropboxPoller poller, DropboxSecret secret, TimeProvider time,
    IOptionsMonitor<DropboxOptions> options, IStringLocalizer<SharedResource> l)
{
    /// <summary>
    /// Everyone: the address, whether it runs, their unmatched count. Admins only: the job's last check and last error (which may
    /// name the mail server and its login) and the number of held and failed messages.
    /// </summary>
    public async Task<DropboxStatusDto> StatusAsync(AccessScope scope, CancellationToken ct = default)
    {
        var o = options.CurrentValue;
        var run = poller.Run;
        var waiting = await Unmatched(scope).Where(m => m.Status == DropboxMailStatus.Unmatched).CountAsync(ct);
        var address = o.Enabled ? await secret.AddressAsync(ct) : null;
        var running = o.Enabled && address is not null && (!o.Fetch || run.DownSince is null);
        if (!scope.IsAdmin) return new DropboxStatusDto(o.Enabled, address, running, waiting);
        var held = await db.DropboxMessages.CountAsync(m => m.Status == DropboxMailStatus.Held || m.Status == DropboxMailStatus.Failed, ct);
        return new DropboxStatusDto(o.Enabled, address, running, waiting, o.Enabled && o.Fetch, run.LastPollAt, run.LastErrorAt, run.LastError, held);
    }

    /// <summary>Replaces the secret address (admins); mail to the old one is held from now on.</summary>
    public async Task<Outcome<DropboxAddressDto>> RenewAddressAsync(AccessScope scope, CancellationToken ct = default)
    {
        var renewed = await secret.RenewAsync(scope, ct);
        return renewed.IsOk ? new DropboxAddressDto(renewed.Value!) : renewed.Kind == OutcomeKind.Forbidden
            ? Outcome<DropboxAddressDto>.Forbidden(renewed.Title ?? "Forbidden", renewed.Detail)
            : Outcome<DropboxAddressDto>.Conflict(renewed.Title ?? "Conflict", renewed.Detail);
    }

    public async Task<List<UnmatchedMailDto>> ListAsync(AccessScope scope, CancellationToken ct = default) =>
        await Unmatched(scope).OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Take(200)
            .Select(m => new UnmatchedMailDto(m.Id, m.SentAt, m.FetchedAt, m.Direction, m.FromAddress, m.FromName, m.Recipients, m.Subject, m.Body,
                m.OwnerId, db.Users.Where(u => u.Id == m.OwnerId).Select(u => u.DisplayName).FirstOrDefault(), m.Status, m.Problem))
            .ToListAsync(ct);

    /// <summary>Logs the message on a contact the caller can see, as the user who sent or received it (else the caller).</summary>
    public async Task<Outcome<ActivityDto>> AssignAsync(AccessScope scope, long id, long? contactId, CancellationToken ct = default)
    {
        var m = await Unmatched(scope).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (m is null) return NotFound<ActivityDto>(id);
        if (m.Status == DropboxMailStatus.Failed)
            return Outcome<ActivityDto>.Conflict("Message could not be read", l["This e-mail could not be read, so there is nothing to log; discard it."]);
        if (contactId is not { } cid)
            return Outcome<ActivityDto>.Invalid("contactId", l["{0} is required.", "contactId"]);
        if (!await scope.Filter(db.Contacts).AnyAsync(c => c.Id == cid && c.ErasedAt == null, ct))
            return Outcome<ActivityDto>.Invalid("contactId", l["There is no contact {0} that you can see.", cid]);
        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The claim: only one of two people assigning (or discarding) at once changes the row.
        var n = await db.DropboxMessages.Where(x => x.Id == id && x.Status == m.Status).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Status, DropboxMailStatus.Assigned).SetProperty(x => x.ContactId, cid).SetProperty(x => x.Logged, 1)
            .SetProperty(x => x.Body, (string?)null).SetProperty(x => x.HandledById, scope.UserId).SetProperty(x => x.HandledAt, now), ct);
        if (n == 0) return NotFound<ActivityDto>(id);
        var mail = new DropboxMail(m.MessageKey, m.FromAddress, m.FromName, [], m.SentAt, m.Subject, m.Body ?? "");
        var activity = await intake.LogAsync(mail, cid, m.OwnerId ?? scope.UserId, m.Direction, now, ct);
        await tx.CommitAsync(ct);
        return (await ActivityQueries.LoadAsync(db, scope, [activity], ct))[0];
    }

    /// <summary>Drops the message from the review list; its text is deleted, its claim stays so it is never fetched again.</summary>
    public async Task<Outcome<Done>> DiscardAsync(AccessScope scope, long id, CancellationToken ct = default)
    {
        var status = await Unmatched(scope).Where(x => x.Id == id).Select(x => (DropboxMailStatus?)x.Status).FirstOrDefaultAsync(ct);
        if (status is null) return NotFound<Done>(id);
        var now = time.GetUtcNow().UtcDateTime;
        var n = await db.DropboxMessages.Where(x => x.Id == id && x.Status == status).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Status, DropboxMailStatus.Discarded).SetProperty(x => x.Body, (string?)null)
            .SetProperty(x => x.HandledById, scope.UserId).SetProperty(x => x.HandledAt, now), ct);
        return n == 0 ? NotFound<Done>(id) : new Done();
    }

    /// <summary>
    /// Unmatched mail is private to the user who sent or received it, their managers and admins (mail of no known user: to
    /// everyone). "Reps see all" opens the workspace's records to reps, not each other's mail. Held and failed mail — possibly
    /// forged, or unreadable — only admins see.
    /// </summary>
    private IQueryable<DropboxMessage> Unmatched(AccessScope scope)
    {
        if (scope.UserId == 0) return db.DropboxMessages.Where(_ => false);
        if (scope.IsAdmin)
            return db.DropboxMessages.Where(m => m.Status == DropboxMailStatus.Unmatched || m.Status == DropboxMailStatus.Held
                || m.Status == DropboxMailStatus.Failed);
        var q = db.DropboxMessages.Where(m => m.Status == DropboxMailStatus.Unmatched);
        var mine = scope.IsManagerOrAdmin ? scope.TeamMemberIds.Append(scope.UserId).ToList() : [scope.UserId];
        return q.Where(m => m.OwnerId == null || mine.Contains(m.OwnerId.Value));
    }

    private Outcome<T> NotFound<T>(long id) =>
        Outcome<T>.NotFound("Message not found", l["There is no unmatched e-mail {0} that you can see; it may have been assigned or discarded already.", id]);
}

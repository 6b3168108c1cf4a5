using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Reminders;

/// <summary>
/// A user's own reminders, for the API (<c>/api/v1/reminders</c>), the bell and the delivery log alike: the log, marking
/// in-app notifications read, and the user's reminder settings.
/// </summary>
public sealed class ReminderInbox(ProspectorDb db, TimeProvider time, ReminderMail mail, IStringLocalizer<SharedResource> l)
{
    public const int MinDigestHour = 0, MaxDigestHour = 23;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>The user's delivered (or failed) reminders, newest first.</summary>
    public static IQueryable<ReminderDto> Log(ProspectorDb db, long userId, ReminderChannel? channel, bool unreadOnly, bool sentOnly = false) =>
        db.Reminders.Where(r => r.UserId == userId && r.Status != ReminderStatus.Pending)
            .Where(r => !sentOnly || r.Status == ReminderStatus.Sent)
            .Where(r => channel == null || r.Channel == channel)
            .Where(r => !unreadOnly || (r.Channel == ReminderChannel.InApp && r.Status == ReminderStatus.Sent && r.ReadAt == null))
            .OrderByDescending(r => r.Id)
            .Select(r => new ReminderDto(r.Id, r.Kind, r.Channel, r.Title, r.Link, r.DueAtUtc, r.Status, r.SentAt, r.Recipient, r.Error, r.Attempts, r.ReadAt));

    /// <summary>Marks one of the user's reminders read (the first reading counts; reading again changes nothing).</summary>
    public async Task<Outcome<Done>> MarkReadAsync(long id, long userId, CancellationToken ct = default)
    {
        var now = Now;
        var n = await db.Reminders.Where(r => r.Id == id && r.UserId == userId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ReadAt, r => r.ReadAt ?? now), ct);
        return n == 0 ? Outcome<Done>.NotFound("Reminder not found", l["You have no reminder {0}.", id]) : Outcome<Done>.Ok(default);
    }

    public async Task<Outcome<Done>> MarkAllReadAsync(long userId, CancellationToken ct = default)
    {
        var now = Now;
        await db.Reminders.Where(r => r.UserId == userId && r.Channel == ReminderChannel.InApp && r.ReadAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ReadAt, now), ct);
        return Outcome<Done>.Ok(default);
    }

    public async Task<ReminderSettings> SettingsAsync(long userId, CancellationToken ct = default)
    {
        var settings = await db.Users.Where(x => x.Id == userId)
            .Select(x => new ReminderSettings(x.EmailReminders, x.DigestEnabled, x.DigestHour, false)).FirstAsync(ct);
        return settings with { EmailAvailable = mail.Enabled };
    }

    /// <summary>Changes the settings that are given (merge semantics: a setting left out stays as it is).</summary>
    public async Task<Outcome<ReminderSettings>> SaveSettingsAsync(long userId, ReminderSettings change, CancellationToken ct = default)
    {
        if (change.DigestHour is < MinDigestHour or > MaxDigestHour)
            return Outcome<ReminderSettings>.Invalid("digestHour", l["{0} must be between {1} and {2}.", "digestHour", MinDigestHour, MaxDigestHour]);
        var u = await db.Users.FirstAsync(x => x.Id == userId, ct);
        if (change.EmailReminders is { } e) u.EmailReminders = e;
        if (change.DigestEnabled is { } d) u.DigestEnabled = d;
        if (change.DigestHour is { } h) u.DigestHour = h;
        await db.SaveChangesAsync(ct);
        return new ReminderSettings(u.EmailReminders, u.DigestEnabled, u.DigestHour, mail.Enabled);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Reminders;

/// <summary>
/// Turns what is coming due into <see cref="Reminder"/> rows: next actions (a timed one <see cref="ReminderOptions.LeadMinutes"/>
/// before, an all-day one at 08:00 of its day), personal dates (the set days before and on the day, 08:00) and the daily digest
/// (at each user's hour). Everything in the user's own time zone. A unique index makes a second planner's twin row fail,
/// so several instances may plan at once.
/// </summary>
public sealed class ReminderPlanner(ProspectorDb db, IOptions<ReminderOptions> options, ReminderMail mail, ReminderTexts texts,
    ILogger<ReminderPlanner> log)
{
    /// <summary>
    /// A reminder missed while the server was down is still sent if it is at most this late (a digest: at most
    /// <see cref="DigestCatchUp"/>); older ones only show in the to-do lists, where late items are anyway.
    /// </summary>
    private static readonly TimeSpan CatchUp = TimeSpan.FromHours(3);
    private static readonly TimeSpan DigestCatchUp = TimeSpan.FromHours(12);

    public async Task<int> PlanAsync(DateTime now, CancellationToken ct)
    {
        var users = (await db.Users.Where(u => u.DeactivatedAt == null).Select(u => new ReminderUser(u.Id, u.DisplayName, u.Email, u.Culture,
                u.TimeZone, u.DigestHour, u.DigestEnabled, u.EmailReminders)).ToListAsync(ct)).ToDictionary(u => u.Id);
        var planned = new List<Reminder>();
        await PlanActionsAsync(now, users, planned, ct);
        await PlanPersonalDatesAsync(now, users, planned, ct);
        PlanDigests(now, users, planned);
        if (planned.Count == 0) return 0;
        // Reminders that exist already (planned on an earlier run or by another instance) are not planned again.
        var keys = planned.Select(r => r.SourceId).Distinct().ToList();
        var since = now - DigestCatchUp - TimeSpan.FromDays(1);
        var existing = (await db.Reminders.Where(r => r.SourceId != null && keys.Contains(r.SourceId) && r.DueAtUtc > since)
            .Select(r => new { r.UserId, r.Kind, r.SourceId, r.DueAtUtc, r.Channel }).ToListAsync(ct)).ToHashSet();
        var fresh = planned.Where(r => !existing.Contains(new { r.UserId, r.Kind, r.SourceId, r.DueAtUtc, r.Channel })).ToList();
        if (fresh.Count == 0) return 0;
        db.Reminders.AddRange(fresh);
        try
        {
            await db.SaveChangesAsync(ct);
            return fresh.Count;
        }
        catch (DbUpdateException)
        {
            // Another instance planned some of the same reminders a moment earlier: theirs stand, the rest is planned next run.
            db.ChangeTracker.Clear();
            log.LogDebug("Reminders planned concurrently by another instance.");
            return 0;
        }
    }

    private async Task PlanActionsAsync(DateTime now, Dictionary<long, ReminderUser> users, List<Reminder> planned, CancellationToken ct)
    {
        var horizon = now.AddMinutes(options.Value.LeadMinutes);
        var since = now - CatchUp;
        var due = await db.NextActions.Where(a => a.Status == NextActionStatus.Open && a.AssigneeId != null && a.DueAtUtc > since
                && (a.DueTime == null ? a.DueAtUtc <= now : a.DueAtUtc <= horizon))
            .Where(a => !db.Reminders.Any(r => r.Kind == ReminderKind.NextAction && r.SourceId == a.Id && r.DueAtUtc == a.DueAtUtc))
            .OrderBy(a => a.DueAtUtc).Take(1000)
            .Select(a => new
            {
                a.Id, a.Type, a.DueDate, a.DueTime, a.DueAtUtc, a.AssigneeId, a.ContactId, a.OpportunityId,
                Name = a.Opportunity != null ? a.Opportunity.Title : a.Contact != null ? Contact.NameOf(a.Contact.FirstName, a.Contact.NamePrefix, a.Contact.LastName) : "",
            }).ToListAsync(ct);
        var seen = await AssigneeView.VisibleAsync(db, due.Select(a => (a.Id, a.AssigneeId!.Value)), ct);
        foreach (var a in due)
        {
            if (!users.TryGetValue(a.AssigneeId!.Value, out var user)) continue;
            var title = texts.ActionTitle(user, a.Type, seen.Contains(a.Id) ? a.Name.Trim() : texts.Hidden(user), a.DueDate, a.DueTime);
            var link = a.OpportunityId is { } oid ? $"/opportunities/{oid}" : $"/contacts/{a.ContactId}";
            Add(planned, user, ReminderKind.NextAction, a.Id, a.DueAtUtc, title, link, now);
        }
    }

    private async Task PlanPersonalDatesAsync(DateTime now, Dictionary<long, ReminderUser> users, List<Reminder> planned, CancellationToken ct)
    {
        // Lead times reach at most 60 days ahead: the dates of this month and the next two are all that can be due.
        var months = Enumerable.Range(0, 3).Select(i => now.AddMonths(i).Month).ToList();
        var dates = await db.PersonalDates.Where(d => months.Contains(d.Month) && d.Contact!.OwnerId != null && d.Contact.DeletedAt == null)
            .Select(d => new
            {
                d.Id, d.Kind, d.Label, d.Month, d.Day, d.Year, d.RemindDaysBefore, d.ContactId, OwnerId = d.Contact!.OwnerId!.Value,
                Name = Contact.NameOf(d.Contact.FirstName, d.Contact.NamePrefix, d.Contact.LastName)
            })
            .ToListAsync(ct);
        foreach (var d in dates)
        {
            if (!users.TryGetValue(d.OwnerId, out var user)) continue;
            var zone = UserTime.Zone(user.TimeZone);
            var localToday = CurrentAction.Today(now, user.TimeZone);
            foreach (var daysBefore in new[] { d.RemindDaysBefore, 0 }.Distinct())
            {
                foreach (var year in new[] { localToday.Year, localToday.Year + 1 })
                {
                    var occurrence = new DateOnly(year, d.Month, Math.Min(d.Day, DateTime.DaysInMonth(year, d.Month)));
                    var sendAt = TimeZoneInfo.ConvertTimeToUtc(occurrence.AddDays(-daysBefore).ToDateTime(CurrentAction.AllDayAt), zone);
                    if (sendAt > now || sendAt <= now - CatchUp) continue;
                    var title = texts.PersonalDateTitle(user, d.Kind, d.Label, d.Name.Trim(), occurrence, d.Year, daysBefore);
                    Add(planned, user, ReminderKind.PersonalDate, d.Id, sendAt, title, $"/contacts/{d.ContactId}", now);
                }
            }
        }
    }

    private void PlanDigests(DateTime now, Dictionary<long, ReminderUser> users, List<Reminder> planned)
    {
        if (!mail.Enabled) return;
        foreach (var user in users.Values.Where(u => u.DigestEnabled && !string.IsNullOrEmpty(u.Email)))
        {
            var localDay = CurrentAction.Today(now, user.TimeZone);
            var sendAt = TimeZoneInfo.ConvertTimeToUtc(localDay.ToDateTime(new TimeOnly(Math.Clamp(user.DigestHour, 0, 23), 0)), UserTime.Zone(user.TimeZone));
            if (sendAt > now || sendAt <= now - DigestCatchUp) continue;
            var key = localDay.Year * 10000L + localDay.Month * 100 + localDay.Day;
            planned.Add(new Reminder
            {
                UserId = user.Id, Kind = ReminderKind.Digest, Channel = ReminderChannel.Email, SourceId = key, DueAtUtc = sendAt,
                Status = ReminderStatus.Pending, Title = texts.DigestTitle(user, localDay), Link = "/todo", CreatedAt = now,
            });
        }
    }

    private void Add(List<Reminder> planned, ReminderUser user, ReminderKind kind, long sourceId, DateTime dueAt, string title, string link, DateTime now)
    {
        planned.Add(new Reminder
        {
            UserId = user.Id, Kind = kind, Channel = ReminderChannel.InApp, SourceId = sourceId, DueAtUtc = dueAt,
            Status = ReminderStatus.Pending, Title = title, Link = link, CreatedAt = now,
        });
        if (mail.Enabled && user.EmailReminders && !string.IsNullOrEmpty(user.Email))
            planned.Add(new Reminder
            {
                UserId = user.Id, Kind = kind, Channel = ReminderChannel.Email, SourceId = sourceId, DueAtUtc = dueAt,
                Status = ReminderStatus.Pending, Title = title, Link = link, CreatedAt = now,
            });
    }
}

public sealed record ReminderUser(long Id, string DisplayName, string? Email, string Culture, string TimeZone, int DigestHour,
    bool DigestEnabled, bool EmailReminders);

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Reminders;

/// <summary>
/// Plans and delivers reminders every <see cref="ReminderOptions.PollSeconds"/>. Each reminder is claimed with a single
/// conditional UPDATE (status Pending → Claimed): of several instances on one PostgreSQL only one gets a row count of 1, so a
/// reminder is delivered once. A claim that never finished (the instance died while sending) is not retried but marked failed
/// ("interrupted"): a duplicate e-mail is worse than one visible failure in the delivery log.
/// </summary>
public sealed class ReminderDispatcher(IServiceScopeFactory scopes, TimeProvider time, IOptions<ReminderOptions> options,
    Notifications notifications, ILogger<ReminderDispatcher> log) : BackgroundService
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(10);

    /// <summary>Who claims: unique per process, so the delivery log can tell instances apart.</summary>
    public string Instance { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the host starts the server only once each service's ExecuteAsync yields, and SQLite's
        // "async" calls complete synchronously, so the first run would otherwise delay /health/ready.
        await Task.Yield();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)), time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                log.LogWarning(e, "Reminder run failed; trying again shortly.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: plan what came due, then claim and deliver. Returns the number delivered.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ReminderPlanner>().PlanAsync(now, ct);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
            await db.Reminders.Where(r => r.Status == ReminderStatus.Claimed && r.ClaimedAt < now - StaleClaim)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, ReminderStatus.Failed).SetProperty(r => r.Attempts, MaxAttempts)
                    .SetProperty(r => r.Error, "Interrupted while sending (the server stopped); not retried to avoid a duplicate."), ct);
        }
        var delivered = 0;
        while (!ct.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
            var retryBefore = now - RetryAfter;
            var ids = await Claimable(db.Reminders, retryBefore).OrderBy(r => r.Id).Select(r => r.Id).Take(100).ToListAsync(ct);
            if (ids.Count == 0) break;
            foreach (var id in ids)
            {
                var claimed = await Claimable(db.Reminders.Where(r => r.Id == id), retryBefore).ExecuteUpdateAsync(u => u
                    .SetProperty(r => r.Status, ReminderStatus.Claimed).SetProperty(r => r.ClaimedBy, Instance)
                    .SetProperty(r => r.ClaimedAt, now).SetProperty(r => r.Attempts, r => r.Attempts + 1), ct);
                if (claimed == 0) continue; // another instance was faster
                if (await DeliverAsync(scope.ServiceProvider, id, now, ct)) delivered++;
            }
            if (ids.Count < 100) break;
        }
        return delivered;
    }

    private static IQueryable<Reminder> Claimable(IQueryable<Reminder> q, DateTime retryBefore) =>
        q.Where(r => r.Status == ReminderStatus.Pending
            || (r.Status == ReminderStatus.Failed && r.Attempts < MaxAttempts && r.ClaimedAt < retryBefore));

    private async Task<bool> DeliverAsync(IServiceProvider sp, long id, DateTime now, CancellationToken ct)
    {
        var db = sp.GetRequiredService<ProspectorDb>();
        var r = await db.Reminders.FirstAsync(x => x.Id == id, ct);
        var user = await db.Users.Where(u => u.Id == r.UserId).Select(u => new ReminderUser(u.Id, u.DisplayName, u.Email, u.Culture, u.TimeZone,
            u.DigestHour, u.DigestEnabled, u.EmailReminders)).FirstAsync(ct);
        var texts = sp.GetRequiredService<ReminderTexts>();
        try
        {
            if (r.Kind == ReminderKind.NextAction
                && !await db.NextActions.AnyAsync(a => a.Id == r.SourceId && a.Status == NextActionStatus.Open && a.DueAtUtc == r.DueAtUtc, ct))
                return await SkipAsync(db, r, "The next action was done or moved before its reminder.", now, ct);
            if (r.Channel == ReminderChannel.InApp)
            {
                (r.Status, r.SentAt) = (ReminderStatus.Sent, now);
                await db.SaveChangesAsync(ct);
                notifications.Publish(r.UserId);
                return true;
            }
            var mail = sp.GetRequiredService<ReminderMail>();
            MailMessage message;
            if (r.Kind == ReminderKind.Digest)
            {
                var digest = await DigestAsync(db, texts, user, now, r.Title ?? "", ct);
                if (digest is null) return await SkipAsync(db, r, "Nothing due: no digest sent.", now, ct);
                message = digest;
            }
            else message = texts.Reminder(user, r);
            r.Recipient = message.To;
            await mail.SendAsync(message, ct);
            (r.Status, r.SentAt) = (ReminderStatus.Sent, now);
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException and not DbUpdateException)
        {
            log.LogWarning("Reminder {Id} to user {User} failed: {Error}", r.Id, r.UserId, e.Message);
            r.Status = ReminderStatus.Failed;
            r.Error = UnicodeText.Prefix(e.Message, 1000);
            await db.SaveChangesAsync(ct);
            return false;
        }
    }

    private static async Task<bool> SkipAsync(ProspectorDb db, Reminder r, string why, DateTime now, CancellationToken ct)
    {
        (r.Status, r.Error, r.SentAt) = (ReminderStatus.Skipped, why, now);
        await db.SaveChangesAsync(ct);
        return false;
    }

    /// <summary>The digest: the user's overdue and today's actions and today's personal dates; null when there is nothing.</summary>
    private static async Task<MailMessage?> DigestAsync(ProspectorDb db, ReminderTexts texts, ReminderUser user, DateTime now, string title, CancellationToken ct)
    {
        var today = CurrentAction.Today(now, user.TimeZone);
        var actions = await db.NextActions.Where(a => a.AssigneeId == user.Id && a.Status == NextActionStatus.Open && a.DueDate <= today)
            .OrderBy(a => a.DueAtUtc).Take(200)
            .Select(a => new
            {
                a.Id, a.Type, a.DueDate, a.DueTime, a.ContactId, a.OpportunityId,
                Name = a.Opportunity != null ? a.Opportunity.Title : a.Contact != null ? Contact.NameOf(a.Contact.FirstName, a.Contact.NamePrefix, a.Contact.LastName) : ""
            })
            .ToListAsync(ct);
        var dates = await db.PersonalDates.Where(d => d.Month == today.Month && d.Day == today.Day && d.Contact!.OwnerId == user.Id)
            .Select(d => new { d.Kind, d.ContactId, Name = Contact.NameOf(d.Contact!.FirstName, d.Contact.NamePrefix, d.Contact.LastName) }).ToListAsync(ct);
        // The owner's rotting deals (Common/Rotting), judged by the day in the owner's zone.
        var zone = UserTime.Zone(user.TimeZone);
        var rotting = await db.Opportunities.Where(o => o.OwnerId == user.Id)
            .Where(Rotting.Filter(await Rotting.StepsAsync(db, ct), today, zone))
            .OrderBy(o => o.StepEnteredAt).Take(50)
            .Select(o => new { o.Id, o.Title, o.StepEnteredAt, Step = db.PipelineSteps.Where(s => s.Id == o.StepId).Select(s => s.Name).FirstOrDefault() })
            .ToListAsync(ct);
        if (actions.Count == 0 && dates.Count == 0 && rotting.Count == 0) return null;
        var seen = await AssigneeView.VisibleAsync(db, actions.Select(a => (a.Id, user.Id)), ct);
        return ReminderTexts.In(user, () =>
        {
            var overdue = actions.Where(a => a.DueDate < today).Select(a => new DigestItem(a.DueDate.ToString("d", CultureInfo.CurrentCulture),
                $"{texts.Label(a.Type)}: {(seen.Contains(a.Id) ? a.Name.Trim() : texts.Hidden(user))}", a.OpportunityId is { } o ? $"/opportunities/{o}" : $"/contacts/{a.ContactId}")).ToList();
            var due = actions.Where(a => a.DueDate == today).Select(a => new DigestItem(a.DueTime?.ToString("t", CultureInfo.CurrentCulture) ?? "",
                $"{texts.Label(a.Type)}: {(seen.Contains(a.Id) ? a.Name.Trim() : texts.Hidden(user))}", a.OpportunityId is { } o ? $"/opportunities/{o}" : $"/contacts/{a.ContactId}")).ToList();
            var personal = dates.Select(d => new DigestItem("", $"{texts.Label(d.Kind)}: {d.Name.Trim()}", $"/contacts/{d.ContactId}")).ToList();
            var stale = rotting.Select(o => new DigestItem(texts.DaysInStep(Rotting.DaysIn(o.StepEnteredAt, today, zone), o.Step ?? ""), o.Title.Trim(),
                $"/opportunities/{o.Id}")).ToList();
            return texts.Digest(user, title, overdue, due, personal, stale);
        });
    }
}

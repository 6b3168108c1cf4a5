using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Sequences;

public sealed class SequenceOptions
{
    /// <summary>Seconds between runs (stops are noticed and due steps run at this pace).</summary>
    public int PollSeconds { get; set; } = 60;
}

/// <summary>
/// Runs due sequence steps every <see cref="SequenceOptions.PollSeconds"/>, with the reminders' claim pattern: an enrolment is
/// claimed with one conditional UPDATE (Active → Running where its next run has come), so of several instances on one database
/// exactly one runs each step. Before a step it checks the stops (<see cref="SequenceStops"/>) and the owner's working hours.
/// A claim that never finished (the instance died) is taken back for task steps (their change commits with the step) but ends
/// an e-mail step's enrolment as Interrupted: a duplicate e-mail is worse than a visible stop. Likewise an e-mail step that throws
/// unexpectedly ends as Interrupted with the reason in its note (never a second send); any other step that throws is tried again
/// after <see cref="RetryAfter"/>, at most <see cref="MaxAttempts"/> times, then ends as Interrupted.
/// </summary>
public sealed class SequenceRunner(IServiceScopeFactory scopes, TimeProvider time, IOptions<SequenceOptions> options, ILogger<SequenceRunner> log)
    : BackgroundService
{
    public const int MaxAttempts = 3;
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(10);

    public string Instance { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)), time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbUpdateException or DbException or InvalidOperationException or TimeoutException)
            {
                log.LogWarning(e, "Sequence run failed; trying again shortly.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: end the enrolments that must stop, take back dead claims, then claim and run due steps. Returns the steps run.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
            foreach (var stop in await SequenceStops.FindAsync(db, null, ct))
                await SequenceStops.StopAsync(db, stop.EnrolmentId, EnrolmentStatus.Active, stop.Reason, null, now, ct);
            await ReleaseStaleAsync(db, now, ct);
        }
        var ran = 0;
        while (!ct.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
            var due = await db.SequenceEnrolments.Where(e => e.Status == EnrolmentStatus.Active && e.NextRunAt <= now)
                .OrderBy(e => e.NextRunAt).ThenBy(e => e.Id).Select(e => new { e.Id, e.NextPosition }).Take(100).ToListAsync(ct);
            if (due.Count == 0) break;
            var claimedAny = false;
            foreach (var d in due)
            {
                var claimed = await db.SequenceEnrolments
                    .Where(e => e.Id == d.Id && e.Status == EnrolmentStatus.Active && e.NextPosition == d.NextPosition && e.NextRunAt <= now)
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EnrolmentStatus.Running).SetProperty(e => e.ClaimedBy, Instance)
                        .SetProperty(e => e.ClaimedAt, now), ct);
                if (claimed == 0) continue; // another instance was faster
                claimedAny = true;
                await using var stepScope = scopes.CreateAsyncScope();
                if (await RunStepAsync(stepScope.ServiceProvider, d.Id, now, ct)) ran++;
            }
            if (!claimedAny || due.Count < 100) break;
        }
        return ran;
    }

    private static async Task ReleaseStaleAsync(ProspectorDb db, DateTime now, CancellationToken ct)
    {
        var stale = await db.SequenceEnrolments.Where(e => e.Status == EnrolmentStatus.Running && e.ClaimedAt < now - StaleClaim)
            .Select(e => new { e.Id, Mail = db.SequenceSteps.Any(s => s.SequenceId == e.SequenceId && s.Position == e.NextPosition && s.Kind == SequenceStepKind.SendEmail) })
            .ToListAsync(ct);
        foreach (var s in stale)
        {
            if (s.Mail)
                await SequenceStops.StopAsync(db, s.Id, EnrolmentStatus.Running, EnrolmentStopReason.Interrupted,
                    "Interrupted while sending (the server stopped); not retried to avoid a duplicate e-mail.", now, ct);
            else
                await db.SequenceEnrolments.Where(e => e.Id == s.Id && e.Status == EnrolmentStatus.Running)
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EnrolmentStatus.Active), ct);
        }
    }

    /// <summary>Runs the claimed enrolment's next step (or stops it, or moves it into working hours). True when a step ran.</summary>
    private async Task<bool> RunStepAsync(IServiceProvider sp, long id, DateTime now, CancellationToken ct)
    {
        var db = sp.GetRequiredService<ProspectorDb>();
        var e = await db.SequenceEnrolments.FirstAsync(x => x.Id == id, ct);
        var mailing = false;
        try
        {
            if ((await SequenceStops.FindAsync(db, id, ct)).FirstOrDefault() is { } stop)
            {
                await SequenceStops.StopAsync(db, id, EnrolmentStatus.Running, stop.Reason, null, now, ct);
                return false;
            }
            var steps = await db.SequenceSteps.AsNoTracking().Where(s => s.SequenceId == e.SequenceId).OrderBy(s => s.Position).ToListAsync(ct);
            var contact = await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == e.ContactId).Select(c => new { c.OwnerId }).FirstAsync(ct);
            var ownerId = contact.OwnerId ?? e.EnrolledById;
            var hours = await WorkingHours.OfUserAsync(db, ownerId, ct);
            var step = steps.FirstOrDefault(s => s.Position == e.NextPosition);
            if (step is null || step.Kind == SequenceStepKind.Wait)
            {
                // The sequence was shortened (or changed under it): go on from here.
                SequencePlan.MoveTo(e, steps, e.NextPosition, now, hours);
                await ReleaseAsync(db, e, ct);
                return false;
            }
            var inHours = hours.NextWorkingMoment(now);
            if (inHours > now)
            {
                // The owner's hours (or zone) changed since the step was planned: wait for the next working-hours start.
                (e.Status, e.NextRunAt) = (EnrolmentStatus.Active, inHours);
                await ReleaseAsync(db, e, ct);
                return false;
            }
            var baseUtc = e.NextRunAt ?? now;
            if (step.Kind == SequenceStepKind.SendEmail)
            {
                mailing = true;
                var mailer = sp.GetRequiredService<ISequenceMailer>();
                var result = await mailer.SendAsync(ownerId ?? 0, e.ContactId, step.TemplateId ?? 0, ct);
                if (result.Status == SequenceMailStatus.Failed)
                    return await FailedAsync(db, e, result.Reason ?? "E-mail failed", now, hours, ct);
                e.Note = result.Status == SequenceMailStatus.Skipped ? Trim($"E-mail skipped: {result.Reason}") : null;
            }
            else
            {
                var outcome = await UnitOfWork.RunAsync(db, async () =>
                {
                    var scope = ownerId is { } o ? await sp.GetRequiredService<RecordAccess>().ScopeOfUserAsync(o, ct) : AccessScope.Nobody;
                    var today = CurrentAction.Today(now, hours.TimeZone);
                    var input = new NextActionInput(step.TaskType ?? NextActionType.Call, today, null, step.Text ?? await SequenceNameAsync(db, e, ct), ownerId);
                    var scheduled = await sp.GetRequiredService<CurrentAction>().ScheduleAsync(e.ContactId, null, input, scope, "task", ct);
                    if (!scheduled.IsOk) return scheduled.As<Done>();
                    Advance(e, steps, baseUtc, hours);
                    return new Done();
                }, ct);
                if (!outcome.IsOk)
                {
                    db.ChangeTracker.Clear();
                    var why = outcome.Errors.Values.SelectMany(v => v).FirstOrDefault() ?? outcome.Detail ?? outcome.Title ?? "The task could not be created.";
                    await SequenceStops.StopAsync(db, id, EnrolmentStatus.Running, EnrolmentStopReason.StepFailed, Trim(why), now, ct);
                    return false;
                }
                return true;
            }
            Advance(e, steps, baseUtc, hours);
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception x) when (x is not OperationCanceledException and not DbUpdateException and not DbException)
        {
            // Unexpected. An e-mail step may have sent before it threw, so it is never tried again: a duplicate e-mail is worse
            // than a visible stop. Other steps are tried again after RetryAfter, at most MaxAttempts times in all, then stop too.
            log.LogWarning("Sequence enrolment {Id} step {Position} failed: {Error}", id, e.NextPosition, x.Message);
            db.ChangeTracker.Clear();
            var attempts = e.Attempts + 1;
            if (mailing || attempts >= MaxAttempts)
            {
                var why = mailing
                    ? $"Interrupted: the e-mail step failed unexpectedly and is not tried again, so no e-mail goes out twice ({x.Message})"
                    : $"Interrupted: the step failed {attempts} times ({x.Message})";
                await SequenceStops.StopAsync(db, id, EnrolmentStatus.Running, EnrolmentStopReason.Interrupted, Trim(why), now, ct);
                return false;
            }
            await db.SequenceEnrolments.Where(x2 => x2.Id == id && x2.Status == EnrolmentStatus.Running).ExecuteUpdateAsync(u => u
                .SetProperty(x2 => x2.Status, EnrolmentStatus.Active).SetProperty(x2 => x2.NextRunAt, now + RetryAfter)
                .SetProperty(x2 => x2.Attempts, attempts).SetProperty(x2 => x2.ClaimedBy, (string?)null).SetProperty(x2 => x2.ClaimedAt, (DateTime?)null)
                .SetProperty(x2 => x2.Note, Trim($"Step failed, trying again: {x.Message}")), ct);
            return false;
        }
    }

    private static void Advance(SequenceEnrolment e, List<SequenceStep> steps, DateTime baseUtc, WorkingHours hours)
    {
        e.StepsRun++;
        SequencePlan.MoveTo(e, steps, e.NextPosition + 1, baseUtc, hours);
        (e.ClaimedBy, e.ClaimedAt) = (null, null);
    }

    private static async Task<bool> FailedAsync(ProspectorDb db, SequenceEnrolment e, string reason, DateTime now, WorkingHours hours, CancellationToken ct)
    {
        e.Attempts++;
        if (e.Attempts >= MaxAttempts)
        {
            (e.Status, e.StopReason, e.EndedAt, e.NextRunAt) = (EnrolmentStatus.Stopped, EnrolmentStopReason.StepFailed, now, null);
            e.Note = Trim($"E-mail step failed {e.Attempts} times: {reason}");
        }
        else
        {
            (e.Status, e.NextRunAt) = (EnrolmentStatus.Active, hours.NextWorkingMoment(now + RetryAfter));
            e.Note = Trim($"E-mail step failed, trying again: {reason}");
        }
        await db.SaveChangesAsync(ct);
        return false;
    }

    private static async Task ReleaseAsync(ProspectorDb db, SequenceEnrolment e, CancellationToken ct)
    {
        if (e.Status == EnrolmentStatus.Running) e.Status = EnrolmentStatus.Active;
        (e.ClaimedBy, e.ClaimedAt) = (null, null);
        await db.SaveChangesAsync(ct);
    }

    private static Task<string> SequenceNameAsync(ProspectorDb db, SequenceEnrolment e, CancellationToken ct) =>
        db.Sequences.Where(s => s.Id == e.SequenceId).Select(s => s.Name).FirstAsync(ct);

    private static string Trim(string s) => UnicodeText.Prefix(s, 1000);
}

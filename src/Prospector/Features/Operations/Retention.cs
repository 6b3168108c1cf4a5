using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Audit;
using Prospector.Features.Common;
using Prospector.Features.Privacy;

namespace Prospector.Features.Operations;

/// <summary>One record a retention run would purge: what it is, its id, its name, since when it counts and why.</summary>
public sealed record RetentionItem(string Kind, long Id, string Name, DateTime Since, string Reason);

/// <summary>What a retention run would purge now (counts by kind, and the first records of each).</summary>
public sealed record RetentionPreview(int RetentionDays, DateTime Cutoff, int DisqualifiedContacts, int Contacts, int Companies, int Deals,
    int Conversations, int NextActions, IReadOnlyList<RetentionItem> Items)
{
    public int Total => DisqualifiedContacts + Contacts + Companies + Deals + Conversations + NextActions;
}

/// <summary>What a retention run did; <c>Ran</c> is false when another run was under way (or, on schedule, one ran today).</summary>
public sealed record RetentionRun(bool Ran, DateTime At, int DisqualifiedContacts, int Contacts, int Companies, int Deals, int Conversations, int NextActions);

/// <summary>
/// The workspace's retention period, applied (GDPR Art. 5(1)(e)): records in the recycle bin longer than the period are
/// purged for good, and disqualified contacts without a granted consent whose last status change is older than the period
/// are erased like a GDPR erasure (a tombstone reports still count). A purged contact is erased first — its texts leave the
/// search index, the audit values and the list rows — and then removed with everything that hangs on it. Admins see a
/// preview; a run is recorded in the audit trail (who or what started it, the counts) and runs once across instances
/// (<see cref="RunClaims"/>).
/// </summary>
public sealed class RetentionService(ProspectorDb db, Erasure erasure, SecurityLog log, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public const string Job = "Retention";
    private const int PreviewRows = 200;
    public const string InBin = "In the recycle bin since";
    public const string Disqualified = "Disqualified without consent since";
    private static readonly AccessScope Everything = new(0, Roles.Admin, [], [], SeesAll: true);

    public async Task<Outcome<RetentionPreview>> PreviewAsync(AccessScope scope, CancellationToken ct = default)
    {
        if (!scope.IsAdmin) return Outcome<RetentionPreview>.Forbidden("Only admins may purge records");
        var (days, cutoff) = await CutoffAsync(ct);
        var items = new List<RetentionItem>();
        var disqualified = ExpiredDisqualified(cutoff);
        items.AddRange((await disqualified.OrderBy(c => c.Id).Take(PreviewRows).Select(c => new { c.Id, c.FirstName, c.NamePrefix, c.LastName, c.UpdatedAt }).ToListAsync(ct))
            .Select(c => new RetentionItem("Contact", c.Id, Contact.NameOf(c.FirstName, c.NamePrefix, c.LastName), default, Disqualified)));
        var contacts = BinContacts(cutoff);
        items.AddRange((await contacts.OrderBy(c => c.DeletedAt).Take(PreviewRows).Select(c => new { c.Id, c.FirstName, c.NamePrefix, c.LastName, c.DeletedAt }).ToListAsync(ct))
            .Select(c => new RetentionItem("Contact", c.Id, Contact.NameOf(c.FirstName, c.NamePrefix, c.LastName), c.DeletedAt!.Value, InBin)));
        var companies = db.Companies.IgnoreQueryFilters().Where(c => c.DeletedAt < cutoff);
        items.AddRange(await companies.OrderBy(c => c.DeletedAt).Take(PreviewRows).Select(c => new RetentionItem("Company", c.Id, c.Name, c.DeletedAt!.Value, InBin)).ToListAsync(ct));
        var deals = db.Opportunities.IgnoreQueryFilters().Where(o => o.DeletedAt < cutoff);
        items.AddRange(await deals.OrderBy(o => o.DeletedAt).Take(PreviewRows).Select(o => new RetentionItem("Deal", o.Id, o.Title, o.DeletedAt!.Value, InBin)).ToListAsync(ct));
        var conversations = BinActivities(cutoff);
        items.AddRange(await conversations.OrderBy(a => a.DeletedAt).Take(PreviewRows)
            .Select(a => new RetentionItem("Conversation", a.Id, a.Subject ?? "", a.DeletedAt!.Value, InBin)).ToListAsync(ct));
        var actions = BinActions(cutoff);
        items.AddRange(await actions.OrderBy(a => a.DeletedAt).Take(PreviewRows)
            .Select(a => new RetentionItem("NextAction", a.Id, a.Note ?? "", a.DeletedAt!.Value, InBin)).ToListAsync(ct));
        // The date a disqualified contact counts from is its last status change (queried per row shown; few rows).
        for (var i = 0; i < items.Count; i++)
            if (items[i].Reason == Disqualified)
                items[i] = items[i] with { Since = await LastStatusChangeAsync(items[i].Id, ct) };
        return new RetentionPreview(days, cutoff, await disqualified.CountAsync(ct), await contacts.CountAsync(ct), await companies.CountAsync(ct),
            await deals.CountAsync(ct), await conversations.CountAsync(ct), await actions.CountAsync(ct), items);
    }

    /// <summary>
    /// Purges what the preview shows. <paramref name="scheduled"/>: the server's daily run, which does nothing when a run
    /// already completed today (UTC) on any instance. A run while another is under way does nothing either (Ran = false).
    /// </summary>
    public async Task<Outcome<RetentionRun>> RunAsync(AccessScope scope, string trigger, bool scheduled = false, CancellationToken ct = default)
    {
        if (!scope.IsAdmin) return Outcome<RetentionRun>.Forbidden("Only admins may purge records");
        var now = time.GetUtcNow().UtcDateTime;
        var entry = log.Entry(AuditAction.RetentionRun, Job, 0, userName: scheduled ? "Scheduled (server)" : null);
        var claim = await RunClaims.ClaimAsync(db, entry, now, scheduled ? now.Date : null, ct);
        if (claim is not { } id)
            return scheduled ? new RetentionRun(false, now, 0, 0, 0, 0, 0, 0)
                : Outcome<RetentionRun>.Conflict("A retention run is under way", l["Another retention run has not finished yet; look at the preview again in a moment."]);
        try
        {
            var run = await PurgeAsync(now, ct);
            await RunClaims.CompleteAsync(db, id, ok: true,
            [
                new("Trigger", null, trigger), new("Retention days", null, $"{(await CutoffAsync(ct)).Days}"),
                new("Disqualified contacts erased", null, $"{run.DisqualifiedContacts}"), new("Contacts purged", null, $"{run.Contacts}"),
                new("Companies purged", null, $"{run.Companies}"), new("Deals purged", null, $"{run.Deals}"),
                new("Conversations purged", null, $"{run.Conversations}"), new("Next actions purged", null, $"{run.NextActions}"),
            ], ct);
            return run;
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            db.ChangeTracker.Clear();
            await RunClaims.CompleteAsync(db, id, ok: false, [new("Trigger", null, trigger), new("Error", null, e.Message)], CancellationToken.None);
            throw;
        }
    }

    private async Task<RetentionRun> PurgeAsync(DateTime now, CancellationToken ct)
    {
        var (_, cutoff) = await CutoffAsync(ct);
        var disqualified = 0;
        foreach (var id in await ExpiredDisqualified(cutoff).Select(c => c.Id).ToListAsync(ct))
            if ((await erasure.EraseAsync(Everything, id, ct)).IsOk) disqualified++;
        var contacts = 0;
        foreach (var id in await BinContacts(cutoff).Select(c => c.Id).ToListAsync(ct))
        {
            if (!(await erasure.EraseAsync(Everything, id, ct)).IsOk) continue;
            await RemoveContactAsync(id, ct);
            contacts++;
        }
        var deals = 0;
        foreach (var id in await db.Opportunities.IgnoreQueryFilters().Where(o => o.DeletedAt < cutoff).Select(o => o.Id).ToListAsync(ct))
        {
            await RemoveActivitiesAsync(db.Activities.IgnoreQueryFilters().Where(a => a.OpportunityId == id && a.ContactId == null), ct);
            await db.Activities.IgnoreQueryFilters().Where(a => a.OpportunityId == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.OpportunityId, (long?)null), ct);
            await db.OpenQuestions.Where(q => q.OpportunityId == id).ExecuteUpdateAsync(s => s.SetProperty(q => q.OpportunityId, (long?)null), ct);
            await RemoveActionsAsync(db.NextActions.IgnoreQueryFilters().Where(a => a.OpportunityId == id), ct);
            deals += await db.Opportunities.IgnoreQueryFilters().Where(o => o.Id == id).ExecuteDeleteAsync(ct);
        }
        var companies = 0;
        foreach (var id in await db.Companies.IgnoreQueryFilters().Where(c => c.DeletedAt < cutoff).Select(c => c.Id).ToListAsync(ct))
        {
            await RemoveActivitiesAsync(db.Activities.IgnoreQueryFilters().Where(a => a.CompanyId == id && a.ContactId == null && a.OpportunityId == null), ct);
            await db.Activities.IgnoreQueryFilters().Where(a => a.CompanyId == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.CompanyId, (long?)null), ct);
            await db.OpenQuestions.Where(q => q.CompanyId == id).ExecuteUpdateAsync(s => s.SetProperty(q => q.CompanyId, (long?)null), ct);
            await db.ListRows.Where(r => r.DuplicateOfCompanyId == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.DuplicateOfCompanyId, (long?)null), ct);
            companies += await db.Companies.IgnoreQueryFilters().Where(c => c.Id == id).ExecuteDeleteAsync(ct);
        }
        var conversations = await RemoveActivitiesAsync(BinActivities(cutoff), ct);
        var actions = await RemoveActionsAsync(BinActions(cutoff), ct);
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("INSERT INTO ActivitySearch(ActivitySearch) VALUES('optimize')", ct);
        return new RetentionRun(true, now, disqualified, contacts, companies, deals, conversations, actions);
    }

    /// <summary>An erased contact removed with what hangs on it (consents, dates, events and answers go by the foreign keys).</summary>
    private async Task RemoveContactAsync(long id, CancellationToken ct)
    {
        await RemoveActivitiesAsync(db.Activities.IgnoreQueryFilters().Where(a => a.ContactId == id), ct);
        await db.OpenQuestions.Where(q => q.ContactId == id).ExecuteDeleteAsync(ct);
        await RemoveActionsAsync(db.NextActions.IgnoreQueryFilters().Where(a => a.ContactId == id), ct);
        await db.ListRows.Where(r => r.ContactId == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.ContactId, (long?)null), ct);
        await db.ListRows.Where(r => r.DuplicateOfContactId == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.DuplicateOfContactId, (long?)null), ct);
        await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == id).ExecuteDeleteAsync(ct);
    }

    /// <summary>Conversations removed for good (the note index follows by its triggers / generated column), with their questions.</summary>
    private async Task<int> RemoveActivitiesAsync(IQueryable<Activity> activities, CancellationToken ct)
    {
        var ids = await activities.Select(a => a.Id).ToListAsync(ct);
        if (ids.Count == 0) return 0;
        await db.OpenQuestions.Where(q => q.ActivityId != null && ids.Contains(q.ActivityId.Value)).ExecuteDeleteAsync(ct);
        return await db.Activities.IgnoreQueryFilters().Where(a => ids.Contains(a.Id)).ExecuteDeleteAsync(ct);
    }

    private async Task<int> RemoveActionsAsync(IQueryable<NextAction> actions, CancellationToken ct)
    {
        var ids = await actions.Select(a => a.Id).ToListAsync(ct);
        if (ids.Count == 0) return 0;
        await db.Reminders.Where(r => r.Kind == ReminderKind.NextAction && ids.Contains(r.SourceId!.Value)).ExecuteDeleteAsync(ct);
        await db.OpenQuestions.Where(q => q.NextActionId != null && ids.Contains(q.NextActionId.Value))
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.NextActionId, (long?)null), ct);
        return await db.NextActions.IgnoreQueryFilters().Where(a => ids.Contains(a.Id)).ExecuteDeleteAsync(ct);
    }

    private async Task<(int Days, DateTime Cutoff)> CutoffAsync(CancellationToken ct)
    {
        var days = await db.WorkspaceSettings.OrderBy(s => s.Id).Select(s => s.RetentionDays).FirstAsync(ct);
        return (days, time.GetUtcNow().UtcDateTime.AddDays(-days));
    }

    private IQueryable<Contact> BinContacts(DateTime cutoff) => db.Contacts.IgnoreQueryFilters().Where(c => c.DeletedAt < cutoff);

    private IQueryable<Activity> BinActivities(DateTime cutoff) => db.Activities.IgnoreQueryFilters().Where(a => a.DeletedAt < cutoff);

    private IQueryable<NextAction> BinActions(DateTime cutoff) => db.NextActions.IgnoreQueryFilters().Where(a => a.DeletedAt < cutoff);

    /// <summary>Disqualified (and not kept for later), no granted consent on any channel, last status change before the cutoff, not erased yet.</summary>
    private IQueryable<Contact> ExpiredDisqualified(DateTime cutoff) => db.Contacts
        .Where(c => c.ErasedAt == null && c.LeadStatus == LeadStatus.Unqualified && c.RecontactOn == null
            && c.Stage != Stage.Customer && c.Stage != Stage.RepeatCustomer) // stages are stored as names: no < in SQL
        .Where(c => !db.ConsentRecords.Any(r => r.ContactId == c.Id && r.Status == ConsentStatus.Granted
            && !db.ConsentRecords.Any(w => w.ContactId == c.Id && w.Channel == r.Channel && w.GivenAt > r.GivenAt)))
        .Where(c => db.LifecycleEvents.Where(e => e.ContactId == c.Id && e.Kind == LifecycleEventKind.StatusChanged)
            .OrderByDescending(e => e.At).Select(e => (DateTime?)e.At).FirstOrDefault() < cutoff); // no event: never purged

    private Task<DateTime> LastStatusChangeAsync(long contactId, CancellationToken ct) =>
        db.LifecycleEvents.Where(e => e.ContactId == contactId && e.Kind == LifecycleEventKind.StatusChanged).MaxAsync(e => e.At, ct);
}

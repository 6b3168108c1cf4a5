using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Audit;
using Prospector.Features.Common;

namespace Prospector.Features.Privacy;

/// <summary>
/// Erases one person's data (GDPR Art. 17) wherever Prospector stores it, in one transaction: the contact becomes a
/// tombstone ("Erased contact", <see cref="Contact.ErasedAt"/> set) that keeps only what reports count — stage, status,
/// owner, team, country, dates and its lifecycle events; consents, personal dates, tags and open questions go; the texts of
/// its conversations, next actions and reminders (also delivered ones, in the delivery log) are emptied; list rows of the
/// person lose their original cells and mapped values; the audit trail loses the values of the contact's changes, and the
/// person's name, e-mail and phone numbers are cut out of every other audit entry, deal title and reason. The writes go
/// past the change tracker, so the erasure itself leaves no "from → to" behind: one audit entry records who erased which
/// contact id, when and from where. On SQLite freed space is zeroed (secure_delete, on for every connection), the note
/// index (FTS5) is merged so no old segment keeps the words, and the WAL is checkpointed and truncated.
/// </summary>
public sealed class Erasure(ProspectorDb db, SecurityLog log, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    /// <summary>The tombstone's name (stored in English; the pages show it translated).</summary>
    public const string TombstoneName = "Erased contact";
    private const string Cut = "[erased]";

    public async Task<Outcome<Done>> EraseAsync(AccessScope scope, long contactId, CancellationToken ct = default)
    {
        if (!scope.IsAdmin) return Outcome<Done>.Forbidden("Only admins may erase a person's data");
        var contact = await scope.Filter(db.Contacts.IgnoreQueryFilters()).AsNoTracking().FirstOrDefaultAsync(c => c.Id == contactId, ct);
        if (contact is null) return Outcome<Done>.NotFound("Contact not found", l["There is no contact {0} that you can see.", contactId]);
        var needles = Needles(contact);
        var sqlite = db.Database.IsSqlite();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                await EraseRowsAsync(contact, needles, ct);
                db.AuditEntries.Add(log.Entry(AuditAction.Erased, nameof(Contact), contactId));
                await db.SaveChangesAsync(ct);
                // Merge the note index into one new segment: the old segments, which still hold the words, are freed.
                if (sqlite) await db.Database.ExecuteSqlRawAsync("INSERT INTO ActivitySearch(ActivitySearch) VALUES('optimize')", ct);
                await tx.CommitAsync(ct);
            }
            if (sqlite) await CheckpointAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return new Done();
    }

    private async Task EraseRowsAsync(Contact contact, List<string> needles, CancellationToken ct)
    {
        var id = contact.Id;
        var now = time.GetUtcNow().UtcDateTime;
        var tombstoneKey = TextKeys.Fold(TombstoneName);
        var emailKey = contact.EmailKey;
        await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Salutation, (string?)null).SetProperty(c => c.FirstName, "").SetProperty(c => c.NamePrefix, (string?)null)
            .SetProperty(c => c.LastName, TombstoneName).SetProperty(c => c.NameKey, tombstoneKey).SetProperty(c => c.FirstNameKey, "")
            .SetProperty(c => c.JobTitle, (string?)null).SetProperty(c => c.Email, (string?)null).SetProperty(c => c.EmailKey, (string?)null)
            .SetProperty(c => c.Phone, (string?)null).SetProperty(c => c.PhoneE164, (string?)null).SetProperty(c => c.Mobile, (string?)null)
            .SetProperty(c => c.CompanyId, (long?)null).SetProperty(c => c.Street, (string?)null).SetProperty(c => c.PostalCode, (string?)null)
            .SetProperty(c => c.City, (string?)null).SetProperty(c => c.CustomFields, (string?)null).SetProperty(c => c.Notes, (string?)null)
            .SetProperty(c => c.RecontactOn, (DateOnly?)null)
            .SetProperty(c => c.UnqualifiedReason, Scrub(contact.UnqualifiedReason, needles))
            .SetProperty(c => c.Source, Scrub(contact.Source, needles))
            .SetProperty(c => c.ErasedAt, now).SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Version, c => c.Version + 1), ct);

        // Tags say things about a person ("vegan", "met at the clinic"): the links go, the workspace's tags stay.
        var tagged = await db.Contacts.IgnoreQueryFilters().Include(c => c.Tags).FirstAsync(c => c.Id == id, ct);
        tagged.Tags.Clear();
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        await db.ConsentRecords.Where(c => c.ContactId == id).ExecuteDeleteAsync(ct);
        var dateIds = await db.PersonalDates.Where(d => d.ContactId == id).Select(d => d.Id).ToListAsync(ct);
        await db.Reminders.Where(r => r.Kind == ReminderKind.PersonalDate && dateIds.Contains(r.SourceId!.Value)).ExecuteDeleteAsync(ct);
        await db.PersonalDates.Where(d => d.ContactId == id).ExecuteDeleteAsync(ct);

        var activityIds = await db.Activities.IgnoreQueryFilters().Where(a => a.ContactId == id).Select(a => a.Id).ToListAsync(ct);
        await db.OpenQuestions.Where(q => q.ContactId == id || (q.ActivityId != null && activityIds.Contains(q.ActivityId.Value))).ExecuteDeleteAsync(ct);
        // Updating Subject and Notes fires the search-index triggers (SQLite) / regenerates the tsvector (PostgreSQL).
        await db.Activities.IgnoreQueryFilters().Where(a => a.ContactId == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Subject, (string?)null).SetProperty(a => a.Notes, (string?)null).SetProperty(a => a.Outcome, (string?)null), ct);

        var actionIds = await db.NextActions.IgnoreQueryFilters().Where(a => a.ContactId == id).Select(a => a.Id).ToListAsync(ct);
        await db.NextActions.IgnoreQueryFilters().Where(a => a.ContactId == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Note, (string?)null).SetProperty(a => a.Outcome, (string?)null), ct);
        // Nobody is to be called about an erased person: open steps are cancelled, their reminders not sent.
        await db.NextActions.IgnoreQueryFilters().Where(a => a.ContactId == id && a.Status == NextActionStatus.Open).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Status, NextActionStatus.Cancelled).SetProperty(a => a.CompletedAt, now), ct);
        var reminders = db.Reminders.Where(r => r.Kind == ReminderKind.NextAction && actionIds.Contains(r.SourceId!.Value));
        await reminders.Where(r => r.Status == ReminderStatus.Pending).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReminderStatus.Skipped), ct);
        await reminders.ExecuteUpdateAsync(s => s.SetProperty(r => r.Title, TombstoneName).SetProperty(r => r.Error, (string?)null), ct);

        await db.QualificationAnswers.Where(a => a.ContactId == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Note, (string?)null), ct);
        foreach (var e in await db.LifecycleEvents.Where(e => e.ContactId == id && e.Reason != null).Select(e => new { e.Id, e.Reason }).ToListAsync(ct))
            await db.LifecycleEvents.Where(x => x.Id == e.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Reason, Scrub(e.Reason, needles)), ct);
        // The funnel's kept tallies hold disqualification reasons as text (ADR 0032). The triggers moved this contact's
        // counts to its scrubbed reasons; the rows of the old reasons came to 0 but stay, so rows at 0 go (they count nothing).
        await db.CohortTallies.Where(t => t.Count == 0).ExecuteDeleteAsync(ct);
        await db.DisqualificationTallies.Where(t => t.Count == 0).ExecuteDeleteAsync(ct);

        // Deals stay (they are the company's business and the numbers' source), without the person's name in them.
        // The title's search key is scrubbed with it: it holds the name folded ("muller").
        foreach (var o in await db.Opportunities.IgnoreQueryFilters().Where(o => o.ContactId == id).Select(o => new { o.Id, o.Title, o.CloseReason }).ToListAsync(ct))
        {
            var title = Scrub(o.Title, needles) ?? "";
            await db.Opportunities.IgnoreQueryFilters().Where(x => x.Id == o.Id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Title, title).SetProperty(x => x.TitleKey, Opportunity.KeyOf(title))
                .SetProperty(x => x.CloseReason, Scrub(o.CloseReason, needles)), ct);
        }

        // The person's rows in prospecting lists: the one converted into the contact, those marked as its duplicate, and
        // rows elsewhere with the same e-mail address. The row stays (list counts), empty.
        var rows = db.ListRows.Where(r => r.ContactId == id || r.DuplicateOfContactId == id || (emailKey != null && r.EmailKey == emailKey));
        await rows.ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Cells, "[]").SetProperty(r => r.Name, (string?)null).SetProperty(r => r.NameKey, (string?)null)
            .SetProperty(r => r.Company, (string?)null).SetProperty(r => r.CompanyKey, (string?)null).SetProperty(r => r.Email, (string?)null)
            .SetProperty(r => r.EmailKey, (string?)null).SetProperty(r => r.Phone, (string?)null).SetProperty(r => r.PhoneE164, (string?)null)
            .SetProperty(r => r.Domain, (string?)null).SetProperty(r => r.City, (string?)null).SetProperty(r => r.SearchKey, "")
            .SetProperty(r => r.Issues, (string?)null).SetProperty(r => r.CancelNote, (string?)null), ct);

        // Sequence enrolments stay (sequence reports count them), without their notes (an e-mail skipped, a reply quoted…).
        await db.SequenceEnrolments.Where(e => e.ContactId == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Note, (string?)null), ct);

        // Dropbox mail that names the person: logged or assigned ones keep only their claim (so they are never fetched again);
        // unmatched or held ones lose their text and leave review (nobody is to log them later); the address goes everywhere.
        var dropbox = await DropboxMentions.Of(db.DropboxMessages, id, emailKey)
            .Select(m => new { m.Id, m.Status, m.FromAddress, m.FromName, m.Recipients, m.Subject, m.HandledAt }).ToListAsync(ct);
        foreach (var m in dropbox)
        {
            var waiting = m.Status is DropboxMailStatus.Unmatched or DropboxMailStatus.Held or DropboxMailStatus.Failed;
            await db.DropboxMessages.Where(x => x.Id == m.Id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.FromAddress, Scrub(m.FromAddress, needles) ?? "")
                .SetProperty(x => x.FromName, Scrub(m.FromName, needles))
                .SetProperty(x => x.Recipients, Scrub(m.Recipients, needles) ?? "")
                .SetProperty(x => x.Subject, waiting ? null : Scrub(m.Subject, needles))
                .SetProperty(x => x.Body, (string?)null)
                .SetProperty(x => x.Status, waiting ? DropboxMailStatus.Discarded : m.Status)
                .SetProperty(x => x.HandledAt, waiting ? now : m.HandledAt), ct);
        }

        // The contact's own history keeps who changed it when, not what it said.
        await db.AuditEntries.Where(a => a.EntityType == nameof(Contact) && a.EntityId == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Changes, "[]"), ct);
        await ScrubAuditAsync(needles, ct);
    }

    /// <summary>Other records' audit values that quote the person (a deal titled with their name…): the quotes are cut out.</summary>
    private async Task ScrubAuditAsync(List<string> needles, CancellationToken ct)
    {
        var forms = needles.SelectMany(n => new[] { n, JsonSerializer.Serialize(n, JsonSerializerOptions.Web)[1..^1] }).Distinct().ToList();
        foreach (var form in forms)
        {
            var hits = await db.AuditEntries.Where(a => a.Changes.Contains(form)).Select(a => new { a.Id, a.Changes }).ToListAsync(ct);
            foreach (var h in hits)
            {
                var changes = JsonSerializer.Deserialize<List<FieldChange>>(h.Changes, JsonSerializerOptions.Web) ?? [];
                var scrubbed = JsonSerializer.Serialize(changes.Select(c => c with { From = Scrub(c.From, needles), To = Scrub(c.To, needles) }),
                    JsonSerializerOptions.Web);
                // Not JSON we wrote (or a needle only in its escaped form that survived): empty it rather than keep the quote.
                if (scrubbed.Contains(form, StringComparison.Ordinal)) scrubbed = "[]";
                await db.AuditEntries.Where(a => a.Id == h.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Changes, scrubbed), ct);
            }
        }
    }

    /// <summary>What identifies the person in free text elsewhere: the full name, e-mail and phone numbers.</summary>
    private static List<string> Needles(Contact c) =>
        new[] { c.DisplayName, Contact.NameOf(null, c.NamePrefix, c.LastName) is { Length: >= 4 } last && c.FirstName.Length > 0 ? $"{last} {c.FirstName}" : null,
                c.Email, c.Phone, c.PhoneE164, c.Mobile }
            .Where(s => s is { Length: >= 4 }).Select(s => s!.Trim()).Distinct().ToList();

    private static string? Scrub(string? text, List<string> needles)
    {
        if (text is null) return null;
        foreach (var n in needles) text = text.Replace(n, Cut, StringComparison.OrdinalIgnoreCase);
        return text;
    }

    /// <summary>
    /// Copies the WAL into the database and truncates it, so the old page images (with the erased text) are gone from the
    /// -wal file too. A reader still on an older snapshot makes it wait; it is tried a few times.
    /// </summary>
    private async Task CheckpointAsync(CancellationToken ct)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var conn = db.Database.GetDbConnection();
            await using DbCommand cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct) && reader.GetInt32(0) == 0) return;
            await reader.DisposeAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }
    }
}

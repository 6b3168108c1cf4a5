using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Contacts;
using Prospector.Features.NextActions;

namespace Prospector.Features.Lists;

public enum CancelReason { NotInterested, WrongTargetMarket, NoBudget, NoAuthority, Duplicate, Unreachable, Other }

/// <summary>What to do with a list row: the rep's decisions (+, cancel), their undo, "keep" for a duplicate, an assignment.</summary>
public abstract record RowAction
{
    /// <summary>(+): a new Lead contact with its first next action, or (<paramref name="Merge"/>) the contact it duplicates filled in.</summary>
    public sealed record Convert(NextActionInput? Next, bool Merge = false) : RowAction;
    public sealed record Cancel(CancelReason? Reason, string? Note) : RowAction;
    /// <summary>Undo of a cancellation.</summary>
    public sealed record Reopen : RowAction;
    /// <summary>Undo of a conversion that made a new contact.</summary>
    public sealed record UndoConvert : RowAction;
    /// <summary>"Not a duplicate": the row is worked as an open row.</summary>
    public sealed record Keep : RowAction;
    /// <summary>The rep who works the row (null: nobody); managers and admins assign to others, reps only to themselves.</summary>
    public sealed record Assign(long? AssigneeId) : RowAction;
}

/// <summary>Rows worked by one bulk request: the ids done, and why each other row was not.</summary>
public sealed record BulkResult(List<long> Done, Dictionary<long, string> Skipped);

/// <summary>
/// Working a list row by row: (+) turns a row into a Lead contact (and its company) with a first next action, or merges
/// it into the existing contact it duplicates; cancel takes a reason and can be undone. The one write path for rows,
/// whoever asks (the API, the list page): it loads the visible list and row, checks, changes, and commits each row in a
/// transaction of its own.
/// </summary>
public sealed partial class ListWork(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, Prospector.Features.NextActions.NextActions nextActions)
{
    public const int MaxBulkRows = 1000;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Works one row of a visible list. <paramref name="expectedVersion"/> (If-Match) makes a change based on an older
    /// row stale; a concurrent change while saving is a conflict.
    /// </summary>
    public async Task<Outcome<RowDto>> ApplyToRowAsync(long listId, long rowId, RowAction action, AccessScope scope, CancellationToken ct,
        int? expectedVersion = null)
    {
        if (await VisibleListAsync(listId, scope, ct) is not { } list) return ListNotFound<RowDto>(listId);
        if (await CheckAsync(action, scope, ct) is { } refused) return refused.As<RowDto>();
        if (await db.ListRows.FirstOrDefaultAsync(r => r.Id == rowId && r.ListId == listId, ct) is not { } row)
            return Outcome<RowDto>.NotFound("Row not found", l["List {0} has no row {1}.", listId, rowId]);
        if (expectedVersion is { } expected && expected != row.Version) return Outcome<RowDto>.Stale(row.Version);
        var done = await SaveRowAsync(list, row, action, scope, ct);
        return done.IsOk ? ListQueries.ToDto(row) : done.As<RowDto>();
    }

    /// <summary>
    /// Works the selected rows of a visible list, in row order, each in its own transaction: a row that cannot be worked
    /// is skipped with the reason and the others go ahead. Input that is wrong for every row (a missing reason) is
    /// answered as invalid before any row changes.
    /// </summary>
    public async Task<Outcome<BulkResult>> ApplyToRowsAsync(long listId, IReadOnlyCollection<long> rowIds, RowAction action, AccessScope scope,
        CancellationToken ct)
    {
        if (await VisibleListAsync(listId, scope, ct) is not { } list) return ListNotFound<BulkResult>(listId);
        if (rowIds.Count is 0 or > MaxBulkRows || rowIds.Any(id => id <= 0))
            return Outcome<BulkResult>.Invalid("rowIds", l["Select between 1 and 1000 rows."]);
        if (await CheckAsync(action, scope, ct) is { } refused) return refused.As<BulkResult>();
        var ids = rowIds.Distinct().ToList();
        var ordered = await db.ListRows.Where(r => r.ListId == listId && ids.Contains(r.Id)).OrderBy(r => r.RowNumber).Select(r => r.Id).ToListAsync(ct);
        var result = new BulkResult([], []);
        foreach (var id in ordered)
        {
            var row = await db.ListRows.FirstAsync(r => r.Id == id, ct);
            var outcome = await SaveRowAsync(list, row, action, scope, ct);
            if (outcome.IsOk)
            {
                result.Done.Add(id);
                continue;
            }
            if (outcome.Kind == OutcomeKind.Invalid && result.Done.Count == 0 && result.Skipped.Count == 0 && action is not RowAction.Convert)
                return outcome.As<BulkResult>(); // the same input is wrong for every row
            result.Skipped[id] = Message(outcome);
            db.ChangeTracker.Clear(); // what the failed row left behind must not ride along with the next one
            list = await db.ProspectingLists.FirstAsync(x => x.Id == listId, ct);
        }
        foreach (var missing in ids.Except(ordered)) result.Skipped[missing] = l["List {0} has no row {1}.", listId, missing];
        return result;
    }

    /// <summary>The one sentence a caller shows for a row that could not be worked.</summary>
    public string Message<T>(Outcome<T> o) => o.Kind switch
    {
        OutcomeKind.Invalid => string.Join(" ", o.Errors.SelectMany(e => e.Value).Distinct()),
        _ => o.Detail ?? l[o.Title ?? "Not possible in this state"],
    };

    private Task<ProspectingList?> VisibleListAsync(long listId, AccessScope scope, CancellationToken ct) =>
        ListQueries.Visible(db, scope).FirstOrDefaultAsync(l => l.Id == listId, ct);

    private Outcome<T> ListNotFound<T>(long listId) => Outcome<T>.NotFound("List not found", l["There is no list {0} that you can see.", listId]);

    /// <summary>
    /// Rules that hold for every row: only managers and admins assign rows to others, and only to an active user of their
    /// teams (the hand-over rule, <see cref="AccessScope.HandOverProblemAsync"/>).
    /// </summary>
    private async Task<Outcome<Done>?> CheckAsync(RowAction action, AccessScope scope, CancellationToken ct)
    {
        if (action is not RowAction.Assign { AssigneeId: { } assignee }) return null;
        if (assignee != scope.UserId && !scope.IsManagerOrAdmin) return Outcome<Done>.Invalid("assigneeId", l["Only managers assign rows to others."]);
        return await scope.HandOverProblemAsync(db, assignee, ct) is { } problem ? Outcome<Done>.Invalid("assigneeId", l[problem, assignee]) : null;
    }

    /// <summary>One row, one transaction: the change and everything it makes (contact, company, next action) or nothing.</summary>
    private async Task<Outcome<Done>> SaveRowAsync(ProspectingList list, ListRow row, RowAction action, AccessScope scope, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var outcome = action switch
        {
            RowAction.Convert c => await ConvertAsync(list, row, c.Next, c.Merge, scope, ct),
            RowAction.Cancel c => Cancel(row, c.Reason, c.Note),
            RowAction.Reopen => Reopen(row),
            RowAction.UndoConvert => await UndoConvertAsync(list, row, scope, ct),
            RowAction.Keep => Keep(row),
            RowAction.Assign a => Assign(row, a.AssigneeId),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
        if (!outcome.IsOk) return outcome; // the transaction rolls back what was saved on the way
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome<Done>.Conflict("The row was changed by someone else", l["Row {0} was just worked by someone else; reload it.", row.RowNumber]);
        }
        return new Done();
    }

    private Outcome<Done> NotNow(string detail) => Outcome<Done>.Conflict("Not possible in this state", detail);

    private Outcome<Done> Assign(ListRow row, long? assignee)
    {
        (row.AssignedToId, row.UpdatedAt) = (assignee, Now);
        return new Done();
    }

    private async Task<Outcome<Done>> ConvertAsync(ProspectingList list, ListRow row, NextActionInput? next, bool merge, AccessScope scope, CancellationToken ct)
    {
        if (row.State is ListRowState.Converted) return NotNow(l["Row {0} is already a contact.", row.RowNumber]);
        if (row.State is ListRowState.Cancelled) return NotNow(l["Row {0} is cancelled; undo the cancellation first.", row.RowNumber]);
        var columns = JsonSerializer.Deserialize<List<string>>(list.Columns) ?? [];
        var byName = JsonSerializer.Deserialize<Dictionary<string, ListField>>(list.Mapping) ?? [];
        var mapping = columns.Select(c => byName.GetValueOrDefault(c, ListField.Ignore)).ToArray();
        var norm = Normaliser.Map(JsonSerializer.Deserialize<string[]>(row.Cells) ?? [], mapping, list.DefaultCountry);
        var custom = await CustomFieldsAsync(norm, columns, ct);

        Contact contact;
        if (merge)
        {
            if (row.DuplicateOfContactId is not { } existingId
                || await scope.Filter(db.Contacts).FirstOrDefaultAsync(c => c.Id == existingId, ct) is not { } existing)
                return NotNow(l["Row {0} has no existing contact to merge into.", row.RowNumber]);
            if (Tombstone.Refuse<Done>(existing, l) is { } erased) return erased;
            contact = existing;
            await db.Entry(contact).Collection(c => c.PersonalDates).LoadAsync(ct);
            var errors = await ContactWrites.ApplyAsync(db, scope, contact, JsonFields.From(MissingFields(contact, norm, custom), l), Now, isNew: false, ct);
            if (errors is not null) return Outcome<Done>.Invalid(errors);
            if (next is not null && !await db.NextActions.AnyAsync(a => a.ContactId == contact.Id && a.OpportunityId == null && a.Status == NextActionStatus.Open, ct))
                if ((await nextActions.ScheduleAsync(contact.Id, null, next, scope, ct, "nextAction")).Errors is { } e) return Outcome<Done>.Invalid(e);
        }
        else
        {
            if (next is null) return Outcome<Done>.Invalid("nextAction", l["Plan the first next action for the new contact."]);
            if (nextActions.Validate(next, "nextAction") is { } invalid) return Outcome<Done>.Invalid(invalid);
            contact = new Contact();
            // The list's lead source, unless it was retired since the import (the list's name stays as the source detail).
            var sourceId = list.LeadSourceId is { } ls && await db.LeadSources.AnyAsync(s => s.Id == ls && s.RetiredAt == null, ct) ? ls : (long?)null;
            var body = ContactBody(norm, list, row, custom, sourceId);
            if (await CompanyForAsync(norm, row, list, scope, ct) is { } company)
            {
                if (company.Id == 0) contact.Company = company;
                else body["companyId"] = company.Id;
            }
            var errors = await ContactWrites.ApplyAsync(db, scope, contact, JsonFields.From(body, l), Now, isNew: true, ct);
            if (errors is not null) return Outcome<Done>.Invalid(errors);
            contact.SourceListId = list.Id;
            db.Contacts.Add(contact);
            await db.SaveChangesAsync(ct); // the contact's id, for its next action; SaveRowAsync commits or rolls back
            if ((await nextActions.ScheduleAsync(contact.Id, null, next, scope, ct, "nextAction")).Errors is { } e) return Outcome<Done>.Invalid(e);
        }
        row.State = ListRowState.Converted;
        if (contact.Id == 0) await db.SaveChangesAsync(ct); // the new contact's id; the row is saved in the same transaction
        row.ContactId = contact.Id;
        row.UpdatedAt = Now;
        return new Done();
    }

    private Outcome<Done> Cancel(ListRow row, CancelReason? reason, string? note)
    {
        if (row.State is ListRowState.Converted) return NotNow(l["Row {0} is already a contact.", row.RowNumber]);
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (reason is null) return Outcome<Done>.Invalid("reason", l["Choose why the row is cancelled."]);
        if (reason == CancelReason.Other && note is null) return Outcome<Done>.Invalid("note", l["Say why, in a few words."]);
        if (note is { Length: > 1000 }) return Outcome<Done>.Invalid("note", l["{0} is longer than {1} characters.", "note", 1000]);
        (row.State, row.CancelReason, row.CancelNote, row.UpdatedAt) = (ListRowState.Cancelled, reason.ToString(), note, Now);
        return new Done();
    }

    /// <summary>Undo of a cancellation: the row is open again (or a duplicate again, if it was one).</summary>
    private Outcome<Done> Reopen(ListRow row)
    {
        if (row.State is not ListRowState.Cancelled) return NotNow(l["Only a cancelled row can be reopened."]);
        row.State = row.DuplicateReason is null ? ListRowState.Open : ListRowState.Duplicate;
        (row.CancelReason, row.CancelNote, row.UpdatedAt) = (null, null, Now);
        return new Done();
    }

    /// <summary>
    /// Undo of a conversion that made a new contact (the rep's u right after +): the contact, its open next actions and a
    /// company made for it alone go to the recycle bin, and the row is open again (or a duplicate again). A row merged
    /// into an existing contact is not undone this way: the merge only filled empty fields of a contact that stays.
    /// </summary>
    private async Task<Outcome<Done>> UndoConvertAsync(ProspectingList list, ListRow row, AccessScope scope, CancellationToken ct)
    {
        if (row.State is not ListRowState.Converted || row.ContactId is not { } contactId) return NotNow(l["Only a converted row can be undone."]);
        if (row.DuplicateOfContactId == contactId) return NotNow(l["Row {0} was merged into an existing contact; that cannot be undone here.", row.RowNumber]);
        var now = Now;
        if (await scope.Filter(db.Contacts).FirstOrDefaultAsync(c => c.Id == contactId, ct) is { } contact)
        {
            if (contact.SourceListId != list.Id) return NotNow(l["Row {0} was merged into an existing contact; that cannot be undone here.", row.RowNumber]);
            contact.DeletedAt = now;
            foreach (var a in await db.NextActions.Where(a => a.ContactId == contactId && a.Status == NextActionStatus.Open).ToListAsync(ct)) a.DeletedAt = now;
            var source = UnicodeText.Prefix(list.Name, 100);
            if (contact.CompanyId is { } companyId
                && !await db.Contacts.IgnoreQueryFilters().AnyAsync(c => c.CompanyId == companyId && c.Id != contactId, ct)
                && !await db.Opportunities.IgnoreQueryFilters().AnyAsync(o => o.CompanyId == companyId, ct)
                && await scope.Filter(db.Companies).FirstOrDefaultAsync(c => c.Id == companyId && c.Source == source, ct) is { } company)
                company.DeletedAt = now;
        }
        row.State = row.DuplicateReason is null ? ListRowState.Open : ListRowState.Duplicate;
        (row.ContactId, row.UpdatedAt) = (null, now);
        return new Done();
    }

    /// <summary>"Keep" for a duplicate: the user says it is not one, and it is worked as an open row.</summary>
    private Outcome<Done> Keep(ListRow row)
    {
        if (row.State is not ListRowState.Duplicate) return NotNow(l["Only a duplicate row can be kept."]);
        (row.State, row.UpdatedAt) = (ListRowState.Open, Now);
        return new Done();
    }
}

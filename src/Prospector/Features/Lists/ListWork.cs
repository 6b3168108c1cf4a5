using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Companies;
using Prospector.Features.Contacts;
using Prospector.Features.NextActions;

namespace Prospector.Features.Lists;

public enum CancelReason { NotInterested, WrongTargetMarket, NoBudget, NoAuthority, Duplicate, Unreachable, Other }

/// <summary>The outcome of working a row: done, invalid input (by field), or a state that does not allow it (409).</summary>
public sealed record WorkResult(Dictionary<string, string[]>? Errors = null, string? Conflict = null)
{
    public static readonly WorkResult Ok = new();
    public bool Succeeded => Errors is null && Conflict is null;
}

/// <summary>
/// Working a list row by row: (+) turns a row into a Lead contact (and its company) with a first next action, or merges
/// it into the existing contact it duplicates; cancel takes a reason and can be undone. Shared by the API and the UI;
/// callers save the context, in a transaction (a new contact is saved first, to link the row to it).
/// </summary>
public sealed class ListWork(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, Prospector.Features.NextActions.NextActions nextActions)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<WorkResult> ConvertAsync(ProspectingList list, ListRow row, NextActionInput? next, bool merge, AccessScope scope, CancellationToken ct)
    {
        if (row.State is ListRowState.Converted) return new(Conflict: l["Row {0} is already a contact.", row.RowNumber]);
        if (row.State is ListRowState.Cancelled) return new(Conflict: l["Row {0} is cancelled; undo the cancellation first.", row.RowNumber]);
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
                return new(Conflict: l["Row {0} has no existing contact to merge into.", row.RowNumber]);
            contact = existing;
            await db.Entry(contact).Collection(c => c.PersonalDates).LoadAsync(ct);
            var errors = await ContactWrites.ApplyAsync(db, scope, contact, JsonFields.From(MissingFields(contact, norm, custom), l), Now, isNew: false, ct);
            if (errors is not null) return new(errors);
            if (next is not null && !await db.NextActions.AnyAsync(a => a.ContactId == contact.Id && a.OpportunityId == null && a.Status == NextActionStatus.Open, ct))
                if ((await nextActions.ScheduleAsync(contact.Id, null, next, scope, ct, "nextAction")).Errors is { } e) return new(e);
        }
        else
        {
            if (next is null) return new(new() { ["nextAction"] = [l["Plan the first next action for the new contact."]] });
            if (nextActions.Validate(next, "nextAction") is { } invalid) return new(invalid);
            contact = new Contact();
            var body = ContactBody(norm, list, row, custom);
            if (await CompanyForAsync(norm, row, list, scope, ct) is { } company)
            {
                if (company.Id == 0) contact.Company = company;
                else body["companyId"] = company.Id;
            }
            var errors = await ContactWrites.ApplyAsync(db, scope, contact, JsonFields.From(body, l), Now, isNew: true, ct);
            if (errors is not null) return new(errors);
            contact.SourceListId = list.Id;
            db.Contacts.Add(contact);
            await db.SaveChangesAsync(ct); // the contact's id, for its next action; callers commit or roll back the transaction
            if ((await nextActions.ScheduleAsync(contact.Id, null, next, scope, ct, "nextAction")).Errors is { } e) return new(e);
        }
        row.State = ListRowState.Converted;
        if (contact.Id == 0) await db.SaveChangesAsync(ct); // the new contact's id; callers save the row in the same transaction
        row.ContactId = contact.Id;
        row.UpdatedAt = Now;
        return WorkResult.Ok;
    }

    public WorkResult Cancel(ListRow row, CancelReason? reason, string? note)
    {
        if (row.State is ListRowState.Converted) return new(Conflict: l["Row {0} is already a contact.", row.RowNumber]);
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (reason is null) return new(new() { ["reason"] = [l["Choose why the row is cancelled."]] });
        if (reason == CancelReason.Other && note is null) return new(new() { ["note"] = [l["Say why, in a few words."]] });
        if (note is { Length: > 1000 }) return new(new() { ["note"] = [l["{0} is longer than {1} characters.", "note", 1000]] });
        (row.State, row.CancelReason, row.CancelNote, row.UpdatedAt) = (ListRowState.Cancelled, reason.ToString(), note, Now);
        return WorkResult.Ok;
    }

    /// <summary>Undo of a cancellation: the row is open again (or a duplicate again, if it was one).</summary>
    public WorkResult Reopen(ListRow row)
    {
        if (row.State is not ListRowState.Cancelled) return new(Conflict: l["Only a cancelled row can be reopened."]);
        row.State = row.DuplicateReason is null ? ListRowState.Open : ListRowState.Duplicate;
        (row.CancelReason, row.CancelNote, row.UpdatedAt) = (null, null, Now);
        return WorkResult.Ok;
    }

    /// <summary>
    /// Undo of a conversion that made a new contact (the rep's u right after +): the contact, its open next actions and a
    /// company made for it alone go to the recycle bin, and the row is open again (or a duplicate again). A row merged
    /// into an existing contact is not undone this way: the merge only filled empty fields of a contact that stays.
    /// </summary>
    public async Task<WorkResult> UndoConvertAsync(ProspectingList list, ListRow row, AccessScope scope, CancellationToken ct)
    {
        if (row.State is not ListRowState.Converted || row.ContactId is not { } contactId) return new(Conflict: l["Only a converted row can be undone."]);
        if (row.DuplicateOfContactId == contactId) return new(Conflict: l["Row {0} was merged into an existing contact; that cannot be undone here.", row.RowNumber]);
        var now = Now;
        if (await scope.Filter(db.Contacts).FirstOrDefaultAsync(c => c.Id == contactId, ct) is { } contact)
        {
            if (contact.SourceListId != list.Id) return new(Conflict: l["Row {0} was merged into an existing contact; that cannot be undone here.", row.RowNumber]);
            contact.DeletedAt = now;
            foreach (var a in await db.NextActions.Where(a => a.ContactId == contactId && a.Status == NextActionStatus.Open).ToListAsync(ct)) a.DeletedAt = now;
            var source = list.Name.Length > 100 ? list.Name[..100] : list.Name;
            if (contact.CompanyId is { } companyId
                && !await db.Contacts.IgnoreQueryFilters().AnyAsync(c => c.CompanyId == companyId && c.Id != contactId, ct)
                && !await db.Opportunities.IgnoreQueryFilters().AnyAsync(o => o.CompanyId == companyId, ct)
                && await scope.Filter(db.Companies).FirstOrDefaultAsync(c => c.Id == companyId && c.Source == source, ct) is { } company)
                company.DeletedAt = now;
        }
        row.State = row.DuplicateReason is null ? ListRowState.Open : ListRowState.Duplicate;
        (row.ContactId, row.UpdatedAt) = (null, now);
        return WorkResult.Ok;
    }

    /// <summary>"Keep" for a duplicate: the user says it is not one, and it is worked as an open row.</summary>
    public WorkResult Keep(ListRow row)
    {
        if (row.State is not ListRowState.Duplicate) return new(Conflict: l["Only a duplicate row can be kept."]);
        (row.State, row.UpdatedAt) = (ListRowState.Open, Now);
        return WorkResult.Ok;
    }

    /// <summary>
    /// The row's custom-field values, keyed by the contact custom field named like the column (label or key, folded), or by
    /// the column name itself (the import defines a custom field for each such column).
    /// </summary>
    private async Task<JsonObject> CustomFieldsAsync(NormalRow n, List<string> columns, CancellationToken ct)
    {
        var o = new JsonObject();
        if (n.Custom.Count == 0) return o;
        var defined = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.EntityType == CustomFieldKeys.Contact).ToListAsync(ct);
        foreach (var (column, value) in n.Custom)
        {
            if (column >= columns.Count) continue;
            var key = CustomFieldKeys.For(columns[column], defined);
            o[key] = o[key] is { } earlier ? $"{earlier.GetValue<string>()}\n{value}" : value;
        }
        return o;
    }

    private static JsonArray Birthday((int Month, int Day, int? Year) b) =>
        [new JsonObject { ["kind"] = nameof(PersonalDateKind.Birthday), ["month"] = b.Month, ["day"] = b.Day, ["year"] = b.Year, ["remindDaysBefore"] = 7 }];

    private static JsonObject ContactBody(NormalRow n, ProspectingList list, ListRow row, JsonObject custom)
    {
        var o = new JsonObject
        {
            ["salutation"] = n.Salutation, ["firstName"] = n.FirstName, ["namePrefix"] = n.NamePrefix,
            ["lastName"] = n.LastName ?? (n.HasPerson || n.Email is not null ? null : n.Company), ["jobTitle"] = n.JobTitle,
            ["email"] = n.Email, ["phone"] = n.Phone, ["mobile"] = n.Mobile, ["street"] = n.Street, ["postalCode"] = n.PostalCode,
            ["city"] = n.City, ["country"] = n.Country ?? list.DefaultCountry, ["notes"] = n.Notes,
            ["stage"] = nameof(Stage.Lead), ["leadStatus"] = nameof(LeadStatus.Working),
            ["source"] = list.Name.Length > 100 ? list.Name[..100] : list.Name,
        };
        if (row.AssignedToId is { } a) o["ownerId"] = a;
        if (n.Birthday is { } b) o["personalDates"] = Birthday(b);
        if (custom.Count > 0) o["customFields"] = custom;
        return o;
    }

    /// <summary>Merge: fills what the existing contact lacks; never overwrites what a rep already entered.</summary>
    private static JsonObject MissingFields(Contact c, NormalRow n, JsonObject custom)
    {
        var o = new JsonObject();
        void Fill(string field, string? current, string? value) { if (string.IsNullOrEmpty(current) && !string.IsNullOrEmpty(value)) o[field] = value; }
        Fill("jobTitle", c.JobTitle, n.JobTitle);
        Fill("email", c.Email, n.Email);
        Fill("phone", c.Phone, n.Phone);
        Fill("mobile", c.Mobile, n.Mobile);
        Fill("street", c.Street, n.Street);
        Fill("postalCode", c.PostalCode, n.PostalCode);
        Fill("city", c.City, n.City);
        Fill("country", c.Country, n.Country);
        Fill("notes", c.Notes, n.Notes);
        if (n.Birthday is { } b && c.PersonalDates.All(d => d.Kind != PersonalDateKind.Birthday))
        {
            var dates = new JsonArray([.. c.PersonalDates.Select(d => (JsonNode)new JsonObject
            {
                ["kind"] = d.Kind.ToString(), ["label"] = d.Label, ["month"] = d.Month, ["day"] = d.Day, ["year"] = d.Year,
                ["remindDaysBefore"] = d.RemindDaysBefore,
            })]);
            dates.Add(Birthday(b)[0]!.DeepClone());
            o["personalDates"] = dates;
        }
        if (custom.Count > 0)
        {
            var current = c.CustomFields is { } json ? JsonNode.Parse(json) as JsonObject ?? [] : [];
            var added = false;
            foreach (var (key, value) in custom)
                if (!current.ContainsKey(key)) { current[key] = value?.DeepClone(); added = true; }
            if (added) o["customFields"] = current;
        }
        return o;
    }

    /// <summary>The row's company: the one with its web domain, else one of the same name, else a new one.</summary>
    private async Task<Company?> CompanyForAsync(NormalRow n, ListRow row, ProspectingList list, AccessScope scope, CancellationToken ct)
    {
        if (row.DuplicateOfCompanyId is { } id && await scope.Filter(db.Companies).FirstOrDefaultAsync(c => c.Id == id, ct) is { } byDomain)
            return byDomain;
        if (n.Company is null) return null;
        var key = TextKeys.Fold(n.Company);
        if (await scope.Filter(db.Companies).Where(c => c.NameKey == key).OrderBy(c => c.Id).FirstOrDefaultAsync(ct) is { } byName) return byName;
        var company = new Company();
        var body = new JsonObject
        {
            ["name"] = n.Company, ["website"] = n.Website is not null && n.Domain is not null ? n.Website : null, ["street"] = n.Street,
            ["postalCode"] = n.PostalCode, ["city"] = n.City, ["country"] = n.Country ?? list.DefaultCountry,
            ["source"] = list.Name.Length > 100 ? list.Name[..100] : list.Name,
        };
        if (row.AssignedToId is { } a) body["ownerId"] = a;
        var errors = await CompanyFields.ApplyAsync(db, scope, company, JsonFields.From(body, l), Now, isNew: true, ct);
        if (errors is not null) return null;
        db.Companies.Add(company);
        return company;
    }
}

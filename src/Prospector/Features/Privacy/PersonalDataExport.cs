using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Audit;
using Prospector.Features.Common;

namespace Prospector.Features.Privacy;

/// <summary>A ready export: the ZIP's bytes and its file name.</summary>
public sealed record PersonalDataFile(string FileName, byte[] Content);

/// <summary>
/// Everything stored about one person (GDPR Art. 15 access, Art. 20 portability), as a ZIP: <c>personal-data.json</c>,
/// one document with all of it, and one CSV per kind (contact, consents, personal dates, custom fields, conversations,
/// open questions, next actions, reminders, deals, list rows with their original cells, lifecycle events, qualification
/// answers, audit entries). Every stored column of each row is included, read from the model, so a field added later is
/// exported too. CSV cells are formula-escaped like every other export. Managers and admins may export a contact they
/// can see; the export is recorded in the audit trail.
/// </summary>
public sealed class PersonalDataExport(ProspectorDb db, SecurityLog log, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task<Outcome<PersonalDataFile>> ExportAsync(AccessScope scope, long contactId, CancellationToken ct = default)
    {
        var contact = await scope.Filter(db.Contacts).AsNoTracking().FirstOrDefaultAsync(c => c.Id == contactId, ct);
        if (contact is null) return Outcome<PersonalDataFile>.NotFound("Contact not found", l["There is no contact {0} that you can see.", contactId]);
        if (!scope.IsManagerOrAdmin)
            return Outcome<PersonalDataFile>.Forbidden("Only managers and admins may export a person's data");
        var kinds = await CollectAsync(scope, contact, ct);
        db.AuditEntries.Add(log.Entry(AuditAction.PersonalDataExported, nameof(Contact), contactId));
        await db.SaveChangesAsync(ct);
        return new PersonalDataFile($"personal-data-contact-{contactId}.zip", Zip(contact.Id, kinds));
    }

    /// <summary>Each kind by its file name, as rows of column → value.</summary>
    private async Task<List<(string Name, List<Dictionary<string, object?>> Rows)>> CollectAsync(AccessScope scope, Contact contact, CancellationToken ct)
    {
        var id = contact.Id;
        var company = contact.CompanyId is { } cid
            ? await scope.Filter(db.Companies).Where(c => c.Id == cid).Select(c => c.Name).FirstOrDefaultAsync(ct) : null;
        var tags = await db.Contacts.Where(c => c.Id == id).SelectMany(c => c.Tags.Select(t => t.Name)).ToListAsync(ct);
        var contactRow = Row(contact);
        contactRow["company"] = company;
        contactRow["tags"] = string.Join(", ", tags);

        var activities = await db.Activities.IgnoreQueryFilters().AsNoTracking().Where(a => a.ContactId == id).OrderBy(a => a.OccurredAt).ToListAsync(ct);
        var actions = await db.NextActions.IgnoreQueryFilters().AsNoTracking().Where(a => a.ContactId == id).OrderBy(a => a.DueAtUtc).ToListAsync(ct);
        var dates = await db.PersonalDates.AsNoTracking().Where(d => d.ContactId == id).ToListAsync(ct);
        var deals = await scope.Filter(db.Opportunities.IgnoreQueryFilters()).AsNoTracking().Where(o => o.ContactId == id).ToListAsync(ct);
        var actionIds = actions.Select(a => a.Id).ToList();
        var dateIds = dates.Select(d => d.Id).ToList();
        var dealIds = deals.Select(o => o.Id).ToList();
        var reminders = await db.Reminders.AsNoTracking()
            .Where(r => (r.Kind == ReminderKind.NextAction && actionIds.Contains(r.SourceId!.Value))
                        || (r.Kind == ReminderKind.PersonalDate && dateIds.Contains(r.SourceId!.Value))).ToListAsync(ct);
        var audit = await db.AuditEntries.AsNoTracking()
            .Where(a => (a.EntityType == nameof(Contact) && a.EntityId == id) || (a.EntityType == nameof(Opportunity) && dealIds.Contains(a.EntityId)))
            .OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync(ct);

        var rows = await db.ListRows.AsNoTracking().Where(r => r.ContactId == id || r.DuplicateOfContactId == id).ToListAsync(ct);
        var listIds = rows.Select(r => r.ListId).Distinct().ToList();
        var lists = await db.ProspectingLists.IgnoreQueryFilters().AsNoTracking().Where(x => listIds.Contains(x.Id))
            .ToDictionaryAsync(x => x.Id, ct);
        var listRows = rows.Select(r =>
        {
            var d = Row(r);
            var list = lists.GetValueOrDefault(r.ListId);
            d["list"] = list?.Name;
            var columns = list is null ? [] : JsonSerializer.Deserialize<List<string>>(list.Columns) ?? [];
            var cells = JsonSerializer.Deserialize<List<string?>>(r.Cells) ?? [];
            // The original cells by their column names, as the person's data came in.
            d["originalCells"] = cells.Select((v, i) => new KeyValuePair<string, string?>(i < columns.Count ? columns[i] : $"Column {i + 1}", v))
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            return d;
        }).ToList();

        // Dropbox mail that names the person (sender, recipient, or logged on them from review), also while held or unmatched.
        var email = contact.EmailKey;
        var mails = await DropboxMentions.Of(db.DropboxMessages.AsNoTracking(), id, email)
            .OrderBy(m => m.SentAt).ToListAsync(ct);
        var enrolments = await db.SequenceEnrolments.AsNoTracking().Where(e => e.ContactId == id).OrderBy(e => e.EnrolledAt)
            .Select(e => new { e.Id, Sequence = e.Sequence!.Name, e.Status, e.EnrolledAt, e.EndedAt, e.StopReason, e.Note }).ToListAsync(ct);

        var custom = contact.CustomFields is { Length: > 0 } json
            ? (JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? [])
                .Select(kv => new Dictionary<string, object?> { ["field"] = kv.Key, ["value"] = kv.Value.ToString() }).ToList()
            : [];

        return
        [
            ("contact", [contactRow]),
            ("consents", Rows(await db.ConsentRecords.AsNoTracking().Where(c => c.ContactId == id).OrderBy(c => c.GivenAt).ToListAsync(ct))),
            ("personal-dates", Rows(dates)),
            ("custom-fields", custom),
            ("activities", Rows(activities)),
            ("open-questions", Rows(await db.OpenQuestions.AsNoTracking().Where(q => q.ContactId == id).OrderBy(q => q.RaisedAt).ToListAsync(ct))),
            ("next-actions", Rows(actions)),
            ("reminders", Rows(reminders)),
            ("opportunities", Rows(deals)),
            ("list-rows", listRows),
            ("lifecycle-events", Rows(await db.LifecycleEvents.AsNoTracking().Where(e => e.ContactId == id).OrderBy(e => e.At).ToListAsync(ct))),
            ("qualification-answers", Rows(await db.QualificationAnswers.AsNoTracking().Where(a => a.ContactId == id).ToListAsync(ct))),
            ("audit-entries", Rows(audit)),
            ("dropbox-messages", Rows(mails)),
            ("sequence-enrolments", enrolments.Select(e => new Dictionary<string, object?>
            {
                ["id"] = e.Id, ["sequence"] = e.Sequence, ["status"] = e.Status.ToString(), ["enrolledAt"] = e.EnrolledAt, ["endedAt"] = e.EndedAt,
                ["stopReason"] = e.StopReason?.ToString(), ["note"] = e.Note,
            }).ToList()),
        ];
    }

    private List<Dictionary<string, object?>> Rows<T>(IEnumerable<T> entities) where T : class => entities.Select(Row).ToList();

    /// <summary>Every mapped column of the row, by property name in camelCase (the model decides, not a hand-kept list).</summary>
    private Dictionary<string, object?> Row<T>(T entity) where T : class
    {
        var type = db.Model.FindEntityType(typeof(T))!;
        return type.GetProperties().Where(p => p.PropertyInfo is not null)
            .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name), p => p.PropertyInfo!.GetValue(entity));
    }

    /// <summary>"list-rows" (the CSV's name) → "listRows" (the JSON document's key).</summary>
    private static string Key(string fileName) =>
        string.Concat(fileName.Split('-').Select((w, i) => i == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));

    private byte[] Zip(long contactId, List<(string Name, List<Dictionary<string, object?>> Rows)> kinds)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var document = new Dictionary<string, object?>
            {
                ["contactId"] = contactId,
                ["exportedAt"] = time.GetUtcNow().UtcDateTime,
            };
            foreach (var (name, rows) in kinds) document[Key(name)] = name == "contact" ? rows[0] : rows;
            Write(zip, "personal-data.json", JsonSerializer.SerializeToUtf8Bytes(document, Json));
            foreach (var (name, rows) in kinds) Write(zip, $"{name}.csv", Csv(rows));
        }
        return buffer.ToArray();
    }

    private static void Write(ZipArchive zip, string name, byte[] content)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        s.Write(content);
    }

    /// <summary>
    /// Columns are the union of the rows' keys; nested values (the original cells) as JSON text. UTF-8 with BOM, RFC 4180
    /// quoting, every cell (header included) formula-escaped by the one rule of all exports (<see cref="CellText"/>).
    /// </summary>
    private static byte[] Csv(List<Dictionary<string, object?>> rows)
    {
        var header = rows.SelectMany(r => r.Keys).Distinct().ToList();
        var sb = new StringBuilder();
        Line(sb, header);
        foreach (var r in rows) Line(sb, header.Select(h => Text(r.GetValueOrDefault(h))).ToList());
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    private static void Line(StringBuilder sb, IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) sb.Append(',');
            var v = CellText.Escape(cells[i]);
            if (v.AsSpan().IndexOfAny(",\"\r\n;\t") >= 0) sb.Append('"').Append(v.Replace("\"", "\"\"")).Append('"');
            else sb.Append(v);
        }
        sb.Append("\r\n");
    }

    private static string? Text(object? v) => v switch
    {
        null => null,
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        _ => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(v, Json)),
    };
}

using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>
/// GDPR requests about one person over HTTP, on both databases: the export holds everything stored about them; the erasure
/// leaves none of it anywhere — not in the database files (SQLite: the db and its WAL, read as bytes), not in any text
/// column (PostgreSQL: every text, JSON and tsvector column of every table), not in the search — while the tombstone
/// still counts in the reports.
/// </summary>
public abstract class PersonalDataTests(ProspectorFactory app)
{
    private sealed record Person(long Id, long TaskId, long DealId, TestUser Rep, string[] Values);

    /// <summary>A contact whose every stored text is a distinctive string, in every place the person's data lands.</summary>
    private async Task<Person> PersonAsync(string source)
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var u = TestHttp.Unique("").ToLowerInvariant();
        var digits = string.Concat(Guid.NewGuid().ToByteArray().Take(7).Select(b => (char)('0' + b % 10)));
        var (first, last) = ("Zqfirst" + u, "Zqlast" + u);
        var email = $"zqmail{u}@example.org";
        var phone = $"+49 30 55{digits}";
        var sourceId = await app.WithDbAsync((db, _) => TestSources.IdAsync(db, source));
        var contact = await rep.Client.CreateAsync("/api/v1/contacts", new
        {
            firstName = first, lastName = last, email, phone, mobile = $"+49 171 66{digits}", jobTitle = "Zqjob" + u,
            street = "Zqstreet" + u, city = "Zqcity" + u, notes = "Zqnotes" + u, sourceId, sourceDetail = "Zqsource" + u, stage = "Lead",
            consents = new[] { new { channel = "Email", status = "Granted", givenAt = "2025-01-10T10:00:00Z", method = "Zqproof" + u, note = "Zqconsentnote" + u } },
            personalDates = new[] { new { kind = "Birthday", label = "Zqdate" + u, month = 5, day = 17, year = 1980, remindDaysBefore = 7 } },
        });
        var id = contact.GetProperty("id").GetInt64();
        // A change, so the audit trail holds the person's values as "from → to".
        var patched = await rep.Client.PatchAsync($"/api/v1/contacts/{id}", new { notes = "Zqchanged" + u }, "\"1\"");
        Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync());
        await rep.Client.CreateAsync("/api/v1/activities", new
        {
            contactId = id, channel = "Phone", direction = "Outbound", outcome = "Reached", subject = "Zqsubject" + u, notes = "Zqbody" + u,
            questions = new[] { new { kind = "Question", text = "Zqquestion" + u } },
        });
        var task = (await rep.Client.CreateAsync("/api/v1/tasks", new { contactId = id, type = "Call", dueDate = Today.AddDays(3), note = "Zqtask" + u }))
            .GetProperty("id").GetInt64();
        var deal = (await rep.Client.CreateAsync("/api/v1/opportunities", new
        {
            contactId = id, title = $"Website for {first} {last}", amount = 1000, nextAction = new { type = "Call", dueDate = Today.AddDays(5) },
        })).GetProperty("id").GetInt64();
        // A delivered reminder, as the delivery log shows it.
        await app.WithDbAsync(async (db, _) =>
        {
            db.Reminders.Add(new Reminder
            {
                UserId = rep.Id, Kind = ReminderKind.NextAction, Channel = ReminderChannel.InApp, SourceId = task, DueAtUtc = DateTime.UtcNow,
                Status = ReminderStatus.Sent, SentAt = DateTime.UtcNow, Title = $"Call {first} {last} Zqremind{u}", Link = $"/contacts/{id}", CreatedAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        // The person also came in on a prospecting list, with a remark in a column of its own.
        var csv = $"Vorname;Nachname;E-Mail;Bemerkung\r\n{first};{last};{email};Zqcell{u}\r\nOther;Person;other{u}@example.org;fine\r\n";
        await ListSteps.ImportAsync(rep.Client, "Zqlistname" + u, Encoding.UTF8.GetBytes(csv));
        string[] values =
        [
            first, last, email, phone, $"55{digits}", $"66{digits}", "Zqjob" + u, "Zqstreet" + u, "Zqcity" + u, "Zqnotes" + u, "Zqchanged" + u,
            "Zqproof" + u, "Zqconsentnote" + u, "Zqdate" + u, "Zqsubject" + u, "Zqbody" + u, "Zqquestion" + u, "Zqtask" + u, "Zqremind" + u, "Zqcell" + u,
        ];
        return new Person(id, task, deal, rep, values);
    }

    [Fact]
    public async Task The_export_holds_everything_stored_about_the_person_as_json_and_csv_and_is_recorded()
    {
        var p = await PersonAsync("gdpr-export");
        var manager = await app.UserAsync("Manager", "Nord");
        var res = await manager.Client.GetAsync($"/api/v1/contacts/{p.Id}/personal-data");
        Assert.True(res.StatusCode == HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
        Assert.Equal("application/zip", res.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"personal-data-contact-{p.Id}.zip", res.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        using var zip = new ZipArchive(await res.Content.ReadAsStreamAsync());
        string Read(string name) => new StreamReader(zip.GetEntry(name)!.Open()).ReadToEnd();
        var json = Read("personal-data.json");
        // Every distinctive value is in the one document (the list row's remark among its original cells)…
        foreach (var v in p.Values.Where(v => !v.StartsWith("Zqnotes", StringComparison.Ordinal)))
            Assert.True(json.Contains(v, StringComparison.Ordinal), $"{v} is missing from personal-data.json");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(p.Id, doc.RootElement.GetProperty("contactId").GetInt64());
        Assert.Contains(doc.RootElement.GetProperty("listRows").EnumerateArray(),
            r => r.GetProperty("originalCells").GetProperty("Bemerkung").GetString()!.StartsWith("Zqcell", StringComparison.Ordinal));
        Assert.Contains(doc.RootElement.GetProperty("auditEntries").EnumerateArray(), e => e.GetProperty("changes").GetString()!.Contains("Zqnotes", StringComparison.Ordinal));
        // …and in the CSV of its kind.
        foreach (var (file, value) in new[] { ("contact.csv", p.Values[0]), ("consents.csv", p.Values[11]), ("personal-dates.csv", p.Values[13]),
                     ("activities.csv", p.Values[15]), ("open-questions.csv", p.Values[16]), ("next-actions.csv", p.Values[17]),
                     ("reminders.csv", p.Values[18]), ("list-rows.csv", p.Values[19]), ("opportunities.csv", "Website for"), ("lifecycle-events.csv", "Lead") })
            Assert.True(Read(file).Contains(value, StringComparison.Ordinal), $"{value} is missing from {file}");
        Assert.NotNull(zip.GetEntry("audit-entries.csv"));
        Assert.NotNull(zip.GetEntry("custom-fields.csv"));

        var recorded = await app.WithDbAsync((db, _) => db.AuditEntries.Where(a => a.Action == AuditAction.PersonalDataExported && a.EntityId == p.Id).ToListAsync());
        var entry = Assert.Single(recorded);
        Assert.Equal(manager.Id, entry.UserId);
        Assert.False(string.IsNullOrEmpty(entry.RemoteIp));
        Assert.Equal("[]", entry.Changes);
    }

    [Fact]
    public async Task Export_cells_that_a_spreadsheet_would_run_are_escaped()
    {
        var admin = await app.UserAsync("Admin");
        var id = (await admin.Client.CreateAsync("/api/v1/contacts", new { lastName = "=HYPERLINK(\"http://evil.example\",\"x\")", notes = "@SUM(A1)" }))
            .GetProperty("id").GetInt64();
        var res = await admin.Client.GetAsync($"/api/v1/contacts/{id}/personal-data");
        using var zip = new ZipArchive(await res.Content.ReadAsStreamAsync());
        var csv = new StreamReader(zip.GetEntry("contact.csv")!.Open()).ReadToEnd();
        Assert.Contains("'=HYPERLINK(", csv, StringComparison.Ordinal);
        Assert.Contains("'@SUM(A1)", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reps_may_not_export_managers_may_not_erase_and_nobody_reaches_a_contact_they_cannot_see()
    {
        var p = await PersonAsync("gdpr-rights");
        Assert.Equal(HttpStatusCode.Forbidden, (await p.Rep.Client.GetAsync($"/api/v1/contacts/{p.Id}/personal-data")).StatusCode);
        var manager = await app.UserAsync("Manager", "Nord");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.Client.PostAsync($"/api/v1/contacts/{p.Id}/erase", null)).StatusCode);
        var otherTeam = await app.UserAsync("Manager", "Süd");
        Assert.Equal(HttpStatusCode.NotFound, (await otherTeam.Client.GetAsync($"/api/v1/contacts/{p.Id}/personal-data")).StatusCode);
        var admin = await app.UserAsync("Admin");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.PostAsync("/api/v1/contacts/999999999/erase", null)).StatusCode);
        // Nothing was erased by the refused calls.
        Assert.Equal(p.Values[1], (await p.Rep.Client.GetJsonAsync($"/api/v1/contacts/{p.Id}")).GetProperty("lastName").GetString());
    }

    [Fact]
    public async Task After_erasure_no_trace_of_the_person_is_stored_anywhere_and_the_reports_still_count_the_tombstone()
    {
        var source = TestHttp.Unique("gdprsrc");
        var p = await PersonAsync(source);
        // Disqualified with a reason that names the person: the funnel's kept tallies hold the reason as text (ADR 0032).
        await app.WithDbAsync(async (db, _) =>
        {
            var reason = $"No budget, says {p.Values[0]} {p.Values[1]}";
            await db.Contacts.Where(c => c.Id == p.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.LeadStatus, LeadStatus.Unqualified).SetProperty(c => c.UnqualifiedReason, reason));
            db.LifecycleEvents.Add(new LifecycleEvent
            {
                ContactId = p.Id, Kind = LifecycleEventKind.StatusChanged, FromStatus = LeadStatus.New, ToStatus = LeadStatus.Unqualified, Reason = reason, At = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
            Assert.Equal(2, await db.CohortTallies.CountAsync(t => t.Reason == reason) + await db.DisqualificationTallies.CountAsync(t => t.Reason == reason && !t.Hourly));
            return 0;
        });
        var admin = await app.UserAsync("Admin");
        var period = $"from={Today.AddDays(-1):yyyy-MM-dd}&to={Today.AddDays(1):yyyy-MM-dd}&source={source}";
        var funnelBefore = (await admin.Client.GetJsonAsync($"/api/v1/reports/funnel?{period}")).GetProperty("cohort").GetInt32();
        Assert.Equal(1, funnelBefore);
        var historyBefore = (await admin.Client.GetJsonAsync($"/api/v1/contacts/{p.Id}/lifecycle")).GetArrayLength();
        // Every value is stored somewhere before: the check below can find them.
        Assert.NotEmpty(await TracesAsync(p.Values));

        var erased = await admin.Client.PostAsync($"/api/v1/contacts/{p.Id}/erase", null);
        Assert.True(erased.StatusCode == HttpStatusCode.NoContent, await erased.Content.ReadAsStringAsync());

        var traces = await TracesAsync(p.Values);
        Assert.True(traces.Count == 0, "Still stored after the erasure: " + string.Join("; ", traces));
        foreach (var q in new[] { p.Values[1], p.Values[15], p.Values[2] })
            Assert.Equal(0, (await admin.Client.GetJsonAsync($"/api/v1/search?q={Uri.EscapeDataString(q)}")).GetProperty("items").GetArrayLength());

        // The tombstone: no personal data, still counted.
        var tombstone = await admin.Client.GetJsonAsync($"/api/v1/contacts/{p.Id}");
        Assert.Equal("Erased contact", tombstone.GetProperty("lastName").GetString());
        Assert.Equal("Lead", tombstone.GetProperty("stage").GetString());
        Assert.NotEqual(JsonValueKind.Null, tombstone.GetProperty("erasedAt").ValueKind);
        Assert.Equal(funnelBefore, (await admin.Client.GetJsonAsync($"/api/v1/reports/funnel?{period}")).GetProperty("cohort").GetInt32());
        Assert.Equal(historyBefore, (await admin.Client.GetJsonAsync($"/api/v1/contacts/{p.Id}/lifecycle")).GetArrayLength());
        var deal = await admin.Client.GetJsonAsync($"/api/v1/opportunities/{p.DealId}");
        Assert.Equal("Website for [erased]", deal.GetProperty("title").GetString());
        var task = await admin.Client.GetJsonAsync($"/api/v1/tasks/{p.TaskId}");
        Assert.Equal("Cancelled", task.GetProperty("status").GetString());

        // One audit entry says who erased which contact, when and from where — and nothing about the person.
        var entry = await app.WithDbAsync((db, _) => db.AuditEntries.SingleAsync(a => a.Action == AuditAction.Erased && a.EntityId == p.Id));
        Assert.Equal(admin.Id, entry.UserId);
        Assert.Equal("[]", entry.Changes);
        Assert.False(string.IsNullOrEmpty(entry.RemoteIp));
    }

    /// <summary>Where each value is still stored: "value in place", case-blind (indexes keep words folded to lower case).</summary>
    private async Task<List<string>> TracesAsync(string[] values) =>
        app.Provider == Provider.Sqlite ? await SqliteTracesAsync(values) : await PostgresTracesAsync(values);

    private async Task<List<string>> SqliteTracesAsync(string[] values)
    {
        var file = await app.WithDbAsync((db, _) => Task.FromResult(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource));
        var found = new List<string>();
        foreach (var path in new[] { file, file + "-wal", file + "-journal" }.Where(File.Exists))
        {
            byte[] bytes;
            await using (var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                bytes = new byte[s.Length];
                await s.ReadExactlyAsync(bytes);
            }
            // Lower-cased as ASCII (the values are ASCII), so a folded index entry is found as well as the text.
            var lower = bytes.Select(b => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b).ToArray();
            foreach (var v in values)
                if (lower.AsSpan().IndexOf(Encoding.UTF8.GetBytes(v.ToLowerInvariant())) >= 0) found.Add($"{v} in {Path.GetFileName(path)}");
        }
        return found;
    }

    private async Task<List<string>> PostgresTracesAsync(string[] values) => await app.WithDbAsync(async (db, _) =>
    {
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = """
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'tsvector')
                """;
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) columns.Add((r.GetString(0), r.GetString(1)));
        }
        Assert.Contains(("Activities", "SearchVector"), columns);
        var found = new List<string>();
        foreach (var (table, column) in columns)
            foreach (var v in values)
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = $"""SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE '%' || @v || '%'""";
                var p = cmd.CreateParameter();
                p.ParameterName = "v";
                p.Value = v.ToLowerInvariant();
                cmd.Parameters.Add(p);
                if (Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0) found.Add($"{v} in {table}.{column}");
            }
        return found;
    });
}

public sealed class PersonalDataTestsSqlite(SqliteApp f) : PersonalDataTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class PersonalDataTestsPostgres(PostgresApp f) : PersonalDataTests(f.Factory), IClassFixture<PostgresApp>;

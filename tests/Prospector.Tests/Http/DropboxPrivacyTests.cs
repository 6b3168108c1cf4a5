using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Unmatched dropbox mail is private to the user who sent or received it, their managers and admins — also when the
/// workspace lets reps see all records: that opens records, not each other's mail.
/// </summary>
public abstract class DropboxPrivacyTests(Provider provider) : IAsyncLifetime
{
    private readonly ProspectorFactory _app = new(provider);

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<long> UnmatchedAsync(long? ownerId, string subject) => _app.WithDbAsync(async (db, _) =>
    {
        var m = new DropboxMessage
        {
            MessageKey = TestHttp.Unique("mid:privacy"), Status = DropboxMailStatus.Unmatched, Direction = Direction.Outbound,
            FetchedAt = DateTime.UtcNow, SentAt = DateTime.UtcNow, FromAddress = "someone@company.example", Recipients = "lawyer@elsewhere.example",
            Subject = subject, Body = "confidential", OwnerId = ownerId,
        };
        db.DropboxMessages.Add(m);
        await db.SaveChangesAsync();
        return m.Id;
    });

    private static async Task<List<string?>> SubjectsAsync(HttpClient client) =>
        (await client.GetJsonAsync("/api/v1/dropbox/unmatched")).EnumerateArray().Select(m => m.GetProperty("subject").GetString()).ToList();

    [Fact]
    public async Task Reps_see_only_their_own_unmatched_mail_even_when_reps_see_all_records()
    {
        var admin = await _app.UserAsync("Admin");
        var manager = await _app.UserAsync("Manager", "Nord");
        var rep = await _app.UserAsync("Rep", "Nord");
        var other = await _app.UserAsync("Rep", "Sued");
        var ws = await admin.Client.GetAsync("/api/v1/workspace");
        var on = await admin.Client.SendAsync(TestHttp.Request(HttpMethod.Put, "/api/v1/workspace", JsonContent.Create(new { repsSeeAll = true }), ws.ETag()));
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);

        var adminsMail = await UnmatchedAsync(admin.Id, "Admin to lawyer");
        await UnmatchedAsync(rep.Id, "Rep's own");
        await UnmatchedAsync(other.Id, "Other rep's");
        await UnmatchedAsync(null, "Nobody's");

        Assert.Equal(["Nobody's", "Rep's own"], (await SubjectsAsync(rep.Client)).Order());
        Assert.Equal(["Nobody's", "Rep's own"], (await SubjectsAsync(manager.Client)).Order()); // the rep is in the manager's team, the other is not
        Assert.Equal(4, (await SubjectsAsync(admin.Client)).Count);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.Client.PostAsync($"/api/v1/dropbox/unmatched/{adminsMail}/discard", null)).StatusCode);
        Assert.Contains("Admin to lawyer", await SubjectsAsync(admin.Client));
    }

    [Fact]
    public async Task Held_and_unmatched_mail_naming_a_person_and_their_sequence_notes_are_in_their_export_and_gone_after_erasure()
    {
        var admin = await _app.UserAsync("Admin");
        var id = (await admin.Client.CreateAsync("/api/v1/contacts", new { firstName = "Anna", lastName = "Berg", email = "Anna.Berg@Kunde.example" }))
            .GetProperty("id").GetInt64();
        var ids = await _app.WithDbAsync(async (db, _) =>
        {
            DropboxMessage Mail(DropboxMailStatus status, string from, string to, string subject, string? body) => new()
            {
                MessageKey = TestHttp.Unique("mid:erase"), Status = status, Direction = Direction.Inbound, FetchedAt = DateTime.UtcNow,
                SentAt = DateTime.UtcNow, FromAddress = from, FromName = from.StartsWith("anna", StringComparison.Ordinal) ? "Anna Berg" : null,
                Recipients = to, Subject = subject, Body = body, Problem = status == DropboxMailStatus.Held ? "not-addressed" : null,
            };
            var rows = new[]
            {
                Mail(DropboxMailStatus.Unmatched, "anna.berg@kunde.example", "someone@company.example", "Zqwaiting question", "Zqbody call me on my mobile"),
                Mail(DropboxMailStatus.Held, "someone@company.example", "anna.berg@kunde.example, jan@kunde.example", "Zqheld offer", "Zqheld text"),
                Mail(DropboxMailStatus.Logged, "someone@company.example", "anna.berg@kunde.example", "Zqlogged", null),
                Mail(DropboxMailStatus.Unmatched, "other@elsewhere.example", "someone@company.example", "Zqunrelated", "Zqunrelated text"),
                // Someone else whose address contains Anna's: not hers, neither in the export nor touched by her erasure.
                Mail(DropboxMailStatus.Unmatched, "other@elsewhere.example", "joanna.berg@kunde.example, anna.berg@kunde.example.au", "Zqlookalike", "Zqlookalike text"),
            };
            db.DropboxMessages.AddRange(rows);
            var sequence = new Sequence { Name = "Nurture", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            db.Sequences.Add(sequence);
            await db.SaveChangesAsync();
            db.SequenceEnrolments.Add(new SequenceEnrolment
            {
                SequenceId = sequence.Id, ContactId = id, Status = EnrolmentStatus.Stopped, EnrolledAt = DateTime.UtcNow,
                StopReason = EnrolmentStopReason.Replied, Note = "Zqreplied: Anna Berg asked for a call",
            });
            await db.SaveChangesAsync();
            return rows.Select(r => r.Id).ToArray();
        });

        var export = await admin.Client.GetAsync($"/api/v1/contacts/{id}/personal-data");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        using (var zip = new ZipArchive(await export.Content.ReadAsStreamAsync()))
        {
            var json = new StreamReader(zip.GetEntry("personal-data.json")!.Open()).ReadToEnd();
            foreach (var v in new[] { "Zqwaiting question", "Zqbody call me", "Zqheld offer", "Zqlogged", "Zqreplied: Anna Berg asked for a call" })
                Assert.True(json.Contains(v, StringComparison.Ordinal), $"{v} is missing from the export");
            Assert.DoesNotContain("Zqunrelated", json, StringComparison.Ordinal);
            Assert.DoesNotContain("Zqlookalike", json, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PostAsync($"/api/v1/contacts/{id}/erase", null)).StatusCode);

        var after = await _app.WithDbAsync((db, _) => db.DropboxMessages.AsNoTracking().Where(m => ids.Contains(m.Id)).OrderBy(m => m.Id).ToListAsync());
        foreach (var m in after.Take(3))
        {
            var all = $"{m.FromAddress} {m.FromName} {m.Recipients} {m.Subject} {m.Body}";
            Assert.DoesNotContain("anna", all, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Zqbody", all, StringComparison.Ordinal);
            Assert.DoesNotContain("Zqheld text", all, StringComparison.Ordinal);
            Assert.Null(m.Body);
        }
        Assert.Equal(DropboxMailStatus.Discarded, after[0].Status); // waiting mail about the person leaves review
        Assert.Equal(DropboxMailStatus.Discarded, after[1].Status);
        Assert.Equal(DropboxMailStatus.Logged, after[2].Status);   // its claim stays: never fetched and logged again
        Assert.Contains("jan@kunde.example", after[1].Recipients);  // other people in it stay
        Assert.Equal("Zqunrelated text", after[3].Body);
        Assert.Equal("Zqlookalike text", after[4].Body);
        Assert.Equal(DropboxMailStatus.Unmatched, after[4].Status);
        Assert.Equal("joanna.berg@kunde.example, anna.berg@kunde.example.au", after[4].Recipients);
        Assert.Equal(["Zqlookalike", "Zqunrelated"], (await SubjectsAsync(admin.Client)).Order(StringComparer.Ordinal).ToList());
        Assert.Null(await _app.WithDbAsync((db, _) => db.SequenceEnrolments.Where(e => e.ContactId == id).Select(e => e.Note).SingleAsync()));
    }
}

public sealed class DropboxPrivacyTestsSqlite() : DropboxPrivacyTests(Provider.Sqlite);
public sealed class DropboxPrivacyTestsPostgres() : DropboxPrivacyTests(Provider.Postgres);

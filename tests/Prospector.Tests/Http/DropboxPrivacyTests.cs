using System.Net;
using System.Net.Http.Json;
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
}

public sealed class DropboxPrivacyTestsSqlite() : DropboxPrivacyTests(Provider.Sqlite);
public sealed class DropboxPrivacyTestsPostgres() : DropboxPrivacyTests(Provider.Postgres);

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>
/// An erased contact's tombstone is never changed again, whichever way a write comes: the record's fields (tags, consents,
/// personal dates, company, owner), the qualification answers, stage moves, disqualify, the conversation's outcome, a list row
/// merged into it, or a book hand-over — each refused with the same 409 and nothing stored changes, on both databases.
/// </summary>
public abstract class TombstoneTests(ProspectorFactory app)
{
    private const string Contacts = "/api/v1/contacts";
    private const string Erased = "This contact's personal data was erased";

    private static async Task AssertErasedAsync(HttpResponseMessage res, string what)
    {
        var body = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.Conflict, $"{what}: {(int)res.StatusCode} {body}");
        Assert.Equal(Erased, JsonDocument.Parse(body).RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Every_write_to_an_erased_contact_is_refused_and_changes_nothing()
    {
        var admin = await app.UserAsync("Admin");
        var leaver = await app.UserAsync("Rep");
        var receiver = await app.UserAsync("Rep");
        var company = (await admin.Client.CreateAsync("/api/v1/companies", new { name = TestHttp.Unique("Tomb GmbH") })).GetProperty("id").GetInt64();
        var id = await leaver.Client.NewLeadAsync("Tomb");
        var criteria = await leaver.Client.CriteriaAsync(id);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PostAsync($"{Contacts}/{id}/erase", null)).StatusCode);
        var before = await app.WithDbAsync((db, _) => db.Contacts.AsNoTracking().FirstAsync(c => c.Id == id));
        Assert.NotNull(before.ErasedAt);
        var etag = (await admin.Client.GetAsync($"{Contacts}/{id}")).ETag();
        var eventsBefore = await app.WithDbAsync((db, _) => db.LifecycleEvents.CountAsync(e => e.ContactId == id));

        // The record's own fields, one at a time.
        object[] patches =
        [
            new { tags = new[] { "vip" } },
            new { consents = new[] { new { channel = "Email", givenAt = DateTime.UtcNow.AddDays(-1), method = "Phone call" } } },
            new { personalDates = new[] { new { kind = "Birthday", date = "1980-05-01" } } },
            new { companyId = company },
            new { ownerId = receiver.Id },
            new { leadStatus = "Working" },
        ];
        foreach (var patch in patches)
            await AssertErasedAsync(await admin.Client.PatchAsync($"{Contacts}/{id}", patch, etag), JsonSerializer.Serialize(patch));

        // Qualification and the lifecycle.
        await AssertErasedAsync(await admin.Client.AnswerAsync(id, Qualifying.Select(q => criteria[q])), "answers");
        await AssertErasedAsync(await admin.Client.MoveAsync(id, "Prospect", "Gate met", @override: true), "stage forward");
        await AssertErasedAsync(await admin.Client.MoveAsync(id, "Suspect", "Not a lead after all"), "stage back");
        await AssertErasedAsync(await admin.Client.PostAsJsonAsync($"{Contacts}/{id}/disqualify", new { reason = "No budget" }), "disqualify");
        await AssertErasedAsync(await admin.Client.PostAsJsonAsync($"{Contacts}/{id}/outcome", new { outcome = "No", reason = "No budget" }), "outcome No");
        await AssertErasedAsync(await admin.Client.PostAsJsonAsync($"{Contacts}/{id}/outcome",
            new { outcome = "NotReady", followUpOn = Today.AddDays(30) }), "outcome NotReady");
        await AssertErasedAsync(await admin.Client.PostAsJsonAsync($"{Contacts}/{id}/outcome", new { outcome = "Yes", @override = true, reason = "Go" }), "outcome Yes");

        // A list row found to be a duplicate of the person is not merged into the tombstone.
        var list = (await ListSteps.ImportAsync(admin.Client, TestHttp.Unique("Tomb list"))).GetProperty("listId").GetInt64();
        var row = await app.WithDbAsync((db, _) => db.ListRows.Where(r => r.ListId == list).OrderBy(r => r.RowNumber).Select(r => r.Id).FirstAsync());
        await app.WithDbAsync((db, _) => db.ListRows.Where(r => r.Id == row)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ListRowState.Duplicate).SetProperty(r => r.DuplicateOfContactId, id).SetProperty(r => r.DuplicateReason, "Email")));
        await AssertErasedAsync(await admin.Client.PostAsJsonAsync($"/api/v1/lists/{list}/rows/{row}/convert", new { merge = true }), "list merge");
        Assert.Equal(ListRowState.Duplicate, await app.WithDbAsync((db, _) => db.ListRows.Where(r => r.Id == row).Select(r => r.State).FirstAsync()));

        // The leaver's book goes to a colleague; the tombstone is not handed over with it.
        var handedOver = await admin.Client.PostAsJsonAsync($"/api/v1/users/{leaver.Id}/reassign", new { toUserId = receiver.Id });
        Assert.Equal(HttpStatusCode.OK, handedOver.StatusCode);
        Assert.Equal(0, (await handedOver.ReadJsonAsync()).GetProperty("contacts").GetInt32());

        // Nothing about the tombstone changed.
        var after = await app.WithDbAsync((db, _) => db.Contacts.AsNoTracking().Include(c => c.Tags).Include(c => c.Consents).Include(c => c.PersonalDates)
            .FirstAsync(c => c.Id == id));
        Assert.Equal((before.Version, before.Stage, before.LeadStatus, before.OwnerId, before.CompanyId, before.UnqualifiedReason, before.RecontactOn),
            (after.Version, after.Stage, after.LeadStatus, after.OwnerId, after.CompanyId, after.UnqualifiedReason, after.RecontactOn));
        Assert.Equal(leaver.Id, after.OwnerId);
        Assert.Empty(after.Tags);
        Assert.Empty(after.Consents);
        Assert.Empty(after.PersonalDates);
        var written = await app.WithDbAsync((db, _) => Task.FromResult((
            db.QualificationAnswers.Count(a => a.ContactId == id),
            db.Opportunities.IgnoreQueryFilters().Count(o => o.ContactId == id),
            db.LifecycleEvents.Count(e => e.ContactId == id))));
        Assert.Equal((0, 0, eventsBefore), written);
    }
}

public sealed class TombstoneTestsSqlite(SqliteApp f) : TombstoneTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class TombstoneTestsPostgres(PostgresApp f) : TombstoneTests(f.Factory), IClassFixture<PostgresApp>;

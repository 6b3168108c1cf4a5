using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Operations;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>
/// The retention period applied (preview, run, once across runners), the recycle bin giving back a record with what went
/// there with it, and the erased contact's tombstone staying read-only — on both databases.
/// </summary>
public abstract class RetentionTests(ProspectorFactory app)
{
    private const string Contacts = "/api/v1/contacts";

    private async Task<T> AtAsync<T>(TimeSpan later, Func<Task<T>> work)
    {
        app.Clock.Offset = later;
        try
        {
            return await work();
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
        }
    }

    private static bool Lists(JsonElement preview, string kind, long id, string reason) =>
        preview.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("kind").GetString() == kind && i.GetProperty("id").GetInt64() == id
            && i.GetProperty("reason").GetString() == reason);

    [Fact]
    public async Task Preview_shows_what_is_past_retention_and_two_concurrent_runs_purge_it_once_with_an_audit_entry()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var u = TestHttp.Unique("Zr");
        var binned = (await admin.CreateAsync(Contacts, new { lastName = "Binned" + u })).GetProperty("id").GetInt64();
        await admin.CreateAsync("/api/v1/activities", new { contactId = binned, channel = "Phone", direction = "Outbound", subject = "Subject" + u, notes = "Body" + u });
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{Contacts}/{binned}")).StatusCode);
        var company = (await admin.CreateAsync("/api/v1/companies", new { name = "Gone GmbH " + u })).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/companies/{company}")).StatusCode);
        var disqualified = await admin.NewLeadAsync("Disq" + u);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"{Contacts}/{disqualified}/disqualify", new { reason = "Not interested" })).StatusCode);
        var kept = (await admin.CreateAsync(Contacts, new { lastName = "Kept" + u })).GetProperty("id").GetInt64();

        var now = await admin.GetJsonAsync("/api/v1/retention/preview");
        Assert.False(Lists(now, "Contact", binned, RetentionService.InBin));
        Assert.False(Lists(now, "Contact", disqualified, RetentionService.Disqualified));

        var later = TimeSpan.FromDays(366); // the default retention period is 365 days
        var preview = await AtAsync(later, () => admin.GetJsonAsync("/api/v1/retention/preview"));
        Assert.Equal(365, preview.GetProperty("retentionDays").GetInt32());
        Assert.True(Lists(preview, "Contact", binned, RetentionService.InBin));
        Assert.True(Lists(preview, "Company", company, RetentionService.InBin));
        Assert.True(Lists(preview, "Contact", disqualified, RetentionService.Disqualified));
        Assert.DoesNotContain(preview.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == kept && i.GetProperty("kind").GetString() == "Contact");
        Assert.True(preview.GetProperty("contacts").GetInt32() >= 1 && preview.GetProperty("disqualifiedContacts").GetInt32() >= 1);

        var runs = await AtAsync(later, () => Task.WhenAll(admin.PostAsync("/api/v1/retention/run", null), admin.PostAsync("/api/v1/retention/run", null)));
        Assert.All(runs, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        Assert.Contains(runs, r => r.StatusCode == HttpStatusCode.OK);

        var after = await AtAsync(later, () => admin.GetJsonAsync("/api/v1/retention/preview"));
        Assert.Equal(0, after.GetProperty("total").GetInt32());
        await app.WithDbAsync(async (db, _) =>
        {
            Assert.False(await db.Contacts.IgnoreQueryFilters().AnyAsync(c => c.Id == binned));
            Assert.False(await db.Companies.IgnoreQueryFilters().AnyAsync(c => c.Id == company));
            Assert.False(await db.Activities.IgnoreQueryFilters().AnyAsync(a => a.Subject == "Subject" + u || a.Notes == "Body" + u));
            var tombstone = await db.Contacts.FirstAsync(c => c.Id == disqualified);
            Assert.NotNull(tombstone.ErasedAt);
            // Erased exactly once: two runners at the same moment did not both take the same contact.
            Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == AuditAction.Erased && a.EntityId == disqualified));
            Assert.True(await db.Contacts.AnyAsync(c => c.Id == kept));
            return 0;
        });
        // The note index (SQLite FTS5; on PostgreSQL the tsvector is a column of the deleted row) holds the words no more.
        if (await app.WithDbAsync((db, _) => Task.FromResult(db.Database.IsSqlite())))
        {
            var indexed = await app.WithDbAsync((db, _) => db.Database
                .SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM ActivitySearch WHERE ActivitySearch MATCH {"Body" + u}").SingleAsync());
            Assert.Equal(0, indexed);
        }
        // The run is in the audit trail: who, what it purged.
        var events = await admin.GetJsonAsync("/api/v1/security-events?action=RetentionRun");
        var run = events.EnumerateArray().First(e => e.GetProperty("details").EnumerateArray()
            .Any(d => d.GetProperty("field").GetString() == "Contacts purged" && d.GetProperty("to").GetString() != "0"));
        Assert.Contains(run.GetProperty("details").EnumerateArray(), d => d.GetProperty("field").GetString() == "Trigger" && d.GetProperty("to").GetString() == "admin");
        Assert.False(string.IsNullOrEmpty(run.GetProperty("userName").GetString()));
    }

    [Fact]
    public async Task The_scheduled_run_happens_once_a_day_however_many_instances_try()
    {
        await app.UserAsync("Admin");
        var day = TimeSpan.FromDays(1000 + Random.Shared.Next(1000)); // a day nobody ran retention on yet
        var scheduled = await AtAsync(day, () => Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            await using var scope = app.Services.CreateAsyncScope(); // one "instance" each: its own context and connection
            return (await scope.ServiceProvider.GetRequiredService<RetentionService>()
                .RunAsync(new AccessScope(0, Roles.Admin, [], [], SeesAll: true), "schedule", scheduled: true)).Value!;
        })));
        Assert.Equal(1, scheduled.Count(r => r.Ran));
        var dayStart = (DateTime.UtcNow + day).Date;
        var entries = await app.WithDbAsync((db, _) => db.AuditEntries.CountAsync(a => a.EntityType == RetentionService.Job && a.At >= dayStart && a.At < dayStart.AddDays(1)));
        Assert.Equal(1, entries);
    }

    [Fact]
    public async Task Reps_and_managers_may_neither_preview_nor_run_retention()
    {
        foreach (var role in (string[])["Rep", "Manager"])
        {
            var c = (await app.UserAsync(role, "Nord")).Client;
            Assert.Equal(HttpStatusCode.Forbidden, (await c.GetAsync("/api/v1/retention/preview")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsync("/api/v1/retention/run", null)).StatusCode);
        }
    }

    [Fact]
    public async Task Restoring_a_contact_brings_back_the_conversations_next_actions_and_deals_deleted_with_it()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var contact = await rep.NewLeadAsync("Restored");
        var talk = (await rep.CreateAsync("/api/v1/activities", new { contactId = contact, channel = "Phone", direction = "Outbound", subject = "Talk" })).GetProperty("id").GetInt64();
        var earlier = (await rep.CreateAsync("/api/v1/activities", new { contactId = contact, channel = "Email", direction = "Outbound", subject = "Deleted before" })).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await rep.DeleteAsync($"/api/v1/activities/{earlier}")).StatusCode);
        await rep.CreateAsync("/api/v1/tasks", new { contactId = contact, type = "Call", dueDate = Today.AddDays(1) });
        var deal = (await rep.CreateAsync("/api/v1/opportunities", new { contactId = contact, title = "Deal", amount = 500, nextAction = new { type = "Call", dueDate = Today.AddDays(2) } }))
            .GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.NoContent, (await rep.DeleteAsync($"{Contacts}/{contact}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"/api/v1/activities/{talk}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"/api/v1/opportunities/{deal}")).StatusCode);
        var actionsWhileDeleted = await app.WithDbAsync((db, _) => db.NextActions.CountAsync(a => a.ContactId == contact || a.OpportunityId == deal));
        Assert.Equal(0, actionsWhileDeleted);

        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsync($"{Contacts}/{contact}/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.GetAsync($"/api/v1/activities/{talk}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.GetAsync($"/api/v1/opportunities/{deal}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"/api/v1/activities/{earlier}")).StatusCode); // deleted on its own before
        var actions = await app.WithDbAsync((db, _) => db.NextActions.CountAsync(a => a.ContactId == contact || a.OpportunityId == deal));
        Assert.Equal(2, actions); // the contact's own and the deal's
    }

    [Fact]
    public async Task An_erased_contact_is_read_only_and_is_never_restored_into_a_person()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var id = (await admin.CreateAsync(Contacts, new { firstName = "Erin", lastName = "Erased" })).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"{Contacts}/{id}/erase", null)).StatusCode);
        var tombstone = await admin.GetAsync($"{Contacts}/{id}");

        var patch = await admin.PatchAsync($"{Contacts}/{id}", new { lastName = "Back again" }, tombstone.ETag());
        Assert.Equal(HttpStatusCode.Conflict, patch.StatusCode);
        var problem = await patch.ReadJsonAsync();
        Assert.Equal("This contact's personal data was erased", problem.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync($"{Contacts}/{id}")).StatusCode);
        // Nothing new hangs on the tombstone either: no conversation, next action or deal.
        await TestHttp.AssertValidationProblemAsync(await admin.PostAsJsonAsync("/api/v1/activities",
            new { contactId = id, channel = "Phone", direction = "Outbound", subject = "Hello again" }), "contactId");
        await TestHttp.AssertValidationProblemAsync(await admin.PostAsJsonAsync("/api/v1/tasks", new { contactId = id, type = "Call", dueDate = Today.AddDays(1) }), "contactId");
        await TestHttp.AssertValidationProblemAsync(await admin.PostAsJsonAsync("/api/v1/opportunities",
            new { contactId = id, title = "Deal", amount = 100, nextAction = new { type = "Call", dueDate = Today.AddDays(1) } }), "contactId");
        // Even a tombstone that reached the recycle bin (deleted before the erasure) is not restored.
        await app.WithDbAsync((db, _) => db.Contacts.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.DeletedAt, DateTime.UtcNow)));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"{Contacts}/{id}/restore", null)).StatusCode);
        var stored = await app.WithDbAsync((db, _) => db.Contacts.IgnoreQueryFilters().FirstAsync(c => c.Id == id));
        Assert.Equal(("Erased contact", ""), (stored.LastName, stored.FirstName));
    }
}

public sealed class RetentionTestsSqlite(SqliteApp f) : RetentionTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class RetentionTestsPostgres(PostgresApp f) : RetentionTests(f.Factory), IClassFixture<PostgresApp>;

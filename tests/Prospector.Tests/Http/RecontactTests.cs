using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Features.Qualification;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>What the daily recontact run does once time has passed: contacts come back, expired ones go.</summary>
public abstract class RecontactTests(ProspectorFactory app)
{
    /// <summary>Runs the recontact service as if it were <paramref name="later"/> from now, then puts the clock back.</summary>
    private async Task RunRecontactAsync(TimeSpan later)
    {
        app.Clock.Offset = later;
        try
        {
            await app.Services.GetRequiredService<RecontactService>().RunOnceAsync(CancellationToken.None);
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
        }
    }

    /// <summary>The retention run an admin starts, as if it were <paramref name="later"/> from now.</summary>
    private async Task RunRetentionAsync(TimeSpan later)
    {
        app.Clock.Offset = later;
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var run = await scope.ServiceProvider.GetRequiredService<Prospector.Features.Operations.RetentionService>()
                .RunAsync(new Prospector.Features.Access.AccessScope(0, Prospector.Data.Roles.Admin, [], [], SeesAll: true), "test");
            Assert.True(run.IsOk, run.Title);
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task On_the_recontact_date_kept_and_standby_contacts_return_to_Working()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var kept = await rep.NewLeadAsync("Kept");
        var res = await rep.PostAsJsonAsync($"{Contacts}/{kept}/disqualify", new { reason = "No budget", keepForLater = Keep(Today.AddDays(3)) });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var waiting = await rep.NewLeadAsync("Waiting");
        res = await rep.PostAsJsonAsync($"{Contacts}/{waiting}/outcome", new { outcome = "NotReady", followUpOn = Today.AddDays(5) });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);

        await RunRecontactAsync(TimeSpan.Zero);
        Assert.Equal("Unqualified", (await rep.QualificationAsync(kept)).Str("leadStatus"));

        await RunRecontactAsync(TimeSpan.FromDays(3));
        var back = await rep.QualificationAsync(kept);
        Assert.Equal(("Working", null), (back.Str("leadStatus"), back.Str("recontactOn")));
        Assert.Equal("Nurturing", (await rep.QualificationAsync(waiting)).Str("leadStatus"));
        var status = (await rep.LifecycleAsync(kept)).First(e => e.Str("kind") == "StatusChanged");
        Assert.Equal(("Unqualified", "Working", "Recontact date reached"), (status.Str("fromStatus"), status.Str("toStatus"), status.Str("reason")));

        await RunRecontactAsync(TimeSpan.FromDays(5));
        Assert.Equal("Working", (await rep.QualificationAsync(waiting)).Str("leadStatus"));
        Assert.Equal("Working", (await rep.QualificationAsync(kept)).Str("leadStatus"));
    }

    [Fact]
    public async Task Disqualified_contacts_without_consent_are_erased_after_the_retention_period()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var noConsent = await rep.NewLeadAsync("NoConsent");
        var consented = (await rep.CreateAsync(Contacts, new
        {
            lastName = "Consented",
            consents = new[] { new { channel = "Email", status = "Granted", givenAt = DateTime.UtcNow.AddDays(-1), method = "web form" } },
        })).GetProperty("id").GetInt64();
        foreach (var id in (long[])[noConsent, consented])
            Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Contacts}/{id}/disqualify", new { reason = "Not interested" })).StatusCode);

        await RunRetentionAsync(TimeSpan.FromDays(364)); // the default retention period is 365 days
        Assert.Null((await rep.GetJsonAsync($"{Contacts}/{noConsent}")).Str("erasedAt"));

        await RunRetentionAsync(TimeSpan.FromDays(366));
        var tombstone = await rep.GetJsonAsync($"{Contacts}/{noConsent}");
        Assert.NotNull(tombstone.Str("erasedAt"));
        Assert.Equal("Erased contact", tombstone.Str("lastName"));
        var kept = await rep.GetJsonAsync($"{Contacts}/{consented}");
        Assert.Equal(("Consented", null), (kept.Str("lastName"), kept.Str("erasedAt")));
    }
}

public sealed class RecontactTestsSqlite(SqliteApp f) : RecontactTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class RecontactTestsPostgres(PostgresApp f) : RecontactTests(f.Factory), IClassFixture<PostgresApp>;

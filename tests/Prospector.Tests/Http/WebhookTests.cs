using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Contacts;
using Prospector.Features.Webhooks;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>Signed webhooks end to end: a local receiver (allowed by the test-only Webhooks:AllowInsecureHosts), a test clock.</summary>
public abstract partial class WebhookTests : IAsyncLifetime
{
    private readonly WebhookSink _sink = new();
    private readonly ProspectorFactory _app;

    protected WebhookTests(Provider provider) => _app = new ProspectorFactory(provider, new Dictionary<string, string?>
    {
        ["Webhooks:AllowInsecureHosts:0"] = "127.0.0.1",
        ["Webhooks:PollSeconds"] = "3600",
        ["Webhooks:PauseAfterFailures"] = "3",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sink.DisposeAsync();
    }

    private Task RunAsync() => _app.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(CancellationToken.None);

    private async Task<(TestUser Admin, long Id, string Secret)> RegisterAsync(params string[] events)
    {
        var admin = await _app.UserAsync("Admin");
        var created = await admin.Client.CreateAsync("/api/v1/webhooks",
            new { url = $"http://127.0.0.1:{_sink.Port}/hook", events, description = "ERP" });
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        return (admin, created.GetProperty("endpoint").GetProperty("id").GetInt64(), secret);
    }

    private static void AssertSigned(SinkRequest r, string secret)
    {
        var m = Regex.Match(r.Headers["Prospector-Signature"], "^t=(\\d+),v1=([0-9a-f]{64})$");
        Assert.True(m.Success, r.Headers["Prospector-Signature"]);
        Assert.Equal(WebhookSigner.Signature(secret, long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), r.Body),
            r.Headers["Prospector-Signature"]);
        Assert.NotEqual(WebhookSigner.Signature("whsec_wrong", long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), r.Body),
            r.Headers["Prospector-Signature"]);
    }

    [Fact]
    public async Task A_contact_created_through_the_API_and_through_the_pages_service_is_posted_once_each_signed()
    {
        var (admin, hook, secret) = await RegisterAsync("contact.created");
        var viaApi = await admin.Client.NewLeadAsync("Van der Berg");
        var viaPage = await _app.WithDbAsync(async (_, sp) => (await sp.GetRequiredService<ContactService>().CreateAsync(
            new AccessScope(admin.Id, Roles.Admin, [], [], SeesAll: true),
            new ContactChange(null, "Jörg", null, "Müller-Lüdenscheidt", null, null, null, null, null, null, null, null, null, Stage.Lead, LeadStatus.New,
                null, null, null, null, [], null, []))).Value!.Id);
        await RunAsync();
        await RunAsync(); // a second round sends nothing again

        var requests = _sink.Requests.ToList();
        Assert.Equal(2, requests.Count);
        foreach (var r in requests)
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("/hook", r.Path);
            Assert.Equal("contact.created", r.Headers["Prospector-Event"]);
            AssertSigned(r, secret);
        }
        var bodies = requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal([viaApi, viaPage], bodies.Select(b => b.GetProperty("data").GetProperty("id").GetInt64()).Order().ToArray());
        Assert.Equal(["Müller-Lüdenscheidt", "Van der Berg"], bodies.Select(b => b.GetProperty("data").GetProperty("lastName").GetString()!).Order().ToArray());
        Assert.All(bodies, b => Assert.Equal("contact.created", b.GetProperty("type").GetString()));
        var log = await admin.Client.GetJsonAsync($"/api/v1/webhooks/{hook}/deliveries");
        Assert.All(log.EnumerateArray(), d =>
        {
            Assert.Equal("Succeeded", d.GetProperty("status").GetString());
            Assert.Equal(200, d.GetProperty("responseCode").GetInt32());
            Assert.Equal("thanks", d.GetProperty("responseExcerpt").GetString());
        });
        Assert.Equal(2, log.GetArrayLength());
    }

    [Fact]
    public async Task A_change_that_is_refused_writes_no_event_and_unsubscribed_events_are_not_kept()
    {
        var (admin, _, _) = await RegisterAsync("deal.won");
        var bad = await admin.Client.PostAsJsonAsync("/api/v1/contacts", new { lastName = "", stage = "Lead" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        await admin.Client.NewLeadAsync("Nobody listens");
        Assert.Equal(0, await _app.WithDbAsync((db, _) => db.WebhookEvents.CountAsync()));
    }

    [Fact]
    public async Task A_500_is_retried_later_with_the_same_body_and_then_succeeds()
    {
        var (admin, hook, secret) = await RegisterAsync("contact.created", "contact.stage_changed");
        _sink.Answers.Enqueue(500);
        await admin.Client.NewLeadAsync("O'Brien");
        await RunAsync();
        var first = (await admin.Client.GetJsonAsync($"/api/v1/webhooks/{hook}/deliveries"))[0];
        Assert.Equal("Pending", first.GetProperty("status").GetString());
        Assert.Equal(500, first.GetProperty("responseCode").GetInt32());
        Assert.Equal(1, first.GetProperty("attempts").GetInt32());
        var next = first.GetProperty("nextAttemptAt").GetDateTime();
        Assert.InRange(next - first.GetProperty("lastAttemptAt").GetDateTime(), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40));

        await RunAsync(); // not due yet
        Assert.Single(_sink.Requests);
        _app.Clock.Offset = TimeSpan.FromMinutes(2);
        await RunAsync();
        var done = (await admin.Client.GetJsonAsync($"/api/v1/webhooks/{hook}/deliveries"))[0];
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
        Assert.Equal(2, done.GetProperty("attempts").GetInt32());
        var both = _sink.Requests.ToList();
        Assert.Equal(2, both.Count);
        Assert.Equal(both[0].Body, both[1].Body);
        Assert.Equal(both[0].Headers["Prospector-Delivery"], both[1].Headers["Prospector-Delivery"]);
        AssertSigned(both[1], secret);
    }

    [Fact]
    public async Task An_endpoint_that_keeps_failing_is_paused_shown_and_recorded_and_resumes_by_hand()
    {
        var (admin, hook, _) = await RegisterAsync("contact.created");
        for (var i = 0; i < 10; i++) _sink.Answers.Enqueue(503);
        await admin.Client.NewLeadAsync("Failing");
        for (var minutes = 0; minutes <= 10; minutes += 5)
        {
            _app.Clock.Offset = TimeSpan.FromMinutes(minutes);
            await RunAsync();
        }
        Assert.Equal(3, _sink.Requests.Count);
        var paused = await admin.Client.GetJsonAsync($"/api/v1/webhooks/{hook}");
        Assert.Equal("Paused", paused.GetProperty("status").GetString());
        Assert.Contains("3 attempts in a row failed", paused.GetProperty("pausedReason").GetString());
        var events = await admin.Client.GetJsonAsync("/api/v1/security-events/?action=WebhookPaused");
        Assert.Equal(hook, Assert.Single(events.EnumerateArray()).GetProperty("entityId").GetInt64());
        // No mail server here: the admin who registered it finds an in-app notice instead, once.
        var notices = (await admin.Client.GetJsonAsync("/api/v1/reminders/")).GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("title").GetString()?.StartsWith("Webhook paused", StringComparison.Ordinal) == true).ToList();
        Assert.Contains($"127.0.0.1:{_sink.Port}/hook", Assert.Single(notices).GetProperty("title").GetString(), StringComparison.Ordinal);

        // Paused: nothing more is sent, however long we wait.
        _app.Clock.Offset = TimeSpan.FromHours(1);
        await RunAsync();
        Assert.Equal(3, _sink.Requests.Count);
        _sink.Answers.Clear();
        var resumed = await admin.Client.PatchAsJsonAsync($"/api/v1/webhooks/{hook}", new { active = true });
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        await RunAsync();
        Assert.Equal(4, _sink.Requests.Count);
        Assert.Equal("Succeeded", (await admin.Client.GetJsonAsync($"/api/v1/webhooks/{hook}/deliveries"))[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Only_admins_manage_webhooks_and_a_bad_url_is_a_400_naming_the_field()
    {
        var rep = await _app.UserAsync("Rep", "Nord");
        var manager = await _app.UserAsync("Manager", "Nord");
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.Client.GetAsync("/api/v1/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.Client.PostAsJsonAsync("/api/v1/webhooks",
            new { url = "https://hooks.example.com/x", events = new[] { "deal.won" } })).StatusCode);
        var admin = await _app.UserAsync("Admin");
        foreach (var url in new[] { "http://hooks.example.com/x", "https://10.0.0.7/x", "https://2130706433/", "https://evil@127.0.0.1/", "not a url" })
            await TestHttp.AssertValidationProblemAsync(await admin.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "deal.won" } }), "url");
        await TestHttp.AssertValidationProblemAsync(await admin.Client.PostAsJsonAsync("/api/v1/webhooks",
            new { url = "https://93.184.216.34/x", events = new[] { "deal.exploded" } }), "events");
        Assert.Empty((await admin.Client.GetJsonAsync("/api/v1/webhooks")).EnumerateArray());
    }

    [Fact]
    public async Task A_test_event_is_sent_and_the_secret_can_be_renewed()
    {
        var (admin, hook, secret) = await RegisterAsync("deal.won");
        var rotated = await admin.Client.PostAsync($"/api/v1/webhooks/{hook}/secret", null);
        var fresh = (await rotated.ReadJsonAsync()).GetProperty("secret").GetString()!;
        Assert.NotEqual(secret, fresh);
        var test = await admin.Client.PostAsync($"/api/v1/webhooks/{hook}/test", null);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        await RunAsync();
        // The test event also wakes the background dispatcher: whichever instance claims it, it arrives once.
        await _sink.WaitForAnyAsync(TimeSpan.FromSeconds(10));
        await RunAsync();
        var r = Assert.Single(_sink.Requests);
        Assert.Equal("webhook.test", r.Headers["Prospector-Event"]);
        AssertSigned(r, fresh);
        Assert.DoesNotContain(secret, await (await admin.Client.GetAsync($"/api/v1/webhooks/{hook}")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_python_example_in_the_docs_verifies_a_real_delivery()
    {
        var (admin, _, secret) = await RegisterAsync("contact.created");
        await admin.Client.NewLeadAsync("Verified");
        await RunAsync();
        var r = Assert.Single(_sink.Requests);
        var docs = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "docs", "webhooks.md"));
        var script = Regex.Match(docs, "<!-- verify.py -->\\s*```python\\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("hmac", script);
        var file = Path.Combine(Path.GetTempPath(), $"verify-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(file, script);
        try
        {
            Assert.Equal((0, "valid"), await PythonAsync(file, secret, r.Headers["Prospector-Signature"], r.Body));
            Assert.Equal(1, (await PythonAsync(file, secret, r.Headers["Prospector-Signature"], r.Body.Replace("Verified", "Forged"))).Code);
            Assert.Equal(1, (await PythonAsync(file, "whsec_other", r.Headers["Prospector-Signature"], r.Body)).Code);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Code, string Output)> PythonAsync(string file, string secret, string signature, string body)
    {
        var start = new ProcessStartInfo("python3", [file]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PROSPECTOR_WEBHOOK_SECRET"] = secret;
        start.Environment["PROSPECTOR_SIGNATURE"] = signature;
        start.Environment["PROSPECTOR_MAX_AGE"] = "100000000";
        using var p = Process.Start(start)!;
        await p.StandardInput.WriteAsync(body);
        p.StandardInput.Close();
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, output.Trim());
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Prospector.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Prospector.slnx not found");
    }
}

/// <summary>A paused endpoint is reported to the admin who registered it, by e-mail over SMTP (a real listener), once per pause.</summary>
public abstract class WebhookPauseMailTests(Provider provider) : IAsyncLifetime
{
    private readonly WebhookSink _sink = new();
    private readonly SmtpSink _smtp = new();
    private ProspectorFactory? _app;

    public Task InitializeAsync()
    {
        _app = new ProspectorFactory(provider, new Dictionary<string, string?>(_smtp.Settings)
        {
            ["Webhooks:AllowInsecureHosts:0"] = "127.0.0.1", ["Webhooks:PollSeconds"] = "3600", ["Webhooks:PauseAfterFailures"] = "3",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _sink.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task The_registering_admin_gets_one_email_per_pause()
    {
        var app = _app!;
        var admin = await app.UserAsync("Admin");
        var other = await app.UserAsync("Admin");
        var url = $"http://127.0.0.1:{_sink.Port}/hook";
        var hook = (await admin.Client.CreateAsync("/api/v1/webhooks", new { url, events = new[] { "contact.created" } })).GetProperty("endpoint").GetProperty("id").GetInt64();
        for (var i = 0; i < 20; i++) _sink.Answers.Enqueue(503);
        await admin.Client.NewLeadAsync("Failing");
        async Task RunForAsync(int fromMinutes)
        {
            for (var minutes = fromMinutes; minutes <= fromMinutes + 30; minutes += 5)
            {
                app.Clock.Offset = TimeSpan.FromMinutes(minutes);
                await app.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(CancellationToken.None);
            }
        }
        try
        {
            await RunForAsync(0);
            var mail = await _smtp.WaitForAsync(m => (m.Subject ?? "").StartsWith("Webhook paused", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the pause mail");
            Assert.Equal(admin.Email, mail.To.Mailboxes.Single().Address);
            Assert.Contains(url, mail.Subject, StringComparison.Ordinal);
            Assert.Contains("3 attempts in a row failed", mail.TextBody, StringComparison.Ordinal);
            await RunForAsync(60); // still paused: no second mail
            Assert.Single(_smtp.Messages, m => (m.Subject ?? "").StartsWith("Webhook paused", StringComparison.Ordinal));
            Assert.DoesNotContain(_smtp.Messages, m => m.To.Mailboxes.Any(b => b.Address == other.Email));

            // Resumed by hand and failing again: a new pause, a new mail.
            Assert.Equal(HttpStatusCode.OK, (await admin.Client.PatchAsJsonAsync($"/api/v1/webhooks/{hook}", new { active = true })).StatusCode);
            await admin.Client.NewLeadAsync("Failing again");
            await RunForAsync(120);
            Assert.Equal("Paused", (await admin.Client.GetJsonAsync($"/api/v1/webhooks/{hook}")).GetProperty("status").GetString());
            Assert.Equal(2, _smtp.Messages.Count(m => (m.Subject ?? "").StartsWith("Webhook paused", StringComparison.Ordinal)));
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
        }
    }
}

public sealed class WebhookPauseMailTestsSqlite() : WebhookPauseMailTests(Provider.Sqlite);
public sealed class WebhookPauseMailTestsPostgres() : WebhookPauseMailTests(Provider.Postgres);

public sealed class WebhookTestsSqlite() : WebhookTests(Provider.Sqlite);
public sealed class WebhookTestsPostgres() : WebhookTests(Provider.Postgres);

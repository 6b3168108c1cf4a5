using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Auth;
using Prospector.Features.Common;
using Prospector.Features.Sequences;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>Records every sequence e-mail instead of sending it (the e-mail feature's sender replaces the seam in production).</summary>
public sealed class RecordingSequenceMailer(TimeProvider time) : ISequenceMailer
{
    public ConcurrentQueue<(long Owner, long Contact, long Template, DateTime At)> Sent { get; } = new();

    /// <summary>When set, the mail "goes out" and then this is thrown (a crash after the server accepted the message).</summary>
    public Exception? ThrowAfterSending { get; set; }

    public Task<SequenceMailResult> SendAsync(long ownerUserId, long contactId, long templateId, CancellationToken ct)
    {
        Sent.Enqueue((ownerUserId, contactId, templateId, time.GetUtcNow().UtcDateTime));
        if (ThrowAfterSending is { } x) throw x;
        return Task.FromResult(SequenceMailResult.Sent());
    }
}

/// <summary>A clock for the next-action service that throws while <see cref="Fault"/> is set: a task step that fails unexpectedly.</summary>
public sealed class FaultyClock(TimeProvider inner) : TimeProvider
{
    public Exception? Fault { get; set; }

    public override DateTimeOffset GetUtcNow() => Fault is { } x ? throw x : inner.GetUtcNow();
}

/// <summary>Nurturing sequences with a controlled clock: working hours and zone, DST, exactly once with two runners, the stops.</summary>
public abstract class SequenceTests : IAsyncLifetime
{
    private readonly ProspectorFactory _app;

    protected SequenceTests(Provider provider) => _app = new ProspectorFactory(provider, null, s =>
    {
        s.AddSingleton<ISequenceMailer>(sp => new RecordingSequenceMailer(sp.GetRequiredService<TimeProvider>()));
        s.AddSingleton(sp => new FaultyClock(sp.GetRequiredService<TimeProvider>()));
        s.AddScoped(sp => new Prospector.Features.NextActions.CurrentAction(sp.GetRequiredService<ProspectorDb>(), sp.GetRequiredService<FaultyClock>(),
            sp.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<Prospector.SharedResource>>()));
    });

    private FaultyClock TaskClock => _app.Services.GetRequiredService<FaultyClock>();

    private RecordingSequenceMailer Mailer => (RecordingSequenceMailer)_app.Services.GetRequiredService<ISequenceMailer>();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void At(DateTime utc) => _app.Clock.Offset = utc - DateTime.UtcNow;

    private async Task RunAtAsync(DateTime utc, SequenceRunner? runner = null)
    {
        At(utc);
        await (runner ?? _app.Services.GetRequiredService<SequenceRunner>()).RunOnceAsync(CancellationToken.None);
    }

    private async Task<TestUser> BerlinRepAsync()
    {
        var rep = await _app.UserAsync("Rep", "Nord");
        await _app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == rep.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "Europe/Berlin")));
        return rep;
    }

    private async Task<long> NurturingAsync(TestUser owner, string name)
    {
        var id = (await owner.Client.CreateAsync("/api/v1/contacts", new { lastName = name, email = $"{name.ToLowerInvariant()}@example.com" })).GetProperty("id").GetInt64();
        await _app.WithDbAsync((db, _) => db.Contacts.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.LeadStatus, LeadStatus.Nurturing)));
        return id;
    }

    /// <summary>Real e-mail templates by the numbers the tests use (n → template id): a sequence may only name templates that exist.</summary>
    private readonly Dictionary<long, long> _templates = [];

    private async Task<long> TemplateAsync(HttpClient manager, long n)
    {
        if (!_templates.TryGetValue(n, out var id))
            _templates[n] = id = (await manager.CreateAsync("/api/v1/email-templates", new { name = TestHttp.Unique($"T{n}"), language = "en", subject = $"Mail {n}", body = "{{ salutation }}," }))
                .GetProperty("id").GetInt64();
        return id;
    }

    /// <summary>Creates the sequence; an e-mail step's templateId n stands for the test's template n (created on first use).</summary>
    private async Task<long> SequenceAsync(HttpClient manager, params object[] steps)
    {
        var real = new List<System.Text.Json.Nodes.JsonNode>();
        foreach (var step in steps)
        {
            var node = System.Text.Json.JsonSerializer.SerializeToNode(step)!;
            if (node["templateId"] is { } n) node["templateId"] = await TemplateAsync(manager, n.GetValue<long>());
            real.Add(node);
        }
        return (await manager.CreateAsync("/api/v1/sequences", new { name = TestHttp.Unique("Spring"), steps = real })).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> EnrolmentOfAsync(HttpClient client, long contactId) =>
        (await client.GetJsonAsync($"/api/v1/sequences/enrolments?contactId={contactId}"))[0];

    private Task<List<NextAction>> SequenceTasksAsync(long contactId, string note) =>
        _app.WithDbAsync((db, _) => db.NextActions.IgnoreQueryFilters().Where(a => a.ContactId == contactId && a.Note == note).ToListAsync());

    [Fact]
    public async Task Mail_wait_three_days_and_call_task_run_once_at_10_local_across_the_Berlin_DST_change()
    {
        var rep = await BerlinRepAsync();
        var manager = await _app.UserAsync("Manager", "Nord");
        var contact = await NurturingAsync(rep, "Fruehling");
        var sequence = await SequenceAsync(manager.Client, new { kind = "SendEmail", templateId = 7 }, new { kind = "Wait", waitDays = 3 },
            new { kind = "Task", taskType = "Call", text = "Ask about the spring offer" });
        try
        {
            // Friday 27 March 2026, 10:00 in Berlin (UTC+1). The clocks go forward on Sunday 29 March.
            At(new DateTime(2026, 3, 27, 9, 0, 0, DateTimeKind.Utc));
            var enrolled = await rep.Client.CreateAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = contact });
            Assert.Equal("SendEmail", enrolled.GetProperty("nextStepKind").GetString());
            await RunAtAsync(new DateTime(2026, 3, 27, 9, 1, 0, DateTimeKind.Utc));
            var mail = Assert.Single(Mailer.Sent);
            Assert.Equal((rep.Id, contact, _templates[7]), (mail.Owner, mail.Contact, mail.Template));
            // Three days later at 10:00 local: now UTC+2, so 08:00 UTC (not 09:00).
            var e = await EnrolmentOfAsync(rep.Client, contact);
            Assert.InRange(e.GetProperty("nextRunAt").GetDateTime().ToUniversalTime(), new DateTime(2026, 3, 30, 8, 0, 0, DateTimeKind.Utc),
                new DateTime(2026, 3, 30, 8, 0, 1, DateTimeKind.Utc));
            Assert.Equal("Task", e.GetProperty("nextStepKind").GetString());
            await RunAtAsync(new DateTime(2026, 3, 30, 7, 59, 0, DateTimeKind.Utc));
            Assert.Empty(await SequenceTasksAsync(contact, "Ask about the spring offer"));
            await RunAtAsync(new DateTime(2026, 3, 30, 8, 1, 0, DateTimeKind.Utc));
            await RunAtAsync(new DateTime(2026, 3, 30, 8, 5, 0, DateTimeKind.Utc));
            var task = Assert.Single(await SequenceTasksAsync(contact, "Ask about the spring offer"));
            Assert.Equal((NextActionType.Call, rep.Id, NextActionStatus.Open, new DateOnly(2026, 3, 30)), (task.Type, task.AssigneeId, task.Status, task.DueDate));
            Assert.Single(Mailer.Sent);
            e = await EnrolmentOfAsync(rep.Client, contact);
            Assert.Equal(("Completed", 2), (e.GetProperty("status").GetString(), e.GetProperty("stepsRun").GetInt32()));
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task A_step_due_at_20_local_waits_until_09_on_the_next_working_day()
    {
        var rep = await BerlinRepAsync();
        var manager = await _app.UserAsync("Manager", "Nord");
        var sequence = await SequenceAsync(manager.Client, new { kind = "SendEmail", templateId = 3 });
        var late = await NurturingAsync(rep, "Abend");
        var weekend = await NurturingAsync(rep, "Freitag");
        try
        {
            // Tuesday 31 March 2026, 20:00 in Berlin (UTC+2).
            At(new DateTime(2026, 3, 31, 18, 0, 0, DateTimeKind.Utc));
            await rep.Client.CreateAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = late });
            Assert.Equal(new DateTime(2026, 4, 1, 7, 0, 0, DateTimeKind.Utc), (await EnrolmentOfAsync(rep.Client, late)).GetProperty("nextRunAt").GetDateTime().ToUniversalTime());
            // Friday 3 April 2026, 20:00: the next working day is Monday 6 April.
            At(new DateTime(2026, 4, 3, 18, 0, 0, DateTimeKind.Utc));
            await rep.Client.CreateAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = weekend });
            Assert.Equal(new DateTime(2026, 4, 6, 7, 0, 0, DateTimeKind.Utc), (await EnrolmentOfAsync(rep.Client, weekend)).GetProperty("nextRunAt").GetDateTime().ToUniversalTime());

            await RunAtAsync(new DateTime(2026, 3, 31, 18, 0, 0, DateTimeKind.Utc));
            await RunAtAsync(new DateTime(2026, 4, 1, 6, 59, 0, DateTimeKind.Utc));
            Assert.Empty(Mailer.Sent);
            await RunAtAsync(new DateTime(2026, 4, 1, 7, 0, 0, DateTimeKind.Utc));
            Assert.Equal([late], Mailer.Sent.Select(m => m.Contact));
            await RunAtAsync(new DateTime(2026, 4, 5, 12, 0, 0, DateTimeKind.Utc));
            Assert.Single(Mailer.Sent);
            await RunAtAsync(new DateTime(2026, 4, 6, 7, 0, 0, DateTimeKind.Utc));
            Assert.Equal([late, weekend], Mailer.Sent.Select(m => m.Contact).Order());
            Assert.InRange(Mailer.Sent.Single(m => m.Contact == weekend).At, new DateTime(2026, 4, 6, 7, 0, 0, DateTimeKind.Utc), new DateTime(2026, 4, 6, 7, 1, 0, DateTimeKind.Utc));
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
        }
    }

    /// <summary>Working hours set in the profile (Settings → Profile) move a step to the next moment inside them.</summary>
    [Fact]
    public async Task Working_hours_from_the_profile_move_a_step_to_the_next_working_moment_and_bad_ones_are_refused()
    {
        var rep = await BerlinRepAsync();
        var manager = await _app.UserAsync("Manager", "Nord");
        Task<Outcome<bool>> SetAsync(TimeOnly from, TimeOnly until, params DayOfWeek[] days) =>
            _app.WithDbAsync((_, sp) => sp.GetRequiredService<UserAdmin>().UpdateWorkingHoursAsync(rep.Id, from, until, days));
        Assert.Equal(OutcomeKind.Invalid, (await SetAsync(new(12, 0), new(7, 30), DayOfWeek.Tuesday)).Kind);
        Assert.Equal(OutcomeKind.Invalid, (await SetAsync(new(7, 30), new(12, 0))).Kind);
        Assert.True((await SetAsync(new(7, 30), new(12, 0), DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday)).IsOk);

        var sequence = await SequenceAsync(manager.Client, new { kind = "Task", taskType = "Call", text = "Early call" });
        var contact = await NurturingAsync(rep, "Fruehaufsteher");
        try
        {
            // Monday 6 April 2026, 10:00 in Berlin (UTC+2): Monday is no working day, so Tuesday 07:30 (05:30 UTC).
            At(new DateTime(2026, 4, 6, 8, 0, 0, DateTimeKind.Utc));
            await rep.Client.CreateAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = contact });
            Assert.Equal(new DateTime(2026, 4, 7, 5, 30, 0, DateTimeKind.Utc), (await EnrolmentOfAsync(rep.Client, contact)).GetProperty("nextRunAt").GetDateTime().ToUniversalTime());
            await RunAtAsync(new DateTime(2026, 4, 7, 5, 29, 0, DateTimeKind.Utc));
            Assert.Empty(await SequenceTasksAsync(contact, "Early call"));
            await RunAtAsync(new DateTime(2026, 4, 7, 5, 30, 0, DateTimeKind.Utc));
            Assert.Single(await SequenceTasksAsync(contact, "Early call"));
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Two_runners_at_once_run_each_step_exactly_once()
    {
        var rep = await BerlinRepAsync();
        var manager = await _app.UserAsync("Manager", "Nord");
        var sequence = await SequenceAsync(manager.Client, new { kind = "SendEmail", templateId = 5 }, new { kind = "Task", taskType = "Call", text = "Race call" });
        const int n = 15;
        var contacts = new List<long>();
        for (var i = 0; i < n; i++) contacts.Add(await NurturingAsync(rep, $"Race{i}"));
        var sp = _app.Services;
        SequenceRunner Instance(string name) => new(sp.GetRequiredService<IServiceScopeFactory>(), _app.Clock,
            sp.GetRequiredService<IOptions<SequenceOptions>>(), NullLogger<SequenceRunner>.Instance)
        { Instance = name };
        var (a, b) = (Instance("a"), Instance("b"));
        try
        {
            At(new DateTime(2026, 5, 5, 9, 0, 0, DateTimeKind.Utc));
            var bulk = await (await manager.Client.PostAsJsonAsync($"/api/v1/sequences/{sequence}/enrolments/bulk", new { contactIds = contacts })).ReadJsonAsync();
            Assert.Equal(n, bulk.GetProperty("enrolled").GetArrayLength());
            for (var round = 0; round < 3; round++)
                await Task.WhenAll(Task.Run(() => a.RunOnceAsync(CancellationToken.None)), Task.Run(() => b.RunOnceAsync(CancellationToken.None)));
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
        }
        Assert.Equal(n, Mailer.Sent.Count);
        Assert.Equal(contacts.Order(), Mailer.Sent.Select(m => m.Contact).Order());
        foreach (var c in contacts) Assert.Single(await SequenceTasksAsync(c, "Race call"));
        var all = await manager.Client.GetJsonAsync($"/api/v1/sequences/enrolments?sequenceId={sequence}");
        Assert.All(all.EnumerateArray(), e => Assert.Equal(("Completed", 2), (e.GetProperty("status").GetString(), e.GetProperty("stepsRun").GetInt32())));
    }

    [Fact]
    public async Task Enrolment_stops_on_inbound_reply_disqualification_and_withdrawn_email_consent()
    {
        var rep = await BerlinRepAsync();
        var manager = await _app.UserAsync("Manager", "Nord");
        var sequence = await SequenceAsync(manager.Client, new { kind = "SendEmail", templateId = 1 }, new { kind = "Wait", waitDays = 2 },
            new { kind = "SendEmail", templateId = 2 });
        var (replied, disqualified, withdrawn, control) = (await NurturingAsync(rep, "Antwort"), await NurturingAsync(rep, "Absage"),
            await NurturingAsync(rep, "Widerruf"), await NurturingAsync(rep, "Weiter"));
        try
        {
            At(new DateTime(2026, 5, 4, 8, 0, 0, DateTimeKind.Utc)); // Monday 10:00 in Berlin
            var bulk = await (await rep.Client.PostAsJsonAsync($"/api/v1/sequences/{sequence}/enrolments/bulk",
                new { contactIds = new[] { replied, disqualified, withdrawn, control } })).ReadJsonAsync();
            Assert.Equal(4, bulk.GetProperty("enrolled").GetArrayLength());
            await RunAtAsync(new DateTime(2026, 5, 4, 8, 1, 0, DateTimeKind.Utc));
            Assert.Equal(4, Mailer.Sent.Count);

            At(new DateTime(2026, 5, 4, 12, 0, 0, DateTimeKind.Utc));
            // A reply logged by any path (here straight into the table, as the e-mail dropbox does).
            await _app.WithDbAsync(async (db, _) =>
            {
                db.Activities.Add(new Activity
                {
                    ContactId = replied, Channel = Channel.Email, Direction = Direction.Inbound, OccurredAt = new DateTime(2026, 5, 4, 11, 0, 0, DateTimeKind.Utc),
                    Subject = "Re: spring offer", CreatedAt = new DateTime(2026, 5, 4, 12, 0, 0, DateTimeKind.Utc),
                });
                db.ConsentRecords.Add(new ConsentRecord
                {
                    ContactId = withdrawn, Channel = ConsentChannel.Email, Status = ConsentStatus.Withdrawn, GivenAt = new DateTime(2026, 5, 4, 11, 30, 0, DateTimeKind.Utc),
                    Method = "phone", RecordedAt = new DateTime(2026, 5, 4, 12, 0, 0, DateTimeKind.Utc),
                });
                return await db.SaveChangesAsync();
            });
            var disq = await rep.Client.PostAsJsonAsync($"/api/v1/contacts/{disqualified}/disqualify", new { reason = "No budget" });
            Assert.True(disq.IsSuccessStatusCode, await disq.Content.ReadAsStringAsync());
            // The next run notices at once, days before the next e-mail is due.
            await RunAtAsync(new DateTime(2026, 5, 4, 12, 1, 0, DateTimeKind.Utc));
            Assert.Equal(("Stopped", "Replied"), StatusOf(await EnrolmentOfAsync(rep.Client, replied)));
            Assert.Equal(("Stopped", "Disqualified"), StatusOf(await EnrolmentOfAsync(rep.Client, disqualified)));
            Assert.Equal(("Stopped", "ConsentWithdrawn"), StatusOf(await EnrolmentOfAsync(rep.Client, withdrawn)));
            Assert.Equal(("Active", ""), StatusOf(await EnrolmentOfAsync(rep.Client, control)));

            await RunAtAsync(new DateTime(2026, 5, 6, 8, 5, 0, DateTimeKind.Utc));
            Assert.Equal(5, Mailer.Sent.Count);
            Assert.Equal((control, _templates[2]), (Mailer.Sent.Last().Contact, Mailer.Sent.Last().Template));
            Assert.Equal(("Completed", ""), StatusOf(await EnrolmentOfAsync(rep.Client, control)));
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task An_email_step_that_throws_after_sending_stops_as_interrupted_and_never_sends_twice()
    {
        var rep = await BerlinRepAsync();
        var manager = await _app.UserAsync("Manager", "Nord");
        var contact = await NurturingAsync(rep, "Absturz");
        var sequence = await SequenceAsync(manager.Client, new { kind = "SendEmail", templateId = 3 }, new { kind = "Wait", waitDays = 1 },
            new { kind = "SendEmail", templateId = 4 });
        try
        {
            At(new DateTime(2026, 5, 5, 8, 0, 0, DateTimeKind.Utc)); // Tuesday 10:00 in Berlin
            await rep.Client.CreateAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = contact });
            Mailer.ThrowAfterSending = new InvalidOperationException("Connection reset after DATA");
            await RunAtAsync(new DateTime(2026, 5, 5, 8, 1, 0, DateTimeKind.Utc));
            Mailer.ThrowAfterSending = null;
            var e = await EnrolmentOfAsync(rep.Client, contact);
            Assert.Equal(("Stopped", "Interrupted"), StatusOf(e));
            var note = e.GetProperty("note").GetString()!;
            Assert.Contains("not tried again", note, StringComparison.Ordinal);
            Assert.Contains("Connection reset after DATA", note, StringComparison.Ordinal);
            // Later runs (the old code tried again every 15 minutes) send nothing more.
            await RunAtAsync(new DateTime(2026, 5, 5, 8, 20, 0, DateTimeKind.Utc));
            await RunAtAsync(new DateTime(2026, 5, 7, 8, 20, 0, DateTimeKind.Utc));
            Assert.Single(Mailer.Sent);
            Assert.Equal(("Stopped", "Interrupted"), StatusOf(await EnrolmentOfAsync(rep.Client, contact)));
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
            Mailer.ThrowAfterSending = null;
        }
    }

    [Fact]
    public async Task A_task_step_that_throws_is_tried_again_a_bounded_number_of_times_then_stops_as_interrupted()
    {
        var rep = await BerlinRepAsync();
        var manager = await _app.UserAsync("Manager", "Nord");
        var contact = await NurturingAsync(rep, "Wackel");
        var sequence = await SequenceAsync(manager.Client, new { kind = "Task", taskType = "Call", text = "Flaky call" });
        try
        {
            var start = new DateTime(2026, 5, 5, 8, 0, 0, DateTimeKind.Utc); // Tuesday 10:00 in Berlin
            At(start);
            await rep.Client.CreateAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = contact });
            TaskClock.Fault = new InvalidOperationException("Task service down");
            for (var i = 0; i < SequenceRunner.MaxAttempts; i++)
            {
                await RunAtAsync(start.AddMinutes(1 + i * (SequenceRunner.RetryAfter.TotalMinutes + 1)));
                var e = await EnrolmentOfAsync(rep.Client, contact);
                Assert.Contains("Task service down", e.GetProperty("note").GetString(), StringComparison.Ordinal);
                Assert.Equal(i < SequenceRunner.MaxAttempts - 1 ? ("Active", "") : ("Stopped", "Interrupted"), StatusOf(e));
            }
            TaskClock.Fault = null;
            await RunAtAsync(start.AddHours(3));
            Assert.Equal(("Stopped", "Interrupted"), StatusOf(await EnrolmentOfAsync(rep.Client, contact)));
            Assert.Empty(await SequenceTasksAsync(contact, "Flaky call"));
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
            TaskClock.Fault = null;
        }
    }

    [Fact]
    public async Task Enrolling_needs_edit_rights_a_rep_cannot_enrol_a_team_mates_contact_their_manager_and_an_admin_can()
    {
        var rep = await BerlinRepAsync();
        var mate = await _app.UserAsync("Rep", "Nord");
        var manager = await _app.UserAsync("Manager", "Nord");
        var otherManager = await _app.UserAsync("Manager", "Sued");
        var admin = await _app.UserAsync("Admin");
        var sequence = await SequenceAsync(manager.Client, new { kind = "Task", taskType = "Call", text = "Rights" });
        var matesContact = await NurturingAsync(mate, "Kollege");
        var pool = await NurturingAsync(mate, "Pool");
        var own = await NurturingAsync(rep, "Eigen");
        await _app.WithDbAsync((db, _) => db.Contacts.Where(c => c.Id == matesContact).ExecuteUpdateAsync(u => u.SetProperty(c => c.TeamId, mate.TeamId)));
        await _app.WithDbAsync((db, _) => db.Contacts.Where(c => c.Id == pool).ExecuteUpdateAsync(u => u.SetProperty(c => c.OwnerId, (long?)null).SetProperty(c => c.TeamId, (long?)null)));

        // The rep sees the team-mate's contact and the shared pool, but may not act in their owner's name.
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync($"/api/v1/contacts/{matesContact}")).StatusCode);
        var refused = await rep.Client.PostAsJsonAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = matesContact });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("owner", (await refused.ReadJsonAsync()).GetProperty("title").GetString(), StringComparison.Ordinal);
        var bulk = await (await rep.Client.PostAsJsonAsync($"/api/v1/sequences/{sequence}/enrolments/bulk",
            new { contactIds = new[] { matesContact, pool, own } })).ReadJsonAsync();
        Assert.Equal([own], bulk.GetProperty("enrolled").EnumerateArray().Select(e => e.GetProperty("contactId").GetInt64()));
        Assert.Equal([(matesContact, "NotYours"), (pool, "NotYours")],
            bulk.GetProperty("skipped").EnumerateArray().Select(x => (x.GetProperty("contactId").GetInt64(), x.GetProperty("reason").GetString())));
        Assert.Equal(0, (await mate.Client.GetJsonAsync($"/api/v1/sequences/enrolments?contactId={matesContact}")).GetArrayLength());

        // Another team's manager does not even see it; the team's manager and an admin may enrol.
        var foreign = await (await otherManager.Client.PostAsJsonAsync($"/api/v1/sequences/{sequence}/enrolments/bulk", new { contactIds = new[] { matesContact } })).ReadJsonAsync();
        Assert.Equal("NotFound", foreign.GetProperty("skipped")[0].GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Created, (await manager.Client.PostAsJsonAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = matesContact })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.Client.PostAsJsonAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = pool })).StatusCode);

        // A sequence that sends e-mail skips contacts who withdrew e-mail consent; one with only tasks does not.
        var withdrawn = await NurturingAsync(rep, "Widerrufen");
        await _app.WithDbAsync(async (db, _) =>
        {
            db.ConsentRecords.Add(new ConsentRecord
            {
                ContactId = withdrawn, Channel = ConsentChannel.Email, Status = ConsentStatus.Withdrawn, GivenAt = DateTime.UtcNow.AddMinutes(-5), Method = "phone", RecordedAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        var mailing = await SequenceAsync(manager.Client, new { kind = "SendEmail", templateId = 9 });
        var noConsent = await (await rep.Client.PostAsJsonAsync($"/api/v1/sequences/{mailing}/enrolments/bulk", new { contactIds = new[] { withdrawn, own } })).ReadJsonAsync();
        Assert.Equal([(withdrawn, "NoEmailConsent"), (own, "AlreadyEnrolled")],
            noConsent.GetProperty("skipped").EnumerateArray().Select(x => (x.GetProperty("contactId").GetInt64(), x.GetProperty("reason").GetString())));
        Assert.Equal(HttpStatusCode.Created, (await rep.Client.PostAsJsonAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = withdrawn })).StatusCode);
    }

    [Fact]
    public async Task Working_hours_are_in_the_api_changed_with_patch_me_refused_as_problem_details_and_used_by_the_runner()
    {
        var rep = await BerlinRepAsync();
        var manager = await _app.UserAsync("Manager", "Nord");
        var me = await rep.Client.GetJsonAsync("/api/v1/me");
        Assert.Equal("Europe/Berlin", me.GetProperty("timeZone").GetString());
        var hours = me.GetProperty("workingHours");
        Assert.Equal(("09:00", "17:00"), (hours.GetProperty("start").GetString(), hours.GetProperty("end").GetString()));
        Assert.Equal(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], hours.GetProperty("days").EnumerateArray().Select(d => d.GetString()));

        var changed = await rep.Client.PatchAsJsonAsync("/api/v1/me", new { workingHours = new { start = "11:00", end = "15:30", days = new[] { "Tuesday", "Thursday" } } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        hours = (await rep.Client.GetJsonAsync("/api/v1/me")).GetProperty("workingHours");
        Assert.Equal(("11:00", "15:30"), (hours.GetProperty("start").GetString(), hours.GetProperty("end").GetString()));
        Assert.Equal(["Tuesday", "Thursday"], hours.GetProperty("days").EnumerateArray().Select(d => d.GetString()));

        await TestHttp.AssertValidationProblemAsync(await rep.Client.PatchAsJsonAsync("/api/v1/me", new { workingHours = new { start = "16:00", end = "08:00", days = new[] { "Monday" } } }), "workingHours.end");
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PatchAsJsonAsync("/api/v1/me", new { workingHours = new { start = "9 Uhr", end = "17:00", days = new[] { "Monday" } } }), "workingHours.start");
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PatchAsJsonAsync("/api/v1/me", new { workingHours = new { start = "09:00", end = "17:00", days = Array.Empty<string>() } }), "workingHours.days");
        var badDay = await rep.Client.PatchAsync("/api/v1/me", TestHttp.Json("""{"workingHours":{"start":"09:00","end":"17:00","days":["Someday"]}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badDay.StatusCode);
        Assert.Equal("application/problem+json", badDay.Content.Headers.ContentType?.MediaType);
        // JSON enums read numbers too: 7 or 9 is no day of the week, and is refused rather than turned into Monday to Friday.
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PatchAsync("/api/v1/me",
            TestHttp.Json("""{"workingHours":{"start":"09:00","end":"17:00","days":[1,9]}}""")), "workingHours.days");
        hours = (await rep.Client.GetJsonAsync("/api/v1/me")).GetProperty("workingHours");
        Assert.Equal(("11:00", "15:30"), (hours.GetProperty("start").GetString(), hours.GetProperty("end").GetString()));

        // The runner uses them: enrolled on a Monday at 10:00 in Berlin, the first step waits for Tuesday 11:00 (09:00 UTC).
        var contact = await NurturingAsync(rep, "Stunden");
        var sequence = await SequenceAsync(manager.Client, new { kind = "Task", taskType = "Call", text = "Hours" });
        try
        {
            At(new DateTime(2026, 5, 4, 8, 0, 0, DateTimeKind.Utc));
            var e = await rep.Client.CreateAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = contact });
            Assert.Equal(new DateTime(2026, 5, 5, 9, 0, 0, DateTimeKind.Utc), e.GetProperty("nextRunAt").GetDateTime().ToUniversalTime());
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
        }
    }

    private static (string?, string) StatusOf(JsonElement e) =>
        (e.GetProperty("status").GetString(), e.GetProperty("stopReason").ValueKind == JsonValueKind.Null ? "" : e.GetProperty("stopReason").GetString()!);

    [Fact]
    public async Task Sequences_are_managed_by_managers_and_bulk_enrolment_says_who_was_skipped_and_why()
    {
        var rep = await BerlinRepAsync();
        var manager = await _app.UserAsync("Manager", "Nord");
        var stranger = await _app.UserAsync("Rep", "Sued");
        var denied = await rep.Client.PostAsJsonAsync("/api/v1/sequences", new { name = "Mine", steps = new[] { new { kind = "Wait", waitDays = 1 } } });
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var bad = await manager.Client.PostAsJsonAsync("/api/v1/sequences",
            new { name = "", steps = new object[] { new { kind = "SendEmail" }, new { kind = "Wait", waitDays = 0 }, new { kind = "Task" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("steps[0].templateId", out _));
        Assert.True(errors.TryGetProperty("steps[1].waitDays", out _));
        Assert.True(errors.TryGetProperty("steps[2].taskType", out _));
        var missing = await manager.Client.PostAsJsonAsync("/api/v1/sequences", new { name = "Gone", steps = new[] { new { kind = "SendEmail", templateId = 987654 } } });
        await TestHttp.AssertValidationProblemAsync(missing, "steps[0].templateId");
        var empty = await manager.Client.PostAsync("/api/v1/sequences", new StringContent("""{"name":"Empty","steps":[null]}""", System.Text.Encoding.UTF8, "application/json"));
        await TestHttp.AssertValidationProblemAsync(empty, "steps");

        var sequence = await SequenceAsync(manager.Client, new { kind = "Task", taskType = "Call", text = "Call" }, new { kind = "Wait", waitDays = 5 },
            new { kind = "Task", taskType = "Sms", text = "Text them" });
        var changed = await manager.Client.PutAsJsonAsync($"/api/v1/sequences/{sequence}", new
        {
            name = "Spring 2026", description = "After the fair",
            steps = new object[] { new { kind = "Task", taskType = "Call", text = "Call" }, new { kind = "Wait", waitDays = 7 } },
        });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var saved = await manager.Client.GetJsonAsync($"/api/v1/sequences/{sequence}");
        Assert.Equal(("Spring 2026", 2, 7), (saved.GetProperty("name").GetString(), saved.GetProperty("steps").GetArrayLength(),
            saved.GetProperty("steps")[1].GetProperty("waitDays").GetInt32()));

        var nurturing = await NurturingAsync(rep, "Pflege");
        var fresh = (await rep.Client.CreateAsync("/api/v1/contacts", new { lastName = "Neu" })).GetProperty("id").GetInt64();
        var foreign = await NurturingAsync(stranger, "Fremd");
        var first = await (await rep.Client.PostAsJsonAsync($"/api/v1/sequences/{sequence}/enrolments/bulk",
            new { contactIds = new[] { nurturing, fresh, foreign } })).ReadJsonAsync();
        Assert.Equal([nurturing], first.GetProperty("enrolled").EnumerateArray().Select(e => e.GetProperty("contactId").GetInt64()));
        Assert.Equal([(fresh, "NotNurturing"), (foreign, "NotFound")],
            first.GetProperty("skipped").EnumerateArray().Select(s => (s.GetProperty("contactId").GetInt64(), s.GetProperty("reason").GetString())));
        var again = await rep.Client.PostAsJsonAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = nurturing });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, (await manager.Client.DeleteAsync($"/api/v1/sequences/{sequence}")).StatusCode);
        var enrolment = (await EnrolmentOfAsync(rep.Client, nurturing)).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.PostAsJsonAsync($"/api/v1/sequences/enrolments/{enrolment}/stop", new { })).StatusCode);
        var stopped = await (await rep.Client.PostAsJsonAsync($"/api/v1/sequences/enrolments/{enrolment}/stop", new { note = "Spoke at the fair" })).ReadJsonAsync();
        Assert.Equal(("Stopped", "StoppedByHand", "Spoke at the fair"),
            (stopped.GetProperty("status").GetString(), stopped.GetProperty("stopReason").GetString(), stopped.GetProperty("note").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await manager.Client.DeleteAsync($"/api/v1/sequences/{sequence}")).StatusCode);
    }
}

/// <summary>Without the e-mail feature, an e-mail step fails visibly and is retried; it is never counted as sent.</summary>
/// <summary>E-mail steps go through the e-mail feature (Hosting/SequenceMail → MailService): real templates, a real SMTP listener.</summary>
public abstract class SequenceMailSeamTests(Provider provider) : IAsyncLifetime
{
    private readonly SmtpSink _smtp = new();
    private ProspectorFactory? _app;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private async Task<(ProspectorFactory App, TestUser Rep, long Contact, long Sequence)> SetUpAsync(bool smtp)
    {
        _app = new ProspectorFactory(provider, smtp ? _smtp.Settings : null);
        var rep = await _app.UserAsync("Rep", "Nord");
        var manager = await _app.UserAsync("Manager", "Nord");
        var contact = (await rep.Client.CreateAsync("/api/v1/contacts", new { salutation = "Herr", firstName = "Jan", namePrefix = "van der", lastName = "Berg", email = "jan@berg.example" }))
            .GetProperty("id").GetInt64();
        await _app.WithDbAsync((db, _) => db.Contacts.Where(c => c.Id == contact).ExecuteUpdateAsync(u => u.SetProperty(c => c.LeadStatus, LeadStatus.Nurturing)));
        var template = (await manager.Client.CreateAsync("/api/v1/email-templates", new { name = "Nurture", language = "de", subject = "Neuigkeiten für {{ last_name }}", body = "{{ salutation }},\n\nunser neuer Katalog." }))
            .GetProperty("id").GetInt64();
        var sequence = (await manager.Client.CreateAsync("/api/v1/sequences", new { name = "Seam", steps = new object[] { new { kind = "SendEmail", templateId = template }, new { kind = "Wait", waitDays = 2 }, new { kind = "Task", taskType = "Call", text = "Nachfassen" } } }))
            .GetProperty("id").GetInt64();
        return (_app, rep, contact, sequence);
    }

    [Fact]
    public async Task An_email_step_sends_the_template_through_smtp_and_logs_it_on_the_contact()
    {
        var (app, rep, contact, sequence) = await SetUpAsync(smtp: true);
        var runner = app.Services.GetRequiredService<SequenceRunner>();
        try
        {
            var at = new DateTime(2026, 6, 2, 8, 0, 0, DateTimeKind.Utc); // a Tuesday, 10:00 in Berlin
            app.Clock.Offset = at - DateTime.UtcNow;
            await rep.Client.CreateAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = contact });
            app.Clock.Offset = at.AddMinutes(1) - DateTime.UtcNow;
            await runner.RunOnceAsync(CancellationToken.None);

            var mail = await _smtp.WaitForAsync(m => m.To.Mailboxes.Any(x => x.Address == "jan@berg.example"), TimeSpan.FromSeconds(10), "the sequence's mail");
            Assert.Equal("Neuigkeiten für Van der Berg", mail.Subject);
            var logged = (await rep.Client.GetJsonAsync($"/api/v1/activities?contactId={contact}")).GetProperty("items").EnumerateArray().Single();
            Assert.Equal("Email", logged.GetProperty("channel").GetString());
            Assert.Equal("Outbound", logged.GetProperty("direction").GetString());
            var e = (await rep.Client.GetJsonAsync($"/api/v1/sequences/enrolments?contactId={contact}"))[0];
            Assert.Equal(1, e.GetProperty("stepsRun").GetInt32());
            Assert.Equal("Active", e.GetProperty("status").GetString());
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task An_email_step_without_a_mail_server_fails_visibly_and_stops_after_its_retries()
    {
        var (app, rep, contact, sequence) = await SetUpAsync(smtp: false);
        var runner = app.Services.GetRequiredService<SequenceRunner>();
        try
        {
            var at = new DateTime(2026, 6, 2, 8, 0, 0, DateTimeKind.Utc); // a Tuesday, 10:00 in Berlin
            app.Clock.Offset = at - DateTime.UtcNow;
            await rep.Client.CreateAsync($"/api/v1/sequences/{sequence}/enrolments", new { contactId = contact });
            for (var i = 0; i < SequenceRunner.MaxAttempts; i++)
            {
                app.Clock.Offset = at.AddMinutes(1 + 20 * i) - DateTime.UtcNow;
                await runner.RunOnceAsync(CancellationToken.None);
                var e = (await rep.Client.GetJsonAsync($"/api/v1/sequences/enrolments?contactId={contact}"))[0];
                Assert.Contains("SMTP", e.GetProperty("note").GetString(), StringComparison.Ordinal);
                Assert.Equal(0, e.GetProperty("stepsRun").GetInt32());
                Assert.Equal(i < SequenceRunner.MaxAttempts - 1 ? "Active" : "Stopped", e.GetProperty("status").GetString());
            }
            Assert.Equal(0, (await rep.Client.GetJsonAsync($"/api/v1/activities?contactId={contact}")).GetProperty("items").GetArrayLength());
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
        }
    }
}

public sealed class SequenceTestsSqlite() : SequenceTests(Provider.Sqlite);
public sealed class SequenceTestsPostgres() : SequenceTests(Provider.Postgres);
public sealed class SequenceMailSeamTestsSqlite() : SequenceMailSeamTests(Provider.Sqlite);
public sealed class SequenceMailSeamTestsPostgres() : SequenceMailSeamTests(Provider.Postgres);

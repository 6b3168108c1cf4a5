using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Reminders;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>Reminder dispatch with a controlled clock, in each user's time zone, over a real SMTP conversation.</summary>
public abstract class ReminderTests : IAsyncLifetime
{
    private readonly SmtpSink _smtp = new();
    private readonly ProspectorFactory _app;

    protected ReminderTests(Provider provider) => _app = new ProspectorFactory(provider, _smtp.Settings);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    /// <summary>A rep in a zone and language; the daily digest only where a test is about it (it would add e-mails).</summary>
    private async Task<TestUser> RepInZoneAsync(string zone, string culture = "en", bool digest = false)
    {
        var rep = await _app.UserAsync("Rep", "Nord");
        await _app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == rep.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, zone).SetProperty(x => x.Culture, culture).SetProperty(x => x.DigestEnabled, digest)));
        return rep;
    }

    /// <summary>Runs one dispatcher round as if it were <paramref name="utc"/>.</summary>
    private async Task RunAtAsync(DateTime utc, ReminderDispatcher? dispatcher = null)
    {
        _app.Clock.Offset = utc - DateTime.UtcNow;
        try
        {
            await (dispatcher ?? _app.Services.GetRequiredService<ReminderDispatcher>()).RunOnceAsync(CancellationToken.None);
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
        }
    }

    private Task<List<Reminder>> RemindersAsync(long userId) =>
        _app.WithDbAsync((db, _) => db.Reminders.Where(r => r.UserId == userId).OrderBy(r => r.Id).ToListAsync());

    private List<MimeKit.MimeMessage> MailTo(TestUser user) =>
        _smtp.Messages.Where(m => m.To.Mailboxes.Any(x => x.Address == user.Email)).ToList();

    [Fact]
    public async Task A_timed_action_is_reminded_15_minutes_before_in_the_users_zone_across_a_DST_change_in_app_and_by_email()
    {
        // 28 March 2027: Europe/Berlin moves from UTC+1 to UTC+2; 09:00 local is 07:00 UTC that day.
        var berlin = await RepInZoneAsync("Europe/Berlin", "de");
        var lead = await berlin.Client.NewLeadAsync("Müller");
        var created = await berlin.Client.CreateAsync("/api/v1/tasks",
            new { contactId = lead, type = "Call", dueDate = new DateOnly(2027, 3, 28), dueTime = "09:00", note = "Angebot besprechen" });
        Assert.Equal(new DateTime(2027, 3, 28, 7, 0, 0, DateTimeKind.Utc), created.GetProperty("dueAtUtc").GetDateTime());
        // 14 March 2027: America/New_York moves to UTC-4; 09:00 there is 13:00 UTC.
        var newYork = await RepInZoneAsync("America/New_York");
        var other = await newYork.Client.NewLeadAsync("Smith");
        await newYork.Client.CreateAsync("/api/v1/tasks", new { contactId = other, type = "Meeting", dueDate = new DateOnly(2027, 3, 14), dueTime = "09:00" });

        await RunAtAsync(new DateTime(2027, 3, 28, 6, 40, 0, DateTimeKind.Utc));
        Assert.Empty(await RemindersAsync(berlin.Id));
        await RunAtAsync(new DateTime(2027, 3, 28, 6, 46, 0, DateTimeKind.Utc));
        var sent = await RemindersAsync(berlin.Id);
        Assert.Equal([(ReminderChannel.InApp, ReminderStatus.Sent), (ReminderChannel.Email, ReminderStatus.Sent)],
            sent.Where(r => r.Kind == ReminderKind.NextAction).Select(r => (r.Channel, r.Status)).ToArray());
        var mail = Assert.Single(MailTo(berlin));
        Assert.Equal(berlin.Email, mail.To.Mailboxes.Single().Address);
        Assert.Contains("Anruf", mail.Subject);     // in the user's language
        Assert.Contains("Müller", mail.Subject);
        Assert.Contains("09:00", mail.Subject);     // the time as the user lives it
        Assert.Contains("/contacts/" + lead, mail.TextBody);

        // Running again (a restart, a second round) sends nothing twice.
        await RunAtAsync(new DateTime(2027, 3, 28, 6, 50, 0, DateTimeKind.Utc));
        Assert.Single(MailTo(berlin));

        await RunAtAsync(new DateTime(2027, 3, 14, 12, 40, 0, DateTimeKind.Utc));
        Assert.Empty(MailTo(newYork));
        await RunAtAsync(new DateTime(2027, 3, 14, 12, 46, 0, DateTimeKind.Utc));
        Assert.Contains("09:00", Assert.Single(MailTo(newYork)).Subject);

        // The in-app notification is in the user's log until read.
        var unread = await berlin.Client.GetJsonAsync("/api/v1/reminders?unread=true");
        var note = Assert.Single(unread.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, (await berlin.Client.PostAsync($"/api/v1/reminders/{note.GetProperty("id").GetInt64()}/read", null)).StatusCode);
        Assert.Equal(0, (await berlin.Client.GetJsonAsync("/api/v1/reminders?unread=true")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_daily_digest_comes_at_the_users_hour_in_their_zone_and_lists_overdue_and_today()
    {
        var rep = await RepInZoneAsync("Europe/Berlin", digest: true);
        await rep.Client.PutAsJsonAsync("/api/v1/reminders/settings", new { digestHour = 7, digestEnabled = true, emailReminders = false });
        var lead = await rep.Client.NewLeadAsync("Digest");
        await rep.Client.CreateAsync("/api/v1/tasks", new { contactId = lead, type = "Visit", dueDate = new DateOnly(2027, 3, 28) });

        // 07:00 in Berlin on the DST day is 05:00 UTC (the day before it was 06:00 UTC).
        await RunAtAsync(new DateTime(2027, 3, 28, 4, 59, 0, DateTimeKind.Utc));
        Assert.DoesNotContain(await RemindersAsync(rep.Id), r => r.Kind == ReminderKind.Digest && r.DueAtUtc.Day == 28);
        await RunAtAsync(new DateTime(2027, 3, 28, 5, 1, 0, DateTimeKind.Utc));
        var digest = Assert.Single(MailTo(rep), m => m.Subject!.Contains("today", StringComparison.Ordinal));
        Assert.StartsWith("0 overdue, 1 today", digest.Subject);
        Assert.Contains("Visit: Digest", digest.TextBody);
        // E-mail reminders are off for this user: only the digest arrived, the action's reminder stayed in the app.
        Assert.Single(MailTo(rep));

        // A day with nothing due sends no digest, and the log says why.
        await _app.WithDbAsync((db, _) => db.NextActions.Where(a => a.ContactId == lead)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Status, NextActionStatus.Cancelled)));
        await RunAtAsync(new DateTime(2027, 4, 20, 5, 1, 0, DateTimeKind.Utc));
        var skipped = (await RemindersAsync(rep.Id)).Single(r => r.Kind == ReminderKind.Digest && r.DueAtUtc.Month == 4);
        Assert.Equal(ReminderStatus.Skipped, skipped.Status);
        Assert.Single(MailTo(rep), m => m.Subject!.Contains("today", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Birthdays_are_reminded_the_set_days_before_and_on_the_day()
    {
        var rep = await RepInZoneAsync("Europe/Amsterdam", "nl");
        var contact = (await rep.Client.CreateAsync(Contacts, new
        {
            lastName = "Jansen", firstName = "Eva", stage = "Lead",
            personalDates = new[] { new { kind = "Birthday", month = 6, day = 15, year = 1980, remindDaysBefore = 7 } },
        })).GetProperty("id").GetInt64();

        await RunAtAsync(new DateTime(2027, 6, 8, 5, 59, 0, DateTimeKind.Utc)); // 07:59 in Amsterdam
        Assert.DoesNotContain(await RemindersAsync(rep.Id), r => r.Kind == ReminderKind.PersonalDate);
        await RunAtAsync(new DateTime(2027, 6, 8, 6, 1, 0, DateTimeKind.Utc));
        var week = Assert.Single(MailTo(rep));
        Assert.Contains("Eva Jansen", week.Subject);
        Assert.Contains("47", week.Subject); // turns 47
        await RunAtAsync(new DateTime(2027, 6, 15, 6, 1, 0, DateTimeKind.Utc));
        Assert.Equal(2, MailTo(rep).Count);
        Assert.Contains("vandaag", MailTo(rep)[1].Subject); // "today", in Dutch
        Assert.All(await RemindersAsync(rep.Id), r => Assert.Equal($"/contacts/{contact}", r.Link));
    }

    [Fact]
    public async Task A_failing_mail_server_is_logged_with_its_cause()
    {
        await using var broken = new ProspectorFactory(_app.Provider, new Dictionary<string, string?> { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = "1", ["Smtp:Security"] = "None" });
        var rep = await broken.UserAsync("Rep", "Nord");
        var lead = await rep.Client.NewLeadAsync("Bounce");
        var task = await rep.Client.CreateAsync("/api/v1/tasks", new { contactId = lead, type = "Call", dueDate = Today.AddDays(1), dueTime = "10:00" });
        broken.Clock.Offset = task.GetProperty("dueAtUtc").GetDateTime().ToUniversalTime().AddMinutes(-5) - DateTime.UtcNow;
        try { await broken.Services.GetRequiredService<ReminderDispatcher>().RunOnceAsync(CancellationToken.None); }
        finally { broken.Clock.Offset = TimeSpan.Zero; }
        var log = await rep.Client.GetJsonAsync("/api/v1/reminders?channel=Email");
        var failed = Assert.Single(log.GetProperty("items").EnumerateArray(), r => r.Str("kind") == "NextAction");
        Assert.Equal(("Failed", "Call: Bounce at 10:00"), (failed.Str("status"), failed.Str("title")));
        Assert.Contains("refused", failed.Str("error"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Two_dispatchers_racing_on_one_database_send_each_reminder_once()
    {
        var rep = await RepInZoneAsync("Europe/Berlin");
        const int n = 20;
        for (var i = 0; i < n; i++)
        {
            var lead = await rep.Client.NewLeadAsync($"Race{i}");
            await rep.Client.CreateAsync("/api/v1/tasks", new { contactId = lead, type = "Call", dueDate = new DateOnly(2027, 5, 3), dueTime = "11:00" });
        }
        var sp = _app.Services;
        ReminderDispatcher Instance(string name) => new(sp.GetRequiredService<IServiceScopeFactory>(), _app.Clock,
            sp.GetRequiredService<IOptions<ReminderOptions>>(), sp.GetRequiredService<Prospector.Features.Common.Notifications>(), NullLogger<ReminderDispatcher>.Instance)
        { Instance = name };
        var (a, b) = (Instance("a"), Instance("b"));
        _app.Clock.Offset = new DateTime(2027, 5, 3, 8, 50, 0, DateTimeKind.Utc) - DateTime.UtcNow;
        try
        {
            for (var round = 0; round < 3; round++)
                await Task.WhenAll(Task.Run(() => a.RunOnceAsync(CancellationToken.None)), Task.Run(() => b.RunOnceAsync(CancellationToken.None)));
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
        }
        Assert.Equal(n, MailTo(rep).Count);
        Assert.Equal(n, MailTo(rep).Select(m => m.Subject).Distinct().Count());
        var reminders = await RemindersAsync(rep.Id);
        Assert.Equal(2 * n, reminders.Count);
        Assert.All(reminders, r => Assert.Equal((ReminderStatus.Sent, 1), (r.Status, r.Attempts)));
    }
}

public sealed class ReminderTestsSqlite() : ReminderTests(Provider.Sqlite);
public sealed class ReminderTestsPostgres() : ReminderTests(Provider.Postgres);

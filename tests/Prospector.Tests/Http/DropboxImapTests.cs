using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Prospector.Features.Dropbox;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The dropbox against a real IMAP server: the dovecot ./test.sh starts (coordinates in PROSPECTOR_TEST_IMAP). Each test has its
/// own folder on it and its own database. Messages arrive by IMAP APPEND, as a mail server would deliver them.
/// </summary>
public abstract class DropboxImapTests : IAsyncLifetime
{
    private const string Dropbox = "log@crm.test";
    private readonly Provider _provider;
    private readonly Dictionary<string, string> _imap;
    private readonly string _folder = "t" + Guid.NewGuid().ToString("N")[..10];
    private ProspectorFactory _app = null!;

    protected DropboxImapTests(Provider provider)
    {
        _provider = provider;
        var env = Environment.GetEnvironmentVariable("PROSPECTOR_TEST_IMAP")
            ?? throw new InvalidOperationException(
                "PROSPECTOR_TEST_IMAP is not set: run the tests with ./test.sh, which starts a throw-away IMAP server (dovecot).");
        _imap = env.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    }

    public async Task InitializeAsync()
    {
        using var client = await ConnectAsync();
        await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(_folder, true);
        _app = new ProspectorFactory(_provider, new Dictionary<string, string?>
        {
            ["Dropbox:Host"] = _imap["Host"], ["Dropbox:Port"] = _imap["Port"], ["Dropbox:Security"] = "None",
            ["Dropbox:UserName"] = _imap["UserName"], ["Dropbox:Password"] = _imap["Password"], ["Dropbox:Folder"] = _folder,
            ["Dropbox:Address"] = Dropbox,
            // The tests run the job by hand (RunOnceAsync), so nothing races them.
            ["Dropbox:Fetch"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        using var client = await ConnectAsync();
        await (await client.GetFolderAsync(_folder)).DeleteAsync();
    }

    private async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync(_imap["Host"], int.Parse(_imap["Port"], System.Globalization.CultureInfo.InvariantCulture), SecureSocketOptions.None);
        await client.AuthenticateAsync(_imap["UserName"], _imap["Password"]);
        return client;
    }

    private static MimeMessage Mail(string from, string to, string subject, string? messageId = null, string? cc = null, string? html = null,
        string? text = "Hello,\nthe offer is attached.\nRegards")
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse(from));
        m.To.Add(MailboxAddress.Parse(to));
        if (cc is not null) m.Cc.Add(MailboxAddress.Parse(cc));
        m.Subject = subject;
        m.Date = new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.FromHours(1));
        if (messageId is not null) m.MessageId = messageId;
        m.Body = new BodyBuilder { TextBody = html is null ? text : null, HtmlBody = html }.ToMessageBody();
        return m;
    }

    private async Task DeliverAsync(params MimeMessage[] messages)
    {
        using var client = await ConnectAsync();
        var folder = await client.GetFolderAsync(_folder);
        await folder.OpenAsync(FolderAccess.ReadWrite);
        foreach (var m in messages) await folder.AppendAsync(m);
    }

    private async Task<int> UnseenAsync()
    {
        using var client = await ConnectAsync();
        var folder = await client.GetFolderAsync(_folder);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        return (await folder.SearchAsync(SearchQuery.NotSeen)).Count;
    }

    private DropboxPoller NewPoller() => ActivatorUtilities.CreateInstance<DropboxPoller>(_app.Services);

    private Task<int> RunAsync() => _app.Services.GetRequiredService<DropboxPoller>().RunOnceAsync(CancellationToken.None);

    private static async Task<long> ContactAsync(TestUser user, string email, string last = "Berg") =>
        (await user.Client.CreateAsync("/api/v1/contacts", new { firstName = "Anna", lastName = last, email })).GetProperty("id").GetInt64();

    private static async Task<List<JsonElement>> EmailsAsync(TestUser user, long contactId) =>
        [.. (await user.Client.GetJsonAsync($"/api/v1/activities?contactId={contactId}&channel=Email")).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task Mail_a_rep_sends_with_the_dropbox_in_bcc_is_logged_outbound_on_every_matched_contact_and_a_reply_inbound()
    {
        var rep = await _app.UserAsync("Rep");
        var anna = await ContactAsync(rep, "Anna.Berg@Kunde.example", "Berg");
        var jan = await ContactAsync(rep, "jan@kunde.example", "de Vries");
        var other = await ContactAsync(rep, "nobody-here@kunde.example", "Other");
        // BCC leaves no trace in the headers: the rep writes to two contacts (one in Cc, in other letter case).
        await DeliverAsync(
            Mail(rep.Email.ToUpperInvariant(), "anna.berg@kunde.example", "Offer 2027", "<offer-1@mail.example>", cc: "Jan <JAN@kunde.example>"),
            Mail("Anna Berg <anna.berg@kunde.example>", rep.Email, "Re: Offer 2027", "<reply-1@kunde.example>",
                html: "<html><head><style>p{color:red}</style></head><body><p>Thanks &amp; see you</p><script>alert(1)</script></body></html>"));

        Assert.Equal(2, await RunAsync());

        var annas = await EmailsAsync(rep, anna);
        Assert.Equal(2, annas.Count);
        var sent = annas.Single(a => a.GetProperty("subject").GetString() == "Offer 2027");
        Assert.Equal("Outbound", sent.GetProperty("direction").GetString());
        Assert.Equal(rep.Id, sent.GetProperty("userId").GetInt64());
        Assert.Contains("the offer is attached", sent.GetProperty("notes").GetString());
        Assert.Equal(new DateTime(2026, 11, 30, 8, 15, 0), sent.GetProperty("occurredAt").GetDateTime());
        var reply = annas.Single(a => a.GetProperty("subject").GetString() == "Re: Offer 2027");
        Assert.Equal("Inbound", reply.GetProperty("direction").GetString());
        Assert.Equal(rep.Id, reply.GetProperty("userId").GetInt64()); // received by the rep
        Assert.Equal("Thanks & see you", reply.GetProperty("notes").GetString()); // text from the HTML, no style or script
        var jans = await EmailsAsync(rep, jan);
        Assert.Equal("Offer 2027", Assert.Single(jans).GetProperty("subject").GetString());
        Assert.Empty(await EmailsAsync(rep, other));
        Assert.Equal(0, await UnseenAsync()); // flagged only after the commit, so both are \Seen now
    }

    [Fact]
    public async Task The_same_message_delivered_twice_is_logged_once_and_a_message_without_id_once_too()
    {
        var rep = await _app.UserAsync("Rep");
        var anna = await ContactAsync(rep, "anna@kunde.example");
        var first = Mail(rep.Email, "anna@kunde.example", "Meeting", "<same-id@mail.example>");
        var noId = Mail(rep.Email, "anna@kunde.example", "No id");
        noId.Headers.Remove(HeaderId.MessageId);
        await DeliverAsync(first, Mail(rep.Email, "anna@kunde.example", "Meeting", "<same-id@mail.example>"), noId);
        await RunAsync();
        // Delivered again later (a forward of the same mail, a server re-delivery): still once.
        await DeliverAsync(Mail(rep.Email, "anna@kunde.example", "Meeting", "<same-id@mail.example>"), noId);
        await RunAsync();

        var logged = await EmailsAsync(rep, anna);
        Assert.Equal(["Meeting", "No id"], logged.Select(a => a.GetProperty("subject").GetString()!).Order().ToArray());
        Assert.Equal(0, await UnseenAsync());
    }

    [Fact]
    public async Task Mail_from_an_unknown_sender_waits_for_review_and_is_logged_when_assigned_or_gone_when_discarded()
    {
        var rep = await _app.UserAsync("Rep");
        var otherRep = await _app.UserAsync("Rep", team: "North");
        var anna = await ContactAsync(rep, "anna@kunde.example");
        await DeliverAsync(
            Mail("Stranger <new.lead@elsewhere.example>", rep.Email, "Your prices?", "<q-1@elsewhere.example>", text: "What do you charge?"),
            Mail("spam@elsewhere.example", rep.Email, "Cheap watches", "<spam-1@elsewhere.example>"));
        await RunAsync();
        Assert.Empty(await EmailsAsync(rep, anna));

        var waiting = (await rep.Client.GetJsonAsync("/api/v1/dropbox/unmatched")).EnumerateArray().ToList();
        Assert.Equal(2, waiting.Count);
        var question = waiting.Single(m => m.GetProperty("subject").GetString() == "Your prices?");
        Assert.Equal("new.lead@elsewhere.example", question.GetProperty("from").GetString());
        Assert.Equal("What do you charge?", question.GetProperty("body").GetString());
        Assert.Equal(2, (await rep.Client.GetJsonAsync("/api/v1/dropbox")).GetProperty("unmatched").GetInt32());
        // Mail a rep received is theirs: another rep (other team) does not see it.
        Assert.Empty((await otherRep.Client.GetJsonAsync("/api/v1/dropbox/unmatched")).EnumerateArray());

        var id = question.GetProperty("id").GetInt64();
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PostAsJsonAsync($"/api/v1/dropbox/unmatched/{id}/assign", new { contactId = (long?)null }), "contactId");
        var assigned = await rep.Client.PostAsJsonAsync($"/api/v1/dropbox/unmatched/{id}/assign", new { contactId = anna });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var activity = Assert.Single(await EmailsAsync(rep, anna));
        Assert.Equal("Your prices?", activity.GetProperty("subject").GetString());
        Assert.Equal("Inbound", activity.GetProperty("direction").GetString());
        Assert.Equal("What do you charge?", activity.GetProperty("notes").GetString());
        // Assigned once: the second try hears it is gone, and nothing is logged twice.
        Assert.Equal(HttpStatusCode.NotFound, (await rep.Client.PostAsJsonAsync($"/api/v1/dropbox/unmatched/{id}/assign", new { contactId = anna })).StatusCode);

        var spam = waiting.Single(m => m.GetProperty("subject").GetString() == "Cheap watches").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await otherRep.Client.PostAsync($"/api/v1/dropbox/unmatched/{spam}/discard", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await rep.Client.PostAsync($"/api/v1/dropbox/unmatched/{spam}/discard", null)).StatusCode);
        Assert.Empty((await rep.Client.GetJsonAsync("/api/v1/dropbox/unmatched")).EnumerateArray());
        Assert.Single(await EmailsAsync(rep, anna));
        // Fetched again (the flag lost), both stay handled: nothing comes back for review.
        await DeliverAsync(Mail("spam@elsewhere.example", rep.Email, "Cheap watches", "<spam-1@elsewhere.example>"));
        await RunAsync();
        Assert.Empty((await rep.Client.GetJsonAsync("/api/v1/dropbox/unmatched")).EnumerateArray());
    }

    [Fact]
    public async Task A_job_stopped_in_the_middle_and_started_again_loses_nothing_and_logs_nothing_twice()
    {
        var rep = await _app.UserAsync("Rep");
        var anna = await ContactAsync(rep, "anna@kunde.example");
        await DeliverAsync([.. Enumerable.Range(1, 6).Select(i => Mail(rep.Email, "anna@kunde.example", $"Mail {i}", $"<m{i}@mail.example>"))]);

        // First run: stopped right after the 2nd message's commit, before its \Seen flag (as if the process was killed).
        using (var stop = new CancellationTokenSource())
        {
            var first = NewPoller();
            var n = 0;
            first.AfterCommit = _ => { if (++n == 2) stop.Cancel(); return Task.CompletedTask; };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.RunOnceAsync(stop.Token));
        }
        Assert.Equal(2, (await EmailsAsync(rep, anna)).Count);
        Assert.Equal(5, await UnseenAsync()); // the 2nd is logged but not yet flagged

        // Second run: stopped inside the 4th message's transaction, before its commit: it rolls back.
        using (var stop = new CancellationTokenSource())
        {
            var second = NewPoller();
            second.BeforeCommit = m => { if (m.Subject == "Mail 4") stop.Cancel(); return Task.CompletedTask; };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.RunOnceAsync(stop.Token));
        }
        Assert.Equal(["Mail 1", "Mail 2", "Mail 3"], (await EmailsAsync(rep, anna)).Select(a => a.GetProperty("subject").GetString()!).Order().ToArray());

        // Started again: the rest, each once.
        await NewPoller().RunOnceAsync(CancellationToken.None);
        var all = (await EmailsAsync(rep, anna)).Select(a => a.GetProperty("subject").GetString()!).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"Mail {i}").ToArray(), all);
        Assert.Equal(0, await UnseenAsync());
    }

    [Fact]
    public async Task Two_instances_fetching_the_same_mailbox_at_once_log_every_message_once()
    {
        var rep = await _app.UserAsync("Rep");
        var anna = await ContactAsync(rep, "anna@kunde.example");
        await DeliverAsync([.. Enumerable.Range(1, 8).Select(i => Mail(rep.Email, "anna@kunde.example", $"Mail {i}", $"<p{i}@mail.example>"))]);

        await Task.WhenAll(NewPoller().RunOnceAsync(CancellationToken.None), NewPoller().RunOnceAsync(CancellationToken.None));

        var all = (await EmailsAsync(rep, anna)).Select(a => a.GetProperty("subject").GetString()!).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"Mail {i}").ToArray(), all);
    }

    [Fact]
    public async Task The_background_job_picks_up_new_mail_by_itself_and_reports_when_it_last_looked()
    {
        await using var app = new ProspectorFactory(_provider, new Dictionary<string, string?>
        {
            ["Dropbox:Host"] = _imap["Host"], ["Dropbox:Port"] = _imap["Port"], ["Dropbox:Security"] = "None",
            ["Dropbox:UserName"] = _imap["UserName"], ["Dropbox:Password"] = _imap["Password"], ["Dropbox:Folder"] = _folder,
            ["Dropbox:Address"] = Dropbox, ["Dropbox:PollSeconds"] = "30",
        });
        var rep = await app.UserAsync("Rep");
        var anna = await ContactAsync(rep, "anna@kunde.example");
        var status = await rep.Client.GetJsonAsync("/api/v1/dropbox");
        Assert.True(status.GetProperty("enabled").GetBoolean());
        Assert.Equal(Dropbox, status.GetProperty("address").GetString());

        await DeliverAsync(Mail(rep.Email, "anna@kunde.example", "While idle", "<idle-1@mail.example>"));
        // IDLE wakes the job when the message arrives (well before the 30 s bound).
        var deadline = DateTime.UtcNow.AddSeconds(25);
        while ((await EmailsAsync(rep, anna)).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal("While idle", Assert.Single(await EmailsAsync(rep, anna)).GetProperty("subject").GetString());
        status = await rep.Client.GetJsonAsync("/api/v1/dropbox");
        Assert.NotEqual(JsonValueKind.Null, status.GetProperty("lastPollAt").ValueKind);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_as_the_last_error_and_the_app_keeps_running()
    {
        await using var app = new ProspectorFactory(_provider, new Dictionary<string, string?>
        {
            ["Dropbox:Host"] = _imap["Host"], ["Dropbox:Port"] = _imap["Port"], ["Dropbox:Security"] = "None",
            ["Dropbox:UserName"] = _imap["UserName"], ["Dropbox:Password"] = "wrong", ["Dropbox:Folder"] = _folder,
            ["Dropbox:Fetch"] = "false",
        });
        var rep = await app.UserAsync("Rep");
        await Assert.ThrowsAsync<AuthenticationException>(() => app.Services.GetRequiredService<DropboxPoller>().RunOnceAsync(CancellationToken.None));
        var status = await rep.Client.GetJsonAsync("/api/v1/dropbox");
        Assert.Contains("Authentication failed", status.GetProperty("lastError").GetString());
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/contacts")).StatusCode);
    }
}

public sealed class DropboxImapTestsSqlite() : DropboxImapTests(Provider.Sqlite);
public sealed class DropboxImapTestsPostgres() : DropboxImapTests(Provider.Postgres);

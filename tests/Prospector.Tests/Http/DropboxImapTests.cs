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
    /// <summary>The workspace's secret dropbox address (log+TOKEN@crm.test).</summary>
    private string _secret = "";

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
            // Small limits, so the tests can cross them: 200 kB whole, and a longer body setting than activity notes hold.
            ["Dropbox:MaxMessageBytes"] = "200000", ["Dropbox:MaxBodyChars"] = "50000",
        });
        _secret = await SecretAsync(_app);
    }

    private static async Task<string> SecretAsync(ProspectorFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DropboxSecret>().AddressAsync() ?? throw new InvalidOperationException("no dropbox address");
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

    /// <summary>
    /// A message as the mail server delivers it to the dropbox mailbox. A BCC copy names the dropbox in no To/Cc header; the
    /// receiving server records the envelope recipient (Postfix and dovecot LMTP add Delivered-To, Exim Envelope-To): the
    /// tests append by IMAP, so they add that header as the server would — <paramref name="deliveredTo"/>, by default the
    /// current secret address; "" for none.
    /// </summary>
    private MimeMessage Mail(string from, string to, string subject, string? messageId = null, string? cc = null, string? html = null,
        string? text = "Hello,\nthe offer is attached.\nRegards", string? deliveredTo = null)
    {
        var m = new MimeMessage();
        if ((deliveredTo ?? _secret) is { Length: > 0 } envelope) m.Headers.Add("Delivered-To", envelope);
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
        var admin = await app.UserAsync("Admin");
        var anna = await ContactAsync(rep, "anna@kunde.example");
        var status = await rep.Client.GetJsonAsync("/api/v1/dropbox");
        Assert.True(status.GetProperty("enabled").GetBoolean());
        var address = status.GetProperty("address").GetString()!;
        Assert.Matches(@"^log\+[a-z0-9]{20}@crm\.test$", address); // the secret plus-address, not the bare mailbox

        await DeliverAsync(Mail(rep.Email, "anna@kunde.example", "While idle", "<idle-1@mail.example>", deliveredTo: address));
        // IDLE wakes the job when the message arrives (well before the 30 s bound).
        var deadline = DateTime.UtcNow.AddSeconds(25);
        while ((await EmailsAsync(rep, anna)).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal("While idle", Assert.Single(await EmailsAsync(rep, anna)).GetProperty("subject").GetString());
        status = await admin.Client.GetJsonAsync("/api/v1/dropbox");
        Assert.NotEqual(JsonValueKind.Null, status.GetProperty("lastPollAt").ValueKind);
        Assert.True(status.GetProperty("running").GetBoolean());
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
        var admin = await app.UserAsync("Admin");
        await Assert.ThrowsAsync<AuthenticationException>(() => app.Services.GetRequiredService<DropboxPoller>().RunOnceAsync(CancellationToken.None));
        var status = await admin.Client.GetJsonAsync("/api/v1/dropbox");
        Assert.Contains("Authentication failed", status.GetProperty("lastError").GetString());
        Assert.False(status.GetProperty("running").GetBoolean());
        // A rep learns that it does not run, not the mail server's answer, nor when it last looked.
        var seen = await rep.Client.GetJsonAsync("/api/v1/dropbox");
        Assert.False(seen.GetProperty("running").GetBoolean());
        foreach (var detail in new[] { "lastError", "lastErrorAt", "lastPollAt", "fetching", "held" })
            Assert.Equal(JsonValueKind.Null, seen.GetProperty(detail).ValueKind);
        Assert.DoesNotContain(_imap["UserName"], await rep.Client.GetStringAsync("/api/v1/dropbox"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/contacts")).StatusCode);
    }

    private static async Task<List<JsonElement>> ReviewAsync(TestUser user) =>
        [.. (await user.Client.GetJsonAsync("/api/v1/dropbox/unmatched")).EnumerateArray()];

    [Fact]
    public async Task Mail_not_sent_to_the_secret_address_or_failing_dmarc_is_held_for_admins_and_never_logged()
    {
        var rep = await _app.UserAsync("Rep");
        var admin = await _app.UserAsync("Admin");
        var anna = await ContactAsync(rep, "anna@kunde.example");
        var forgedOut = Mail(rep.Email, "anna@kunde.example", "Forged outbound", "<f1@evil.example>", deliveredTo: Dropbox); // the bare mailbox
        var forgedIn = Mail("anna@kunde.example", Dropbox, "Forged inbound", "<f2@evil.example>", deliveredTo: "");
        var spoofed = Mail(rep.Email, "anna@kunde.example", "Spoofed but addressed", "<f3@evil.example>");
        spoofed.Headers.Add("Authentication-Results",
            $"mx.crm.test; spf=pass smtp.mailfrom=bounce@evil.example; dmarc=fail (p=none dis=none) header.from={rep.Email.Split('@')[1]}");
        var genuine = Mail(rep.Email, "anna@kunde.example", "Genuine", "<g1@mail.example>");
        genuine.Headers.Add("Authentication-Results", $"mx.crm.test; spf=pass smtp.mailfrom={rep.Email}; dmarc=pass header.from={rep.Email.Split('@')[1]}");
        await DeliverAsync(forgedOut, forgedIn, spoofed, genuine);
        await RunAsync();

        Assert.Equal("Genuine", Assert.Single(await EmailsAsync(rep, anna)).GetProperty("subject").GetString());
        Assert.Empty(await ReviewAsync(rep)); // held mail is the admins' to judge, not attributed to the rep it claims to be from
        var held = (await ReviewAsync(admin)).ToDictionary(m => m.GetProperty("subject").GetString()!);
        Assert.Equal(["Forged inbound", "Forged outbound", "Spoofed but addressed"], held.Keys.Order().ToArray());
        Assert.All(held.Values, m => Assert.Equal("Held", m.GetProperty("status").GetString()));
        Assert.Equal("not-addressed", held["Forged outbound"].GetProperty("problem").GetString());
        Assert.Equal("not-addressed", held["Forged inbound"].GetProperty("problem").GetString());
        Assert.StartsWith("auth-failed: dmarc=fail", held["Spoofed but addressed"].GetProperty("problem").GetString());
        Assert.Equal(3, (await admin.Client.GetJsonAsync("/api/v1/dropbox")).GetProperty("held").GetInt32());

        // A new address: the old one stops working at once; only admins may make one.
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.Client.PostAsync("/api/v1/dropbox/address", null)).StatusCode);
        var renewed = await admin.Client.PostAsync("/api/v1/dropbox/address", null);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        var fresh = (await renewed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("address").GetString()!;
        Assert.NotEqual(_secret, fresh);
        Assert.Equal(fresh, (await rep.Client.GetJsonAsync("/api/v1/dropbox")).GetProperty("address").GetString());
        await DeliverAsync(Mail(rep.Email, "anna@kunde.example", "To the old address", "<o1@mail.example>", deliveredTo: _secret),
            Mail(rep.Email, "anna@kunde.example", "To the new address", "<n1@mail.example>", deliveredTo: fresh));
        await RunAsync();
        Assert.Equal(["Genuine", "To the new address"], (await EmailsAsync(rep, anna)).Select(a => a.GetProperty("subject").GetString()!).Order().ToArray());
        Assert.Contains(await ReviewAsync(admin), m => m.GetProperty("subject").GetString() == "To the old address");
        Assert.Equal(0, await UnseenAsync());
    }

    [Fact]
    public async Task A_message_too_large_to_read_between_two_good_ones_is_recorded_once_and_the_good_ones_are_logged()
    {
        var rep = await _app.UserAsync("Rep");
        var admin = await _app.UserAsync("Admin");
        var anna = await ContactAsync(rep, "anna@kunde.example");
        var poison = Mail(rep.Email, "anna@kunde.example", "Huge", "<huge@mail.example>", text: new string('x', 400_000)); // one 400 kB text part
        var bigAttachment = Mail(rep.Email, "anna@kunde.example", "Small text, big attachment", "<att@mail.example>", text: "See the plan.");
        var builder = new BodyBuilder { TextBody = "See the plan." };
        builder.Attachments.Add("plan.bin", new byte[300_000]);
        bigAttachment.Body = builder.ToMessageBody();
        var longText = Mail(rep.Email, "anna@kunde.example", "Long", "<long@mail.example>", text: string.Join("\n", Enumerable.Repeat("A line of a long e-mail.", 2_000)));
        await DeliverAsync(Mail(rep.Email, "anna@kunde.example", "Before", "<b1@mail.example>"), poison, bigAttachment, longText,
            Mail(rep.Email, "anna@kunde.example", "After", "<a1@mail.example>"));

        await RunAsync();
        await RunAsync(); // the poison is not fetched again, nor recorded twice

        var logged = (await EmailsAsync(rep, anna)).ToDictionary(a => a.GetProperty("subject").GetString()!, a => a.GetProperty("notes").GetString()!);
        Assert.Equal(["After", "Before", "Long", "Small text, big attachment"], logged.Keys.Order().ToArray());
        Assert.StartsWith("See the plan.", logged["Small text, big attachment"]); // only its text part was fetched
        Assert.True(logged["Long"].Length <= 20_000, $"notes of {logged["Long"].Length} characters");
        Assert.Contains("more characters not shown]", logged["Long"]);
        var failed = Assert.Single(await ReviewAsync(admin));
        Assert.Equal("Huge", failed.GetProperty("subject").GetString());
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.StartsWith("too-large", failed.GetProperty("problem").GetString());
        Assert.Empty(await ReviewAsync(rep));
        Assert.Equal(HttpStatusCode.Conflict,
            (await admin.Client.PostAsJsonAsync($"/api/v1/dropbox/unmatched/{failed.GetProperty("id").GetInt64()}/assign", new { contactId = anna })).StatusCode);
        Assert.Equal(0, await UnseenAsync());
    }

    [Fact]
    public async Task A_message_that_fails_every_round_is_recorded_as_failing_after_a_few_rounds_and_stops_being_retried()
    {
        var rep = await _app.UserAsync("Rep");
        var anna = await ContactAsync(rep, "anna@kunde.example");
        await DeliverAsync(Mail(rep.Email, "anna@kunde.example", "Breaks", "<breaks@mail.example>"),
            Mail(rep.Email, "anna@kunde.example", "Fine", "<fine@mail.example>"));
        var poller = NewPoller();
        poller.BeforeCommit = m => m.Subject == "Breaks" ? throw new InvalidOperationException("boom") : Task.CompletedTask;
        for (var i = 0; i < DropboxPoller.MaxAttempts; i++) await poller.RunOnceAsync(CancellationToken.None);

        Assert.Equal("Fine", Assert.Single(await EmailsAsync(rep, anna)).GetProperty("subject").GetString());
        var admin = await _app.UserAsync("Admin");
        var failed = Assert.Single(await ReviewAsync(admin));
        Assert.Equal("failing: boom", failed.GetProperty("problem").GetString());
        Assert.Equal(0, await UnseenAsync());
    }

    [Fact]
    public async Task A_customer_mail_forwarded_to_the_dropbox_is_logged_for_its_original_sender_inline_or_attached()
    {
        var rep = await _app.UserAsync("Rep");
        var anna = await ContactAsync(rep, "anna@kunde.example");
        var jan = await ContactAsync(rep, "jan@kunde.example", "de Vries");
        var inline = Mail(rep.Email, _secret, "Fwd: Rückfrage zum Angebot", "<fw1@mail.example>", deliveredTo: "", text: $"""
            FYI

            ---------- Forwarded message ---------
            From: Anna Berg <anna@kunde.example>
            Date: Mon, Nov 30, 2026 at 9:15 AM
            Subject: Rückfrage zum Angebot
            To: <{rep.Email}>

            Guten Tag, wie lange gilt das Angebot?
            """);
        var original = Mail("Jan de Vries <jan@kunde.example>", rep.Email, "Offerte", "<orig@kunde.example>", deliveredTo: "", text: "Graag een offerte.");
        var attached = Mail(rep.Email, _secret, "FW: Offerte", "<fw2@mail.example>", deliveredTo: "");
        var b = new BodyBuilder { TextBody = "Zie bijlage." };
        b.Attachments.Add(new MessagePart { Message = original });
        attached.Body = b.ToMessageBody();
        await DeliverAsync(inline, attached);
        await RunAsync();

        var fromAnna = Assert.Single(await EmailsAsync(rep, anna));
        Assert.Equal("Inbound", fromAnna.GetProperty("direction").GetString());
        Assert.Equal("Rückfrage zum Angebot", fromAnna.GetProperty("subject").GetString());
        Assert.Equal(rep.Id, fromAnna.GetProperty("userId").GetInt64());
        Assert.Equal(new DateTime(2026, 11, 30, 9, 15, 0), fromAnna.GetProperty("occurredAt").GetDateTime());
        Assert.Contains("wie lange gilt das Angebot", fromAnna.GetProperty("notes").GetString());
        var fromJan = Assert.Single(await EmailsAsync(rep, jan));
        Assert.Equal("Inbound", fromJan.GetProperty("direction").GetString());
        Assert.Equal("Offerte", fromJan.GetProperty("subject").GetString());
        Assert.Contains("Graag een offerte.", fromJan.GetProperty("notes").GetString());
    }
}

public sealed class DropboxImapTestsSqlite() : DropboxImapTests(Provider.Sqlite);
public sealed class DropboxImapTestsPostgres() : DropboxImapTests(Provider.Postgres);

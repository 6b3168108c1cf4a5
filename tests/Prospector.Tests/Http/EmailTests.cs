using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Features.Common;
using Prospector.Features.Mail;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Issue 18, item 2: e-mail from Prospector. Templates with merge fields render awkward names correctly per language,
/// a mail goes out through a real SMTP listener and appears on the contact's timeline as an outbound e-mail, withdrawn
/// consent is refused with a reason, a bulk send skips the suppressed and the non-consenting and says so, and the
/// unsubscribe link works end to end.
/// </summary>
public abstract partial class EmailTests : IAsyncLifetime
{
    private readonly SmtpSink _smtp = new();
    private readonly ProspectorFactory _app;

    protected EmailTests(Provider provider) => _app = new ProspectorFactory(provider, _smtp.Settings);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private static async Task<long> ContactAsync(HttpClient client, string? salutation, string first, string? prefix, string last, string? email,
        string? consent = null, string? company = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["salutation"] = salutation, ["firstName"] = first, ["namePrefix"] = prefix, ["lastName"] = last, ["email"] = email,
        };
        if (consent is not null)
            body["consents"] = new[] { new { channel = "Email", status = consent, givenAt = DateTime.UtcNow.AddDays(-1), method = "on the phone" } };
        var c = await client.CreateAsync("/api/v1/contacts", body);
        return c.GetProperty("id").GetInt64();
    }

    private static async Task<string> PreviewAsync(HttpClient client, long contactId, string language, string body)
    {
        var res = await client.PostAsJsonAsync("/api/v1/emails/preview", new { contactId, language, subject = "Hallo {{ last_name }}", body });
        Assert.True(res.StatusCode == HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
        return (await res.ReadJsonAsync()).GetProperty("body").GetString()!;
    }

    [Fact]
    public async Task Template_preview_addresses_awkward_names_correctly_in_english_german_and_dutch()
    {
        var rep = await _app.UserAsync("Rep", "Nord");
        var berg = await ContactAsync(rep.Client, "Dhr.", "Jan", "van der", "Berg", "jan@berg.example");
        var mueller = await ContactAsync(rep.Client, "Frau Dr.", "Erika", null, "Müller-Lüdenscheidt", "erika@ml.example");
        var obrien = await ContactAsync(rep.Client, "Mr", "Sean", null, "O'Brien", "sean@obrien.example");
        var unknown = await ContactAsync(rep.Client, null, "Kim", "de", "Vries", "kim@vries.example");
        const string text = "{{ salutation }},|{{ first_name }}|{{ last_name }}|{{ full_name }}|{{ nonsense }}|";

        Assert.Equal("Geachte heer Van der Berg,|Jan|Van der Berg|Jan van der Berg||", await PreviewAsync(rep.Client, berg, "nl", text));
        Assert.Equal("Dear Mr Van der Berg,|Jan|Van der Berg|Jan van der Berg||", await PreviewAsync(rep.Client, berg, "en", text));
        Assert.Equal("Sehr geehrter Herr Van der Berg,|Jan|Van der Berg|Jan van der Berg||", await PreviewAsync(rep.Client, berg, "de", text));
        Assert.Equal("Sehr geehrte Frau Dr. Müller-Lüdenscheidt,|Erika|Müller-Lüdenscheidt|Erika Müller-Lüdenscheidt||",
            await PreviewAsync(rep.Client, mueller, "de", text));
        Assert.Equal("Geachte mevrouw Dr. Müller-Lüdenscheidt,|Erika|Müller-Lüdenscheidt|Erika Müller-Lüdenscheidt||",
            await PreviewAsync(rep.Client, mueller, "nl", text));
        Assert.Equal("Dear Mr O'Brien,|Sean|O'Brien|Sean O'Brien||", await PreviewAsync(rep.Client, obrien, "en", text));
        Assert.Equal("Sehr geehrter Herr O'Brien,|Sean|O'Brien|Sean O'Brien||", await PreviewAsync(rep.Client, obrien, "de", text));
        // Neither man nor woman given: a neutral greeting with the full name, never a guess.
        Assert.Equal("Dear Kim de Vries,", (await PreviewAsync(rep.Client, unknown, "en", "{{ salutation }},")));
        Assert.Equal("Guten Tag Kim de Vries,", (await PreviewAsync(rep.Client, unknown, "de", "{{ salutation }},")));
        Assert.Equal("Geachte Kim de Vries,", (await PreviewAsync(rep.Client, unknown, "nl", "{{ salutation }},")));
        // Text is not HTML-encoded in a plain-text mail: O'Brien stays O'Brien.
        var subject = (await (await rep.Client.PostAsJsonAsync("/api/v1/emails/preview",
            new { contactId = obrien, language = "en", subject = "Hello {{ last_name }}", body = "x" })).ReadJsonAsync()).GetProperty("subject").GetString();
        Assert.Equal("Hello O'Brien", subject);
    }

    [Fact]
    public async Task A_template_that_does_not_parse_is_refused_with_a_clear_400_and_only_managers_keep_templates()
    {
        var manager = await _app.UserAsync("Manager", "Nord");
        var rep = await _app.UserAsync("Rep", "Nord");
        var bad = await manager.Client.PostAsJsonAsync("/api/v1/email-templates",
            new { name = "Broken", language = "de", subject = "Hallo", body = "{{ salutation }}\n{% if first_name %}Hi" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.ReadJsonAsync();
        var message = problem.GetProperty("errors").GetProperty("body")[0].GetString()!;
        Assert.Contains("not a valid template", message, StringComparison.Ordinal);
        var badSubject = await manager.Client.PostAsJsonAsync("/api/v1/email-templates", new { name = "Broken", language = "en", subject = "{{ unclosed", body = "ok" });
        await TestHttp.AssertValidationProblemAsync(badSubject, "subject");
        var badLanguage = await manager.Client.PostAsJsonAsync("/api/v1/email-templates", new { name = "X", language = "fr", subject = "s", body = "b" });
        await TestHttp.AssertValidationProblemAsync(badLanguage, "language");
        // Free text in a send is checked the same way.
        var contact = await ContactAsync(rep.Client, "Herr", "Max", null, "Muster", "max@muster.example");
        var preview = await rep.Client.PostAsJsonAsync("/api/v1/emails/preview", new { contactId = contact, subject = "s", body = "{% for %}" });
        await TestHttp.AssertValidationProblemAsync(preview, "body");
        Assert.Empty(await _app.WithDbAsync((db, _) => Task.FromResult(db.EmailTemplates.ToList())));

        var ok = await manager.Client.CreateAsync("/api/v1/email-templates", new { name = "Erstkontakt", language = "de", subject = "Ihr Termin", body = "{{ salutation }}," });
        Assert.Equal("Erstkontakt", ok.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.Client.PostAsJsonAsync("/api/v1/email-templates",
            new { name = "Mine", language = "en", subject = "s", body = "b" })).StatusCode);
        Assert.Single((await rep.Client.GetJsonAsync("/api/v1/email-templates")).EnumerateArray());
    }

    [Fact]
    public async Task A_template_mail_goes_out_through_smtp_with_the_senders_name_and_signature_and_is_on_the_timeline()
    {
        var manager = await _app.UserAsync("Manager", "Nord");
        var rep = await _app.UserAsync("Rep", "Nord");
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.PutAsJsonAsync("/api/v1/emails/settings",
            new { senderName = "Anna Vertrieb", signature = "Anna Vertrieb\nNordlicht GmbH" })).StatusCode);
        var template = (await manager.Client.CreateAsync("/api/v1/email-templates", new
        {
            name = "Erstkontakt", language = "de", subject = "Unser Gespräch, {{ salutation }}",
            body = "{{ salutation }},\n\nvielen Dank für das Gespräch.\n\n{{ signature }}",
        })).GetProperty("id").GetInt64();
        var contact = await ContactAsync(rep.Client, "Frau", "Erika", null, "Müller-Lüdenscheidt", "erika@ml.example");

        var res = await rep.Client.PostAsJsonAsync("/api/v1/emails", new { contactId = contact, templateId = template });
        Assert.True(res.StatusCode == HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
        var sent = await res.ReadJsonAsync();

        var mail = await _smtp.WaitForAsync(m => m.To.Mailboxes.Any(x => x.Address == "erika@ml.example"), TimeSpan.FromSeconds(10), "mail to Erika");
        Assert.Equal("Unser Gespräch, Sehr geehrte Frau Müller-Lüdenscheidt", mail.Subject);
        Assert.Equal("Anna Vertrieb", mail.From.Mailboxes.Single().Name);
        Assert.Contains("Sehr geehrte Frau Müller-Lüdenscheidt,", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Nordlicht GmbH", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(rep.Email, mail.ReplyTo.Mailboxes.Single().Address);
        Assert.Null(mail.Headers["List-Unsubscribe"]);

        var timeline = await rep.Client.GetJsonAsync($"/api/v1/activities?contactId={contact}");
        var logged = timeline.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(sent.GetProperty("activityId").GetInt64(), logged.GetProperty("id").GetInt64());
        Assert.Equal("Email", logged.GetProperty("channel").GetString());
        Assert.Equal("Outbound", logged.GetProperty("direction").GetString());
        Assert.Equal("Unser Gespräch, Sehr geehrte Frau Müller-Lüdenscheidt", logged.GetProperty("subject").GetString());
        Assert.Contains("vielen Dank für das Gespräch", logged.GetProperty("notes").GetString(), StringComparison.Ordinal);

        // The service a background job calls does the same without a request.
        var again = await _app.WithDbAsync(async (_, sp) => await sp.GetRequiredService<MailService>().SendTemplateAsync(rep.Id, contact, template, CancellationToken.None));
        Assert.True(again.IsOk, again.Detail);
        Assert.Equal(2, (await rep.Client.GetJsonAsync($"/api/v1/activities?contactId={contact}")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Mail_to_someone_who_withdrew_email_consent_is_refused_with_the_reason_and_nothing_is_sent_or_logged()
    {
        var rep = await _app.UserAsync("Rep", "Nord");
        var contact = await ContactAsync(rep.Client, "Herr", "Peter", null, "Nein", "peter@nein.example", consent: "Withdrawn");
        var noAddress = await ContactAsync(rep.Client, "Herr", "Otto", null, "Ohne", null);
        var res = await rep.Client.PostAsJsonAsync("/api/v1/emails", new { contactId = contact, subject = "Hallo", body = "Test" });
        Assert.Equal(HttpStatusCode.Conflict, res.StatusCode);
        var problem = await res.ReadJsonAsync();
        Assert.Equal("ConsentWithdrawn", problem.GetProperty("reason").GetString());
        Assert.Contains("withdrew consent to e-mail", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var none = await (await rep.Client.PostAsJsonAsync("/api/v1/emails", new { contactId = noAddress, subject = "Hallo", body = "Test" })).ReadJsonAsync();
        Assert.Equal("NoAddress", none.GetProperty("reason").GetString());
        Assert.DoesNotContain(_smtp.Messages, m => m.To.Mailboxes.Any(x => x.Address == "peter@nein.example"));
        Assert.Equal(0, (await rep.Client.GetJsonAsync($"/api/v1/activities?contactId={contact}")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Bulk_send_skips_the_suppressed_the_non_consenting_and_those_without_address_says_so_and_unsubscribe_works_end_to_end()
    {
        var admin = await _app.UserAsync("Admin");
        var rep = await _app.UserAsync("Rep", "Nord");
        var ok1 = await ContactAsync(rep.Client, "Dhr.", "Jan", "van der", "Berg", "jan@berg.example");
        var ok2 = await ContactAsync(rep.Client, "Mr", "Sean", null, "O'Brien", "sean@obrien.example", consent: "Granted");
        var withdrawn = await ContactAsync(rep.Client, "Frau", "Nina", null, "Nein", "nina@nein.example", consent: "Withdrawn");
        var suppressed = await ContactAsync(rep.Client, "Herr", "Sven", null, "Sperre", "Sven@Sperre.example");
        var noAddress = await ContactAsync(rep.Client, "Herr", "Otto", null, "Ohne", null);
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.PostAsJsonAsync("/api/v1/email-suppressions", new { email = "sven@sperre.example" })).StatusCode);
        long[] all = [ok1, ok2, withdrawn, suppressed, noAddress];

        var dry = await (await rep.Client.PostAsJsonAsync("/api/v1/emails/bulk",
            new { contactIds = all, subject = "News", body = "{{ salutation }},\nnews.", language = "en", dryRun = true })).ReadJsonAsync();
        Assert.Equal(2, dry.GetProperty("recipients").GetArrayLength());
        Assert.Empty(_smtp.Messages);
        AssertSkipped(dry, "ConsentWithdrawn", "Nina Nein");
        AssertSkipped(dry, "Suppressed", "Sven Sperre");
        AssertSkipped(dry, "NoAddress", "Otto Ohne");

        var res = await rep.Client.PostAsJsonAsync("/api/v1/emails/bulk", new { contactIds = all, subject = "News", body = "{{ salutation }},\nnews.", language = "en" });
        Assert.True(res.StatusCode == HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
        var result = await res.ReadJsonAsync();
        Assert.Equal(2, result.GetProperty("sent").GetInt32());
        AssertSkipped(result, "ConsentWithdrawn", "Nina Nein");
        AssertSkipped(result, "Suppressed", "Sven Sperre");
        AssertSkipped(result, "NoAddress", "Otto Ohne");
        var toJan = await _smtp.WaitForAsync(m => m.To.Mailboxes.Any(x => x.Address == "jan@berg.example"), TimeSpan.FromSeconds(10), "bulk mail to Jan");
        await _smtp.WaitForAsync(m => m.To.Mailboxes.Any(x => x.Address == "sean@obrien.example"), TimeSpan.FromSeconds(10), "bulk mail to Sean");
        Assert.Equal(2, _smtp.Messages.Count);
        Assert.Contains("Dear Mr Van der Berg,", toJan.TextBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", toJan.Headers["List-Unsubscribe-Post"]);
        var link = UnsubscribeLink().Match(toJan.Headers["List-Unsubscribe"] ?? "").Groups[1].Value;
        Assert.Contains(link, toJan.TextBody, StringComparison.Ordinal);
        var path = new Uri(link).AbsolutePath;
        Assert.Equal(1, (await rep.Client.GetJsonAsync($"/api/v1/activities?contactId={ok1}")).GetProperty("items").GetArrayLength());

        // The reader follows the link: a page with a button (a link checker's GET changes nothing), then the POST.
        var visitor = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await visitor.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("jan@berg.example", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain((await admin.Client.GetJsonAsync("/api/v1/email-suppressions")).EnumerateArray(), s => s.GetProperty("email").GetString() == "jan@berg.example");
        // One-click from a mail program: another origin, no cookie.
        var click = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]) };
        click.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        click.Headers.TryAddWithoutValidation("Origin", "https://mail.example");
        Assert.Equal(HttpStatusCode.OK, (await visitor.SendAsync(click)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.PostAsync("/u/" + new string('x', 40), null)).StatusCode);

        var list = await admin.Client.GetJsonAsync("/api/v1/email-suppressions");
        var entry = list.EnumerateArray().Single(s => s.GetProperty("email").GetString() == "jan@berg.example");
        Assert.Equal("unsubscribe", entry.GetProperty("reason").GetString());
        var contact = await rep.Client.GetJsonAsync($"/api/v1/contacts/{ok1}");
        Assert.Contains(contact.GetProperty("consents").EnumerateArray(),
            c => c.GetProperty("channel").GetString() == "Email" && c.GetProperty("status").GetString() == "Withdrawn");

        // The next bulk send leaves Jan out, and says why.
        var next = await (await rep.Client.PostAsJsonAsync("/api/v1/emails/bulk", new { contactIds = new[] { ok1, ok2 }, subject = "More", body = "b" })).ReadJsonAsync();
        Assert.Equal(1, next.GetProperty("sent").GetInt32());
        Assert.Contains(next.GetProperty("skipped").EnumerateArray(), s => s.GetProperty("contacts").EnumerateArray().Any(c => c.GetProperty("name").GetString() == "Jan van der Berg"));
        Assert.Equal(3, _smtp.Messages.Count);

        // An admin takes an address off the list.
        var sven = list.EnumerateArray().Single(s => s.GetProperty("email").GetString() == "sven@sperre.example").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/v1/email-suppressions/{sven}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.Client.GetAsync("/api/v1/email-suppressions")).StatusCode);
    }

    /// <summary>A sequence keeps sending as the contact's owner: once that user is deactivated, nothing goes out in their name.</summary>
    [Fact]
    public async Task A_deactivated_user_sends_nothing_from_a_background_job()
    {
        var admin = await _app.UserAsync("Admin");
        var manager = await _app.UserAsync("Manager", "Nord");
        var rep = await _app.UserAsync("Rep", "Nord");
        var template = (await manager.Client.CreateAsync("/api/v1/email-templates", new { name = TestHttp.Unique("Left"), language = "en", subject = "News", body = "{{ salutation }}," }))
            .GetProperty("id").GetInt64();
        var address = TestHttp.Unique("gone").ToLowerInvariant() + "@example.com";
        var contact = await ContactAsync(rep.Client, "Mr", "Tom", null, "Gone", address);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PostAsync($"/api/v1/users/{rep.Id}/deactivate", null)).StatusCode);

        var sent = await _app.WithDbAsync(async (_, sp) => await sp.GetRequiredService<MailService>().SendTemplateAsync(rep.Id, contact, template, CancellationToken.None));
        Assert.Equal(OutcomeKind.Conflict, sent.Kind);
        Assert.Contains("deactivated", sent.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await admin.Client.GetJsonAsync($"/api/v1/activities?contactId={contact}")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Without_smtp_nothing_can_be_sent_and_the_answer_says_so()
    {
        await using var bare = new ProspectorFactory(Provider.Sqlite);
        var rep = await bare.UserAsync("Rep", "Nord");
        var contact = await ContactAsync(rep.Client, "Herr", "Max", null, "Muster", "max@muster.example");
        Assert.False((await rep.Client.GetJsonAsync("/api/v1/emails/settings")).GetProperty("smtpConfigured").GetBoolean());
        var res = await rep.Client.PostAsJsonAsync("/api/v1/emails", new { contactId = contact, subject = "s", body = "b" });
        Assert.Equal(HttpStatusCode.Conflict, res.StatusCode);
        Assert.Contains("SMTP", (await res.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await rep.Client.GetJsonAsync($"/api/v1/activities?contactId={contact}")).GetProperty("items").GetArrayLength());
    }

    private static void AssertSkipped(JsonElement result, string reason, string name)
    {
        var group = result.GetProperty("skipped").EnumerateArray().Single(s => s.GetProperty("reason").GetString() == reason);
        Assert.Equal(1, group.GetProperty("count").GetInt32());
        Assert.Equal(name, group.GetProperty("contacts")[0].GetProperty("name").GetString());
    }

    [GeneratedRegex("<([^>]+)>")]
    private static partial Regex UnsubscribeLink();
}

public sealed class EmailTestsSqlite() : EmailTests(Provider.Sqlite);
public sealed class EmailTestsPostgres() : EmailTests(Provider.Postgres);

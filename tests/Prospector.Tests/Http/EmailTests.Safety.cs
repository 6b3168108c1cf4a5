using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Features.Common;
using Prospector.Features.Mail;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Review of e-mail from Prospector: a mail is never reported "not sent" after the server took it (what the log needs is
/// checked first); sequence mail carries the unsubscribe link and RFC 8058 headers; the one-click unsubscribe is public,
/// idempotent and safe against two clicks at once; a template a sequence sends cannot be deleted; a bulk send uses one SMTP
/// connection and reports each recipient.
/// </summary>
public abstract partial class EmailTests
{
    private async Task<long> CompanyOfOtherTeamAsync(long contactId)
    {
        var sued = await _app.UserAsync("Rep", "Süd");
        var company = (await sued.Client.CreateAsync("/api/v1/companies", new { name = TestHttp.Unique("Süd") + " AG" })).GetProperty("id").GetInt64();
        // The contact (the Nord rep's) works at a company only team Süd may see: a rep cannot arrange that through the API.
        await _app.WithDbAsync(async (db, _) => await db.Contacts.Where(c => c.Id == contactId).ExecuteUpdateAsync(s => s.SetProperty(c => c.CompanyId, company)));
        return company;
    }

    private async Task<int> ActivitiesAsync(long contactId) =>
        await _app.WithDbAsync(async (db, _) => await db.Activities.CountAsync(a => a.ContactId == contactId));

    [Fact]
    public async Task Mail_to_a_contact_at_a_company_the_rep_may_not_see_is_refused_before_anything_is_sent()
    {
        var manager = await _app.UserAsync("Manager", "Nord");
        var rep = await _app.UserAsync("Rep", "Nord");
        var template = (await manager.Client.CreateAsync("/api/v1/email-templates", new { name = TestHttp.Unique("Hallo"), language = "de", subject = "Hallo", body = "{{ salutation }}," }))
            .GetProperty("id").GetInt64();
        var address = TestHttp.Unique("hidden").ToLowerInvariant() + "@example.com";
        var contact = await ContactAsync(rep.Client, "Herr", "Jan", "van der", "Berg", address);
        var other = await ContactAsync(rep.Client, "Mr", "Sean", null, "O'Brien", TestHttp.Unique("seen").ToLowerInvariant() + "@example.com");
        await CompanyOfOtherTeamAsync(contact);

        var res = await rep.Client.PostAsJsonAsync("/api/v1/emails", new { contactId = contact, templateId = template });
        Assert.Equal(HttpStatusCode.Conflict, res.StatusCode);
        var problem = await res.ReadJsonAsync();
        Assert.Equal("CannotLog", problem.GetProperty("reason").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("nothing was sent", detail, StringComparison.Ordinal);
        Assert.Contains("company", detail, StringComparison.Ordinal);
        // A second try is refused the same way: nothing went out either time, nothing is on the timeline.
        Assert.Equal(HttpStatusCode.Conflict, (await rep.Client.PostAsJsonAsync("/api/v1/emails", new { contactId = contact, subject = "s", body = "b" })).StatusCode);
        // The sequence path refuses it the same way (a skip with the reason, not a failure the runner would retry).
        var fromSequence = await _app.WithDbAsync(async (_, sp) => await sp.GetRequiredService<MailService>().SendTemplateAsync(rep.Id, contact, template, CancellationToken.None));
        Assert.Equal(OutcomeKind.Conflict, fromSequence.Kind);
        Assert.Equal("Cannot e-mail this contact", fromSequence.Title);

        // In a bulk send that contact is left out, named, with the reason; the other one gets the mail.
        var bulk = await (await rep.Client.PostAsJsonAsync("/api/v1/emails/bulk", new { contactIds = new[] { contact, other }, templateId = template })).ReadJsonAsync();
        Assert.Equal(1, bulk.GetProperty("sent").GetInt32());
        AssertSkipped(bulk, "CannotLog", "Jan van der Berg");
        await _smtp.WaitForAsync(m => m.To.Mailboxes.Any(x => x.Address.Contains("seen", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "bulk mail to Sean");
        Assert.DoesNotContain(_smtp.Messages, m => m.To.Mailboxes.Any(x => x.Address == address));
        Assert.Equal(0, await ActivitiesAsync(contact));
        Assert.Equal(1, await ActivitiesAsync(other));
    }

    [Fact]
    public async Task A_mail_the_server_accepted_is_answered_as_sent_even_when_logging_it_fails_afterwards()
    {
        var rep = await _app.UserAsync("Rep", "Nord");
        var address = TestHttp.Unique("gone").ToLowerInvariant() + "@example.com";
        var contact = await ContactAsync(rep.Client, "Frau", "Erika", null, "Müller-Lüdenscheidt", address);
        // Between the server taking the mail and the log, the contact is erased (someone else, at that moment).
        _smtp.OnMessage = async m =>
        {
            if (m.To.Mailboxes.Any(x => x.Address == address))
                await _app.WithDbAsync(async (db, _) => await db.Contacts.Where(c => c.Id == contact).ExecuteUpdateAsync(s => s.SetProperty(c => c.ErasedAt, DateTime.UtcNow)));
        };

        var res = await rep.Client.PostAsJsonAsync("/api/v1/emails", new { contactId = contact, subject = "Hallo", body = "Text" });
        Assert.True(res.StatusCode == HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
        var sent = await res.ReadJsonAsync();
        Assert.False(sent.GetProperty("logged").GetBoolean());
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("activityId").ValueKind);
        var note = sent.GetProperty("note").GetString()!;
        Assert.Contains("was sent", note, StringComparison.Ordinal);
        Assert.Contains("could not be logged", note, StringComparison.Ordinal);
        Assert.Single(_smtp.Messages, m => m.To.Mailboxes.Any(x => x.Address == address));
        Assert.Equal(0, await ActivitiesAsync(contact));
    }

    [Fact]
    public async Task Sequence_mail_carries_the_unsubscribe_link_and_one_click_headers_and_one_click_works_without_a_session_twice()
    {
        var admin = await _app.UserAsync("Admin");
        var manager = await _app.UserAsync("Manager", "Nord");
        var rep = await _app.UserAsync("Rep", "Nord");
        var template = (await manager.Client.CreateAsync("/api/v1/email-templates", new { name = TestHttp.Unique("Folge"), language = "nl", subject = "Nieuws", body = "{{ salutation }}," }))
            .GetProperty("id").GetInt64();
        var address = TestHttp.Unique("seq").ToLowerInvariant() + "@example.com";
        var contact = await ContactAsync(rep.Client, "Dhr.", "Jan", "van der", "Berg", address);

        var sent = await _app.WithDbAsync(async (_, sp) => await sp.GetRequiredService<MailService>().SendTemplateAsync(rep.Id, contact, template, CancellationToken.None));
        Assert.True(sent.IsOk, sent.Detail);
        var mail = await _smtp.WaitForAsync(m => m.To.Mailboxes.Any(x => x.Address == address), TimeSpan.FromSeconds(10), "sequence mail");
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        var link = UnsubscribeLink().Match(mail.Headers["List-Unsubscribe"] ?? "").Groups[1].Value;
        Assert.StartsWith("http", link, StringComparison.Ordinal);
        Assert.Contains("/u/", link, StringComparison.Ordinal);
        Assert.Contains(link, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(link, mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Afmelden", mail.TextBody, StringComparison.Ordinal);

        // The mail program's one-click: a POST from elsewhere, no cookie, no antiforgery token. Twice: the same answer.
        var path = new Uri(link).AbsolutePath;
        var visitor = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        for (var i = 0; i < 2; i++)
        {
            var click = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]) };
            click.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
            var answer = await visitor.SendAsync(click);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        }
        Assert.Single((await admin.Client.GetJsonAsync("/api/v1/email-suppressions")).EnumerateArray(), s => s.GetProperty("email").GetString() == address);
        var withdrawn = await _app.WithDbAsync(async (db, _) =>
            await db.ConsentRecords.CountAsync(c => c.ContactId == contact && c.Channel == ConsentChannel.Email && c.Status == ConsentStatus.Withdrawn));
        Assert.Equal(1, withdrawn);
        // The next sequence mail to them is a skip with the reason.
        var next = await _app.WithDbAsync(async (_, sp) => await sp.GetRequiredService<MailService>().SendTemplateAsync(rep.Id, contact, template, CancellationToken.None));
        Assert.Equal(OutcomeKind.Conflict, next.Kind);
        Assert.Single(_smtp.Messages, m => m.To.Mailboxes.Any(x => x.Address == address));
    }

    [Fact]
    public async Task Many_clicks_on_one_unsubscribe_link_at_once_all_answer_the_page_and_the_address_is_listed_once()
    {
        var admin = await _app.UserAsync("Admin");
        var rep = await _app.UserAsync("Rep", "Nord");
        var address = TestHttp.Unique("race").ToLowerInvariant() + "@example.com";
        var contact = await ContactAsync(rep.Client, "Herr", "Max", null, "Muster", address);
        var token = _app.Services.GetRequiredService<UnsubscribeTokens>().For(contact, address);

        var clicks = Enumerable.Range(0, 8).Select(async _ =>
        {
            using var visitor = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
            using var click = new HttpRequestMessage(HttpMethod.Post, "/u/" + token) { Content = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]) };
            var res = await visitor.SendAsync(click);
            return (res.StatusCode, await res.Content.ReadAsStringAsync());
        });
        foreach (var (status, body) in await Task.WhenAll(clicks))
        {
            Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
            Assert.Contains(address, body, StringComparison.Ordinal);
        }
        Assert.Single((await admin.Client.GetJsonAsync("/api/v1/email-suppressions")).EnumerateArray(), s => s.GetProperty("email").GetString() == address);
        var withdrawn = await _app.WithDbAsync(async (db, _) =>
            await db.ConsentRecords.CountAsync(c => c.ContactId == contact && c.Channel == ConsentChannel.Email && c.Status == ConsentStatus.Withdrawn));
        Assert.Equal(1, withdrawn);
    }

    [Fact]
    public async Task A_template_a_sequence_sends_cannot_be_deleted_and_the_answer_names_the_sequence()
    {
        var manager = await _app.UserAsync("Manager", "Nord");
        var template = (await manager.Client.CreateAsync("/api/v1/email-templates", new { name = TestHttp.Unique("Used"), language = "en", subject = "s", body = "b" }))
            .GetProperty("id").GetInt64();
        var name = TestHttp.Unique("Frühling");
        var sequence = (await manager.Client.CreateAsync("/api/v1/sequences", new { name, steps = new object[] { new { kind = "SendEmail", templateId = template } } }))
            .GetProperty("id").GetInt64();

        var res = await manager.Client.DeleteAsync($"/api/v1/email-templates/{template}");
        Assert.Equal(HttpStatusCode.Conflict, res.StatusCode);
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        var problem = await res.ReadJsonAsync();
        Assert.Contains(name, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(name, problem.GetProperty("sequences")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await manager.Client.GetAsync($"/api/v1/email-templates/{template}")).StatusCode);

        // Once the step no longer sends it, it can go.
        Assert.Equal(HttpStatusCode.OK, (await manager.Client.PutAsJsonAsync($"/api/v1/sequences/{sequence}",
            new { name, steps = new object[] { new { kind = "Wait", waitDays = 1 } } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await manager.Client.DeleteAsync($"/api/v1/email-templates/{template}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.Client.GetAsync($"/api/v1/email-templates/{template}")).StatusCode);
    }

    [Fact]
    public async Task A_bulk_send_uses_one_smtp_connection_reconnects_when_it_breaks_and_reports_each_recipient()
    {
        var rep = await _app.UserAsync("Rep", "Nord");
        var tag = TestHttp.Unique("bulk").ToLowerInvariant();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) ids.Add(await ContactAsync(rep.Client, "Mr", "Sean", null, $"O'Brien{i}", $"{tag}{i}@example.com"));
        var withdrawn = await ContactAsync(rep.Client, "Frau", "Nina", null, "Nein", $"{tag}-no@example.com", consent: "Withdrawn");
        _smtp.RejectRecipient = a => a == $"{tag}3@example.com";

        var before = _smtp.Sessions;
        var res = await rep.Client.PostAsJsonAsync("/api/v1/emails/bulk", new { contactIds = ids.Append(withdrawn), subject = "News", body = "{{ salutation }}," });
        Assert.True(res.StatusCode == HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
        var result = await res.ReadJsonAsync();
        Assert.Equal(1, _smtp.Sessions - before);
        Assert.Equal(4, result.GetProperty("sent").GetInt32());
        AssertSkipped(result, "ConsentWithdrawn", "Nina Nein");
        var failed = result.GetProperty("skipped").EnumerateArray().Single(s => s.GetProperty("reason").GetString() == "Failed");
        Assert.Equal("Sean O'Brien3", failed.GetProperty("contacts")[0].GetProperty("name").GetString());
        Assert.Contains("no such user", failed.GetProperty("contacts")[0].GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, _smtp.Messages.Count(m => m.To.Mailboxes.Any(x => x.Address.StartsWith(tag, StringComparison.Ordinal))));
        Assert.Equal(0, await ActivitiesAsync(ids[3]));
        Assert.Equal(1, await ActivitiesAsync(ids[4]));

        // A server that hangs up after every second message: the batch notices before the next one and reconnects.
        _smtp.RejectRecipient = null;
        _smtp.HangUpAfter = 2;
        before = _smtp.Sessions;
        var again = await (await rep.Client.PostAsJsonAsync("/api/v1/emails/bulk", new { contactIds = ids, subject = "More", body = "b" })).ReadJsonAsync();
        Assert.Equal(5, again.GetProperty("sent").GetInt32());
        Assert.Equal(3, _smtp.Sessions - before);
        Assert.Equal(5, _smtp.Messages.Count(m => m.Subject == "More"));
    }

    /// <summary>Behind a proxy at /crm, the unsubscribe page's button posts to /crm/u/…, which works.</summary>
    [Fact]
    public async Task The_unsubscribe_page_posts_under_the_apps_path_base()
    {
        await using var app = new ProspectorFactory(_app.Provider, _smtp.Settings, s => s.AddSingleton<IStartupFilter, PathBaseCrm>());
        var rep = await app.UserAsync("Rep", "Nord");
        var address = TestHttp.Unique("base").ToLowerInvariant() + "@example.com";
        var contact = await ContactAsync(rep.Client, "Herr", "Max", null, "Muster", address);
        var token = app.Services.GetRequiredService<UnsubscribeTokens>().For(contact, address);
        var visitor = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var page = await (await visitor.GetAsync("/crm/u/" + token)).Content.ReadAsStringAsync();
        Assert.Contains($"action=\"/crm/u/{token}\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await visitor.PostAsync("/crm/u/" + token, new FormUrlEncodedContent([]))).StatusCode);
        Assert.True(await app.WithDbAsync(async (db, _) => await db.SuppressedAddresses.AnyAsync(s => s.Email == address)));
    }

    private sealed class PathBaseCrm : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UsePathBase("/crm");
            next(app);
        };
    }
}

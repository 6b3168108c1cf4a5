using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Features.Forms;
using Prospector.Features.Reminders;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Issue 18, item 4: a web-to-lead form served at /f/{slug} and posted from another site turns a visitor into a Lead with
/// consent, an inbound conversation and a first call back (and its reminder); spam waits for review and never becomes a
/// contact; the endpoint is rate-limited, size-limited and reflects nothing unencoded; only it is exempt from the
/// cross-origin guard.
/// </summary>
public abstract partial class WebFormTests : IAsyncLifetime
{
    private readonly ProspectorFactory _app;
    private readonly Provider _provider;

    protected WebFormTests(Provider provider)
    {
        _provider = provider;
        _app = new ProspectorFactory(provider, new Dictionary<string, string?> { ["Forms:SubmissionsPerMinute"] = "1000" });
    }

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Visitor() => _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task<(long Id, string Slug, string Embed)> CreateFormAsync(HttpClient admin, object owner, string? redirect = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = "Contact us", ["source"] = "Website contact form",
            ["fields"] = new object[] { new { key = "firstName", required = false }, new { key = "lastName", required = true }, new { key = "email", required = true },
                new { key = "phone", required = false }, new { key = "company", required = false }, new { key = "message", required = false } },
            ["consentText"] = new { en = "You may e-mail me about offers.", de = "Sie dürfen mir Angebote per E-Mail senden.", nl = "U mag mij aanbiedingen e-mailen." },
            ["redirectUrl"] = redirect,
        };
        foreach (var p in owner.GetType().GetProperties()) body[p.Name] = p.GetValue(owner);
        var form = await admin.CreateAsync("/api/v1/forms", body);
        return (form.GetProperty("id").GetInt64(), form.GetProperty("slug").GetString()!, form.GetProperty("embedHtml").GetString()!);
    }

    private static string Token(string html) => WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);

    /// <summary>Posts like a browser on another site: form-urlencoded, cross-site.</summary>
    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> fields, string site = "cross-site")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", site);
        request.Headers.TryAddWithoutValidation("Origin", "https://www.customer.example");
        return client.SendAsync(request);
    }

    private static List<KeyValuePair<string, string>> Fields(string token, string email, string lang = "en", string lastName = "Brandt", bool consent = true,
        string honeypot = "", string firstName = "Maria", string message = "Please call me about the 40 licences.")
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("firstName", firstName), new("lastName", lastName), new("email", email), new("phone", "+49 30 1234567"), new("company", "Brandt Logistik GmbH"),
            new("message", message), new("website", honeypot), new("_t", token), new("_lang", lang),
        };
        if (consent) fields.Add(new("consent", "yes"));
        return fields;
    }

    /// <summary>Shows the page, then lets the clock pass as a person would take to type (the minimum time check).</summary>
    private async Task<string> ShowAndWaitAsync(HttpClient visitor, string slug, string lang = "en")
    {
        var page = await visitor.GetAsync($"/f/{slug}?lang={lang}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        _app.Clock.Offset += TimeSpan.FromSeconds(10);
        return html;
    }

    [Fact]
    public async Task A_submission_from_another_site_becomes_a_lead_with_consent_a_call_back_the_next_working_day_and_its_reminder()
    {
        var admin = await _app.UserAsync("Admin");
        var rep = await _app.UserAsync("Rep", "Nord");
        var (formId, slug, _) = await CreateFormAsync(admin.Client, new { ownerId = rep.Id });
        var visitor = Visitor();
        var html = await ShowAndWaitAsync(visitor, slug, "de");
        Assert.Contains("Sie dürfen mir Angebote per E-Mail senden.", html, StringComparison.Ordinal);
        Assert.Contains("Nachname", html, StringComparison.Ordinal);

        var res = await PostAsync(visitor, $"/f/{slug}", Fields(Token(html), "maria.brandt@brandt.example", "de"));
        var thanks = await res.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Contains("Vielen Dank", thanks, StringComparison.Ordinal);
        Assert.DoesNotContain("Brandt", thanks, StringComparison.Ordinal); // nothing sent comes back
        var now = DateTime.UtcNow + _app.Clock.Offset;

        var (contact, consent, action, activity) = await _app.WithDbAsync(async (db, _) =>
        {
            var c = await db.Contacts.Include(x => x.Company).SingleAsync(x => x.EmailKey == "maria.brandt@brandt.example");
            return (c, await db.ConsentRecords.SingleAsync(x => x.ContactId == c.Id), await db.NextActions.SingleAsync(x => x.ContactId == c.Id),
                await db.Activities.SingleAsync(x => x.ContactId == c.Id));
        });
        Assert.Equal((Stage.Lead, LeadStatus.New, "Maria", "Brandt", rep.Id, "Website contact form"),
            (contact.Stage, contact.LeadStatus, contact.FirstName, contact.LastName, contact.OwnerId, contact.Source));
        Assert.Equal("Brandt Logistik GmbH", contact.Company!.Name);
        Assert.Equal((ConsentChannel.Email, ConsentStatus.Granted, "Sie dürfen mir Angebote per E-Mail senden."), (consent.Channel, consent.Status, consent.Note));
        Assert.InRange(consent.GivenAt, now.AddMinutes(-1), now.AddMinutes(1));
        Assert.Equal((Direction.Inbound, "Contact us"), (activity.Direction, activity.Subject));
        Assert.Contains("40 licences", activity.Notes, StringComparison.Ordinal);
        Assert.Equal((NextActionType.Call, NextActionStatus.Open, rep.Id), (action.Type, action.Status, action.AssigneeId));
        Assert.Equal(LeadIntake.NextWorkingDay(now, "Europe/Berlin"), action.DueDate);
        Assert.NotEqual(DayOfWeek.Saturday, action.DueDate.DayOfWeek);
        Assert.NotEqual(DayOfWeek.Sunday, action.DueDate.DayOfWeek);

        // The call back reaches the rep as a reminder when it comes due.
        _app.Clock.Offset = action.DueAtUtc.AddMinutes(1) - DateTime.UtcNow;
        try
        {
            await _app.Services.GetRequiredService<ReminderDispatcher>().RunOnceAsync(CancellationToken.None);
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
        }
        var reminder = await _app.WithDbAsync((db, _) => db.Reminders.SingleAsync(r => r.UserId == rep.Id && r.Kind == ReminderKind.NextAction && r.SourceId == action.Id));
        Assert.Contains("Brandt", reminder.Title, StringComparison.Ordinal);

        var submissions = await admin.Client.GetJsonAsync($"/api/v1/forms/{formId}/submissions");
        var s = Assert.Single(submissions.EnumerateArray());
        Assert.Equal(("Accepted", contact.Id, true), (s.GetProperty("status").GetString(), s.GetProperty("contactId").GetInt64(), s.GetProperty("createdContact").GetBoolean()));
    }

    [Fact]
    public async Task A_known_e_mail_attaches_the_request_to_that_contact_as_an_inbound_conversation_instead_of_a_second_contact()
    {
        var admin = await _app.UserAsync("Admin");
        var rep = await _app.UserAsync("Rep", "Nord");
        var known = (await rep.Client.CreateAsync("/api/v1/contacts", new { lastName = "Jansen", email = "Piet.Jansen@klant.example" })).GetProperty("id").GetInt64();
        var (_, slug, _) = await CreateFormAsync(admin.Client, new { ownerId = admin.Id });
        var visitor = Visitor();
        var html = await ShowAndWaitAsync(visitor, slug, "nl");
        var res = await PostAsync(visitor, $"/f/{slug}", Fields(Token(html), "piet.jansen@KLANT.example", "nl", lastName: "Jansen", firstName: "Piet"));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Contains("Hartelijk dank", await res.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (count, activities, consent, action) = await _app.WithDbAsync(async (db, _) => (
            await db.Contacts.CountAsync(c => c.EmailKey == "piet.jansen@klant.example"),
            await db.Activities.Where(a => a.ContactId == known).ToListAsync(),
            await db.ConsentRecords.SingleAsync(c => c.ContactId == known),
            await db.NextActions.SingleAsync(a => a.ContactId == known && a.Status == NextActionStatus.Open)));
        Assert.Equal(1, count);
        var inbound = Assert.Single(activities);
        Assert.Equal(Direction.Inbound, inbound.Direction);
        Assert.Equal("U mag mij aanbiedingen e-mailen.", consent.Note);
        Assert.Equal(rep.Id, action.AssigneeId); // the contact's own owner calls back, not the form's
    }

    [Fact]
    public async Task Spam_goes_to_review_never_into_contacts_and_an_admin_accepts_or_deletes_it()
    {
        var admin = await _app.UserAsync("Admin");
        var (formId, slug, _) = await CreateFormAsync(admin.Client, new { ownerId = admin.Id });
        var visitor = Visitor();
        var html = (await visitor.GetStringAsync($"/f/{slug}"));
        // Sent at once after the page was shown: faster than a person types.
        var fast = await PostAsync(visitor, $"/f/{slug}", Fields(Token(html), "fast@spam.example"));
        var honeypot = await PostAsync(visitor, $"/f/{slug}", Fields(Token(html), "bot@spam.example", honeypot: "http://spam.example"));
        var forged = await PostAsync(visitor, $"/f/{slug}", Fields("not-a-token", "forged@spam.example"));
        foreach (var res in new[] { fast, honeypot, forged })
        {
            Assert.Equal(HttpStatusCode.OK, res.StatusCode); // a robot learns nothing
            Assert.Contains("Thank you", await res.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(0, await _app.WithDbAsync((db, _) => db.Contacts.CountAsync(c => c.EmailKey!.EndsWith("@spam.example"))));

        var review = (await admin.Client.GetJsonAsync($"/api/v1/forms/{formId}/submissions?status=Review")).EnumerateArray().ToList();
        Assert.Equal(["honeypot", "token", "too fast"], review.Select(r => r.GetProperty("reviewReason").GetString()!).Order(StringComparer.Ordinal).ToArray());
        var tooFast = review.Single(r => r.GetProperty("reviewReason").GetString() == "too fast").GetProperty("id").GetInt64();
        var bot = review.Single(r => r.GetProperty("reviewReason").GetString() == "honeypot").GetProperty("id").GetInt64();

        var accepted = await admin.Client.PostAsync($"/api/v1/forms/{formId}/submissions/{tooFast}/accept", null);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, await _app.WithDbAsync((db, _) => db.Contacts.CountAsync(c => c.EmailKey == "fast@spam.example" && c.Stage == Stage.Lead)));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Client.PostAsync($"/api/v1/forms/{formId}/submissions/{tooFast}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/v1/forms/{formId}/submissions/{bot}")).StatusCode);
        var left = (await admin.Client.GetJsonAsync($"/api/v1/forms/{formId}/submissions?status=Review")).EnumerateArray().ToList();
        Assert.Equal(["token"], left.Select(r => r.GetProperty("reviewReason").GetString()!).ToArray());
    }

    [Fact]
    public async Task Bad_input_is_named_in_the_visitors_language_keeps_what_was_typed_encoded_and_nothing_is_reflected_raw()
    {
        var admin = await _app.UserAsync("Admin");
        var (_, slug, _) = await CreateFormAsync(admin.Client, new { ownerId = admin.Id });
        var visitor = Visitor();
        var html = await ShowAndWaitAsync(visitor, slug, "de");
        const string script = "<script>alert('xss')</script>";
        const string attr = "\"><img src=x onerror=alert(1)>";
        var res = await PostAsync(visitor, $"/f/{slug}", Fields(Token(html), "not-an-address", "de", lastName: "", firstName: script, message: attr));
        var page = await res.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Contains("Bitte füllen Sie „Nachname“ aus.", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains("Bitte geben Sie eine gültige E-Mail-Adresse ein.", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", page, StringComparison.Ordinal);   // kept, encoded
        Assert.Contains("value=\"not-an-address\"", page, StringComparison.Ordinal);

        // Corrected and sent: the thank-you shows none of it.
        var ok = await PostAsync(visitor, $"/f/{slug}", Fields(Token(html), "xss@test.example", "de", firstName: script, message: attr));
        var thanks = await ok.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.DoesNotContain("alert", thanks, StringComparison.Ordinal);
        Assert.DoesNotContain("xss@test.example", thanks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_submissions_are_refused_and_only_the_public_form_post_is_exempt_from_the_cross_origin_guard()
    {
        var admin = await _app.UserAsync("Admin");
        var (_, slug, _) = await CreateFormAsync(admin.Client, new { ownerId = admin.Id });
        var visitor = Visitor();
        var html = await ShowAndWaitAsync(visitor, slug);
        var huge = await PostAsync(visitor, $"/f/{slug}", Fields(Token(html), "big@test.example", message: new string('x', 40_000)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        var tooLong = await PostAsync(visitor, $"/f/{slug}", Fields(Token(html), "long@test.example", message: new string('x', 4_001)));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("Message is longer than 4000 characters.", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.WithDbAsync((db, _) => db.Contacts.CountAsync(c => c.EmailKey == "big@test.example" || c.EmailKey == "long@test.example")));

        // Everything else still refuses a post another site starts: another path under /f, another method, the app's own forms.
        foreach (var (method, path) in new[] { (HttpMethod.Put, $"/f/{slug}"), (HttpMethod.Post, $"/f/{slug}/x"), (HttpMethod.Post, "/account/logout"),
                     (HttpMethod.Post, "/api/v1/forms") })
        {
            var request = new HttpRequestMessage(method, path) { Content = new FormUrlEncodedContent([new("a", "b")]) };
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
            request.Headers.TryAddWithoutValidation("Origin", "https://www.customer.example");
            Assert.Equal(HttpStatusCode.Forbidden, (await visitor.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task Round_robin_gives_the_leads_to_the_teams_active_reps_in_turn_and_the_form_api_checks_its_input()
    {
        var admin = await _app.UserAsync("Admin");
        var team = TestHttp.Unique("Web");
        var first = await _app.UserAsync("Rep", team);
        var second = await _app.UserAsync("Rep", team);
        await _app.UserAsync("Manager", team); // not a rep: gets none
        var (_, slug, _) = await CreateFormAsync(admin.Client, new { teamId = first.TeamId });
        var visitor = Visitor();
        var owners = new List<long?>();
        for (var i = 0; i < 4; i++)
        {
            var html = await ShowAndWaitAsync(visitor, slug);
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(visitor, $"/f/{slug}", Fields(Token(html), $"rr{i}@test.example"))).StatusCode);
            owners.Add(await _app.WithDbAsync((db, _) => db.Contacts.Where(c => c.EmailKey == $"rr{i}@test.example").Select(c => c.OwnerId).SingleAsync()));
        }
        Assert.Equal([first.Id, second.Id, first.Id, second.Id], owners);

        var bad = await admin.Client.PostAsync("/api/v1/forms", TestHttp.Json("""{"name":"X","ownerId":1,"teamId":1,"redirectUrl":"javascript:alert(1)"}"""));
        await TestHttp.AssertValidationProblemAsync(bad, "redirectUrl");
        var http = await admin.Client.PostAsync("/api/v1/forms", TestHttp.Json($$"""{"name":"X","ownerId":{{admin.Id}},"redirectUrl":"http://example.com/thanks"}"""));
        await TestHttp.AssertValidationProblemAsync(http, "redirectUrl");
        var nobody = await admin.Client.PostAsync("/api/v1/forms", TestHttp.Json("""{"name":"X"}"""));
        await TestHttp.AssertValidationProblemAsync(nobody, "ownerId");
    }

    [Fact]
    public async Task A_redirect_form_sends_the_visitor_to_the_https_page_and_the_form_page_may_post_there()
    {
        var admin = await _app.UserAsync("Admin");
        var (_, slug, _) = await CreateFormAsync(admin.Client, new { ownerId = admin.Id }, "https://www.customer.example/danke");
        var visitor = Visitor();
        var page = await visitor.GetAsync($"/f/{slug}");
        Assert.Contains("form-action 'self' https://www.customer.example;", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        _app.Clock.Offset += TimeSpan.FromSeconds(10);
        var res = await PostAsync(visitor, $"/f/{slug}", Fields(Token(html), "redirect@test.example"));
        Assert.Equal(HttpStatusCode.SeeOther, res.StatusCode);
        Assert.Equal("https://www.customer.example/danke", res.Headers.Location!.ToString());
    }

    [GeneratedRegex("name=\"_t\" value=\"([^\"]*)\"")]
    private static partial Regex TokenField();
}

public sealed class WebFormTestsSqlite() : WebFormTests(Provider.Sqlite);
public sealed class WebFormTestsPostgres() : WebFormTests(Provider.Postgres);

/// <summary>Per-address rate limiting of the public form, with a low limit of its own.</summary>
public sealed class WebFormRateLimitTests : IAsyncLifetime
{
    private readonly ProspectorFactory _app = new(Provider.Sqlite, new Dictionary<string, string?> { ["Forms:SubmissionsPerMinute"] = "2" });

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task More_submissions_a_minute_than_allowed_answer_429()
    {
        var admin = await _app.UserAsync("Admin");
        var form = await admin.Client.CreateAsync("/api/v1/forms", new { name = "Limit", ownerId = admin.Id });
        var slug = form.GetProperty("slug").GetString();
        var visitor = _app.CreateClient();
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            codes.Add((await visitor.PostAsync($"/f/{slug}", new FormUrlEncodedContent([new("email", $"r{i}@test.example"), new("lastName", "R")]))).StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/f/{slug}")).StatusCode); // showing the form is not limited
    }
}

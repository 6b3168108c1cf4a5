using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Features.Auth;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.Expect;

namespace Prospector.Tests.Http;

/// <summary>What a caller must get from an endpoint.</summary>
internal enum Expect
{
    /// <summary>401: an API without credentials.</summary>
    U,
    /// <summary>302 to /account/login?ReturnUrl=…: a page (or form post) without a session.</summary>
    R,
    /// <summary>403: signed in, but the role may not.</summary>
    F,
    /// <summary>Let in: neither 401, 403, a 5xx nor a redirect to the sign-in or access-denied page.</summary>
    A,
    /// <summary>200: a page that renders.</summary>
    Ok,
    /// <summary>200 or 404: a page whose route value may name nothing (e.g. a used setup link).</summary>
    OkOr404,
}

/// <summary>
/// Every endpoint of the running app against every role. The API table below is explicit: an endpoint added without
/// a row, or a row whose endpoint is gone, fails the first test. Pages follow one rule instead (see <see cref="PageRows"/>).
/// </summary>
public sealed partial class EndpointRoleMatrixTests(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private sealed record Row(string Key, Expect Anonymous, Expect Rep, Expect Manager, Expect Admin, string? Body = null, string Query = "");

    private const string Contact = """{"lastName":"Matrix"}""";
    private const string Company = """{"name":"Matrix GmbH"}""";
    private const string Change = """{"notes":"matrix"}""";
    private const string Sequence = """{"name":"Matrix","steps":[{"kind":"Wait","waitDays":1},{"kind":"Task","taskType":"Call","text":"matrix"}]}""";
    private const string Template = """{"name":"Matrix","language":"de","subject":"Hallo","body":"{{ salutation }},"}""";
    private const string Pipeline = """{"name":"Matrix","steps":[{"name":"One","defaultProbability":10}]}""";

    private static readonly Row[] Table =
    [
        //   endpoint                                          anon Rep Mgr Admin
        new("GET /api/v1/contacts/",                              U, A, A, A),
        new("PATCH /api/v1/me",                                   U, A, A, A, """{"workingHours":{"start":"09:00","end":"17:00","days":["Monday"]}}"""),
        new("GET /api/v1/contacts/not-contacted",                 U, A, A, A),
        new("POST /api/v1/contacts/",                             U, A, A, A, Contact),
        new("GET /api/v1/contacts/{id:long}",                     U, A, A, A),
        new("PATCH /api/v1/contacts/{id:long}",                   U, A, A, A, Change),
        new("DELETE /api/v1/contacts/{id:long}",                  U, A, A, A),
        new("POST /api/v1/contacts/{id:long}/restore",            U, A, A, A),
        new("GET /api/v1/contacts/{id:long}/history",             U, A, A, A),
        new("GET /api/v1/contacts/upcoming-dates",                U, A, A, A),
        new("GET /api/v1/contacts/{id:long}/qualification",       U, A, A, A),
        new("PUT /api/v1/contacts/{id:long}/qualification",       U, A, A, A, """{"answers":[]}"""),
        new("POST /api/v1/contacts/{id:long}/stage",              U, A, A, A, """{"stage":"Lead"}"""),
        new("POST /api/v1/contacts/{id:long}/disqualify",         U, A, A, A, """{"reason":"matrix"}"""),
        new("POST /api/v1/contacts/{id:long}/outcome",            U, A, A, A, """{"outcome":"NotReady"}"""),
        new("GET /api/v1/contacts/{id:long}/lifecycle",           U, A, A, A),
        // GDPR requests: managers and admins export a person they can see; only admins erase.
        new("GET /api/v1/contacts/{id:long}/personal-data",       U, F, A, A),
        new("POST /api/v1/contacts/{id:long}/erase",              U, F, F, A),
        new("GET /api/v1/security-events/",                       U, F, F, A),
        // The retention period: admins only (a run purges records of every team).
        new("GET /api/v1/retention/preview",                      U, F, F, A),
        new("POST /api/v1/retention/run",                         U, F, F, A),
        new("GET /api/v1/qualification/criteria/",                U, A, A, A),
        new("PUT /api/v1/qualification/criteria/",                U, F, F, A, """{"gates":[]}"""),
        new("GET /api/v1/companies/",                             U, A, A, A),
        new("POST /api/v1/companies/",                            U, A, A, A, Company),
        new("GET /api/v1/companies/{id:long}",                    U, A, A, A),
        new("PATCH /api/v1/companies/{id:long}",                  U, A, A, A, Change),
        new("DELETE /api/v1/companies/{id:long}",                 U, A, A, A),
        new("POST /api/v1/companies/{id:long}/restore",           U, A, A, A),
        new("GET /api/v1/companies/{id:long}/history",            U, A, A, A),
        new("GET /api/v1/activities/",                            U, A, A, A),
        new("POST /api/v1/activities/",                           U, A, A, A, """{"channel":"Phone","notes":"matrix"}"""),
        new("GET /api/v1/activities/{id:long}",                   U, A, A, A),
        new("DELETE /api/v1/activities/{id:long}",                U, A, A, A),
        new("GET /api/v1/questions/",                             U, A, A, A),
        new("POST /api/v1/questions/{id:long}/answer",            U, A, A, A, """{"answer":"matrix"}"""),
        new("POST /api/v1/questions/{id:long}/attach",            U, A, A, A, """{"nextActionId":null}"""),
        new("GET /api/v1/timeline",                               U, A, A, A, Query: "?contactId=1"),
        new("GET /api/v1/search",                                 U, A, A, A, Query: "?q=matrix"),
        new("GET /api/v1/reports/funnel",                         U, A, A, A),
        new("GET /api/v1/reports/win-loss",                       U, A, A, A),
        new("GET /api/v1/reports/forecast",                       U, A, A, A),
        new("GET /api/v1/reports/stage-times",                    U, A, A, A),
        new("GET /api/v1/reports/activity",                       U, A, A, A),
        new("GET /api/v1/reports/lists",                          U, A, A, A),
        new("GET /api/v1/reports/team",                           U, A, A, A),
        new("GET /api/v1/reports/{name}/export",                  U, A, A, A),
        new("GET /api/v1/reports/{name}/chart",                   U, A, A, A),
        new("GET /api/v1/me",                                     U, A, A, A),
        new("GET /api/v1/tokens/",                                U, A, A, A),
        new("POST /api/v1/tokens/",                               U, A, A, A, """{"name":"matrix"}"""),
        new("DELETE /api/v1/tokens/{id:long}",                    U, A, A, A),
        new("GET /api/v1/users/",                                 U, F, F, A),
        new("POST /api/v1/users/",                                U, F, F, A, """{"email":"{unique}@test.example","password":"correct horse battery","role":"Rep"}"""),
        new("POST /api/v1/users/{id:long}/deactivate",            U, F, F, A),
        new("POST /api/v1/users/{id:long}/sign-out-everywhere",   U, F, F, A),
        new("PATCH /api/v1/users/{id:long}",                      U, F, F, A, """{"role":"Rep"}"""),
        new("POST /api/v1/users/{id:long}/reset-password",        U, F, F, A),
        new("POST /api/v1/users/{id:long}/reset-two-factor",      U, F, F, A),
        // A manager hands over the book of a member of their teams (the body names nobody: 400, but let in).
        new("POST /api/v1/users/{id:long}/reassign",              U, F, A, A, """{"toUserId":null}"""),
        // Webhooks: admins only (their payloads carry every record).
        new("GET /api/v1/webhooks/",                              U, F, F, A),
        new("GET /api/v1/webhooks/events",                        U, F, F, A),
        new("GET /api/v1/webhooks/{id:long}",                     U, F, F, A),
        new("POST /api/v1/webhooks/",                             U, F, F, A, """{"url":"https://93.184.216.34/hook","events":["deal.won"]}"""),
        new("PATCH /api/v1/webhooks/{id:long}",                   U, F, F, A, """{"description":"matrix"}"""),
        new("DELETE /api/v1/webhooks/{id:long}",                  U, F, F, A),
        new("POST /api/v1/webhooks/{id:long}/secret",             U, F, F, A),
        new("POST /api/v1/webhooks/{id:long}/test",               U, F, F, A),
        new("GET /api/v1/webhooks/{id:long}/deliveries",          U, F, F, A),
        new("POST /api/v1/webhooks/{id:long}/deliveries/{deliveryId:long}/retry", U, F, F, A),
        // The dropbox: unmatched mail is filtered per caller inside (an unknown id answers 404).
        // Everyone sees the address and whether it runs (the job's errors only admins, inside); only admins replace the address.
        new("GET /api/v1/dropbox/",                               U, A, A, A),
        new("POST /api/v1/dropbox/address",                       U, F, F, A),
        new("GET /api/v1/dropbox/unmatched",                      U, A, A, A),
        new("POST /api/v1/dropbox/unmatched/{id:long}/assign",    U, A, A, A, """{"contactId":{contact}}"""),
        new("POST /api/v1/dropbox/unmatched/{id:long}/discard",   U, A, A, A),
        new("GET /api/v1/sequences/",                             U, A, A, A),
        new("GET /api/v1/sequences/{id:long}",                    U, A, A, A),
        new("POST /api/v1/sequences/",                            U, F, A, A, Sequence),
        new("PUT /api/v1/sequences/{id:long}",                    U, F, A, A, Sequence),
        new("DELETE /api/v1/sequences/{id:long}",                 U, F, A, A),
        new("POST /api/v1/sequences/{id:long}/enrolments",        U, A, A, A, """{"contactId":{contact}}"""),
        new("POST /api/v1/sequences/{id:long}/enrolments/bulk",   U, A, A, A, """{"contactIds":[{contact}]}"""),
        new("GET /api/v1/sequences/enrolments",                   U, A, A, A),
        new("POST /api/v1/sequences/enrolments/{enrolmentId:long}/stop", U, A, A, A),
        new("GET /api/v1/teams/",                                 U, F, F, A),
        new("POST /api/v1/teams/",                                U, F, F, A, """{"name":"{unique}"}"""),
        new("PATCH /api/v1/teams/{id:long}",                      U, F, F, A, """{"name":"{unique}"}"""),
        new("POST /api/v1/teams/{id:long}/archive",               U, F, F, A),
        new("POST /api/v1/teams/{id:long}/unarchive",             U, F, F, A),
        new("GET /api/v1/sources/",                               U, A, A, A),
        new("POST /api/v1/sources/",                              U, F, F, A, """{"name":"{unique}"}"""),
        new("PATCH /api/v1/sources/{id:long}",                    U, F, F, A, """{"name":"{unique}"}"""),
        new("POST /api/v1/sources/{id:long}/retire",              U, F, F, A),
        new("POST /api/v1/sources/{id:long}/unretire",            U, F, F, A),
        new("GET /api/v1/contacts/{id:long}/referrals",           U, A, A, A),
        new("POST /api/v1/me/sign-out-everywhere",                U, A, A, A),
        new("POST /api/v1/me/password",                           U, A, A, A, """{"currentPassword":"not the password","newPassword":"matrix matrix matrix"}"""),
        new("GET /api/v1/workspace/",                             U, A, A, A),
        new("PUT /api/v1/workspace/",                             U, F, F, A, """{"name":"Prospector","repsSeeAll":false,"terminology":"Default","defaultCountry":"DE","defaultCurrency":"EUR","version":1}"""),
        new("GET /api/v1/pipelines/",                             U, A, A, A),
        new("GET /api/v1/pipelines/{id:long}/board",              U, A, A, A),
        new("POST /api/v1/pipelines/",                            U, F, F, A, Pipeline),
        new("PUT /api/v1/pipelines/{id:long}",                    U, F, F, A, Pipeline),
        new("DELETE /api/v1/pipelines/{id:long}",                 U, F, F, A),
        new("GET /api/v1/opportunities/",                         U, A, A, A),
        new("GET /api/v1/opportunities/{id:long}",                U, A, A, A),
        new("GET /api/v1/opportunities/suggestion",               U, A, A, A, Query: "?contactId=1"),
        new("GET /api/v1/opportunities/{id:long}/steps",          U, A, A, A),
        new("POST /api/v1/opportunities/",                        U, A, A, A, """{"contactId":{contact},"amount":1000,"nextAction":{"type":"Call","dueDate":"2030-01-01"}}"""),
        new("PATCH /api/v1/opportunities/{id:long}",              U, A, A, A, """{"amount":2000}"""),
        new("POST /api/v1/opportunities/{id:long}/move",          U, A, A, A, """{"stepId":1}"""),
        new("POST /api/v1/opportunities/{id:long}/win",           U, A, A, A, "{}"),
        new("POST /api/v1/opportunities/{id:long}/lose",          U, A, A, A, """{"reason":"matrix"}"""),
        new("POST /api/v1/opportunities/{id:long}/cancel",        U, A, A, A, """{"reason":"matrix"}"""),
        new("POST /api/v1/opportunities/{id:long}/standby",       U, A, A, A, """{"until":"2030-01-01"}"""),
        new("POST /api/v1/opportunities/{id:long}/reopen",        U, A, A, A, "{}"),
        new("GET /api/v1/opportunities/{id:long}/credit-checks/", U, A, A, A),
        new("POST /api/v1/opportunities/{id:long}/credit-checks/", U, A, A, A, """{"result":"Passed","source":"matrix"}"""),
        new("POST /api/v1/opportunities/{id:long}/credit-checks/override", U, F, A, A, """{"reason":"matrix"}"""),
        new("GET /api/v1/tasks/",                                 U, A, A, A),
        new("GET /api/v1/tasks/without-next-action",              U, A, A, A),
        new("GET /api/v1/tasks/{id:long}",                        U, A, A, A),
        new("POST /api/v1/tasks/",                                U, A, A, A, """{"contactId":{contact},"type":"Call","dueDate":"2030-01-01"}"""),
        new("PATCH /api/v1/tasks/{id:long}",                      U, A, A, A, """{"note":"matrix"}"""),
        new("POST /api/v1/tasks/{id:long}/complete",              U, A, A, A, """{"outcome":"Reached","close":{"as":"Won"}}"""),
        new("POST /api/v1/tasks/check-in",                        U, A, A, A, """{"contactId":{contact}}"""),
        // Several at once: every id is access-checked inside; the empty list is refused (400), but let in.
        new("POST /api/v1/tasks/bulk",                            U, A, A, A, """{"ids":[],"action":"Reschedule","dueDate":"2030-01-01"}"""),
        new("GET /api/v1/reminders/",                             U, A, A, A),
        new("POST /api/v1/reminders/{id:long}/read",              U, A, A, A),
        new("POST /api/v1/reminders/read-all",                    U, A, A, A),
        new("GET /api/v1/reminders/settings",                     U, A, A, A),
        new("PUT /api/v1/reminders/settings",                     U, A, A, A, """{"digestHour":7}"""),
        new("GET /api/v1/calendar-feed/",                         U, A, A, A),
        new("POST /api/v1/calendar-feed/",                        U, A, A, A),
        new("DELETE /api/v1/calendar-feed/",                      U, A, A, A),
        // The calendar feed is public by design: its secret URL is the credential (an unknown token answers 404).
        new("GET /calendar/{token}.ics",                          OkOr404, OkOr404, OkOr404, OkOr404),
        new("GET /api/v1/lists/",                                 U, A, A, A),
        new("GET /api/v1/lists/{id:long}",                        U, A, A, A),
        new("GET /api/v1/lists/{id:long}/rows",                   U, A, A, A),
        new("POST /api/v1/lists/{id:long}/rows/{rowId:long}/convert", U, A, A, A, """{"nextAction":{"type":"Call","dueDate":"2099-01-01"}}"""),
        new("POST /api/v1/lists/{id:long}/rows/{rowId:long}/cancel", U, A, A, A, """{"reason":"NoBudget"}"""),
        new("POST /api/v1/lists/{id:long}/rows/{rowId:long}/reopen", U, A, A, A),
        new("POST /api/v1/lists/{id:long}/rows/{rowId:long}/keep", U, A, A, A),
        new("POST /api/v1/lists/{id:long}/rows/bulk",             U, A, A, A, """{"action":"cancel","rowIds":[1],"reason":"NoBudget"}"""),
        new("GET /api/v1/lists/{id:long}/export",                 U, A, A, A),
        new("GET /api/v1/contacts/export",                        U, A, A, A),
        new("POST /api/v1/imports/preview",                       U, A, A, A),
        new("POST /api/v1/imports/",                              U, A, A, A),
        new("GET /api/v1/imports/{id:long}",                      U, A, A, A),
        new("GET /api/v1/imports/{id:long}/problems",             U, A, A, A),
        new("POST /api/v1/imports/{id:long}/revert",              U, A, A, A),
        new("GET /api/v1/forms/",                                 U, F, F, A),
        new("POST /api/v1/forms/",                                U, F, F, A, """{"name":"Matrix form"}"""),
        new("GET /api/v1/forms/{id:long}",                        U, F, F, A),
        new("PUT /api/v1/forms/{id:long}",                        U, F, F, A, """{"name":"Matrix form"}"""),
        new("DELETE /api/v1/forms/{id:long}",                     U, F, F, A),
        new("GET /api/v1/forms/{id:long}/submissions",            U, F, F, A),
        new("POST /api/v1/forms/{id:long}/submissions/{submissionId:long}/accept", U, F, F, A),
        new("DELETE /api/v1/forms/{id:long}/submissions/{submissionId:long}", U, F, F, A),
        // E-mail templates: everyone uses them, admins and managers keep them; the suppression list is the admins'.
        new("GET /api/v1/email-templates/",                       U, A, A, A),
        new("POST /api/v1/email-templates/",                      U, F, A, A, Template),
        new("GET /api/v1/email-templates/{id:long}",              U, A, A, A),
        new("PUT /api/v1/email-templates/{id:long}",              U, F, A, A, Template),
        new("DELETE /api/v1/email-templates/{id:long}",           U, F, A, A),
        new("GET /api/v1/emails/settings",                        U, A, A, A),
        new("PUT /api/v1/emails/settings",                        U, A, A, A, """{"senderName":"Matrix","signature":"M."}"""),
        new("POST /api/v1/emails/preview",                        U, A, A, A, """{"contactId":{contact},"subject":"Hi","body":"{{ salutation }}"}"""),
        new("POST /api/v1/emails/",                               U, A, A, A, """{"contactId":{contact},"subject":"Hi","body":"Hello"}"""),
        new("POST /api/v1/emails/bulk",                           U, A, A, A, """{"contactIds":[{contact}],"subject":"Hi","body":"Hello","dryRun":true}"""),
        new("GET /api/v1/email-suppressions/",                    U, F, F, A),
        new("POST /api/v1/email-suppressions/",                   U, F, F, A, """{"email":"{unique}@matrix.example"}"""),
        new("DELETE /api/v1/email-suppressions/{id:long}",        U, F, F, A),
        // The unsubscribe link of a bulk mail is public by design (an invalid token answers 404).
        new("GET /u/{token}",                                     OkOr404, OkOr404, OkOr404, OkOr404),
        new("POST /u/{token}",                                    A, A, A, A),
        // The web-to-lead form is public by design: anyone may see and send it (an unknown slug answers 404).
        new("GET /f/{slug}",                                      OkOr404, OkOr404, OkOr404, OkOr404),
        new("POST /f/{slug}",                                     A, A, A, A),
        // Outside /api: public infrastructure, the sign-out and language forms.
        new("ANY /health/live",                                   Ok, Ok, Ok, Ok),
        new("ANY /health/ready",                                  Ok, Ok, Ok, Ok),
        new("GET /openapi/{documentName}.json",                   Ok, Ok, Ok, Ok),
        new("GET /account/culture",                               A, A, A, A, Query: "?culture=en&redirect=/"),
        new("POST /account/culture",                              A, A, A, A),
        new("POST /account/logout",                               R, A, A, A),
    ];

    private static readonly string[] Roles = ["Rep", "Manager", "Admin"];

    /// <summary>
    /// The endpoints under test: all route endpoints except
    ///  - static files: MapStaticAssets endpoints carry a <see cref="StaticAssetDescriptor"/>; from a build (not a publish)
    ///    MapStaticAssets also adds a development fallback for files added later: MapFallback (Order int.MaxValue) on
    ///    the pattern {**path:file};
    ///  - Blazor's own plumbing: patterns under /_blazor and /_framework (circuit hub, opaque redirect).
    /// </summary>
    private List<(string Key, RouteEndpoint Endpoint)> Endpoints()
    {
        _ = fixture.Factory.Server;
        return fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
            .Where(e => !(e.Order == int.MaxValue && e.RoutePattern.RawText == "{**path:file}"))
            .Where(e => !Path(e).StartsWith("/_blazor", StringComparison.Ordinal) && !Path(e).StartsWith("/_framework", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => ($"{m} {Path(e)}", e)))
            .DistinctBy(x => x.Item1).ToList();
    }

    private static string Path(RouteEndpoint e) => "/" + e.RoutePattern.RawText!.TrimStart('/');

    private static bool IsPage(RouteEndpoint e) => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;

    [Fact]
    public void Every_endpoint_has_a_row_and_every_row_an_endpoint()
    {
        var actual = Endpoints().Where(x => !IsPage(x.Endpoint)).Select(x => x.Key).ToHashSet();
        var listed = Table.Select(r => r.Key).ToHashSet();
        var missing = actual.Except(listed).Order().ToList();
        var stale = listed.Except(actual).Order().ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"Endpoints without a row in {nameof(Table)}: [{string.Join(", ", missing)}]; rows without an endpoint: [{string.Join(", ", stale)}]");
        Assert.Equal(Table.Length, listed.Count); // no key twice
    }

    /// <summary>
    /// Pages (Razor components with @page) by rule: [AllowAnonymous] pages (sign-in, setup) render for anyone; every
    /// other page sends the anonymous to the sign-in page and renders for any signed-in role, unless its [Authorize] names
    /// roles or a policy, which other roles get 403 for. "Renders" is 200; for a page whose route values the matrix cannot
    /// point at a record (the setup link's token, a future page's parameter) 200 or 404. A form post (POST) without an
    /// antiforgery token need not render, but must not be treated as an unauthorized caller either (A).
    /// </summary>
    private IEnumerable<Row> PageRows() => Endpoints().Where(x => IsPage(x.Endpoint)).Select(x =>
    {
        var e = x.Endpoint;
        var get = x.Key.StartsWith("GET ", StringComparison.Ordinal);
        var filled = e.RoutePattern.Parameters.All(p => RecordKind(Path(e)) is not null && p.Name.Equals("id", StringComparison.OrdinalIgnoreCase));
        var render = !get ? A : filled ? Ok : OkOr404;
        var allowed = AllowedRoles(e);
        var anonymous = e.Metadata.GetMetadata<IAllowAnonymous>() is not null ? render : R;
        return new Row(x.Key, anonymous, Role("Rep"), Role("Manager"), Role("Admin"));
        Expect Role(string role) => allowed.Contains(role) ? render : F;
    });

    private static HashSet<string> AllowedRoles(RouteEndpoint e)
    {
        var roles = new HashSet<string>(Roles);
        foreach (var a in e.Metadata.GetOrderedMetadata<IAuthorizeData>())
        {
            if (a.Roles is { Length: > 0 }) roles.IntersectWith(a.Roles.Split(',', StringSplitOptions.TrimEntries));
            roles.IntersectWith(a.Policy switch
            {
                null => Roles,
                Policies.Admin => ["Admin"],
                Policies.ManagerOrAdmin => ["Manager", "Admin"],
                _ => throw new InvalidOperationException($"{Path(e)}: teach the matrix which roles policy '{a.Policy}' lets in."),
            });
        }
        return roles;
    }

    [Fact]
    public async Task Every_endpoint_answers_each_role_as_its_row_says()
    {
        var app = fixture.Factory;
        var users = new Dictionary<string, TestUser>
        {
            ["Rep"] = await app.UserAsync("Rep", "Nord"),
            ["Manager"] = await app.UserAsync("Manager", "Nord"),
            ["Admin"] = await app.UserAsync("Admin"),
        };
        var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        var endpoints = Endpoints().ToDictionary(x => x.Key, x => x.Endpoint);
        var failures = new List<string>();

        foreach (var row in Table.Concat(PageRows()))
        {
            Assert.True(endpoints.ContainsKey(row.Key), $"{row.Key} is not an endpoint of the app");
            foreach (var (who, expect) in new[] { ("Anonymous", row.Anonymous), ("Rep", row.Rep), ("Manager", row.Manager), ("Admin", row.Admin) })
            {
                var caller = users.GetValueOrDefault(who);
                var request = await RequestAsync(row, caller ?? users["Admin"]);
                var res = await (caller?.Client ?? anonymous).SendAsync(request);
                if (!Meets(res, expect))
                    failures.Add($"{row.Key} as {who}: expected {expect}, got {(int)res.StatusCode} {res.Headers.Location}");
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// Record-level rows: enrolling in a sequence mails in the contact owner's name, so it needs edit rights on the contact,
    /// not only sight of it. The contact here belongs to another rep of team Nord (everyone in Nord sees it).
    /// </summary>
    [Theory]
    [InlineData("Rep", HttpStatusCode.Forbidden)]
    [InlineData("Manager", HttpStatusCode.Created)]
    [InlineData("Admin", HttpStatusCode.Created)]
    public async Task Enrolling_a_team_mates_contact_answers_each_role_as_edit_rights_say(string role, HttpStatusCode expect)
    {
        var app = fixture.Factory;
        var caller = await app.UserAsync(role, role == "Admin" ? null : "Nord");
        var owner = await app.UserAsync("Rep", "Nord");
        var contact = (await owner.Client.CreateAsync("/api/v1/contacts", new { lastName = "Matrix" })).GetProperty("id").GetInt64();
        var sequence = await app.WithDbAsync(async (db, _) =>
        {
            await db.Contacts.Where(c => c.Id == contact).ExecuteUpdateAsync(u => u.SetProperty(c => c.LeadStatus, Data.LeadStatus.Nurturing)
                .SetProperty(c => c.TeamId, owner.TeamId));
            var q = new Data.Sequence { Name = TestHttp.Unique("Matrix"), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            q.Steps.Add(new Data.SequenceStep { Kind = Data.SequenceStepKind.Task, TaskType = Data.NextActionType.Call, Position = 0 });
            db.Sequences.Add(q);
            await db.SaveChangesAsync();
            return q.Id;
        });
        Assert.Equal(HttpStatusCode.OK, (await caller.Client.GetAsync($"/api/v1/contacts/{contact}")).StatusCode);
        var res = await caller.Client.SendAsync(TestHttp.Request(HttpMethod.Post, $"/api/v1/sequences/{sequence}/enrolments", TestHttp.Json($$"""{"contactId":{{contact}}}""")));
        Assert.True(res.StatusCode == expect, $"{role}: expected {expect}, got {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
    }

    private static bool Meets(HttpResponseMessage res, Expect expect)
    {
        var status = (int)res.StatusCode;
        var challenge = res.StatusCode == HttpStatusCode.Found && res.RedirectPath() is "/account/login" or "/account/denied"
            && res.Headers.Location!.OriginalString.Contains("ReturnUrl=", StringComparison.OrdinalIgnoreCase);
        return expect switch
        {
            U => status == 401,
            R => challenge && res.RedirectPath() == "/account/login",
            F => status == 403,
            A => status is not (401 or 403) and < 500 && !challenge,
            Ok => status == 200,
            OkOr404 => status is 200 or 404,
            _ => false,
        };
    }

    /// <summary>
    /// The request for a row: an {id} names a fresh record the caller may use (the anonymous get the admin's: it must not
    /// matter), other route values are fixed or "1"; bodies are minimal and valid, a PATCH carries the fresh record's ETag.
    /// </summary>
    private async Task<HttpRequestMessage> RequestAsync(Row row, TestUser owner)
    {
        var method = row.Key[..row.Key.IndexOf(' ')];
        var path = row.Key[(method.Length + 1)..];
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["documentName"] = "v1", ["Token"] = "not-a-setup-link", ["name"] = "funnel" };
        if (RouteParameter().Matches(path).Any(m => m.Groups[1].Value.Equals("id", StringComparison.OrdinalIgnoreCase))
            && await IdForAsync(path, owner) is { } id)
            values["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var url = RouteParameter().Replace(path, m => values.GetValueOrDefault(m.Groups[1].Value, "1")) + row.Query;
        var body = row.Body?.Replace("{unique}", TestHttp.Unique("m"), StringComparison.Ordinal);
        if (body?.Contains("{contact}", StringComparison.Ordinal) == true)
            body = body.Replace("{contact}", (await owner.Client.CreateAsync("/api/v1/contacts", new { lastName = "Matrix", stage = "Lead" }))
                .GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return TestHttp.Request(new HttpMethod(method == "ANY" ? "GET" : method), url,
            body is null ? null : TestHttp.Json(body), method == "PATCH" ? "\"1\"" : null);
    }

    private static string? RecordKind(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).SkipWhile(s => s is "api" or "v1").FirstOrDefault() switch
        {
            "contacts" => "contacts",
            "companies" => "companies",
            _ => null,
        };

    /// <summary>
    /// An id that exists and that the caller may use; each call gets a fresh one, as calls may delete it. An API the
    /// matrix does not know fails the test; a page the matrix does not know gets "1" (and may answer 404).
    /// </summary>
    private async Task<long?> IdForAsync(string path, TestUser owner)
    {
        var app = fixture.Factory;
        if (RecordKind(path) is { } kind)
            return (await owner.Client.CreateAsync($"/api/v1/{kind}", kind == "contacts" ? new { lastName = "Matrix" } : new { name = "Matrix GmbH" }))
                .GetProperty("id").GetInt64();
        if (path.StartsWith("/api/v1/opportunities/", StringComparison.Ordinal) || path.StartsWith("/api/v1/tasks/", StringComparison.Ordinal))
        {
            var contact = (await owner.Client.CreateAsync("/api/v1/contacts", new { lastName = "Matrix", stage = "Lead" })).GetProperty("id").GetInt64();
            var opportunity = await owner.Client.CreateAsync("/api/v1/opportunities",
                new { contactId = contact, amount = 1000, nextAction = new { type = "Call", dueDate = "2030-01-01" } });
            return path.StartsWith("/api/v1/tasks/", StringComparison.Ordinal)
                ? opportunity.GetProperty("nextAction").GetProperty("id").GetInt64()
                : opportunity.GetProperty("id").GetInt64();
        }
        if (path.StartsWith("/api/v1/pipelines/", StringComparison.Ordinal))
            return await app.WithDbAsync(async (db, _) =>
            {
                var p = new Data.Pipeline { Name = "Matrix", SortOrder = 99, Steps = [new() { Name = "One", SortOrder = 1 }] };
                db.Pipelines.Add(p);
                await db.SaveChangesAsync();
                return p.Id;
            });
        if (path.StartsWith("/api/v1/reminders/", StringComparison.Ordinal))
            return await app.WithDbAsync(async (db, _) =>
            {
                var r = new Data.Reminder
                {
                    UserId = owner.Id, Kind = Data.ReminderKind.NextAction, Channel = Data.ReminderChannel.InApp, SourceId = Random.Shared.NextInt64(),
                    DueAtUtc = DateTime.UtcNow, Status = Data.ReminderStatus.Sent, Title = "Matrix", CreatedAt = DateTime.UtcNow,
                };
                db.Reminders.Add(r);
                await db.SaveChangesAsync();
                return r.Id;
            });
        if (path.StartsWith("/api/v1/activities/", StringComparison.Ordinal) || path.StartsWith("/api/v1/questions/", StringComparison.Ordinal))
        {
            var contact = (await owner.Client.CreateAsync("/api/v1/contacts", new { lastName = "Matrix" })).GetProperty("id").GetInt64();
            var activity = await owner.Client.CreateAsync("/api/v1/activities",
                new { contactId = contact, channel = "Phone", questions = new[] { new { kind = "Question", text = "Matrix?" } } });
            return path.StartsWith("/api/v1/activities/", StringComparison.Ordinal)
                ? activity.GetProperty("id").GetInt64()
                : activity.GetProperty("questions")[0].GetProperty("id").GetInt64();
        }
        if (path.StartsWith("/api/v1/lists/", StringComparison.Ordinal) || path.StartsWith("/api/v1/imports/", StringComparison.Ordinal))
        {
            var import = await ListSteps.ImportAsync(owner.Client, TestHttp.Unique("Matrix"));
            return import.GetProperty(path.StartsWith("/api/v1/lists/", StringComparison.Ordinal) ? "listId" : "importId").GetInt64();
        }
        if (path.StartsWith("/api/v1/forms/", StringComparison.Ordinal))
            return await app.WithDbAsync(async (db, _) =>
            {
                var f = new Data.WebForm { Name = "Matrix", Slug = TestHttp.Unique("matrix").ToLowerInvariant(), OwnerId = owner.Id, CreatedAt = DateTime.UtcNow };
                db.WebForms.Add(f);
                await db.SaveChangesAsync();
                return f.Id;
            });
        if (path.StartsWith("/api/v1/sequences/", StringComparison.Ordinal))
            return await app.WithDbAsync(async (db, _) =>
            {
                var q = new Data.Sequence { Name = "Matrix", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
                q.Steps.Add(new Data.SequenceStep { Kind = Data.SequenceStepKind.Task, TaskType = Data.NextActionType.Call, Position = 0 });
                db.Sequences.Add(q);
                await db.SaveChangesAsync();
                return q.Id;
            });
        if (path.StartsWith("/api/v1/webhooks/", StringComparison.Ordinal))
            return await app.WithDbAsync(async (db, _) =>
            {
                var w = new Data.WebhookEndpoint { Url = "https://93.184.216.34/hook", Events = "deal.won", Secret = "x", CreatedAt = DateTime.UtcNow };
                db.WebhookEndpoints.Add(w);
                await db.SaveChangesAsync();
                return w.Id;
            });
        if (path.StartsWith("/api/v1/dropbox/", StringComparison.Ordinal))
            return await app.WithDbAsync(async (db, _) =>
            {
                var m = new Data.DropboxMessage
                {
                    MessageKey = TestHttp.Unique("mid:matrix"), Status = Data.DropboxMailStatus.Unmatched, Direction = Data.Direction.Inbound,
                    FetchedAt = DateTime.UtcNow, SentAt = DateTime.UtcNow, FromAddress = "stranger@elsewhere.example", Recipients = owner.Email,
                    Subject = "Matrix", Body = "matrix", OwnerId = owner.Id,
                };
                db.DropboxMessages.Add(m);
                await db.SaveChangesAsync();
                return m.Id;
            });
        if (path.StartsWith("/api/v1/email-templates/", StringComparison.Ordinal))
            return await app.WithDbAsync(async (db, _) =>
            {
                var t = new Data.EmailTemplate { Name = "Matrix", Language = "en", Subject = "Hi", Body = "Hello", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
                db.EmailTemplates.Add(t);
                await db.SaveChangesAsync();
                return t.Id;
            });
        if (path.StartsWith("/api/v1/email-suppressions/", StringComparison.Ordinal))
            return await app.WithDbAsync(async (db, _) =>
            {
                var x = new Data.SuppressedAddress { Email = TestHttp.Unique("m").ToLowerInvariant() + "@matrix.example", Reason = "manual", CreatedAt = DateTime.UtcNow };
                db.SuppressedAddresses.Add(x);
                await db.SaveChangesAsync();
                return x.Id;
            });
        if (path.StartsWith("/api/v1/users/", StringComparison.Ordinal))
            return (await app.UserAsync("Rep", "Nord")).Id;
        if (path.StartsWith("/api/v1/teams/", StringComparison.Ordinal))
            return await app.WithDbAsync(async (db, _) =>
            {
                var t = new Data.Team { Name = TestHttp.Unique("Team") };
                db.Teams.Add(t);
                await db.SaveChangesAsync();
                return t.Id;
            });
        if (path.StartsWith("/api/v1/sources/", StringComparison.Ordinal))
            return await app.WithDbAsync((db, _) => TestSources.IdAsync(db, TestHttp.Unique("matrix")));
        if (path.StartsWith("/api/v1/tokens/", StringComparison.Ordinal))
            return await app.WithDbAsync(async (_, sp) => (await sp.GetRequiredService<UserAdmin>().CreateTokenAsync(owner.Id, "matrix")).Token.Id);
        return path.StartsWith("/api/", StringComparison.Ordinal)
            ? throw new InvalidOperationException($"{path}: teach the matrix which record an id names here.")
            : null;
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}

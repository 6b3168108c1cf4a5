using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// LinkedIn, XING and web site links on contacts and companies: normalised (https:// added, LinkedIn/XING stored as https),
/// anything but http(s) refused with a 400 naming the field, a LinkedIn field only on linkedin.com; imported from a list,
/// exported again.
/// </summary>
public abstract class ProfileLinksTests(ProspectorFactory app)
{
    [Fact]
    public async Task Contact_links_are_normalised_and_cleared()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var created = await rep.PostAsJsonAsync("/api/v1/contacts", new
        {
            firstName = "Anna", lastName = "Müller",
            linkedInUrl = "www.linkedin.com/in/anna-mueller", xingUrl = "http://www.xing.com/profile/Anna_Mueller", website = "anna-mueller.example/blog",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        Assert.Equal("https://www.linkedin.com/in/anna-mueller", body.GetProperty("linkedInUrl").GetString());
        Assert.Equal("https://www.xing.com/profile/Anna_Mueller", body.GetProperty("xingUrl").GetString());
        Assert.Equal("https://anna-mueller.example/blog", body.GetProperty("website").GetString());

        var id = body.GetProperty("id").GetInt64();
        var cleared = await rep.PatchAsync($"/api/v1/contacts/{id}", new { linkedInUrl = "", website = (string?)null }, created.ETag());
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var after = await rep.GetJsonAsync($"/api/v1/contacts/{id}");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("linkedInUrl").ValueKind);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("website").ValueKind);
        Assert.Equal("https://www.xing.com/profile/Anna_Mueller", after.GetProperty("xingUrl").GetString());
    }

    [Theory]
    [InlineData("website", "javascript:alert(1)")]
    [InlineData("website", " JavaScript:alert(document.cookie)")]
    [InlineData("website", "data:text/html,<script>alert(1)</script>")]
    [InlineData("linkedInUrl", "javascript://www.linkedin.com/%0aalert(1)")]
    [InlineData("xingUrl", "ftp://www.xing.com/profile/x")]
    [InlineData("linkedInUrl", "https://evil.example/in/anna")]
    [InlineData("linkedInUrl", "https://linkedin.com.evil.example/in/anna")]
    [InlineData("xingUrl", "https://www.linkedin.com/in/anna")]
    public async Task A_link_that_is_not_http_or_not_on_its_network_is_refused_naming_the_field(string field, string value)
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var contact = await rep.PostAsJsonAsync("/api/v1/contacts", new Dictionary<string, object> { ["lastName"] = "Refused", [field] = value });
        await TestHttp.AssertValidationProblemAsync(contact, field);
        if (field == "website") return; // a company's website is its own free field
        var company = await rep.PostAsJsonAsync("/api/v1/companies", new Dictionary<string, object> { ["name"] = "Refused GmbH", [field] = value });
        await TestHttp.AssertValidationProblemAsync(company, field);
    }

    [Fact]
    public async Task A_LinkedIn_field_with_another_host_says_it_must_be_LinkedIn()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var res = await rep.PostAsJsonAsync("/api/v1/contacts", new { lastName = "Host", linkedInUrl = "https://www.xing.com/profile/Host" });
        await TestHttp.AssertValidationProblemAsync(res, "linkedInUrl");
        var message = JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("linkedInUrl")[0].GetString();
        Assert.Contains("LinkedIn", message);
    }

    [Fact]
    public async Task Company_links_are_normalised_to_https()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var created = await rep.PostAsJsonAsync("/api/v1/companies", new
        {
            name = TestHttp.Unique("Müller Anlagenbau"), linkedInUrl = "http://de.linkedin.com/company/mueller-anlagenbau", xingUrl = "xing.com/pages/mueller",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        Assert.Equal("https://de.linkedin.com/company/mueller-anlagenbau", body.GetProperty("linkedInUrl").GetString());
        Assert.Equal("https://xing.com/pages/mueller", body.GetProperty("xingUrl").GetString());
    }

    [Fact]
    public async Task An_imported_list_brings_the_profile_links_to_the_contact_and_the_export_takes_them_out()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        const string csv = "Vorname;Nachname;E-Mail;LinkedIn;XING\r\n"
            + "Jürgen;Profil;j.profil@profil.example;linkedin.com/in/juergen-profil;https://www.xing.com/profile/Juergen_Profil\r\n"
            + "Petra;Kaputt;p.kaputt@kaputt.example;javascript:alert(1);\r\n";
        var s = await ListSteps.ImportAsync(rep.Client, TestHttp.Unique("Profile"), Encoding.UTF8.GetBytes(csv));
        var listId = s.GetProperty("listId").GetInt64();
        var rows = (await rep.Client.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        // The bad link is a row issue the rep sees, not a link.
        Assert.Contains("linkedInUrl", rows[1].GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("field").GetString()));

        var ids = new List<long>();
        foreach (var row in rows)
        {
            var converted = await rep.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{row.GetProperty("id").GetInt64()}/convert",
                new { nextAction = new { type = "Call", dueDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)).ToString("yyyy-MM-dd") } });
            Assert.Equal(HttpStatusCode.OK, converted.StatusCode);
            ids.Add((await converted.ReadJsonAsync()).GetProperty("contactId").GetInt64());
        }
        var juergen = await rep.Client.GetJsonAsync($"/api/v1/contacts/{ids[0]}");
        Assert.Equal("https://linkedin.com/in/juergen-profil", juergen.GetProperty("linkedInUrl").GetString());
        Assert.Equal("https://www.xing.com/profile/Juergen_Profil", juergen.GetProperty("xingUrl").GetString());
        var petra = await rep.Client.GetJsonAsync($"/api/v1/contacts/{ids[1]}");
        Assert.Equal(JsonValueKind.Null, petra.GetProperty("linkedInUrl").ValueKind);

        var export = await rep.Client.GetStringAsync("/api/v1/contacts/export?format=csv");
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("LinkedIn", lines[0]);
        Assert.Contains(lines, l => l.Contains("https://linkedin.com/in/juergen-profil", StringComparison.Ordinal)
            && l.Contains("https://www.xing.com/profile/Juergen_Profil", StringComparison.Ordinal));
    }
}

public sealed class ProfileLinksTestsSqlite(SqliteApp f) : ProfileLinksTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ProfileLinksTestsPostgres(PostgresApp f) : ProfileLinksTests(f.Factory), IClassFixture<PostgresApp>;

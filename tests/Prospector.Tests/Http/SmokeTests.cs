using System.Net;
using System.Net.Http.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

public abstract class SmokeTests(ProspectorFactory app)
{
    [Fact]
    public async Task Health_is_public_and_contacts_need_credentials()
    {
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        var res = await anonymous.GetAsync("/api/v1/contacts");
        Assert.Equal(HttpStatusCode.Unauthorized, res.StatusCode);
    }

    [Fact]
    public async Task A_rep_creates_and_reads_a_contact()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var created = await rep.Client.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Jörg", lastName = "Müller", email = "j.mueller@example.de" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var list = await rep.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/contacts?q=mull");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }
}

public sealed class SmokeTestsSqlite(SqliteApp f) : SmokeTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class SmokeTestsPostgres(PostgresApp f) : SmokeTests(f.Factory), IClassFixture<PostgresApp>;

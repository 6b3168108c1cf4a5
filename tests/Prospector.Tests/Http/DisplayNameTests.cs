using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// "Jan van der Berg" is called that everywhere his name shows — the contacts list, To do, a deal, search, the calendar —
/// not "Jan Berg" in some places (the name prefix was dropped by most of the places that built a name).
/// </summary>
public abstract class DisplayNameTests(ProspectorFactory app)
{
    // Where the test users live (Europe/Berlin): from 23:00 UTC (22:00 in summer) it is already the next day there.
    private static DateOnly Today => QualificationSteps.Today;

    [Fact]
    public async Task A_dutch_name_keeps_its_prefix_wherever_it_is_shown()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var unique = TestHttp.Unique("Berg");
        var id = (await rep.CreateAsync("/api/v1/contacts", new { firstName = "Jan", namePrefix = "van der", lastName = unique, stage = "Lead" }))
            .GetProperty("id").GetInt64();
        var expected = $"Jan van der {unique}";

        var list = await rep.GetJsonAsync($"/api/v1/contacts?q={unique}");
        Assert.Equal(expected, list.GetProperty("items")[0].GetProperty("displayName").GetString());

        await rep.CreateAsync("/api/v1/tasks", new { contactId = id, type = "Call", dueDate = Today.AddDays(1), dueTime = "10:00" });
        var tasks = await rep.GetJsonAsync("/api/v1/tasks?bucket=Upcoming&pageSize=200");
        var task = tasks.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("contactId").GetInt64() == id);
        Assert.Equal(expected, task.GetProperty("contactName").GetString());

        var search = await rep.GetJsonAsync($"/api/v1/search?q={unique}");
        Assert.Contains(expected, search.GetRawText(), StringComparison.Ordinal);

        var url = (await rep.CreateAsync("/api/v1/calendar-feed", new { })).GetProperty("url").GetString()!;
        var ics = await app.CreateClient().GetStringAsync(new Uri(url).PathAndQuery);
        var calendar = Ical.Net.Calendar.Load(ics)!;
        Assert.Contains(calendar.Events, e => e.Summary == $"Call: {expected}");

        await rep.QualifyAsync(id);
        var deal = await rep.PostAsync($"/api/v1/contacts/{id}/outcome",
            TestHttp.Json("""{"outcome":"Yes","amount":1200}"""));
        Assert.True(deal.IsSuccessStatusCode, await deal.Content.ReadAsStringAsync());
        var opportunities = await rep.GetJsonAsync($"/api/v1/opportunities?contactId={id}");
        Assert.Contains(expected, opportunities.GetRawText(), StringComparison.Ordinal);
    }
}

public sealed class DisplayNameTestsSqlite(SqliteApp f) : DisplayNameTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class DisplayNameTestsPostgres(PostgresApp f) : DisplayNameTests(f.Factory), IClassFixture<PostgresApp>;

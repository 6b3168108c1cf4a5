using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>What the qualification tests do over and over: create a lead, read its criteria, answer them.</summary>
internal static class QualificationSteps
{
    public const string Contacts = "/api/v1/contacts";

    /// <summary>The required criteria of the default Lead → Prospect gate.</summary>
    public static readonly string[] RequiredDefaults =
        ["Fits the target market", "Has the budget or means to pay", "Has the authority to decide or access to the decider"];

    public static async Task<long> NewLeadAsync(this HttpClient client, string lastName = "Lead") =>
        (await client.CreateAsync(Contacts, new { lastName, stage = "Lead" })).GetProperty("id").GetInt64();

    public static Task<JsonElement> QualificationAsync(this HttpClient client, long id) =>
        client.GetJsonAsync($"{Contacts}/{id}/qualification");

    public static JsonElement Gate(this JsonElement qualification, string gate = "LeadToProspect") =>
        qualification.GetProperty("gates").EnumerateArray().Single(g => g.GetProperty("gate").GetString() == gate);

    /// <summary>Criterion ids by label, in the order shown.</summary>
    public static async Task<Dictionary<string, long>> CriteriaAsync(this HttpClient client, long id, string gate = "LeadToProspect") =>
        (await client.QualificationAsync(id)).Gate(gate).GetProperty("criteria").EnumerateArray()
            .ToDictionary(c => c.GetProperty("label").GetString()!, c => c.GetProperty("id").GetInt64());

    public static Task<HttpResponseMessage> AnswerAsync(this HttpClient client, long id, IEnumerable<long> criteria, string answer = "Met") =>
        client.PutAsJsonAsync($"{Contacts}/{id}/qualification", new { answers = criteria.Select(c => new { criterionId = c, answer }).ToArray() });

    /// <summary>What meets the default Lead → Prospect gate: the three required criteria and two of the others.</summary>
    public static readonly string[] Qualifying = [.. RequiredDefaults, "A concrete need or interest identified", "Agreed to a follow-up"];

    public static async Task QualifyAsync(this HttpClient client, long id)
    {
        var criteria = await client.CriteriaAsync(id);
        var res = await client.AnswerAsync(id, Qualifying.Select(l => criteria[l]));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.True((await res.ReadJsonAsync()).Gate().GetProperty("met").GetBoolean());
    }

    public static Task<HttpResponseMessage> MoveAsync(this HttpClient client, long id, string stage, string? reason = null, bool @override = false) =>
        client.PostAsJsonAsync($"{Contacts}/{id}/stage", new { stage, reason, @override });

    public static async Task<List<JsonElement>> LifecycleAsync(this HttpClient client, long id) =>
        [.. (await client.GetJsonAsync($"{Contacts}/{id}/lifecycle")).EnumerateArray()];

    public static string? Str(this JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;

    /// <summary>Today where the test users live (Europe/Berlin, the default zone): around midnight UTC it differs.</summary>
    public static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Europe/Berlin"));

    /// <summary>A consent given an hour ago by phone, and a recontact date.</summary>
    public static object Keep(DateOnly recontactOn) =>
        new { channel = "Phone", givenAt = DateTime.UtcNow.AddHours(-1), method = "phone call", recontactOn };
}

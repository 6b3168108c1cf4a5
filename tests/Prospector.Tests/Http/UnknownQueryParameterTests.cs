using System.Net;
using System.Text.Json;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// A query parameter an endpoint does not take is refused by name (400), on every GET of the API as documented in
/// <c>/openapi/v1.json</c>; every parameter the document names is still taken. Before, <c>GET /contacts?source=Referral</c>
/// answered every contact as though it were filtered.
/// </summary>
public abstract class UnknownQueryParameterTests(ProspectorFactory app)
{
    private async Task<List<(string Path, OpenApiOperation Op)>> GetsAsync()
    {
        var json = await (await app.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        var doc = OpenApiDocument.Parse(json, "json", new OpenApiReaderSettings()).Document!;
        return doc.Paths.Where(p => p.Key.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(p => (p.Value.Operations ?? []).Where(o => o.Key == HttpMethod.Get).Select(o => (p.Key, o.Value))).ToList();
    }

    /// <summary>Route values filled with an id; a record that does not exist is fine (404), the query is checked first.</summary>
    private static string Fill(string path) => System.Text.RegularExpressions.Regex.Replace(path, "\\{[^}]+\\}", "1");

    [Fact]
    public async Task Every_GET_of_the_API_refuses_an_unknown_query_parameter_by_name()
    {
        var admin = await app.UserAsync("Admin");
        var gets = await GetsAsync();
        Assert.True(gets.Count >= 30, $"only {gets.Count} GET operations documented");
        var wrong = new List<string>();
        foreach (var (path, _) in gets)
        {
            var res = await admin.Client.GetAsync(Fill(path) + "?bogusFilter=1");
            var text = await res.Content.ReadAsStringAsync();
            if (res.StatusCode != HttpStatusCode.BadRequest || !Names(text, "bogusFilter"))
                wrong.Add($"GET {path}?bogusFilter=1: {(int)res.StatusCode} {text[..Math.Min(200, text.Length)]}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Every_documented_query_parameter_is_still_taken()
    {
        var admin = await app.UserAsync("Admin");
        var refused = new List<string>();
        var checkedCount = 0;
        foreach (var (path, op) in await GetsAsync())
        {
            foreach (var p in (op.Parameters ?? []).Where(p => p.In == ParameterLocation.Query))
            {
                checkedCount++;
                var url = $"{Fill(path)}?{Uri.EscapeDataString(p.Name!)}={Uri.EscapeDataString(ValueFor(p.Schema))}";
                var res = await admin.Client.GetAsync(url);
                var text = await res.Content.ReadAsStringAsync();
                if (res.StatusCode == HttpStatusCode.BadRequest && text.Contains("is not a parameter of this request", StringComparison.Ordinal))
                    refused.Add($"GET {url}: {text}");
                if ((int)res.StatusCode >= 500) refused.Add($"GET {url}: {(int)res.StatusCode}");
            }
        }
        Assert.True(checkedCount >= 20, $"only {checkedCount} documented query parameters");
        Assert.True(refused.Count == 0, string.Join("\n", refused));
    }

    [Fact]
    public async Task The_contacts_list_refuses_an_unknown_parameter_and_takes_its_own_parameters_in_any_case()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var res = await rep.Client.GetAsync("/api/v1/contacts?origin=Referral");
        await TestHttp.AssertValidationProblemAsync(res, "origin");
        var text = await res.Content.ReadAsStringAsync();
        Assert.Contains("stage", text, StringComparison.Ordinal); // says what it takes instead

        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/contacts?Q=berg&STAGE=Lead&pageSize=5")).StatusCode);

        // A parameter the endpoint does not take at all (no query parameters): named too.
        await TestHttp.AssertValidationProblemAsync(await rep.Client.GetAsync("/api/v1/me?verbose=true"), "verbose");
        // Without credentials the answer is still 401, not a hint about parameters.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/v1/contacts?origin=Referral")).StatusCode);
    }

    [Fact]
    public async Task The_refusal_is_in_the_callers_language()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/contacts?quelle=Empfehlung");
        req.Headers.AcceptLanguage.ParseAdd("de");
        var res = await rep.Client.SendAsync(req);
        await TestHttp.AssertValidationProblemAsync(res, "quelle");
        var body = JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("kein Parameter", body.GetProperty("errors").GetProperty("quelle")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("validation errors", body.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    private static bool Names(string problem, string field)
    {
        try
        {
            return JsonDocument.Parse(problem).RootElement.TryGetProperty("errors", out var e) && e.TryGetProperty(field, out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string ValueFor(IOpenApiSchema? schema)
    {
        if (schema?.Enum is { Count: > 0 } values && values.FirstOrDefault(v => v is not null) is { } first)
            return first.ToString().Trim('"');
        var type = schema?.Type ?? JsonSchemaType.String;
        if (type.HasFlag(JsonSchemaType.Array)) return ValueFor(schema?.Items);
        if (type.HasFlag(JsonSchemaType.Boolean)) return "true";
        if (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)) return "1";
        return schema?.Format switch
        {
            "date" => "2026-01-05",
            "date-time" => "2026-01-05T09:00:00Z",
            _ => "x",
        };
    }
}

public sealed class UnknownQueryParameterTestsSqlite(SqliteApp f) : UnknownQueryParameterTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class UnknownQueryParameterTestsPostgres(PostgresApp f) : UnknownQueryParameterTests(f.Factory), IClassFixture<PostgresApp>;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Prospector.Tests.Infrastructure;

/// <summary>Small helpers for the HTTP tests: JSON bodies, If-Match, problem details.</summary>
public static class TestHttp
{
    /// <summary>A unique, letters-only marker (names, tags) so tests sharing one database do not see each other's rows.</summary>
    public static string Unique(string prefix = "T") =>
        prefix + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsAsciiLetter).Take(8).Select(char.ToLowerInvariant))
            .PadRight(8, 'q');

    public static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PatchAsync(this HttpClient client, string url, object body, string? ifMatch) =>
        client.SendAsync(Request(HttpMethod.Patch, url, JsonContent.Create(body), ifMatch));

    public static Task<HttpResponseMessage> PatchRawAsync(this HttpClient client, string url, string body, string? ifMatch) =>
        client.SendAsync(Request(HttpMethod.Patch, url, Json(body), ifMatch));

    public static HttpRequestMessage Request(HttpMethod method, string url, HttpContent? content = null, string? ifMatch = null)
    {
        var req = new HttpRequestMessage(method, url) { Content = content };
        if (ifMatch is not null) req.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return req;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage res) =>
        (await res.Content.ReadFromJsonAsync<JsonElement>()).Clone();

    /// <summary>GET that must succeed; returns the body.</summary>
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url)
    {
        var res = await client.GetAsync(url);
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        return await res.ReadJsonAsync();
    }

    /// <summary>POST that must create; returns the body.</summary>
    public static async Task<JsonElement> CreateAsync(this HttpClient client, string url, object body)
    {
        var res = await client.PostAsJsonAsync(url, body);
        Assert.True(res.StatusCode == HttpStatusCode.Created, $"POST {url}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        return await res.ReadJsonAsync();
    }

    public static string? ETag(this HttpResponseMessage res) => res.Headers.ETag?.ToString();

    /// <summary>The path a redirect points to (Location may be absolute or relative), or null without one.</summary>
    public static string? RedirectPath(this HttpResponseMessage res) =>
        res.Headers.Location is { } l ? new Uri(new Uri("http://localhost"), l).AbsolutePath : null;

    /// <summary>Asserts a 400 ValidationProblem whose <c>errors</c> object names the field.</summary>
    public static async Task AssertValidationProblemAsync(HttpResponseMessage res, string field)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.BadRequest, $"expected 400 naming '{field}', got {(int)res.StatusCode}: {text}");
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages) && messages.GetArrayLength() > 0,
            $"errors should name '{field}': {text}");
    }

    public static IEnumerable<long> Ids(this JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64());

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}

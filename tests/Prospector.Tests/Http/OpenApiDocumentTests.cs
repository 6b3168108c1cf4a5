using System.Net;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// <c>/openapi/v1.json</c> is what API clients are generated from: it must parse with a strict OpenAPI reader and document
/// every request body (with an example), every success and the ProblemDetails errors of every endpoint. An endpoint
/// that reads a body its document does not show fails here.
/// </summary>
public abstract partial class OpenApiDocumentTests(ProspectorFactory app)
{
    private async Task<OpenApiDocument> ReadAsync()
    {
        var json = await (await app.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        var read = OpenApiDocument.Parse(json, "json", new OpenApiReaderSettings());
        Assert.Empty(read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []);
        return read.Document!;
    }

    private static IEnumerable<(string Path, HttpMethod Method, OpenApiOperation Op)> Operations(OpenApiDocument doc) =>
        doc.Paths.Where(p => p.Key.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(p => (p.Value.Operations ?? []).Select(o => (p.Key, o.Key, o.Value)));

    [Fact]
    public async Task Every_operation_documents_its_success_and_its_problems()
    {
        var doc = await ReadAsync();
        var ops = Operations(doc).ToList();
        Assert.True(ops.Count >= 60, $"only {ops.Count} operations documented");
        var missing = new List<string>();
        foreach (var (path, method, op) in ops)
        {
            var codes = op.Responses?.Keys.ToList() ?? [];
            if (!codes.Any(c => c.StartsWith('2'))) missing.Add($"{method} {path}: no success response");
            var problems = op.Responses?.Where(r => r.Key.StartsWith('4')).ToList() ?? [];
            if (problems.Count == 0) missing.Add($"{method} {path}: no error response");
            if (problems.Any(r => r.Value.Content?.Keys.Any(k => k.Contains("problem+json", StringComparison.Ordinal)) != true))
                missing.Add($"{method} {path}: an error without a ProblemDetails body");
            if (path.Contains('{', StringComparison.Ordinal) && !codes.Contains("404")) missing.Add($"{method} {path}: no 404");
        }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task Every_json_request_body_has_a_schema_and_an_example()
    {
        var doc = await ReadAsync();
        var missing = Operations(doc)
            .SelectMany(o => (o.Op.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
                .Where(c => c.Key.Contains("json", StringComparison.Ordinal) && (c.Value.Schema is null || c.Value.Example is null))
                .Select(c => $"{o.Method} {o.Path} ({c.Key})"))
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public async Task No_endpoint_reads_a_body_its_document_does_not_show()
    {
        var doc = await ReadAsync();
        var admin = (await app.UserAsync("Admin")).Client;
        var id = (await admin.CreateAsync("/api/v1/contacts", new { lastName = "Probe" })).GetProperty("id").GetInt64()
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bodiless = Operations(doc)
            .Where(o => (o.Method == HttpMethod.Post || o.Method == HttpMethod.Put || o.Method == HttpMethod.Patch) && o.Op.RequestBody is null)
            .ToList();
        var undocumented = new List<string>();
        foreach (var (path, method, _) in bodiless)
        {
            var url = Placeholder().Replace(path, id);
            using var req = TestHttp.Request(method, url, TestHttp.Json("""{"fieldNoEndpointKnows":1}"""), "\"1\"");
            var res = await admin.SendAsync(req);
            var text = await res.Content.ReadAsStringAsync();
            // An endpoint that ignores bodies cannot name a field of one.
            if (res.StatusCode == HttpStatusCode.BadRequest && text.Contains("fieldNoEndpointKnows", StringComparison.Ordinal))
                undocumented.Add($"{method} {path}");
        }
        Assert.Empty(undocumented);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Placeholder();
}

public sealed class OpenApiDocumentTestsSqlite(SqliteApp f) : OpenApiDocumentTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class OpenApiDocumentTestsPostgres(PostgresApp f) : OpenApiDocumentTests(f.Factory), IClassFixture<PostgresApp>;

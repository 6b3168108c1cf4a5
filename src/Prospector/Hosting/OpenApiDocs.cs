using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Prospector.Features.Common;

namespace Prospector.Hosting;

/// <summary>
/// Completes <c>/openapi/v1.json</c> where the typed results cannot speak for themselves: the errors every endpoint may
/// answer (as ProblemDetails), the If-Match header of versioned writes, and an example for every JSON request body, so
/// a client generated from the document knows every body, response and error.
/// </summary>
internal static class OpenApiDocs
{
    public static void Configure(OpenApiOptions o)
    {
        o.AddOperationTransformer(DocumentErrors);
        o.AddDocumentTransformer(AddBodyExamples);
    }

    private static Task DocumentErrors(OpenApiOperation op, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var d = context.Description;
        if (d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) != true) return Task.CompletedTask;
        var meta = d.ActionDescriptor.EndpointMetadata;
        op.Responses ??= [];
        if (!meta.OfType<IAllowAnonymous>().Any())
            Add(op, "401", "Not signed in: no session cookie and no valid API token (Authorization: Bearer …).");
        if (meta.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
            Add(op, "403", "Signed in, but your role may not do this.");
        if (d.ParameterDescriptions.Any(p => p.Source == BindingSource.Path))
            Add(op, "404", "No such record, or one you may not see (the two are never told apart).");
        // Every operation: a query parameter it does not take is refused by name (Hosting/QueryGuard.cs).
        Add(op, "400", "The request was not valid: `errors` names each field or query parameter and what is wrong with it.", validation: true);
        // A file (CSV, XLSX, SVG, PNG, ZIP, iCalendar) is the body's bytes as they are, not base64 text in JSON.
        foreach (var media in op.Responses.Values.SelectMany(r => r.Content ?? new Dictionary<string, OpenApiMediaType>())
                     .Where(m => !m.Key.Contains("json", StringComparison.OrdinalIgnoreCase) && m.Value.Schema is OpenApiSchema { Format: "byte" }))
            media.Value.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        if (meta.OfType<IfMatchMetadata>().FirstOrDefault() is { } ifMatch)
        {
            op.Parameters ??= [];
            op.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match", In = ParameterLocation.Header, Required = ifMatch.Required,
                Description = ifMatch.Required ? "The ETag of the version the change is based on (from GET), e.g. \"3\"."
                    : "Optional: the ETag of the version you saw, so a change made meanwhile is not overridden.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            Add(op, "412", "The record changed since that version: `currentVersion` says which one is current.");
            if (ifMatch.Required) Add(op, "428", "If-Match is missing.");
        }
        return Task.CompletedTask;
    }

    private static void Add(OpenApiOperation op, string status, string description, bool validation = false)
    {
        if (op.Responses!.ContainsKey(status)) return;
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "In the request's language (Accept-Language)." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
        };
        if (validation)
            properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            };
        op.Responses![status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = properties } },
            },
        };
    }

    private static Task AddBodyExamples(OpenApiDocument doc, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        foreach (var path in doc.Paths.Values)
            foreach (var op in path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
                foreach (var (type, media) in op.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
                    if (type.Contains("json", StringComparison.Ordinal) && media.Example is null && media.Schema is { } schema)
                        media.Example = Example(schema, doc, null, 0);
        return Task.CompletedTask;
    }

    /// <summary>A plausible value for a schema: what a client would send, built from the schema's types, formats and names.</summary>
    private static JsonNode? Example(IOpenApiSchema schema, OpenApiDocument doc, string? name, int depth)
    {
        if (schema is OpenApiSchemaReference r)
            schema = r.Target ?? (doc.Components?.Schemas?.TryGetValue(r.Reference.Id ?? "", out var s) == true ? s : schema);
        if (schema.Enum is { Count: > 0 } values) return values.FirstOrDefault(v => v is not null)?.DeepClone();
        if (schema.OneOf?.Concat(schema.AnyOf ?? []).FirstOrDefault(x => x.Type is not JsonSchemaType.Null) is { } first)
            return Example(first, doc, name, depth);
        var t = schema.Type ?? JsonSchemaType.Object;
        if (t.HasFlag(JsonSchemaType.Object) && depth < 3)
        {
            var obj = new JsonObject();
            foreach (var (key, value) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
                if (value.ReadOnly != true) obj[key] = Example(value, doc, key, depth + 1);
            return obj;
        }
        if (t.HasFlag(JsonSchemaType.Array)) return schema.Items is { } items && depth < 3 ? new JsonArray(Example(items, doc, name, depth + 1)) : new JsonArray();
        if (t.HasFlag(JsonSchemaType.Boolean)) return JsonValue.Create(true);
        if (t.HasFlag(JsonSchemaType.Integer)) return JsonValue.Create(1);
        if (t.HasFlag(JsonSchemaType.Number)) return JsonValue.Create(1500);
        if (!t.HasFlag(JsonSchemaType.String)) return null;
        var n = name?.ToLowerInvariant() ?? "";
        return JsonValue.Create(schema.Format switch
        {
            "email" => "anna.berg@example.de",
            "date" => "2026-12-01",
            "date-time" => "2026-12-01T09:00:00Z",
            "time" => "09:00:00",
            _ when n.Contains("email", StringComparison.Ordinal) => "anna.berg@example.de",
            _ when n.Contains("phone", StringComparison.Ordinal) || n.Contains("mobile", StringComparison.Ordinal) => "+49 40 1234567",
            _ when n.Contains("country", StringComparison.Ordinal) => "DE",
            _ when n.Contains("currency", StringComparison.Ordinal) => "EUR",
            _ when n.Contains("date", StringComparison.Ordinal) => "2026-12-01",
            _ when n.Contains("time", StringComparison.Ordinal) => "09:00",
            _ when n.Contains("name", StringComparison.Ordinal) => "Berg",
            _ => "Example",
        });
    }
}

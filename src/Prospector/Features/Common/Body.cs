using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Prospector.Features.Common;

/// <summary>
/// A body record whose fields are read one by one through <see cref="Body{T}.Fields"/> (set and merge-patch of a stored
/// record, ADR 0003), so <see cref="Body{T}.Value"/> is not built: the record only declares the fields accepted.
/// </summary>
public interface IReadFieldByField;

/// <summary>Endpoint metadata: this endpoint reads its body through <see cref="Body{T}"/> (checked by the tests).</summary>
public sealed record ReadsBody(Type RecordType);

/// <summary>
/// The one way a JSON request body is read (ADR 0008). A handler takes <c>Body&lt;T&gt;</c> (or <c>Body&lt;T&gt;?</c> when
/// the body is optional), where <typeparamref name="T"/> is the record that declares the fields accepted; the record is
/// also what <c>/openapi/v1.json</c> documents. Before the handler runs, the body must be a JSON object
/// (<c>application/json</c> or <c>+json</c>; anything else is 415, so a cross-site form cannot post it), with no field
/// named twice (in any letter case) and no field the record does not declare (400 naming it). Then
/// <see cref="Value"/> is the record read strictly (a wrong type is a 400 naming the field), and <see cref="Fields"/>
/// tells a field left out from a field sent as <c>null</c> (merge-patch).
/// </summary>
public sealed class Body<T> : IEndpointParameterMetadataProvider where T : class
{
    private static readonly string[] ContentTypes = ["application/json", "application/merge-patch+json"];
    private readonly T? _value;

    private Body(JsonFields fields, T? value)
    {
        Fields = fields;
        _value = value;
    }

    /// <summary>The body field by field: <c>Fields.Has("x")</c> is true for a field sent, also when sent as null.</summary>
    public JsonFields Fields { get; }

    /// <summary>The body as its record (not built for <see cref="IReadFieldByField"/> records).</summary>
    public T Value => _value ?? throw new InvalidOperationException($"{typeof(T).Name} is read field by field: use Fields.");

    /// <summary>Whether the body sent this field (also as null); the names are the JSON names.</summary>
    public bool Has(string field) => Fields.Has(field);

    /// <summary>The JSON names of the record's properties: the only fields a body may contain.</summary>
    public static IReadOnlySet<string> Allowed { get; } = typeof(T)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name))
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static async ValueTask<Body<T>?> BindAsync(HttpContext http, ParameterInfo parameter)
    {
        var request = http.Request;
        var l = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        var hasContentType = !string.IsNullOrEmpty(request.ContentType);
        if (hasContentType && !request.HasJsonContentType())
            throw BodyProblem.UnsupportedMediaType(l["Send the body as JSON (Content-Type: application/json); '{0}' is not accepted.", request.ContentType!]);
        var empty = request.ContentLength == 0
            || http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false };
        if (empty)
        {
            if (IsOptional(parameter)) return null;
            throw new BodyProblem(new() { ["body"] = [l["A JSON body is required."]] });
        }
        if (!hasContentType)
            throw BodyProblem.UnsupportedMediaType(l["Send the body as JSON (Content-Type: application/json); '{0}' is not accepted.", "(none)"]);
        var (fields, errors) = await JsonFields.ReadAsync(request, Allowed, http.RequestAborted);
        if (fields is null) throw new BodyProblem(errors!);
        if (typeof(IReadFieldByField).IsAssignableFrom(typeof(T))) return new Body<T>(fields, null);
        var options = BodyOptions(http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        try
        {
            var value = fields.Deserialize<T>(options)
                ?? throw new BodyProblem(new() { ["body"] = [l["The body must be a JSON object."]] });
            return new Body<T>(fields, value);
        }
        catch (JsonException e)
        {
            var (field, message) = BodyProblem.Explain(e, l);
            throw new BodyProblem(new() { [field] = [message] });
        }
    }

    private static (JsonSerializerOptions From, JsonSerializerOptions Made)? _bodyOptions;

    /// <summary>
    /// The app's JSON options with days read strictly and within the product's years (<see cref="Dates.DayConverter"/>): for
    /// reading bodies only, so the OpenAPI document (made from the app's options) still describes a day as a date.
    /// </summary>
    private static JsonSerializerOptions BodyOptions(JsonSerializerOptions app)
    {
        if (_bodyOptions is { } cached && ReferenceEquals(cached.From, app)) return cached.Made;
        var made = new JsonSerializerOptions(app);
        made.Converters.Add(new Dates.DayConverter());
        made.MakeReadOnly();
        _bodyOptions = (app, made);
        return made;
    }

    private static bool IsOptional(ParameterInfo parameter) =>
        new NullabilityInfoContext().Create(parameter).WriteState == NullabilityState.Nullable;

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        builder.Metadata.Add(new AcceptsMetadata(ContentTypes, typeof(T), IsOptional(parameter)));
        builder.Metadata.Add(new ReadsBody(typeof(T)));
    }
}

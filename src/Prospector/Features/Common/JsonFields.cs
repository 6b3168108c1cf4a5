using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Localization;

namespace Prospector.Features.Common;

/// <summary>
/// Reads a JSON object body field by field so every mistake names its field (only through <see cref="Body{T}"/>, ADR 0008): unknown fields, wrong types,
/// over-long strings, invalid e-mail addresses. Used for create (POST) and merge-patch (PATCH) alike:
/// a field that is present is applied, null clears it, an absent field is left alone.
/// </summary>
public sealed class JsonFields
{
    private readonly JsonObject _body;
    private readonly IStringLocalizer? _l;
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.OrdinalIgnoreCase);

    private JsonFields(JsonObject body, IStringLocalizer? l)
    {
        _body = body;
        _l = l;
    }

    /// <summary>A message in the caller's language (API: Accept-Language; UI: the user's choice).</summary>
    public string T(string format, params object[] args) =>
        _l is null ? string.Format(CultureInfo.InvariantCulture, format, args) : _l[format, args];

    internal static async Task<(JsonFields? Fields, Dictionary<string, string[]>? Errors)> ReadAsync(
        HttpRequest request, IReadOnlySet<string> allowed, CancellationToken ct)
    {
        var l = request.HttpContext.RequestServices.GetService<IStringLocalizer<SharedResource>>();
        string T(string format, params object[] args) => l is null ? string.Format(CultureInfo.InvariantCulture, format, args) : l[format, args];
        JsonNode? node;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 16 }, ct);
            // Field names are read without regard to case, so {"ownerId":1,"OwnerId":2} names one field twice: which one
            // counts would be a guess, and JsonObject would throw on it. Say so instead.
            if (FirstRepeatedName(doc.RootElement) is { } repeated)
                return (null, new() { [repeated] = [T("The field '{0}' appears more than once.", repeated)] });
            // Half of an emoji ("\ud83d" alone) or a noncharacter (U+FFFE) is not text: .NET's Unicode operations (search keys,
            // e-mail folding) throw on it and PostgreSQL's encoder refuses it.
            if (FirstField(doc.RootElement, "body", s => Data.UnicodeText.Valid(s) != s) is { } broken)
                return (null, new() { [broken] = [T(NotText, broken)] });
            // A NUL character cannot be stored (PostgreSQL refuses it in text) and is never meant: name the field.
            if (FirstFieldWithNul(doc.RootElement, "body") is { } nul)
                return (null, new() { [nul] = [T("{0} contains a character that cannot be stored (NUL).", nul)] });
            node = JsonNode.Parse(doc.RootElement.GetRawText(), new JsonNodeOptions { PropertyNameCaseInsensitive = true });
        }
        catch (JsonException e)
        {
            return (null, new() { ["body"] = [T("The body is not valid JSON: {0}", e.Message)] });
        }
        if (node is not JsonObject obj)
            return (null, new() { ["body"] = [T("The body must be a JSON object.")] });
        var unknown = obj.Select(p => p.Key).Where(k => !allowed.Contains(k)).ToList();
        if (unknown.Count > 0)
            return (null, unknown.ToDictionary(k => k, k => new[] { T("Unknown field '{0}'.", k) }));
        return (new JsonFields(obj, l), null);
    }

    /// <summary>A JSON string as .NET text; false for one .NET cannot hold (an escaped lone surrogate, "\ud83d").</summary>
    private static bool Readable(Func<string> read, out string text)
    {
        try
        {
            text = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    public const string NotText = "{0} contains a character that is not text (half of an emoji, U+FFFE or U+FFFF).";

    /// <summary>The path of the first string (value or member name), at any depth, that contains a NUL character.</summary>
    public static string? FirstFieldWithNul(JsonElement e, string path) => FirstField(e, path, s => s.Contains('\0', StringComparison.Ordinal));

    /// <summary>The path of the first string (value or member name), at any depth, that <paramref name="bad"/> refuses.</summary>
    public static string? FirstField(JsonElement e, string path, Func<string, bool> bad)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return !Readable(() => e.GetString()!, out var text) || bad(text) ? path : null;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    if (!Readable(() => p.Name, out var key)) return path;
                    var inner = path == "body" ? key : $"{path}.{key}";
                    if (bad(key)) return path;
                    if (FirstField(p.Value, inner, bad) is { } found) return found;
                }
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                    if (FirstField(item, $"{path}[{i++}]", bad) is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    /// <summary>The first object member name, at any depth, that appears twice in its object (ignoring case).</summary>
    public static string? FirstRepeatedName(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var p in e.EnumerateObject())
                {
                    if (!seen.Add(p.Name)) return p.Name;
                    if (FirstRepeatedName(p.Value) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                    if (FirstRepeatedName(item) is { } inner) return inner;
                return null;
            default:
                return null;
        }
    }

    /// <summary>Wraps a body built in code (the UI's forms) so it passes the same checks as the API.</summary>
    public static JsonFields From(JsonObject body, IStringLocalizer? l = null) => new(body, l);

    public bool Has(string name) => _body.ContainsKey(name);

    /// <summary>Whether the field was sent as JSON null (merge-patch: clear it).</summary>
    public bool IsNull(string name) => Has(name) && _body[name] is null;

    /// <summary>A nested object read with the same language for its messages.</summary>
    public JsonFields Nested(JsonObject inner) => new(inner, _l);

    /// <summary>The whole checked object as a typed record (<see cref="Body{T}"/>); throws <see cref="JsonException"/> naming the path.</summary>
    public T? Deserialize<T>(JsonSerializerOptions options) => _body.Deserialize<T>(options);

    private JsonNode? Node(string name) => _body[name];

    /// <summary>A string field: trimmed, empty becomes null, length checked.</summary>
    public bool String(string name, int maxLength, Action<string?> set, bool required = false)
    {
        if (!Has(name)) return false;
        var n = Node(name);
        if (n is null) { if (required) Fail(name, T("{0} is required.", name)); else set(null); return true; }
        if (n.GetValueKind() != JsonValueKind.String) { Fail(name, T("{0} must be a string.", name)); return true; }
        var s = n.GetValue<string>().Trim();
        if (s.Length == 0) { if (required) Fail(name, T("{0} is required.", name)); else set(null); return true; }
        if (s.Length > maxLength) { Fail(name, T("{0} is longer than {1} characters.", name, maxLength)); return true; }
        set(s);
        return true;
    }

    public void Email(string name, Action<string?> set) => String(name, 254, v =>
    {
        if (v is not null && !IsEmail(v)) Fail(name, T("'{0}' is not a valid e-mail address.", v));
        else set(v);
    });

    public void Country(string name, Action<string?> set) => String(name, 2, v =>
    {
        if (v is not null && (v.Length != 2 || !v.All(char.IsAsciiLetter))) Fail(name, T("{0} must be a two-letter ISO code such as DE or NL.", name));
        else set(v?.ToUpperInvariant());
    });

    public void Enum<T>(string name, Action<T> set) where T : struct, Enum => String(name, 32, v =>
    {
        if (v is not null && System.Enum.TryParse<T>(v, ignoreCase: true, out var e) && System.Enum.IsDefined(e) && !char.IsDigit(v[0])) set(e);
        else Fail(name, this.T("{0} must be one of: {1}.", name, string.Join(", ", System.Enum.GetNames<T>())));
    });

    public void Id(string name, Action<long?> set)
    {
        if (!Has(name)) return;
        var n = Node(name);
        if (n is null) { set(null); return; }
        if (n.GetValueKind() == JsonValueKind.Number && n.AsValue().TryGetValue<long>(out var id) && id > 0) set(id);
        else Fail(name, T("{0} must be a positive integer id.", name));
    }

    /// <summary>A whole number in [min, max].</summary>
    public void Int(string name, int min, int max, Action<int?> set)
    {
        if (!Has(name)) return;
        var n = Node(name);
        if (n is null) { set(null); return; }
        if (n.GetValueKind() == JsonValueKind.Number && n.AsValue().TryGetValue<int>(out var v) && v >= min && v <= max) set(v);
        else Fail(name, T("{0} must be a whole number from {1} to {2}.", name, min, max));
    }

    /// <summary>A moment as ISO 8601 with an offset or Z (2026-11-23T14:30:00+01:00), stored as UTC.</summary>
    public void Moment(string name, Action<DateTime?> set)
    {
        if (!Has(name)) return;
        var n = Node(name);
        if (n is null) { set(null); return; }
        // Only ISO 8601 ("01.03.2026" is not read as 3 January), and within the years any date of the product may lie in.
        if (n.GetValueKind() == JsonValueKind.String && Dates.TryParseMoment(n.GetValue<string>(), out var at) && Dates.InRange(at))
            set(at);
        else Fail(name, T("{0} must be a date and time such as 2026-11-23T14:30:00+01:00.", name));
    }

    public void Tags(string name, Action<List<string>> set)
    {
        if (!Has(name)) return;
        if (Node(name) is not JsonArray arr) { Fail(name, T("{0} must be an array of strings.", name)); return; }
        var tags = new List<string>();
        foreach (var t in arr)
        {
            if (t?.GetValueKind() != JsonValueKind.String || t.GetValue<string>().Trim() is not { Length: > 0 and <= 50 } s)
            { Fail(name, T("Each tag must be a text of 1 to 50 characters.")); return; }
            tags.Add(s);
        }
        set(tags.Distinct(StringComparer.OrdinalIgnoreCase).ToList());
    }

    /// <summary>A free JSON object of custom fields (string, number or boolean values).</summary>
    public void Object(string name, Action<string?> set)
    {
        if (!Has(name)) return;
        var n = Node(name);
        if (n is null) { set(null); return; }
        if (n is not JsonObject o || o.Any(p => p.Value is JsonObject or JsonArray))
        { Fail(name, T("{0} must be an object of simple values.", name)); return; }
        var json = o.ToJsonString();
        if (json.Length > 8000) { Fail(name, T("{0} is too large.", name)); return; }
        set(json);
    }

    public JsonArray? Array(string name)
    {
        if (!Has(name)) return null;
        if (Node(name) is JsonArray a) return a;
        Fail(name, T("{0} must be an array.", name));
        return null;
    }

    public void Bool(string name, Action<bool> set)
    {
        if (!Has(name)) return;
        if (Node(name)?.GetValueKind() is JsonValueKind.True or JsonValueKind.False) set(Node(name)!.GetValue<bool>());
        else Fail(name, T("{0} must be true or false.", name));
    }

    /// <summary>A nested object, for a nested set of fields; null (with an error) when it is something else.</summary>
    public JsonObject? ObjectNode(string name)
    {
        if (!Has(name)) return null;
        if (Node(name) is JsonObject o) return o;
        Fail(name, T("{0} must be an object.", name));
        return null;
    }

    public void Fail(string name, string message) =>
        Errors[name] = Errors.TryGetValue(name, out var e) ? [.. e, message] : [message];

    public static bool IsEmail(string s) =>
        s.Length <= 254 && !s.Any(char.IsWhiteSpace) && s.Count(c => c == '@') == 1
        && MailAddress.TryCreate(s, out var m) && m.Address == s && m.Host.Contains('.', StringComparison.Ordinal);

    public static string Invariant(IFormattable f) => f.ToString(null, CultureInfo.InvariantCulture);
}

using System.Text.Json;

namespace Prospector.Features.Forms;

/// <summary>One field a web form may ask for: its key (the contact field it fills), its label (a resource key), limits and input kind.</summary>
public sealed record FormFieldKind(string Key, string Label, int MaxLength, string InputType, string AutoComplete, bool Multiline = false);

/// <summary>One field of a form as configured: which one and whether the visitor must fill it.</summary>
public sealed record FormField(string Key, bool Required);

/// <summary>
/// The fixed set of fields a web form can ask for, each mapped to a contact field (the message becomes the inbound
/// conversation's text). The e-mail is always asked for and required: it is how a second request finds the same person.
/// </summary>
public static class FormFields
{
    public const string Email = "email";
    public const string Message = "message";

    public static readonly IReadOnlyList<FormFieldKind> All =
    [
        new("firstName", "First name", 100, "text", "given-name"),
        new("lastName", "Last name", 100, "text", "family-name"),
        new(Email, "E-mail", 254, "email", "email"),
        new("phone", "Phone", 40, "tel", "tel"),
        new("company", "Company", 200, "text", "organization"),
        new("jobTitle", "Job title", 100, "text", "organization-title"),
        new(Message, "Message", 4000, "textarea", "off", Multiline: true),
    ];

    public static FormFieldKind? Find(string key) => All.FirstOrDefault(k => k.Key == key);

    /// <summary>The fields a new form starts with.</summary>
    public static readonly IReadOnlyList<FormField> Defaults =
        [new("firstName", false), new("lastName", true), new(Email, true), new("phone", false), new("company", false), new(Message, false)];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(IEnumerable<FormField> fields) => JsonSerializer.Serialize(fields, Json);

    public static List<FormField> Parse(string json)
    {
        try
        {
            return (JsonSerializer.Deserialize<List<FormField>>(json, Json) ?? []).Where(f => Find(f.Key) is not null).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The keys in the fixed order of <see cref="All"/>, the e-mail always in and required.</summary>
    public static List<FormField> Normalise(IEnumerable<FormField> fields)
    {
        var asked = fields.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Any(f => f.Required));
        asked[Email] = true;
        return All.Where(k => asked.ContainsKey(k.Key)).Select(k => new FormField(k.Key, asked[k.Key])).ToList();
    }
}

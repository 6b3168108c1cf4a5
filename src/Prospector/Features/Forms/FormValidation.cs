using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Forms;

/// <summary>The checks of a submission's values, the same on the public page and when an admin accepts one from review.</summary>
public static class FormValidation
{
    /// <summary>Field key → one message in the current language; empty when all is well.</summary>
    public static Dictionary<string, string> Check(WebForm form, IReadOnlyDictionary<string, string> values, bool consent, IStringLocalizer l)
    {
        var errors = new Dictionary<string, string>();
        foreach (var field in FormFields.Parse(form.Fields))
        {
            var kind = FormFields.Find(field.Key)!;
            var value = values.TryGetValue(field.Key, out var v) ? v.Trim() : "";
            if (value.Length == 0)
            {
                if (field.Required) errors[field.Key] = l["Please fill in {0}.", l[kind.Label]];
                continue;
            }
            if (value.Length > kind.MaxLength) errors[field.Key] = l["{0} is longer than {1} characters.", l[kind.Label], kind.MaxLength];
            else if (field.Key == FormFields.Email && !JsonFields.IsEmail(value)) errors[field.Key] = l["Please enter a valid e-mail address."];
            else if (field.Key == "phone" && SafeUrl.Tel(value) is null) errors[field.Key] = l["Please enter a phone number (digits, +, spaces)."];
        }
        if (form.ConsentRequired && !consent) errors["consent"] = l["Please tick the box to agree."];
        return errors;
    }
}

/// <summary>Where a form may send the visitor after sending: an https address, or a path on this site (<see cref="SafeUrl"/>).</summary>
public static class FormRedirect
{
    public static string? Normalise(string? url)
    {
        var s = url?.Trim();
        if (string.IsNullOrEmpty(s)) return null;
        if (s.StartsWith('/')) return SafeUrl.Local(s) == s ? s : null;
        if (!s.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) return null;
        return SafeUrl.Web(s) is { } web && web.StartsWith("https://", StringComparison.Ordinal) ? web : null;
    }

    /// <summary>The origin the redirect leaves for (for the page's form-action policy), or null for a path on this site.</summary>
    public static string? Origin(string? normalised) =>
        normalised is not null && Uri.TryCreate(normalised, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Authority) : null;
}

using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.Localization;
using Prospector.Data;

namespace Prospector.Features.Forms;

/// <summary>
/// The public form as plain HTML (no Blazor, no script): the page at <c>/f/{slug}</c>, the snippet to paste into a website,
/// and the thank-you and not-found pages. Every value is HTML-encoded; the thank-you page never shows what was sent.
/// </summary>
public static class FormHtml
{
    /// <summary>The hidden field that must stay empty: people do not see it, form-filling robots do.</summary>
    public const string Honeypot = "website";
    public const string TokenField = "_t";
    public const string LanguageField = "_lang";
    public const string ConsentField = "consent";

    /// <summary>Encodes the markup characters (&lt; &gt; &amp; quotes); letters of every language stay readable.</summary>
    private static readonly HtmlEncoder H = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1f2933}
        main{max-width:560px;margin:32px auto;background:#fff;padding:24px;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
        h1{font-size:1.5rem;margin:0 0 16px}label{display:block;font-weight:600;margin:12px 0 4px}
        input[type=text],input[type=email],input[type=tel],textarea{width:100%;box-sizing:border-box;padding:8px;border:1px solid #9aa5b1;border-radius:4px;font:inherit}
        textarea{min-height:120px}.consent{display:flex;gap:8px;align-items:flex-start;margin-top:16px;font-weight:400}
        .consent input{margin-top:4px}.err{color:#b00020;font-size:.9rem;margin-top:4px}.summary{border:1px solid #b00020;background:#fdecee;padding:8px 12px;border-radius:4px}
        button{margin-top:20px;padding:10px 20px;background:#1565c0;color:#fff;border:0;border-radius:4px;font:inherit;cursor:pointer}
        .req{color:#b00020}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
        @media (max-width:600px){main{margin:0;border-radius:0;box-shadow:none;padding:16px}}
        """;

    public static string Page(string language, string title, string body) =>
        $"""
        <!DOCTYPE html>
        <html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex"><title>{H.Encode(title)}</title><style>{Style}</style></head>
        <body><main>{body}</main></body></html>
        """;

    /// <summary>The form's fields, consent box and hidden checks, posting to <paramref name="action"/>.</summary>
    public static string Form(WebForm form, string action, string language, string token, IStringLocalizer l,
        IReadOnlyDictionary<string, string>? values = null, IReadOnlyDictionary<string, string>? errors = null, bool consent = false)
    {
        var sb = new StringBuilder();
        sb.Append($"<form method=\"post\" action=\"{H.Encode(action)}\" accept-charset=\"utf-8\" class=\"prospector-form\">\n");
        if (errors is { Count: > 0 })
            sb.Append($"<p class=\"summary\" role=\"alert\">{H.Encode(l["Please correct the marked fields."])}</p>\n");
        foreach (var field in FormFields.Parse(form.Fields))
        {
            var kind = FormFields.Find(field.Key)!;
            var id = "pf-" + kind.Key;
            var value = values is not null && values.TryGetValue(kind.Key, out var v) ? v : "";
            var req = field.Required ? " required" : "";
            var error = errors is not null && errors.TryGetValue(kind.Key, out var e) ? e : null;
            var invalid = error is null ? "" : $" aria-invalid=\"true\" aria-describedby=\"{id}-err\"";
            sb.Append($"<label for=\"{id}\">{H.Encode(l[kind.Label])}{(field.Required ? " <span class=\"req\" aria-hidden=\"true\">*</span>" : "")}</label>\n");
            if (kind.Multiline)
                sb.Append($"<textarea id=\"{id}\" name=\"{kind.Key}\" maxlength=\"{kind.MaxLength}\"{req}{invalid}>{H.Encode(value)}</textarea>\n");
            else
                sb.Append($"<input id=\"{id}\" type=\"{kind.InputType}\" name=\"{kind.Key}\" maxlength=\"{kind.MaxLength}\" autocomplete=\"{kind.AutoComplete}\" value=\"{H.Encode(value)}\"{req}{invalid}>\n");
            if (error is not null) sb.Append($"<div class=\"err\" id=\"{id}-err\">{H.Encode(error)}</div>\n");
        }
        if (LeadIntake.ConsentText(form).In(language) is { } consentText)
        {
            var req = form.ConsentRequired ? " required" : "";
            sb.Append($"<label class=\"consent\"><input type=\"checkbox\" name=\"{ConsentField}\" value=\"yes\"{(consent ? " checked" : "")}{req}> <span>{H.Encode(consentText)}</span></label>\n");
            if (errors is not null && errors.TryGetValue(ConsentField, out var ce)) sb.Append($"<div class=\"err\">{H.Encode(ce)}</div>\n");
        }
        sb.Append($"<div class=\"hp\" aria-hidden=\"true\"><label for=\"pf-{Honeypot}\">{H.Encode(l["Leave this field empty"])}</label>");
        sb.Append($"<input id=\"pf-{Honeypot}\" type=\"text\" name=\"{Honeypot}\" tabindex=\"-1\" autocomplete=\"off\" value=\"\"></div>\n");
        sb.Append($"<input type=\"hidden\" name=\"{TokenField}\" value=\"{H.Encode(token)}\">\n");
        sb.Append($"<input type=\"hidden\" name=\"{LanguageField}\" value=\"{language}\">\n");
        sb.Append($"<button type=\"submit\">{H.Encode(l["Send"])}</button>\n</form>");
        return sb.ToString();
    }

    /// <summary>The HTML to paste into a website: the form alone, its hidden field hidden by an inline style, no script.</summary>
    public static string Snippet(WebForm form, string action, string language, string token, IStringLocalizer l) =>
        Form(form, action, language, token, l).Replace("<div class=\"hp\" aria-hidden=\"true\">",
            "<div class=\"hp\" aria-hidden=\"true\" style=\"position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden\">", StringComparison.Ordinal);

    public static string FormPage(WebForm form, string action, string language, string token, IStringLocalizer l,
        IReadOnlyDictionary<string, string>? values = null, IReadOnlyDictionary<string, string>? errors = null, bool consent = false) =>
        Page(language, form.Name, $"<h1>{H.Encode(form.Name)}</h1>\n" + Form(form, action, language, token, l, values, errors, consent));

    /// <summary>The thank-you: the form's own text or a standard one. Nothing the visitor sent appears here.</summary>
    public static string ThankYou(WebForm form, string language, IStringLocalizer l)
    {
        var text = new FormTexts(form.ThankYouEn, form.ThankYouDe, form.ThankYouNl).In(language) ?? l["Thank you. We will get back to you soon."];
        return Page(language, form.Name, $"<h1>{H.Encode(l["Thank you"])}</h1>\n<p role=\"status\">{H.Encode(text)}</p>");
    }

    public static string Message(string language, string title, string text) =>
        Page(language, title, $"<h1>{H.Encode(title)}</h1>\n<p>{H.Encode(text)}</p>");
}

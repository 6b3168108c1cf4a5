using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Common;

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
        PublicHtml.Page(language, form.Name, $"<h1>{H.Encode(form.Name)}</h1>\n" + Form(form, action, language, token, l, values, errors, consent));

    /// <summary>The thank-you: the form's own text or a standard one. Nothing the visitor sent appears here.</summary>
    public static string ThankYou(WebForm form, string language, IStringLocalizer l)
    {
        var text = new FormTexts(form.ThankYouEn, form.ThankYouDe, form.ThankYouNl).In(language) ?? l["Thank you. We will get back to you soon."];
        return PublicHtml.Page(language, form.Name, $"<h1>{H.Encode(l["Thank you"])}</h1>\n<p role=\"status\">{H.Encode(text)}</p>");
    }
}

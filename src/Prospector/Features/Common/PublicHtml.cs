using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Prospector.Hosting;

namespace Prospector.Features.Common;

/// <summary>
/// The plain HTML pages Prospector serves to people who are not signed in (web-to-lead forms, unsubscribe links): no Blazor,
/// no script, every value HTML-encoded, in the visitor's language.
/// </summary>
public static class PublicHtml
{
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

    /// <summary>A page with a heading and one paragraph.</summary>
    public static string Message(string language, string title, string text) =>
        Page(language, title, $"<h1>{H.Encode(title)}</h1>\n<p>{H.Encode(text)}</p>");

    /// <summary>The page's language: the one asked for if Prospector speaks it, else the request's culture, else English; it becomes the current UI culture.</summary>
    public static string Language(string? asked, HttpContext http)
    {
        var lang = asked is "en" or "de" or "nl" ? asked : CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        if (!ProspectorHost.Cultures.Contains(lang)) lang = "en";
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(lang);
        return lang;
    }
}

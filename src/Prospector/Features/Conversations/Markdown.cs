using Ganss.Xss;
using Markdig;
using Microsoft.AspNetCore.Components;
using Prospector.Features.Common;

namespace Prospector.Features.Conversations;

/// <summary>
/// Notes are Markdown written by users and shown to other users: two locks against stored XSS. Markdig does not
/// pass raw HTML through (DisableHtml: a &lt;script&gt; stays text), and HtmlSanitizer then removes whatever
/// Markdown itself could smuggle in (javascript: links, event attributes) from the generated HTML.
/// </summary>
public static class Markdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml().UseAutoLinks().UseEmphasisExtras().UsePipeTables().UseTaskLists().UseSoftlineBreakAsHardlineBreak().Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    private static HtmlSanitizer CreateSanitizer()
    {
        var s = new HtmlSanitizer();
        s.AllowedSchemes.Clear();
        foreach (var scheme in new[] { "http", "https", "mailto", "tel" }) s.AllowedSchemes.Add(scheme);
        s.AllowedAttributes.Remove("style");
        s.AllowedTags.Remove("img"); // no tracking pixels or remote images in notes
        s.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Html.Dom.IHtmlAnchorElement a)
            {
                // The same rule as every other link from user data (SafeUrl): absolute http(s), mailto: or tel:, else plain text.
                if (SafeHref(a.GetAttribute("href")) is { } href) a.SetAttribute("href", href);
                else a.RemoveAttribute("href");
                a.SetAttribute("rel", "noopener noreferrer nofollow");
                a.SetAttribute("target", "_blank");
            }
        };
        return s;
    }

    private static string? SafeHref(string? href) =>
        href is null ? null
        : href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? SafeUrl.Mail(Uri.UnescapeDataString(href[7..]))
        : href.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) ? SafeUrl.Tel(Uri.UnescapeDataString(href[4..]))
        : href.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || href.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? SafeUrl.Web(href)
        : null;

    public static string ToHtml(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Sanitizer.Sanitize(Markdig.Markdown.ToHtml(markdown, Pipeline));

    public static MarkupString Render(string? markdown) => new(ToHtml(markdown));

    /// <summary>Plain text of the notes, Markdown syntax removed, for snippets and previews (shown encoded, never as markup).</summary>
    public static string ToPlainText(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Markdig.Markdown.ToPlainText(markdown, Pipeline).Trim();
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Text;

namespace Prospector.Features.Dropbox;

/// <summary>What the dropbox needs from one message: its key, who it is from and to, when, subject and plain text.</summary>
public sealed record DropboxMail(string Key, string From, string? FromName, IReadOnlyList<string> Recipients, DateTime SentAt,
    string? Subject, string Text)
{
    public const int KeyMax = 300;
    public const int SubjectMax = 200;

    /// <summary>
    /// Reads a message. The key is its Message-ID; a message without one (or with an absurdly long one) gets a hash of the
    /// headers that identify it, the same every time the same message is read.
    /// </summary>
    public static DropboxMail Read(MimeMessage m, DateTime fetchedAt, int maxBodyChars)
    {
        var from = m.From.Mailboxes.FirstOrDefault() ?? m.Sender;
        var recipients = m.To.Mailboxes.Concat(m.Cc.Mailboxes).Select(a => Normal(a.Address)).Where(a => a.Length > 0).Distinct().ToList();
        var text = m.TextBody is { Length: > 0 } t ? t : m.HtmlBody is { Length: > 0 } h ? FromHtml(h) : "";
        text = text.Replace("\r\n", "\n").Trim();
        if (text.Length > maxBodyChars) text = text[..maxBodyChars].TrimEnd() + "\n\n[…]";
        var subject = m.Subject?.Trim();
        if (subject is { Length: > SubjectMax }) subject = subject[..(SubjectMax - 1)] + "…";
        var sent = m.Date == DateTimeOffset.MinValue ? fetchedAt : m.Date.UtcDateTime;
        return new DropboxMail(KeyOf(m), Normal(from?.Address), from?.Name is { Length: > 0 } n ? Short(n, 200) : null, recipients, sent,
            string.IsNullOrEmpty(subject) ? null : subject, text);
    }

    public static string KeyOf(MimeMessage m)
    {
        var id = m.MessageId?.Trim();
        if (!string.IsNullOrEmpty(id) && id.Length <= KeyMax - 4) return "mid:" + id;
        var headers = string.Join("\n", new[] { HeaderId.MessageId, HeaderId.From, HeaderId.To, HeaderId.Cc, HeaderId.Date, HeaderId.Subject }
            .Select(h => m.Headers[h]?.Trim() ?? ""));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(headers)));
    }

    public static string Normal(string? address) => (address ?? "").Trim().ToLowerInvariant();

    private static string Short(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>The readable text of an HTML body: no tags, scripts or styles; blocks and line breaks become new lines.</summary>
    public static string FromHtml(string html)
    {
        var sb = new StringBuilder();
        var skip = 0;
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader) { DecodeCharacterReferences = false };
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head:
                    if (!tag.IsEmptyElement) skip += tag.IsEndTag ? -1 : 1;
                    skip = Math.Max(0, skip);
                    break;
                case HtmlTagToken tag when tag.Id is HtmlTagId.Br or HtmlTagId.P or HtmlTagId.Div or HtmlTagId.LI or HtmlTagId.TR
                    or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.BlockQuote:
                    if (tag.Id == HtmlTagId.Br || tag.IsEndTag) sb.Append('\n');
                    break;
                case HtmlDataToken data when skip == 0:
                    sb.Append(data is HtmlScriptDataToken ? "" : WebUtility.HtmlDecode(data.Data));
                    break;
            }
        }
        var lines = sb.ToString().Split('\n').Select(l => string.Join(' ', l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        return string.Join('\n', lines).Replace("\n\n\n", "\n\n").Trim();
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Text;

namespace Prospector.Features.Dropbox;

/// <summary>
/// What the dropbox needs from one message: its key, who it is from and to, when, subject and plain text; the addresses it was
/// delivered to (to check the secret dropbox address), an authentication failure its receiving server recorded, and — for a
/// forwarded mail — the original's sender and recipients.
/// </summary>
public sealed record DropboxMail(string Key, string From, string? FromName, IReadOnlyList<string> Recipients, DateTime SentAt,
    string? Subject, string Text)
{
    public const int KeyMax = 300;
    public const int SubjectMax = 200;
    /// <summary>Activity notes hold at most this much (<c>ActivityWrites.NotesMax</c>); a longer text is cut with a marker.</summary>
    public const int NotesMax = 20_000;

    /// <summary>Every address in To, Cc, Delivered-To, X-Original-To, Envelope-To, X-Delivered-To and Received "for &lt;…&gt;".</summary>
    public IReadOnlyList<string> DeliveredTo { get; init; } = [];
    /// <summary>Set when an Authentication-Results header says dmarc=fail or spf=fail for the From domain (e.g. "dmarc=fail").</summary>
    public string? AuthFailure { get; init; }
    /// <summary>The original of a forwarded mail (attached message/rfc822 or an inline forward block), when one was found.</summary>
    public ForwardedMail? Forwarded { get; init; }

    /// <summary>
    /// Reads a message. The key is its Message-ID; a message without one (or with an absurdly long one) gets a hash of the
    /// headers that identify it, the same every time the same message is read.
    /// </summary>
    public static DropboxMail Read(MimeMessage m, DateTime fetchedAt, int maxBodyChars)
    {
        var from = m.From.Mailboxes.FirstOrDefault() ?? m.Sender;
        var recipients = m.To.Mailboxes.Concat(m.Cc.Mailboxes).Select(a => Normal(a.Address)).Where(a => a.Length > 0).Distinct().ToList();
        var attached = m.BodyParts.OfType<MessagePart>().Select(p => p.Message).FirstOrDefault(x => x is not null);
        var text = TextOf(m);
        ForwardedMail? forwarded = null;
        if (attached is not null)
        {
            forwarded = ForwardedMail.Of(attached);
            var inner = TextOf(attached);
            text = text.Length == 0 ? inner : inner.Length == 0 ? text : text + "\n\n" + inner;
        }
        else forwarded = ForwardedMail.Parse(text);
        var subject = m.Subject?.Trim();
        if (subject is { Length: > SubjectMax }) subject = subject[..(SubjectMax - 1)] + "…";
        var sent = m.Date == DateTimeOffset.MinValue ? fetchedAt : m.Date.UtcDateTime;
        return new DropboxMail(KeyOf(m.Headers), Normal(from?.Address), from?.Name is { Length: > 0 } n ? Short(n, 200) : null, recipients, sent,
            string.IsNullOrEmpty(subject) ? null : subject, Shorten(text, maxBodyChars))
        {
            DeliveredTo = DeliveredAddresses(m.Headers), AuthFailure = AuthFailureOf(m.Headers, from?.Address), Forwarded = forwarded,
        };
    }

    private static string TextOf(MimeMessage m) =>
        (m.TextBody is { Length: > 0 } t ? t : m.HtmlBody is { Length: > 0 } h ? FromHtml(h) : "").Replace("\r\n", "\n").Trim();

    /// <summary>
    /// Cuts a text to at most <paramref name="max"/> characters (never more than an activity's notes hold), ending it with a
    /// visible marker that says how much was left out.
    /// </summary>
    public static string Shorten(string text, int max)
    {
        max = Math.Clamp(max, 100, NotesMax);
        if (text.Length <= max) return text;
        var marker = $"\n\n[… {text.Length - max:N0} more characters not shown]";
        return text[..(max - marker.Length - 8)].TrimEnd() + marker;
    }

    public static string KeyOf(HeaderList h)
    {
        var id = h[HeaderId.MessageId]?.Trim();
        if (!string.IsNullOrEmpty(id))
        {
            id = id.Trim('<', '>').Trim();
            if (id.Length <= KeyMax - 4) return "mid:" + id;
        }
        var headers = string.Join("\n", new[] { HeaderId.MessageId, HeaderId.From, HeaderId.To, HeaderId.Cc, HeaderId.Date, HeaderId.Subject }
            .Select(x => h[x]?.Trim() ?? ""));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(headers)));
    }

    public static string KeyOf(MimeMessage m) => KeyOf(m.Headers);

    public static string Normal(string? address) => (address ?? "").Trim().Trim('<', '>').ToLowerInvariant();

    private static readonly string[] DeliveryHeaders = ["To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Delivered-To", "X-Envelope-To"];

    /// <summary>The addresses a message says it was delivered to (BCC leaves the dropbox only in the delivery headers).</summary>
    public static List<string> DeliveredAddresses(HeaderList headers)
    {
        var found = new List<string>();
        foreach (var h in headers)
        {
            if (DeliveryHeaders.Contains(h.Field, StringComparer.OrdinalIgnoreCase))
            {
                if (InternetAddressList.TryParse(h.Value, out var list)) found.AddRange(list.Mailboxes.Select(a => Normal(a.Address)));
                else found.AddRange(Addresses(h.Value));
            }
            else if (h.Field.Equals("Received", StringComparison.OrdinalIgnoreCase))
            {
                // "… for <log+token@crm.example>; Tue, 1 Dec 2026 …" (Postfix, Exim, dovecot LMTP, Exchange)
                var at = h.Value.IndexOf(" for ", StringComparison.OrdinalIgnoreCase);
                if (at >= 0) found.AddRange(Addresses(h.Value[at..].Split(';')[0]));
            }
        }
        return found.Where(a => a.Length > 0).Distinct().ToList();
    }

    /// <summary>
    /// "dmarc=fail" or "spf=fail" from an Authentication-Results header about the From domain (a result naming another domain —
    /// a mailing list's envelope sender — does not count); null when none says so.
    /// </summary>
    public static string? AuthFailureOf(HeaderList headers, string? fromAddress)
    {
        var domain = Normal(fromAddress) is var f && f.LastIndexOf('@') is var i and >= 0 ? f[(i + 1)..] : "";
        foreach (var h in headers.Where(h => h.Id == HeaderId.AuthenticationResults))
        {
            if (!AuthenticationResults.TryParse(Encoding.UTF8.GetBytes(h.Value), out var results)) continue;
            foreach (var r in results.Results)
            {
                var method = r.Method.ToLowerInvariant();
                if (method is not ("dmarc" or "spf") || !r.Result.Equals("fail", StringComparison.OrdinalIgnoreCase)) continue;
                var named = r.Properties.Where(p => p.Property is "from" or "mailfrom")
                    .Select(p => Normal(p.Value) is var v && v.LastIndexOf('@') is var j and >= 0 ? v[(j + 1)..] : v).ToList();
                if (named.Count == 0 || domain.Length == 0 || named.Any(d => d == domain || domain.EndsWith("." + d, StringComparison.Ordinal)))
                    return $"{method}=fail" + (named.Count > 0 ? $" ({named[0]})" : "");
            }
        }
        return null;
    }

    private static readonly System.Text.RegularExpressions.Regex AddressPattern =
        new(@"[A-Za-z0-9._%+\-'=]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The e-mail addresses in a free-text line ("Anna Berg &lt;anna@x.example&gt;; Jan [mailto:jan@y.example]").</summary>
    public static List<string> Addresses(string text) =>
        AddressPattern.Matches(text).Select(m => Normal(m.Value.TrimEnd('.'))).Distinct().ToList();

    private static string Short(string s, int max) => Prospector.Data.UnicodeText.Prefix(s, max);

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
                    or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.BlockQuote or HtmlTagId.HR:
                    if (tag.Id is HtmlTagId.Br or HtmlTagId.HR || tag.IsEndTag) sb.Append('\n');
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

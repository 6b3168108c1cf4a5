using System.Globalization;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;

namespace Prospector.Features.Dropbox;

/// <summary>
/// The original of a forwarded mail: who sent it to whom, when and about what. Found in an attached message (message/rfc822)
/// or in the header block an e-mail program writes above the forwarded text — Gmail, Outlook, Apple Mail and Thunderbird, in
/// English, German and Dutch (docs/dropbox.md lists the markers).
/// </summary>
public sealed record ForwardedMail(string From, string? FromName, IReadOnlyList<string> Recipients, DateTime? SentAt, string? Subject)
{
    public static ForwardedMail? Of(MimeMessage m)
    {
        var from = m.From.Mailboxes.FirstOrDefault() ?? m.Sender;
        if (from is null || string.IsNullOrWhiteSpace(from.Address)) return null;
        return new ForwardedMail(DropboxMail.Normal(from.Address), from.Name is { Length: > 0 } n ? n : null,
            m.To.Mailboxes.Concat(m.Cc.Mailboxes).Select(a => DropboxMail.Normal(a.Address)).Where(a => a.Length > 0).Distinct().ToList(),
            m.Date == DateTimeOffset.MinValue ? null : m.Date.UtcDateTime, m.Subject is { Length: > 0 } s ? s.Trim() : null);
    }

    /// <summary>The line that starts a forwarded block (matched on the trimmed line, case-insensitively).</summary>
    private static readonly Regex Separator = new(
        @"^(?:-{2,}\s*(?:forwarded message|original message|weitergeleitete nachricht|ursprüngliche nachricht|doorgestuurd bericht|oorspronkelijk bericht|oorspronkelijke bericht)\s*-{2,}"
        + @"|begin forwarded message:|anfang der weitergeleiteten nachricht:|begin doorgestuurd bericht:|_{10,})$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex HeaderLine = new(@"^\*{0,2}\s*([A-Za-zÀ-ÿ\-]+)\s*:\s*\*{0,2}\s*(.*)$", RegexOptions.CultureInvariant);

    private enum Field { None, From, To, Cc, Date, Subject }

    private static Field FieldOf(string name) => name.ToLowerInvariant() switch
    {
        "from" or "von" or "van" or "de" => Field.From,
        "to" or "an" or "aan" => Field.To,
        "cc" or "kopie" => Field.Cc,
        "date" or "sent" or "datum" or "gesendet" or "verzonden" or "verstuurd" => Field.Date,
        "subject" or "betreff" or "onderwerp" => Field.Subject,
        _ => Field.None,
    };

    /// <summary>
    /// The first forwarded block in a plain text: a separator line, then header lines (From/Von/Van, To/An/Aan, Cc, Date/Sent/
    /// Gesendet/Datum/Verzonden, Subject/Betreff/Onderwerp, wrapped values continued on the next lines) up to the first empty
    /// line. Null without a separator or without a sender address in the block.
    /// </summary>
    public static ForwardedMail? Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimStart('>', ' ', '\t').TrimEnd()).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!Separator.IsMatch(lines[i].Trim())) continue;
            var values = new Dictionary<Field, string>();
            var last = Field.None;
            var j = i + 1;
            while (j < lines.Count && lines[j].Length == 0) j++; // Apple Mail leaves an empty line after its separator
            for (; j < lines.Count && lines[j].Length > 0; j++)
            {
                var h = HeaderLine.Match(lines[j]);
                var field = h.Success ? FieldOf(h.Groups[1].Value) : Field.None;
                if (field != Field.None && !values.ContainsKey(field))
                {
                    values[field] = h.Groups[2].Value.Trim().Trim('*').Trim();
                    last = field;
                }
                else if (!h.Success && last is Field.To or Field.Cc or Field.Subject) values[last] += " " + lines[j].Trim();
                else last = Field.None;
            }
            if (!values.TryGetValue(Field.From, out var fromText) || DropboxMail.Addresses(fromText) is not [var from, ..]) continue;
            var name = NameOf(fromText, from);
            var recipients = new[] { Field.To, Field.Cc }.SelectMany(f => values.TryGetValue(f, out var v) ? DropboxMail.Addresses(v) : [])
                .Distinct().ToList();
            return new ForwardedMail(from, name, recipients, values.TryGetValue(Field.Date, out var d) ? DateOf(d) : null,
                values.TryGetValue(Field.Subject, out var s) && s.Length > 0 ? s : null);
        }
        return null;
    }

    /// <summary>"Anna Berg &lt;anna@x&gt;", "\"Berg, Anna\" &lt;anna@x&gt;", "Anna Berg [mailto:anna@x]" → the name; a bare address → null.</summary>
    private static string? NameOf(string text, string address)
    {
        var cut = text.IndexOfAny(['<', '[']);
        var name = (cut >= 0 ? text[..cut] : text.Replace(address, "", StringComparison.OrdinalIgnoreCase)).Trim().Trim('"', '\'', '*').Trim();
        return name.Length is > 0 and <= 200 && !name.Contains('@') ? name : null;
    }

    private static readonly CultureInfo[] Cultures = [CultureInfo.InvariantCulture, new("en-US"), new("en-GB"), new("de-DE"), new("nl-NL")];

    /// <summary>
    /// The forwarded block's date, as the e-mail program wrote it ("Mon, Nov 30, 2026 at 9:15 AM", "Montag, 30. November 2026
    /// 09:15", "maandag 30 november 2026 09:15", RFC 5322); its time zone is rarely given, so it is read as UTC. Null if unreadable.
    /// </summary>
    private static DateTime? DateOf(string text)
    {
        if (DateUtils.TryParse(text, out var rfc)) return rfc.UtcDateTime;
        var t = Regex.Replace(text, @"\b(at|um|om)\b", " ", RegexOptions.IgnoreCase);
        t = Regex.Replace(t, @"^\s*[A-Za-zäöüÄÖÜ]+,?\s+(?=\d|[A-Za-z]+\s+\d)", ""); // the weekday
        t = Regex.Replace(t, @"\s+", " ").Trim();
        foreach (var c in Cultures)
            if (DateTime.TryParse(t, c, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var d))
                return DateTime.SpecifyKind(d, DateTimeKind.Utc);
        return null;
    }
}

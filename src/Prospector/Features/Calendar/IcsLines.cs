using System.Text;

namespace Prospector.Features.Calendar;

/// <summary>
/// Content-line folding (RFC 5545 §3.1): no line longer than 75 octets, a break never inside a UTF-8 sequence nor between the
/// two halves of a surrogate pair, so "Jürgen 😀 🎉" unfolds to exactly itself. (Ical.Net folds by UTF-16 unit and can cut an
/// emoji in half: the halves come back as U+FFFD.)
/// </summary>
public static class IcsLines
{
    public const int MaxOctets = 75;

    /// <summary>Unfolds serialized iCalendar text and folds it again, safely.</summary>
    public static string Refold(string ics)
    {
        var unfolded = ics.Replace("\r\n ", "", StringComparison.Ordinal).Replace("\r\n\t", "", StringComparison.Ordinal);
        var sb = new StringBuilder(ics.Length + 64);
        foreach (var line in unfolded.Split("\r\n"))
        {
            if (line.Length == 0) continue;
            Fold(sb, line);
        }
        return sb.ToString();
    }

    public static void Fold(StringBuilder sb, string line)
    {
        var octets = 0;
        for (var i = 0; i < line.Length;)
        {
            // A whole code point (one or two UTF-16 units) at a time; a stray surrogate counts as the U+FFFD it becomes.
            var units = char.IsHighSurrogate(line[i]) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1]) ? 2 : 1;
            var size = units == 2 ? 4 : Encoding.UTF8.GetByteCount(line.AsSpan(i, 1));
            if (octets + size > MaxOctets)
            {
                sb.Append("\r\n ");
                octets = 1;
            }
            sb.Append(line, i, units);
            octets += size;
            i += units;
        }
        sb.Append("\r\n");
    }
}

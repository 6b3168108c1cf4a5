using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Prospector.Tests.Http;

/// <summary>
/// iCalendar read by hand, the way a strict client reads it (RFC 5545), so the feed's tests do not trust Ical.Net: framing,
/// components and properties, and VTIMEZONE interpretation (STANDARD/DAYLIGHT onsets from DTSTART, yearly RRULE
/// BYMONTH/BYDAY/UNTIL and RDATE) to turn a local time with a TZID into UTC.
/// </summary>
internal sealed partial class IcsReader
{
    public sealed record Property(string Name, Dictionary<string, string> Params, string Value);

    public sealed class Component(string name)
    {
        public string Name { get; } = name;
        public List<Property> Properties { get; } = [];
        public List<Component> Children { get; } = [];
        public Property? Get(string name) => Properties.FirstOrDefault(p => p.Name == name);
        public string? Value(string name) => Get(name)?.Value;
        public IEnumerable<Component> All() => Children.SelectMany(c => c.All()).Prepend(this);
    }

    public Component Root { get; }

    /// <summary>Checks the framing of the raw bytes (CRLF, ≤ 75 octets a line, each line valid UTF-8 by itself) and parses.</summary>
    public IcsReader(byte[] raw)
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\n') continue;
            if (i == 0 || raw[i - 1] != '\r') throw new FormatException($"bare LF at byte {i}");
            var length = i - 1 - start;
            if (length > 75) throw new FormatException($"line of {length} octets: {Encoding.UTF8.GetString(raw, start, length)}");
            // Decoding each physical line on its own fails when a fold split a UTF-8 sequence.
            lines.Add(strict.GetString(raw, start, length));
            start = i + 1;
        }
        if (start != raw.Length) throw new FormatException("the last line does not end with CRLF");
        var unfolded = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith(' ') || line.StartsWith('\t')) unfolded[^1] += line[1..];
            else unfolded.Add(line);
        }
        var stack = new Stack<Component>();
        Component? root = null;
        foreach (var line in unfolded)
        {
            var p = ParseLine(line);
            if (p.Name == "BEGIN")
            {
                var c = new Component(p.Value);
                if (stack.Count > 0) stack.Peek().Children.Add(c);
                else root = c;
                stack.Push(c);
            }
            else if (p.Name == "END")
            {
                if (stack.Pop().Name != p.Value) throw new FormatException($"END:{p.Value} closes another component");
            }
            else stack.Peek().Properties.Add(p);
        }
        if (stack.Count != 0 || root is null) throw new FormatException("unbalanced BEGIN/END");
        Root = root;
    }

    private static Property ParseLine(string line)
    {
        // name *(";" param "=" value) ":" value, where a quoted parameter value may hold ":" and ";".
        var i = 0;
        while (i < line.Length && line[i] is not (';' or ':')) i++;
        var name = line[..i].ToUpperInvariant();
        var ps = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (i < line.Length && line[i] == ';')
        {
            var eq = line.IndexOf('=', i);
            var key = line[(i + 1)..eq];
            var j = eq + 1;
            if (line[j] == '"') { var close = line.IndexOf('"', j + 1); ps[key] = line[(j + 1)..close]; i = close + 1; }
            else { while (line[j] is not (';' or ':')) j++; ps[key] = line[(eq + 1)..j]; i = j; }
        }
        if (line[i] != ':') throw new FormatException($"no value: {line}");
        return new Property(name, ps, line[(i + 1)..]);
    }

    /// <summary>A TEXT value unescaped (\\n, \\, \\; \\\\).</summary>
    public static string Text(string value) =>
        value.Replace("\\n", "\n").Replace("\\N", "\n").Replace("\\,", ",").Replace("\\;", ";").Replace("\\\\", "\\");

    public IEnumerable<Component> Events => Root.Children.Where(c => c.Name == "VEVENT");

    public Component TimeZone(string tzid) => Root.Children.Single(c => c.Name == "VTIMEZONE" && c.Value("TZID") == tzid);

    /// <summary>Every TZID parameter used anywhere in the calendar.</summary>
    public IReadOnlySet<string> TzIdsUsed() =>
        Root.All().Where(c => c.Name != "VTIMEZONE").SelectMany(c => c.Properties)
            .Where(p => p.Params.ContainsKey("TZID")).Select(p => p.Params["TZID"]).ToHashSet();

    public sealed record Onset(DateTime Local, DateTime Utc, TimeSpan From, TimeSpan To, string Kind);

    /// <summary>All onsets of a VTIMEZONE's observances up to the end of <paramref name="untilYear"/>, in time order.</summary>
    public List<Onset> Onsets(string tzid, int untilYear)
    {
        var onsets = new List<Onset>();
        foreach (var o in TimeZone(tzid).Children.Where(c => c.Name is "STANDARD" or "DAYLIGHT"))
        {
            var from = Offset(o.Value("TZOFFSETFROM")!);
            var to = Offset(o.Value("TZOFFSETTO")!);
            var start = Local(o.Value("DTSTART")!);
            var locals = new List<DateTime> { start };
            foreach (var rdate in o.Properties.Where(p => p.Name == "RDATE").SelectMany(p => p.Value.Split(',')))
                locals.Add(Local(rdate));
            if (o.Value("RRULE") is { } rrule)
            {
                var parts = rrule.Split(';').Select(x => x.Split('=')).ToDictionary(x => x[0], x => x[1]);
                Assert.Equal("YEARLY", parts["FREQ"]);
                var month = int.Parse(parts["BYMONTH"], CultureInfo.InvariantCulture);
                var m = ByDayRegex().Match(parts["BYDAY"]);
                Assert.True(m.Success, $"BYDAY {parts["BYDAY"]}");
                var nth = m.Groups[1].Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
                var weekday = Weekdays[m.Groups[2].Value];
                DateTime? until = parts.TryGetValue("UNTIL", out var u) ? Local(u.TrimEnd('Z')) : null;
                for (var year = start.Year; year <= untilYear; year++)
                {
                    var day = NthWeekday(year, month, weekday, nth).ToDateTime(TimeOnly.FromTimeSpan(start.TimeOfDay));
                    if (day < start || (until is { } limit && day - from > limit)) continue;
                    locals.Add(day);
                }
            }
            onsets.AddRange(locals.Distinct().Select(l => new Onset(l, l - from, from, to, o.Name)));
        }
        return [.. onsets.OrderBy(x => x.Utc)];
    }

    /// <summary>A local time in a zone as UTC, by the VTIMEZONE's own rules: the offset after the latest onset at or before it.</summary>
    public DateTime ToUtc(string tzid, DateTime local)
    {
        var onset = Onsets(tzid, local.Year + 1).LastOrDefault(o => o.Local <= local)
            ?? throw new InvalidOperationException($"{tzid} defines no observance in effect at {local:s}");
        return DateTime.SpecifyKind(local - onset.To, DateTimeKind.Utc);
    }

    public static DateTime Local(string value) =>
        DateTime.ParseExact(value, value.Length == 8 ? "yyyyMMdd" : "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);

    public static TimeSpan Offset(string value)
    {
        var sign = value[0] == '-' ? -1 : 1;
        var t = new TimeSpan(int.Parse(value[1..3], CultureInfo.InvariantCulture), int.Parse(value[3..5], CultureInfo.InvariantCulture),
            value.Length > 5 ? int.Parse(value[5..7], CultureInfo.InvariantCulture) : 0);
        return sign * t;
    }

    /// <summary>An RFC 5545 dur-value (e.g. -PT15M, -P6DT16H, P1W) as a TimeSpan.</summary>
    public static TimeSpan Duration(string value)
    {
        var m = DurationRegex().Match(value);
        Assert.True(m.Success, $"not a duration: {value}");
        int N(int g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        var t = new TimeSpan(N(2) * 7 + N(3), N(4), N(5), N(6));
        return m.Groups[1].Value == "-" ? -t : t;
    }

    private static DateOnly NthWeekday(int year, int month, DayOfWeek weekday, int nth)
    {
        if (nth > 0)
        {
            var first = new DateOnly(year, month, 1);
            return first.AddDays(((int)weekday - (int)first.DayOfWeek + 7) % 7 + 7 * (nth - 1));
        }
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        return last.AddDays(-(((int)last.DayOfWeek - (int)weekday + 7) % 7) + 7 * (nth + 1));
    }

    private static readonly Dictionary<string, DayOfWeek> Weekdays = new()
    {
        ["SU"] = DayOfWeek.Sunday, ["MO"] = DayOfWeek.Monday, ["TU"] = DayOfWeek.Tuesday, ["WE"] = DayOfWeek.Wednesday,
        ["TH"] = DayOfWeek.Thursday, ["FR"] = DayOfWeek.Friday, ["SA"] = DayOfWeek.Saturday,
    };

    [GeneratedRegex(@"^([+-]?\d)?(SU|MO|TU|WE|TH|FR|SA)$")]
    private static partial Regex ByDayRegex();

    [GeneratedRegex(@"^([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")]
    private static partial Regex DurationRegex();
}

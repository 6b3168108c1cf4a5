using System.Text;

namespace Prospector.Features.Lists;

/// <summary>CSV/TSV: the delimiter sniffed among , ; tab | (a first line "sep=;" wins), RFC 4180 quoting, streaming.</summary>
public static class Csv
{
    public static readonly char[] Delimiters = [',', ';', '\t', '|'];

    public static SourceTable Open(string path, Encoding encoding, ReadLimits limits)
    {
        string sample;
        using (var r = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true))
        {
            var buf = new char[64 * 1024];
            sample = new string(buf, 0, r.ReadBlock(buf, 0, buf.Length));
        }
        var (delimiter, skipFirstLine) = SepLine(sample) is { } sep ? (sep, true) : (Sniff(sample, limits), false);
        var reader = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var parser = new CsvParser(reader, delimiter, limits);
        if (skipFirstLine) parser.TryRead(out _, out _);
        var (columns, rows, titles) = HeaderDetector.Split(parser.Records(), limits);
        var name = delimiter switch { '\t' => "tab", _ => delimiter.ToString() };
        return new SourceTable
        {
            Columns = columns, Rows = rows, TitleRows = titles, OnDispose = reader.Dispose,
            Progress = () => reader.BaseStream.Length == 0 ? 1 : (double)reader.BaseStream.Position / reader.BaseStream.Length,
            Format = $"CSV, '{name}', {EncodingName(encoding)}",
        };
    }

    private static string EncodingName(Encoding e) => e switch
    {
        UnicodeEncoding u => u.CodePage == 1201 ? "UTF-16 BE" : "UTF-16 LE",
        UTF8Encoding => "UTF-8",
        _ => e.CodePage == 1252 ? "Windows-1252" : e.WebName,
    };

    private static char? SepLine(string sample)
    {
        var s = sample.TrimStart('\uFEFF');
        return s.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) && s.Length >= 5 && (s.Length == 5 || s[5] is '\r' or '\n' or '"')
            ? s[4] : null;
    }

    /// <summary>The delimiter that splits the first lines into the most consistent number of fields (more than one).</summary>
    public static char Sniff(string sample, ReadLimits limits)
    {
        var best = (Delimiter: ',', Score: -1.0);
        foreach (var d in Delimiters)
        {
            var counts = new List<int>();
            try
            {
                var p = new CsvParser(new StringReader(sample), d, limits with { MaxColumns = int.MaxValue, MaxCellChars = int.MaxValue }, lenientEnd: true);
                while (counts.Count < 50 && p.TryRead(out var rec, out _))
                    if (rec.Length > 1 || rec[0].Length > 0) counts.Add(rec.Length);
            }
            catch (ImportFileException) { continue; }
            if (counts.Count == 0) continue;
            var mode = counts.GroupBy(c => c).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First();
            if (mode.Key < 2) continue;
            // Share of lines with the usual field count, then more fields wins: title rows and ragged rows are tolerated.
            var score = (double)mode.Count() / counts.Count + mode.Key / 10_000.0;
            if (score > best.Score) best = (d, score);
        }
        return best.Delimiter;
    }
}

/// <summary>A forgiving RFC 4180 reader that counts lines, for messages that point at the problem.</summary>
internal sealed class CsvParser(TextReader reader, char delimiter, ReadLimits limits, bool lenientEnd = false)
{
    private readonly char[] _buf = new char[1 << 16];
    private int _pos, _len;
    private int _line = 1;
    private readonly StringBuilder _field = new();
    private readonly List<string> _fields = [];

    public IEnumerable<(int Line, string[] Cells)> Records()
    {
        while (TryRead(out var rec, out var line)) yield return (line, rec);
    }

    private int Peek()
    {
        if (_pos < _len) return _buf[_pos];
        _len = reader.Read(_buf, 0, _buf.Length);
        _pos = 0;
        return _len == 0 ? -1 : _buf[0];
    }

    public bool TryRead(out string[] record, out int startLine)
    {
        startLine = _line;
        record = [];
        if (Peek() < 0) return false;
        _fields.Clear();
        while (true)
        {
            var end = ReadField(startLine);
            _fields.Add(_field.ToString());
            if (_fields.Count > limits.MaxColumns)
                throw new ImportFileException("Line {0} has more than {1:N0} columns.", startLine, limits.MaxColumns);
            if (end) break;
        }
        record = [.. _fields];
        return true;
    }

    /// <summary>Reads one field into <see cref="_field"/>; true when it ended its record.</summary>
    private bool ReadField(int recordLine)
    {
        _field.Clear();
        var c = Peek();
        if (c == '"')
        {
            _pos++;
            var openedOn = _line;
            while (true)
            {
                c = Peek();
                if (c < 0)
                {
                    if (lenientEnd) return true;
                    throw new ImportFileException("A quoted field that starts on line {0} is never closed (a missing \").", openedOn);
                }
                _pos++;
                if (c == '"')
                {
                    if (Peek() == '"') { _pos++; Append('"', openedOn, quoted: true); continue; }
                    break;
                }
                if (c == '\n') _line++;
                Append((char)c, openedOn, quoted: true);
            }
        }
        // Unquoted text, or what follows a closing quote (kept, leniently, as Excel does).
        while (true)
        {
            c = Peek();
            if (c < 0) return true;
            _pos++;
            if (c == delimiter) return false;
            if (c == '\n') { _line++; return true; }
            if (c == '\r')
            {
                if (Peek() == '\n') _pos++;
                _line++;
                return true;
            }
            Append((char)c, recordLine, quoted: false);
        }
    }

    private void Append(char c, int line, bool quoted)
    {
        if (_field.Length >= limits.MaxCellChars)
            throw new ImportFileException(quoted
                ? "A quoted field that starts on line {0} is longer than {1:N0} characters (a missing \"?)."
                : "A cell on line {0} is longer than {1:N0} characters.", line, limits.MaxCellChars);
        _field.Append(c);
    }
}

/// <summary>
/// Finds the header row below any title rows ("Messe Hannover 2025 – Besucherliste") and shapes the data rows to it:
/// trailing empty columns are dropped, short (ragged) rows padded, and cells beyond the header get a column of their own.
/// </summary>
public static class HeaderDetector
{
    private const int Lookahead = 30;

    /// <summary>The header, the data rows below it, and how many rows with a value (titles) were above it.</summary>
    public static (List<string> Columns, IEnumerable<(int, string[])> Rows, int TitleRows) Split(IEnumerable<(int Line, string[] Cells)> source, ReadLimits limits)
    {
        var e = source.GetEnumerator();
        var buffered = new List<(int Line, string[] Cells)>();
        while (buffered.Count < Lookahead && e.MoveNext()) buffered.Add(e.Current);
        var filled = buffered.Select(r => r.Cells.Count(c => !string.IsNullOrWhiteSpace(c))).ToList();
        if (filled.All(n => n == 0)) { e.Dispose(); throw new ImportFileException("The file has no rows with any value."); }
        var widest = filled.Max();
        // The header is the first row about as wide as the table; titles above it fill one or two cells.
        var at = widest <= 1 ? filled.FindIndex(n => n > 0) : filled.FindIndex(n => n >= 2 && n >= widest * 0.6);
        var header = buffered[at].Cells;
        var width = LastFilled(header) + 1;
        foreach (var r in buffered.Skip(at + 1)) width = Math.Max(width, LastFilled(r.Cells) + 1);
        var columns = new List<string>();
        for (var i = 0; i < width; i++) columns.Add(ColumnName(i < header.Length ? header[i] : "", i, columns));
        return (columns, Shape(buffered.Skip(at + 1), e, columns), filled.Take(at).Count(n => n > 0));
    }

    private static IEnumerable<(int, string[])> Shape(IEnumerable<(int Line, string[] Cells)> head, IEnumerator<(int Line, string[] Cells)> rest, List<string> columns)
    {
        using (rest)
        {
            foreach (var r in head) yield return (r.Line, Fit(r.Cells, columns));
            while (rest.MoveNext()) yield return (rest.Current.Line, Fit(rest.Current.Cells, columns));
        }
    }

    private static string[] Fit(string[] cells, List<string> columns)
    {
        // Our own exports protect formula-like cells with an apostrophe: take it off, so data round-trips.
        for (var i = 0; i < cells.Length; i++)
            if (cells[i].Length > 1 && cells[i][0] == '\'') cells[i] = Exporter.Unescape(cells[i]);
        var last = LastFilled(cells);
        while (last >= columns.Count) columns.Add(ColumnName("", columns.Count, columns));
        if (cells.Length == columns.Count) return cells;
        var fitted = new string[columns.Count];
        Array.Copy(cells, fitted, Math.Min(cells.Length, fitted.Length));
        for (var i = cells.Length; i < fitted.Length; i++) fitted[i] = "";
        return fitted;
    }

    private static int LastFilled(string[] cells)
    {
        for (var i = cells.Length - 1; i >= 0; i--) if (!string.IsNullOrWhiteSpace(cells[i])) return i;
        return -1;
    }

    private static string ColumnName(string raw, int index, List<string> taken)
    {
        // Our exports protect header cells like data cells (see Exporter.Escape): the name is the one without the apostrophe.
        var name = string.IsNullOrWhiteSpace(raw) ? $"Column {index + 1}" : Exporter.Unescape(raw.Trim()).Trim().ReplaceLineEndings(" ");
        name = Prospector.Data.UnicodeText.Prefix(name, 200);
        var unique = name;
        for (var n = 2; taken.Contains(unique, StringComparer.OrdinalIgnoreCase); n++) unique = $"{name} ({n})";
        return unique;
    }
}

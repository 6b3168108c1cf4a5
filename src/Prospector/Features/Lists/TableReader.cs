using System.IO.Compression;
using System.Text;

namespace Prospector.Features.Lists;

/// <summary>A file that cannot be read as a table; the message names the problem (and the line or row).</summary>
/// <summary>
/// A file that cannot be imported. The message is English (CLI, logs); <see cref="Template"/> and <see cref="Args"/> let the
/// import wizard and the API say it in the user's language (the template is the resource key).
/// </summary>
public sealed class ImportFileException : Exception
{
    public ImportFileException(string message) : base(message) => (Template, Args) = (message, []);

    public ImportFileException(string template, params object?[] args)
        : base(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, args)) => (Template, Args) = (template, args);

    public string Template { get; }
    public object?[] Args { get; }

    public string Localized(Microsoft.Extensions.Localization.IStringLocalizer l)
    {
        var text = Args.Length == 0 ? l[Template] : l[Template, Args!];
        return text.ResourceNotFound ? Message : text.Value;
    }
}

/// <summary>Limits that keep a hostile or broken file from taking the server down.</summary>
public sealed record ReadLimits(int MaxColumns = 1000, int MaxCellChars = 100_000, long MaxUnzippedBytes = 1L << 30)
{
    public static readonly ReadLimits Default = new();
}

/// <summary>A table read from a file: the header row (trailing empty columns dropped) and the data rows after it.</summary>
public sealed class SourceTable : IDisposable
{
    public required List<string> Columns { get; init; }
    /// <summary>Data rows with their line (CSV) or row (XLSX) number; wholly empty rows included, so they can be counted.</summary>
    public required IEnumerable<(int Line, string[] Cells)> Rows { get; init; }
    public required string Format { get; init; }
    public IReadOnlyList<string> Sheets { get; init; } = [];
    public string? Sheet { get; init; }
    public Action? OnDispose { get; init; }
    /// <summary>Share of the file read so far, where the reader can tell.</summary>
    public Func<double>? Progress { get; init; }
    public void Dispose() => OnDispose?.Invoke();
}

/// <summary>
/// Reads CSV/TSV (delimiter and encoding sniffed) and XLSX files as a <see cref="SourceTable"/>, streaming: a file of
/// any size is read row by row. Title rows above the header are skipped by <see cref="HeaderDetector"/>.
/// </summary>
public static class TableReader
{
    static TableReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static SourceTable Open(string path, string? sheet = null, ReadLimits? limits = null)
    {
        limits ??= ReadLimits.Default;
        var head = new byte[8192];
        int n;
        using (var f = File.OpenRead(path)) n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n == 0) throw new ImportFileException("The file is empty.");
        var span = head.AsSpan(0, n);
        if (span.StartsWith("PK\x03\x04"u8)) return Xlsx.Open(path, sheet, limits);
        if (span.StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 })) return Xls.Open(path, sheet, limits);
        if (sheet is not null) throw new ImportFileException("Only Excel workbooks have sheets; this file is CSV.");
        var encoding = DetectEncoding(path, span);
        if (encoding is not UnicodeEncoding && span.Contains((byte)0))
            throw new ImportFileException("This is a binary file, not a CSV or Excel file.");
        return Csv.Open(path, encoding, limits);
    }

    /// <summary>A cell's value as the text a person sees in it (numbers without exponent, dates as ISO dates).</summary>
    internal static string CellText(object? v) => Xlsx.Text(v);

    /// <summary>BOM first (UTF-8, UTF-16 LE/BE); else UTF-8 when the whole file is valid UTF-8; else Windows-1252.</summary>
    public static Encoding DetectEncoding(string path, ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) return new UTF8Encoding(false);
        if (head.StartsWith(new byte[] { 0xFF, 0xFE })) return new UnicodeEncoding(false, true);
        if (head.StartsWith(new byte[] { 0xFE, 0xFF })) return new UnicodeEncoding(true, true);
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var buffer = new byte[1 << 16];
        var chars = new char[buffer.Length + 4];
        using var f = File.OpenRead(path);
        try
        {
            int read;
            while ((read = f.Read(buffer, 0, buffer.Length)) > 0) decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
            decoder.GetChars([], 0, 0, chars, 0, flush: true);
            return new UTF8Encoding(false);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1252);
        }
    }

    private static class Xlsx
    {
        public static SourceTable Open(string path, string? sheet, ReadLimits limits)
        {
            CheckArchive(path, limits);
            List<string> sheets;
            try
            {
                sheets = MiniExcelLibs.MiniExcel.GetSheetNames(path);
            }
            catch (Exception e) when (e is not ImportFileException)
            {
                throw new ImportFileException("The Excel file cannot be read: {0}", e.Message);
            }
            if (sheets.Count == 0) throw new ImportFileException("The workbook has no sheets.");
            if (sheet is not null && !sheets.Contains(sheet))
                throw new ImportFileException("The workbook has no sheet '{0}'; its sheets are: {1}.", sheet, string.Join(", ", sheets));
            var name = sheet ?? sheets[0];
            var rows = Rows(path, name, limits);
            var (columns, data) = HeaderDetector.Split(rows, limits);
            return new SourceTable { Columns = columns, Rows = data, Format = "XLSX", Sheets = sheets, Sheet = name };
        }

        /// <summary>A renamed ZIP or a zip bomb is refused before any XML is inflated.</summary>
        private static void CheckArchive(string path, ReadLimits limits)
        {
            try
            {
                using var zip = ZipFile.OpenRead(path);
                if (zip.GetEntry("[Content_Types].xml") is null || !zip.Entries.Any(e => e.FullName.StartsWith("xl/", StringComparison.Ordinal)))
                    throw new ImportFileException("This is a ZIP archive, not an Excel workbook (.xlsx).");
                long total = 0;
                foreach (var e in zip.Entries)
                {
                    total += e.Length;
                    if (total > limits.MaxUnzippedBytes || (e.CompressedLength > 0 && e.Length / e.CompressedLength > 100 && e.Length > 50_000_000))
                        throw new ImportFileException("The workbook unpacks to far more data than it holds (a 'zip bomb'); it was not opened.");
                }
            }
            catch (InvalidDataException e)
            {
                throw new ImportFileException("The file looks like an Excel workbook but is damaged: {0}", e.Message);
            }
        }

        private static IEnumerable<(int, string[])> Rows(string path, string sheet, ReadLimits limits)
        {
            IEnumerator<dynamic> rows;
            try
            {
                rows = MiniExcelLibs.MiniExcel.Query(path, useHeaderRow: false, sheetName: sheet).GetEnumerator();
            }
            catch (Exception e)
            {
                throw new ImportFileException("The Excel file cannot be read: {0}", e.Message);
            }
            using (rows)
            {
                var line = 0;
                while (true)
                {
                    try
                    {
                        if (!rows.MoveNext()) yield break;
                    }
                    catch (Exception e) when (e is not ImportFileException)
                    {
                        throw new ImportFileException("Row {0} of sheet '{1}' cannot be read: {2}", line + 1, sheet, e.Message);
                    }
                    line++;
                    var cells = (IDictionary<string, object?>)rows.Current;
                    if (cells.Count > limits.MaxColumns)
                        throw new ImportFileException("Row {0} has more than {1:N0} columns.", line, limits.MaxColumns);
                    var values = new string[cells.Count];
                    var i = 0;
                    foreach (var v in cells.Values)
                    {
                        var s = Text(v);
                        if (s.Length > limits.MaxCellChars)
                            throw new ImportFileException("A cell in row {0} is longer than {1:N0} characters.", line, limits.MaxCellChars);
                        values[i++] = s;
                    }
                    yield return (line, values);
                }
            }
        }

        internal static string Text(object? v) => v switch
        {
            null => "",
            string s => s,
            DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                : d.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            // Phone numbers and postcodes typed as numbers come back as doubles: no exponent, no ".0".
            double x => x.ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => v.ToString() ?? "",
        };
    }
}

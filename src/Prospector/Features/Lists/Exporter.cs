using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Lists;

public enum ExportFormat { Csv, Xlsx }

/// <summary>
/// Writes tables as CSV (UTF-8 with BOM, so Excel reads umlauts; RFC 4180 quoting; comma or semicolon between cells) or
/// XLSX, streaming. Every cell a spreadsheet would run as a formula — header included, in both formats — gets a leading
/// apostrophe, so it shows as text (formula injection); see <see cref="IsFormula"/> for exactly which. The importer takes
/// that apostrophe off again.
/// </summary>
public static partial class Exporter
{
    public static async Task WriteAsync(Stream output, ExportFormat format, IReadOnlyList<string> header, IAsyncEnumerable<string?[]> rows,
        CancellationToken ct, char delimiter = ',')
    {
        if (format == ExportFormat.Csv) await WriteCsvAsync(output, header, rows, delimiter, ct);
        else await WriteXlsxAsync(output, header, rows, ct);
    }

    /// <summary>
    /// The separator Excel expects for this culture: where the decimal separator is a comma (German, Dutch, French…),
    /// Excel splits CSV at semicolons and would put a comma-separated file into one column.
    /// </summary>
    /// <summary>
    /// The CSV delimiter: the one asked for, else the one for the user's own language (semicolon for de and nl, whose
    /// Excel splits at semicolons), else the request's culture. Null when the one asked for is neither comma nor semicolon.
    /// </summary>
    public static async Task<char?> DelimiterAsync(ProspectorDb db, long userId, string? requested, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(requested)) return ParseDelimiter(requested);
        var language = userId == 0 ? null : await db.Users.Where(u => u.Id == userId).Select(u => u.Culture).FirstOrDefaultAsync(ct);
        return DelimiterFor(language is null ? CultureInfo.CurrentCulture : CultureInfo.GetCultureInfo(Hosting.ProspectorHost.FormatCulture(language)));
    }

    public static ExportFormat? ParseFormat(string? format) => format?.ToLowerInvariant() switch
    {
        "csv" => ExportFormat.Csv,
        "xlsx" => ExportFormat.Xlsx,
        _ => null,
    };

    public static char DelimiterFor(CultureInfo culture) => culture.NumberFormat.NumberDecimalSeparator == "," ? ';' : ',';

    /// <summary>"comma"/"," or "semicolon"/";" (API and CLI); null when the value is neither.</summary>
    public static char? ParseDelimiter(string value) => value.Trim().ToLowerInvariant() switch
    {
        "," or "comma" => ',',
        ";" or "semicolon" => ';',
        _ => null,
    };

    /// <summary>A cell a spreadsheet would execute: see <see cref="CellText.IsFormula"/>.</summary>
    public static bool IsFormula(string? value) => CellText.IsFormula(value);

    /// <summary>The characters a cell <see cref="IsFormula">may run as a formula</see> with when it starts with one.</summary>
    public const string FormulaStarts = CellText.FormulaStarts;

    /// <summary>A formula gets a leading apostrophe (<see cref="CellText.Escape"/>).</summary>
    public static string Escape(string? value) => CellText.Escape(value);

    /// <summary>Undoes <see cref="Escape"/> on import.</summary>
    public static string Unescape(string value) => CellText.Unescape(value);

    private static async Task WriteCsvAsync(Stream output, IReadOnlyList<string> header, IAsyncEnumerable<string?[]> rows, char delimiter, CancellationToken ct)
    {
        await using var w = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true);
        await w.WriteAsync(Line(header, delimiter));
        await foreach (var row in rows.WithCancellation(ct)) await w.WriteAsync(Line(row, delimiter));
    }

    private static string Line(IReadOnlyList<string?> cells, char delimiter)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) sb.Append(delimiter);
            var v = Escape(cells[i]);
            if (v.AsSpan().IndexOfAny(",\"\r\n;\t") >= 0) sb.Append('"').Append(v.Replace("\"", "\"\"")).Append('"');
            else sb.Append(v);
        }
        return sb.Append("\r\n").ToString();
    }

    private static async Task WriteXlsxAsync(Stream output, IReadOnlyList<string> header, IAsyncEnumerable<string?[]> rows, CancellationToken ct)
    {
        // MiniExcel writes synchronously from an IEnumerable, row by row: memory stays flat for large exports.
        // Column titles are the sheet's keys: make them unique (a re-imported export already has "Prospector state").
        var keys = new string[header.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            // Header cells are cells too: a column named "=HYPERLINK(…)" must not come out live.
            var title = Escape(header[i]);
            var key = title.Length == 0 ? $"Column {i + 1}" : title;
            for (var n = 2; keys.Take(i).Contains(key); n++) key = $"{title} ({n})";
            keys[i] = key;
        }
        var items = rows.ToBlockingEnumerable(ct).Select(row =>
        {
            var d = new Dictionary<string, object?>(keys.Length);
            for (var i = 0; i < keys.Length; i++) d[keys[i]] = i < row.Length ? Escape(row[i]) : "";
            return d;
        });
        var path = Path.GetTempFileName();
        try
        {
            await Task.Run(() => MiniExcelLibs.MiniExcel.SaveAs(path, items, excelType: MiniExcelLibs.ExcelType.XLSX, overwriteFile: true), ct);
            await using var f = File.OpenRead(path);
            await f.CopyToAsync(output, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A list as it was imported, plus the work done on it: state, reason, the contact made from the row.</summary>
    public static (List<string> Header, IAsyncEnumerable<string?[]> Rows) ListTable(ProspectorDb db, ProspectingList list)
    {
        var columns = System.Text.Json.JsonSerializer.Deserialize<List<string>>(list.Columns) ?? [];
        var header = columns.Concat(["Prospector state", "Prospector reason", "Prospector note", "Prospector contact id", "Prospector issues"]).ToList();
        return (header, Rows());

        async IAsyncEnumerable<string?[]> Rows()
        {
            var last = 0;
            while (true)
            {
                // Keyset pages: a million rows never sit in memory at once.
                var page = await db.ListRows.AsNoTracking().Where(r => r.ListId == list.Id && r.RowNumber > last).OrderBy(r => r.RowNumber)
                    .Select(r => new { r.RowNumber, r.Cells, r.State, r.CancelReason, r.CancelNote, r.ContactId, r.Issues }).Take(5000).ToListAsync();
                if (page.Count == 0) yield break;
                foreach (var r in page)
                {
                    var cells = System.Text.Json.JsonSerializer.Deserialize<string[]>(r.Cells) ?? [];
                    var row = new string?[header.Count];
                    Array.Copy(cells, row, Math.Min(cells.Length, columns.Count));
                    var issues = string.Join("; ", Normaliser.ReadIssues(r.Issues).Select(i => $"{i.Field}: {i.Value}"));
                    (row[columns.Count], row[columns.Count + 1], row[columns.Count + 2], row[columns.Count + 3], row[columns.Count + 4]) =
                        (r.State.ToString(), r.CancelReason, r.CancelNote, r.ContactId?.ToString(System.Globalization.CultureInfo.InvariantCulture), issues);
                    yield return row;
                }
                last = page[^1].RowNumber;
            }
        }
    }

    public static readonly string[] ContactHeader =
    [
        "Id", "Salutation", "First name", "Name prefix", "Last name", "Job title", "E-mail", "Phone", "Mobile", "Company", "Street",
        "Postal code", "City", "Country", "Stage", "Lead status", "Source", "Owner", "Notes", "Birthday",
        "LinkedIn", "XING", "Website (person)",
    ];

    /// <summary>
    /// A birthday as the importer reads it back (<see cref="Normaliser.BirthdayOf"/>): ISO "1985-03-14", or "--03-14" when the
    /// year is unknown (as Google Contacts writes it).
    /// </summary>
    public static string? BirthdayCell(int? month, int? day, int? year) => month is { } m && day is { } d
        ? (year is { } y ? string.Create(CultureInfo.InvariantCulture, $"{y:0000}-{m:00}-{d:00}") : string.Create(CultureInfo.InvariantCulture, $"--{m:00}-{d:00}"))
        : null;

    public static async IAsyncEnumerable<string?[]> ContactRows(IQueryable<Contact> contacts)
    {
        long last = 0;
        while (true)
        {
            var page = await contacts.AsNoTracking().Where(c => c.Id > last).OrderBy(c => c.Id).Select(c => new
            {
                Cells = new string?[]
                {
                    c.Id.ToString(), c.Salutation, c.FirstName, c.NamePrefix, c.LastName, c.JobTitle, c.Email, c.Phone, c.Mobile,
                    c.Company != null ? c.Company.Name : null, c.Street, c.PostalCode, c.City, c.Country, c.Stage.ToString(), c.LeadStatus.ToString(),
                    c.Source, c.Owner != null ? c.Owner.Email : null, c.Notes,
                },
                Links = new string?[] { c.LinkedInUrl, c.XingUrl, c.Website },
                Birthday = c.PersonalDates.Where(d => d.Kind == PersonalDateKind.Birthday).OrderBy(d => d.Id)
                    .Select(d => new { d.Month, d.Day, d.Year }).FirstOrDefault(),
            }).Take(2000).ToListAsync();
            if (page.Count == 0) yield break;
            foreach (var row in page) yield return [.. row.Cells, BirthdayCell(row.Birthday?.Month, row.Birthday?.Day, row.Birthday?.Year), .. row.Links];
            last = long.Parse(page[^1].Cells[0]!, System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

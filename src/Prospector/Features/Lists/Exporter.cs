using System.Text;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Lists;

public enum ExportFormat { Csv, Xlsx }

/// <summary>
/// Writes tables as CSV (UTF-8 with BOM, so Excel reads umlauts; RFC 4180 quoting) or XLSX, streaming. A cell that
/// would start with = + - @ tab or CR gets a leading apostrophe so that a spreadsheet shows it as text and never runs
/// it as a formula (CSV injection); the importer takes that apostrophe off again.
/// </summary>
public static class Exporter
{
    public static async Task WriteAsync(Stream output, ExportFormat format, IReadOnlyList<string> header, IAsyncEnumerable<string?[]> rows, CancellationToken ct)
    {
        if (format == ExportFormat.Csv) await WriteCsvAsync(output, header, rows, ct);
        else await WriteXlsxAsync(output, header, rows, ct);
    }

    public static string Escape(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'' ? "'" + value : value ?? "";

    /// <summary>Undoes <see cref="Escape"/> on import: an apostrophe before a formula character is ours.</summary>
    public static string Unescape(string value) =>
        value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'' ? value[1..] : value;

    private static async Task WriteCsvAsync(Stream output, IReadOnlyList<string> header, IAsyncEnumerable<string?[]> rows, CancellationToken ct)
    {
        await using var w = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true);
        await w.WriteAsync(Line(header));
        await foreach (var row in rows.WithCancellation(ct)) await w.WriteAsync(Line(row));
    }

    private static string Line(IReadOnlyList<string?> cells)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) sb.Append(',');
            var v = Escape(cells[i]);
            if (v.AsSpan().IndexOfAny(",\"\r\n;") >= 0) sb.Append('"').Append(v.Replace("\"", "\"\"")).Append('"');
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
            var key = header[i].Length == 0 ? $"Column {i + 1}" : header[i];
            for (var n = 2; keys.Take(i).Contains(key); n++) key = $"{header[i]} ({n})";
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
        "Postal code", "City", "Country", "Stage", "Lead status", "Source", "Owner", "Notes",
    ];

    public static async IAsyncEnumerable<string?[]> ContactRows(IQueryable<Contact> contacts)
    {
        long last = 0;
        while (true)
        {
            var page = await contacts.AsNoTracking().Where(c => c.Id > last).OrderBy(c => c.Id).Select(c => new string?[]
            {
                c.Id.ToString(), c.Salutation, c.FirstName, c.NamePrefix, c.LastName, c.JobTitle, c.Email, c.Phone, c.Mobile,
                c.Company != null ? c.Company.Name : null, c.Street, c.PostalCode, c.City, c.Country, c.Stage.ToString(), c.LeadStatus.ToString(),
                c.Source, c.Owner != null ? c.Owner.Email : null, c.Notes,
            }).Take(2000).ToListAsync();
            if (page.Count == 0) yield break;
            foreach (var row in page) yield return row;
            last = long.Parse(page[^1][0]!, System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

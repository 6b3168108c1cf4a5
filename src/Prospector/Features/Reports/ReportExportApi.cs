using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>
/// /api/v1/reports/{name}/export (XLSX or CSV) and /api/v1/reports/{name}/chart (SVG or PNG): a report as a file, with the
/// report's filters, in the caller's language (the language cookie, else Accept-Language), numbers and dates by that culture.
/// </summary>
public static class ReportExportApi
{
    public const string SvgType = "image/svg+xml", PngType = "image/png", CsvType = "text/csv";

    private const string Names = "name: funnel, win-loss, forecast, stage-times, activity, lists or team. Filters as for the report: from, to (days in the caller's " +
        "time zone, both included), teamId, ownerId, source, listId, country. Texts in the caller's language (language cookie, else Accept-Language).";

    public static RouteGroupBuilder MapReportExports(this RouteGroupBuilder g)
    {
        g.MapGet("/{name}/export", Export)
            .WithSummary("A report as a file: an XLSX workbook (one sheet per table, numbers as numbers) or CSV (its tables one after another).")
            .WithDescription("format: xlsx (default) or csv. The workbook's first sheet names the report, period, time zone and filters; amounts have " +
                "their currency beside them and are never added across currencies. " + Names)
            .Produces(StatusCodes.Status200OK, typeof(byte[]), ReportXlsx.ContentType, CsvType);
        g.MapGet("/{name}/chart", Chart)
            .WithSummary("A report's chart as an image: SVG (960 × 540) or PNG (1920 × 1080).")
            .WithDescription("format: svg (default) or png. The bars of the Reports page with their values, legend and period. " + Names)
            .Produces(StatusCodes.Status200OK, typeof(byte[]), SvgType, PngType);
        return g;
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Export(string name, AccessScope scope, ReportExporter exporter,
        IStringLocalizer<SharedResource> l, CancellationToken ct, string format = "xlsx", DateOnly? from = null, DateOnly? to = null, long? teamId = null,
        long? ownerId = null, string? source = null, long? listId = null, string? country = null)
    {
        var f = format.ToLowerInvariant();
        if (f is not ("xlsx" or "csv")) return Api.Invalid("format", l["{0} must be csv or xlsx.", "format"]);
        var built = await exporter.BuildAsync(name, new ReportFilter(from, to, teamId, ownerId, source, listId, country), scope, ct);
        if (built.Value is not { } r) return Problem(built);
        return f == "csv"
            ? TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(ReportCsv.Write(r, CultureInfo.CurrentCulture))).ToArray(),
                CsvType + "; charset=utf-8", r.FileStem + ".csv")
            : TypedResults.File(ReportXlsx.Write(r, s => l[s]), ReportXlsx.ContentType, r.FileStem + ".xlsx");
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Chart(string name, AccessScope scope, ReportExporter exporter,
        IStringLocalizer<SharedResource> l, CancellationToken ct, string format = "svg", DateOnly? from = null, DateOnly? to = null, long? teamId = null,
        long? ownerId = null, string? source = null, long? listId = null, string? country = null)
    {
        var f = format.ToLowerInvariant();
        if (f is not ("svg" or "png")) return Api.Invalid("format", l["{0} must be svg or png.", "format"]);
        var built = await exporter.BuildAsync(name, new ReportFilter(from, to, teamId, ownerId, source, listId, country), scope, ct);
        if (built.Value is not { } r) return Problem(built);
        var svg = ReportSvg.Render(r.Chart);
        return f == "png"
            ? TypedResults.File(ReportPng.Render(svg), PngType, r.FileStem + ".png")
            : TypedResults.File(Encoding.UTF8.GetBytes(svg), SvgType, r.FileStem + ".svg");
    }

    private static Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult> Problem(Outcome<ReportExport> o) =>
        o.Kind == OutcomeKind.Invalid ? TypedResults.ValidationProblem(o.Errors) : OutcomeResults.ProblemOf(o);
}

/// <summary>A report's tables as one CSV: each table headed by a line "# name", a blank line between them (as the CLI writes).</summary>
public static class ReportCsv
{
    public static string Write(ReportExport r, CultureInfo c) =>
        string.Join("\r\n", r.Sheets.Select(s => $"# {s.Name}\r\n" + new ReportTable(s.Name, [.. s.Columns.Select(x => x.Header)],
            [.. s.Rows.Select(row => (IReadOnlyList<string>)[.. s.Columns.Select((col, i) => Text(row[i], col.Kind, c))])]).ToCsv(c)));

    /// <summary>A cell as text: no thousands separators (a script reads it back), a share as a percentage, days as yyyy-MM-dd.</summary>
    public static string Text(object? v, CellKind kind, CultureInfo c) => v switch
    {
        null => "",
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime m => m.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        _ => kind switch
        {
            CellKind.Share => (Convert.ToDouble(v, CultureInfo.InvariantCulture) * 100).ToString("0.##", c),
            CellKind.Amount => Convert.ToDecimal(v, CultureInfo.InvariantCulture).ToString("0.00", c),
            CellKind.Days => Convert.ToDouble(v, CultureInfo.InvariantCulture).ToString("0.#", c),
            _ => Convert.ToString(v, c) ?? "",
        },
    };
}

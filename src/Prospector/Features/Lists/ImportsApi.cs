using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Lists;

/// <summary>Upload limits; <c>Import__MaxUploadBytes</c> in the environment.</summary>
public sealed class ImportOptions
{
    public long MaxUploadBytes { get; set; } = 200L * 1024 * 1024;
}

/// <summary>
/// Imports over HTTP: <c>POST /api/v1/imports/preview</c> (multipart: file, sheet) shows the columns, the first rows and
/// the guessed mapping; <c>POST /api/v1/imports</c> (multipart: file, list, sheet, country, mapping, ownerId, dryRun) runs
/// the import and answers its summary. The file's type is told from its content, never from its name; <c>country</c> (ISO
/// code or name) is the default for numbers without a country code, else the caller's own country, else the workspace's; an import can be read, its problem rows downloaded, and reverted.
/// </summary>
public static class ImportsApi
{
    public static RouteGroupBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/imports").WithTags("Imports");
        g.MapPost("/preview", Preview).WithForm<ImportPreviewForm, RouteHandlerBuilder>();
        g.MapPost("/", Create).WithForm<ImportForm, RouteHandlerBuilder>();
        g.MapGet("/{id:long}", Get);
        g.MapGet("/{id:long}/problems", Problems).Produces(StatusCodes.Status200OK, typeof(byte[]), "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        g.MapPost("/{id:long}/revert", Revert);
        return g;
    }

    /// <summary>The form of <c>POST /api/v1/imports/preview</c> (documents the multipart body; read field by field).</summary>
    /// <param name="File">The CSV, TSV or XLSX file.</param>
    /// <param name="Sheet">For a workbook: the sheet to read (default: the first with data).</param>
    public sealed record ImportPreviewForm(IFormFile File, string? Sheet);

    /// <summary>The form of <c>POST /api/v1/imports</c> (documents the multipart body; read field by field).</summary>
    /// <param name="File">The CSV, TSV or XLSX file.</param>
    /// <param name="List">The name of the new prospecting list.</param>
    /// <param name="Sheet">For a workbook: the sheet to read.</param>
    /// <param name="Mapping">JSON object: column name → field, to correct the guessed mapping.</param>
    /// <param name="Country">Two-letter country for numbers and addresses without one.</param>
    /// <param name="OwnerId">Who the rows are for: yourself or one of your teams' members.</param>
    /// <param name="DryRun">"true" to get the summary without writing anything.</param>
    public sealed record ImportForm(IFormFile File, string List, string? Sheet, string? Mapping, string? Country, long? OwnerId, bool? DryRun);

    private sealed record Upload(string Path, string FileName, IFormCollection Form) : IDisposable
    {
        public void Dispose() => File.Delete(Path);
    }

    private static async Task<(Upload? Upload, ValidationProblem? Problem)> ReceiveAsync(HttpRequest request, CancellationToken ct)
    {
        var l = request.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        var max = request.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImportOptions>>().Value.MaxUploadBytes;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = max + 1024 * 1024;
        if (!request.HasFormContentType)
            return (null, Api.Invalid("file", l["Send the file as multipart/form-data in a field named 'file'."]));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = max }, ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, Api.Invalid("file", l["The file is larger than the upload limit of {0} MB.", max / 1024 / 1024]));
        }
        if (form.Files.GetFile("file") is not { } file || file.Length == 0)
            return (null, Api.Invalid("file", l["The file is empty."]));
        var path = Path.GetTempFileName();
        await using (var target = File.Create(path)) await file.CopyToAsync(target, ct);
        return (new Upload(path, file.FileName, form), null);
    }

    private static async Task<Results<Ok<ImportPreview>, ValidationProblem>> Preview(HttpRequest request, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var (upload, problem) = await ReceiveAsync(request, ct);
        if (upload is null) return problem!;
        using (upload)
        {
            try
            {
                return TypedResults.Ok(ImportEngine.Preview(upload.Path, Text(upload.Form, "sheet")));
            }
            catch (ImportFileException e)
            {
                return Api.Invalid(e.Field, e.Localize(l));
            }
        }
    }

    private static async Task<Results<Created<ImportSummary>, Ok<ImportSummary>, ValidationProblem>> Create(
        HttpRequest request, ImportEngine engine, RecordAccess access, ClaimsPrincipal user, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var (upload, problem) = await ReceiveAsync(request, ct);
        if (upload is null) return problem!;
        using (upload)
        {
            var scope = await access.ScopeAsync(user, ct);
            var form = upload.Form;
            var name = Text(form, "list");
            if (name is null) return Api.Invalid("list", l["Name the list."]);
            if (name.Length > 200) return Api.Invalid("list", l["{0} is longer than {1} characters.", "list", 200]);
            Dictionary<string, ListField>? mapping = null;
            if (Text(form, "mapping") is { } raw)
            {
                try
                {
                    mapping = JsonSerializer.Deserialize<Dictionary<string, ListField>>(raw, Json);
                }
                catch (JsonException)
                {
                    return Api.Invalid("mapping", l["mapping must be a JSON object of column name → field."]);
                }
            }
            long? ownerId = null;
            if (Text(form, "ownerId") is { } o)
            {
                if (!long.TryParse(o, out var id) || !(id == scope.UserId || scope.IsManagerOrAdmin))
                    return Api.Invalid("ownerId", l["You can only give records to yourself or to your teams."]);
                ownerId = id;
            }
            var dryRun = Text(form, "dryRun") is "true" or "1";
            try
            {
                var summary = await engine.RunAsync(new ImportRequest(upload.Path, upload.FileName, name, Text(form, "sheet"), Text(form, "country"),
                    ownerId, mapping, DryRun: dryRun), scope, null, ct);
                return dryRun ? TypedResults.Ok(summary) : TypedResults.Created($"/api/v1/imports/{summary.ImportId}", summary);
            }
            catch (ImportFileException e)
            {
                return Api.Invalid(e.Field, e.Localize(l));
            }
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static string? Text(IFormCollection form, string key) => form[key].ToString().Trim() is { Length: > 0 } s ? s : null;

    private static async Task<Import?> LoadAsync(ProspectorDb db, RecordAccess access, ClaimsPrincipal user, long id, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        var import = await db.Imports.FirstOrDefaultAsync(i => i.Id == id, ct);
        return import is not null && await ListQueries.Visible(db, scope).AnyAsync(l => l.Id == import.ListId, ct) ? import : null;
    }

    private static async Task<Results<Ok<ImportDto>, ProblemHttpResult>> Get(long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct) =>
        await LoadAsync(db, access, user, id, ct) is { } i ? TypedResults.Ok(ImportDto.From(i)) : NotFound(id);

    /// <summary>The import's rows with invalid values or found as duplicates, with the reasons, as CSV.</summary>
    private static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Problems(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, HttpResponse response, CancellationToken ct, string? delimiter = null)
    {
        if (await ListsApi.DelimiterAsync(db, user, delimiter, ct) is not { } d) return Api.Invalid("delimiter", "delimiter must be comma or semicolon.");
        if (await LoadAsync(db, access, user, id, ct) is not { } import) return NotFound(id);
        var list = await db.ProspectingLists.IgnoreQueryFilters().FirstAsync(l => l.Id == import.ListId, ct);
        var columns = ListQueries.Columns(list);
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"import-{id}-problems.csv\"";
        await Exporter.WriteAsync(response.Body, ExportFormat.Csv, ["Row", "Problem", .. columns], Rows(), ct, d);
        return TypedResults.Empty;

        async IAsyncEnumerable<string?[]> Rows()
        {
            var last = 0;
            while (true)
            {
                var page = await db.ListRows.AsNoTracking()
                    .Where(r => r.ImportId == id && r.RowNumber > last && (r.Issues != null || r.State == ListRowState.Duplicate))
                    .OrderBy(r => r.RowNumber).Take(2000).ToListAsync(ct);
                if (page.Count == 0) yield break;
                foreach (var r in page)
                {
                    var problems = Normaliser.ReadIssues(r.Issues).Select(i => $"invalid {i.Field}: {i.Value}").ToList();
                    if (r.State == ListRowState.Duplicate)
                        problems.Add(r.DuplicateOfRow is { } n ? $"duplicate ({r.DuplicateReason}) of row {n}"
                            : r.DuplicateOfContactId is { } c ? $"duplicate ({r.DuplicateReason}, score {r.DuplicateScore:0.00}) of contact {c}"
                            : $"duplicate ({r.DuplicateReason}) of company {r.DuplicateOfCompanyId}");
                    yield return [r.RowNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join("; ", problems),
                        .. JsonSerializer.Deserialize<string[]>(r.Cells) ?? []];
                }
                last = page[^1].RowNumber;
            }
        }
    }

    private static async Task<Results<Ok<ImportDto>, ProblemHttpResult>> Revert(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, ImportEngine engine, CancellationToken ct)
    {
        if (await LoadAsync(db, access, user, id, ct) is not { } import) return NotFound(id);
        if (import.Status != ImportStatus.Completed)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Import not revertible",
                detail: $"Import {id} is {import.Status}; only a completed import can be reverted.");
        await engine.RevertAsync(import, ct);
        return TypedResults.Ok(ImportDto.From(import));
    }

    private static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Import not found", detail: $"There is no import {id} that you can see.");
}

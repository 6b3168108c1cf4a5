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

/// <summary>The multipart form of <c>POST /imports/preview</c>: the file, and the sheet of a workbook (default: the first).</summary>
public sealed record ImportPreviewForm(IFormFile File, string? Sheet);

/// <summary>
/// The multipart form of <c>POST /imports</c>: the file; the list to import into (made if it does not exist); the sheet;
/// the default country; the mapping as JSON (column → field); the list's owner; <c>dryRun</c> true to check and count only;
/// <c>source</c> the lead source (id or key, GET /api/v1/sources) the list's contacts get (kept on the list for later imports).
/// </summary>
public sealed record ImportForm(IFormFile File, string List, string? Sheet, string? Country, string? Mapping, long? OwnerId, bool? DryRun,
    string? Source);

/// <summary>
/// Imports over HTTP: <c>POST /api/v1/imports/preview</c> (multipart: file, sheet) shows the columns, the first rows and
/// the guessed mapping; <c>POST /api/v1/imports</c> (multipart: file, list, sheet, country, mapping, ownerId, dryRun) runs
/// the import and answers its summary. The file's type is told from its content, never from its name; <c>country</c> (ISO
/// code or name) is the default for numbers without a country code, else the caller's own country, else the workspace's; an import can be read, its problem rows downloaded, and reverted.
/// The checks and the work are <see cref="ImportEngine"/>'s; this class only translates HTTP.
/// </summary>
public static class ImportsApi
{
    public static RouteGroupBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/imports").WithTags("Imports");
        g.MapPost("/preview", Preview).Accepts<ImportPreviewForm>("multipart/form-data");
        g.MapPost("/", Create).Accepts<ImportForm>("multipart/form-data");
        g.MapGet("/{id:long}", Get);
        g.MapGet("/{id:long}/problems", Problems).Produces(StatusCodes.Status200OK, typeof(byte[]), "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        g.MapPost("/{id:long}/revert", Revert);
        return g;
    }

    /// <summary>The form fields and the uploaded file, saved to a temporary file by <see cref="ImportUpload"/>.</summary>
    private static async Task<(IFormCollection? Form, Outcome<ImportUpload> Upload)> ReceiveAsync(HttpRequest request, CancellationToken ct)
    {
        var l = request.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        var max = request.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImportOptions>>().Value.MaxUploadBytes;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = max + 1024 * 1024;
        if (!request.HasFormContentType)
            return (null, Outcome<ImportUpload>.Invalid("file", l["Send the file as multipart/form-data in a field named 'file'."]));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = max }, ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, Outcome<ImportUpload>.Invalid("file", ImportUpload.TooLarge(l, max)));
        }
        var file = form.Files.GetFile("file");
        return (form, await ImportUpload.SaveAsync(() => file!.OpenReadStream(), file?.FileName ?? "upload", file?.Length ?? 0, max, l, ct));
    }

    private static async Task<Results<Ok<ImportPreview>, ValidationProblem, ProblemHttpResult>> Preview(HttpRequest request, ImportEngine engine, CancellationToken ct)
    {
        var (form, received) = await ReceiveAsync(request, ct);
        if (received.Value is not { } upload) return received.As<ImportPreview>().ToOk();
        using (upload) return engine.Preview(upload.Path, Text(form!, "sheet")).ToOk();
    }

    private static async Task<Results<Created<ImportSummary>, Ok<ImportSummary>, ValidationProblem, ProblemHttpResult>> Create(
        HttpRequest request, ImportEngine engine, AccessScope scope, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var (form, received) = await ReceiveAsync(request, ct);
        if (received.Value is not { } upload) return Failed(received);
        using (upload)
        {
            Dictionary<string, ListField>? mapping = null;
            if (Text(form!, "mapping") is { } raw)
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
            if (Text(form!, "ownerId") is { } o)
            {
                if (!long.TryParse(o, out var id) || id <= 0) return Api.Invalid("ownerId", l["You can only give records to yourself or to your teams."]);
                ownerId = id;
            }
            var dryRun = Text(form!, "dryRun") is "true" or "1";
            var run = await engine.RunAsync(new ImportRequest(upload.Path, upload.FileName, Text(form!, "list") ?? "", Text(form!, "sheet"),
                Text(form!, "country"), ownerId, mapping, DryRun: dryRun, Source: Text(form!, "source")), scope, null, ct);
            if (run.Value is not { } summary) return Failed(run);
            return dryRun ? TypedResults.Ok(summary) : TypedResults.Created($"/api/v1/imports/{summary.ImportId}", summary);
        }
    }

    private static Results<Created<ImportSummary>, Ok<ImportSummary>, ValidationProblem, ProblemHttpResult> Failed<T>(Outcome<T> o)
    {
        if (o.Kind == OutcomeKind.Invalid) return TypedResults.ValidationProblem(o.Errors);
        return OutcomeResults.ProblemOf(o);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static string? Text(IFormCollection form, string key) => form[key].ToString().Trim() is { Length: > 0 } s ? s : null;

    private static async Task<Results<Ok<ImportDto>, ValidationProblem, ProblemHttpResult>> Get(long id, ProspectorDb db, AccessScope scope, CancellationToken ct) =>
        (await ListQueries.FindImportAsync(db, scope, id, ct)).ToOk(ImportDto.From);

    /// <summary>The import's rows with invalid values or found as duplicates, with the reasons, as CSV.</summary>
    private static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Problems(
        long id, ProspectorDb db, AccessScope scope, HttpResponse response, IStringLocalizer<SharedResource> l, CancellationToken ct, string? delimiter = null)
    {
        if (await Exporter.DelimiterAsync(db, scope.UserId, delimiter, ct) is not { } d) return Api.Invalid("delimiter", l["{0} must be comma or semicolon.", "delimiter"]);
        var found = await ListQueries.FindImportAsync(db, scope, id, ct);
        if (found.Value is not { } import) return OutcomeResults.ProblemOf(found);
        var list = await db.ProspectingLists.IgnoreQueryFilters().FirstAsync(x => x.Id == import.ListId, ct);
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

    private static async Task<Results<Ok<ImportDto>, ValidationProblem, ProblemHttpResult>> Revert(
        long id, AccessScope scope, ImportEngine engine, CancellationToken ct) =>
        (await engine.RevertAsync(id, scope, ct)).ToOk();
}

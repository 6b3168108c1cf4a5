using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Contacts;
using Prospector.Features.NextActions;

namespace Prospector.Features.Lists;

/// <summary>Prospecting lists: read them, page through their rows, work rows (+, cancel, undo, keep, assign), export.</summary>
public static class ListsApi
{
    public static RouteGroupBuilder MapListsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/lists").WithTags("Lists");
        g.MapGet("/", List);
        g.MapGet("/{id:long}", Get);
        g.MapGet("/{id:long}/rows", Rows);
        g.MapPost("/{id:long}/rows/{rowId:long}/convert", Convert);
        g.MapPost("/{id:long}/rows/{rowId:long}/cancel", Cancel);
        g.MapPost("/{id:long}/rows/{rowId:long}/reopen", Reopen);
        g.MapPost("/{id:long}/rows/{rowId:long}/keep", Keep);
        g.MapPost("/{id:long}/rows/bulk", Bulk);
        g.MapGet("/{id:long}/export", Export).Produces(StatusCodes.Status200OK, typeof(byte[]), "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        app.MapGet("/contacts/export", ExportContacts).WithTags("Contacts").Produces(StatusCodes.Status200OK, typeof(byte[]), "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        return g;
    }

    private static async Task<Ok<List<ListSummary>>> List(ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await ListQueries.SummariesAsync(db, await access.ScopeAsync(user, ct), ct));

    private static async Task<Results<Ok<ListDetail>, ProblemHttpResult>> Get(long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct) =>
        await LoadAsync(db, access, user, id, ct) is { } l ? TypedResults.Ok(await ListQueries.DetailAsync(db, l, ct)) : NotFound(id);

    private static async Task<Results<Ok<Paged<RowDto>>, ValidationProblem, ProblemHttpResult>> Rows(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct,
        ListRowState? state = null, string? q = null, RowSort sort = RowSort.Row, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        if (await LoadAsync(db, access, user, id, ct) is null) return NotFound(id);
        return TypedResults.Ok(await ListQueries.RowsAsync(db, id, state, q, sort, p, size, ct));
    }

    private static readonly IReadOnlySet<string> ConvertFields = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "nextAction", "merge" };
    private static readonly IReadOnlySet<string> CancelFields = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "reason", "note" };

    private static Task<Results<Ok<RowDto>, ValidationProblem, ProblemHttpResult>> Convert(
        long id, long rowId, HttpRequest request, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, ListWork work, CancellationToken ct) =>
        OnRowAsync(id, rowId, request, db, access, user, ConvertFields, ct, async (list, row, f, scope) =>
        {
            var merge = ReadBool(f, "merge");
            var next = ReadNextAction(f);
            if (f.Errors.Count > 0) return new WorkResult(f.Errors);
            return await work.ConvertAsync(list, row, next, merge, scope, ct);
        });

    private static Task<Results<Ok<RowDto>, ValidationProblem, ProblemHttpResult>> Cancel(
        long id, long rowId, HttpRequest request, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, ListWork work, CancellationToken ct) =>
        OnRowAsync(id, rowId, request, db, access, user, CancelFields, ct, (_, row, f, _) =>
        {
            CancelReason? reason = null;
            string? note = null;
            f.Enum<CancelReason>("reason", v => reason = v);
            f.String("note", 1000, v => note = v);
            return Task.FromResult(f.Errors.Count > 0 ? new WorkResult(f.Errors) : work.Cancel(row, reason, note));
        });

    private static Task<Results<Ok<RowDto>, ValidationProblem, ProblemHttpResult>> Reopen(
        long id, long rowId, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, ListWork work, CancellationToken ct) =>
        OnRowAsync(id, rowId, null, db, access, user, CancelFields, ct, (_, row, _, _) => Task.FromResult(work.Reopen(row)));

    private static Task<Results<Ok<RowDto>, ValidationProblem, ProblemHttpResult>> Keep(
        long id, long rowId, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, ListWork work, CancellationToken ct) =>
        OnRowAsync(id, rowId, null, db, access, user, CancelFields, ct, (_, row, _, _) => Task.FromResult(work.Keep(row)));

    /// <summary>Loads a visible list and its row, applies the work, saves; a concurrent change of the row is a 409.</summary>
    private static async Task<Results<Ok<RowDto>, ValidationProblem, ProblemHttpResult>> OnRowAsync(
        long id, long rowId, HttpRequest? request, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, IReadOnlySet<string> allowed,
        CancellationToken ct, Func<ProspectingList, ListRow, JsonFields, AccessScope, Task<WorkResult>> act)
    {
        var scope = await access.ScopeAsync(user, ct);
        if (await ListQueries.Visible(db, scope).FirstOrDefaultAsync(l => l.Id == id, ct) is not { } list) return NotFound(id);
        if (await db.ListRows.FirstOrDefaultAsync(r => r.Id == rowId && r.ListId == id, ct) is not { } row)
            return TypedResults.Problem(statusCode: 404, title: "Row not found", detail: $"List {id} has no row {rowId}.");
        JsonFields f;
        if (request is null || request.ContentLength == 0 || !request.HasJsonContentType()) f = JsonFields.From(new JsonObject());
        else
        {
            var (read, errors) = await JsonFields.ReadAsync(request, allowed, ct);
            if (read is null) return TypedResults.ValidationProblem(errors!);
            f = read;
        }
        if (request is not null && Api.IfMatchVersion(request) is { } expected && expected != row.Version) return Api.Stale(row.Version);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await act(list, row, f, scope);
        if (result.Errors is not null) return TypedResults.ValidationProblem(result.Errors);
        if (result.Conflict is not null) return TypedResults.Problem(statusCode: 409, title: "Not possible in this state", detail: result.Conflict);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Problem(statusCode: 409, title: "The row was changed by someone else", detail: $"Row {row.RowNumber} was just worked by someone else; reload it.");
        }
        return TypedResults.Ok(ListQueries.ToDto(row));
    }

    private static bool ReadBool(JsonFields f, string name)
    {
        var v = false;
        f.Bool(name, b => v = b);
        return v;
    }

    private static NextActionInput? ReadNextAction(JsonFields f)
    {
        if (!f.Has("nextAction")) return null;
        var o = f.ObjectNode("nextAction");
        if (o is null) return null;
        var inner = JsonFields.From(o.DeepClone().AsObject());
        NextActionType type = NextActionType.Call;
        DateOnly? due = null;
        TimeOnly? time = null;
        string? note = null;
        inner.Enum<NextActionType>("type", v => type = v);
        inner.String("dueDate", 10, v => due = DateOnly.TryParseExact(v, "yyyy-MM-dd", out var d) ? d : null);
        inner.String("dueTime", 8, v => time = TimeOnly.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : null);
        inner.String("note", 1000, v => note = v);
        foreach (var (k, v) in inner.Errors) f.Fail($"nextAction.{k}", string.Join(" ", v));
        if (due is null) f.Fail("nextAction.dueDate", f.T("{0} must be a date (yyyy-mm-dd).", "dueDate"));
        return due is { } dd ? new NextActionInput(type, dd, time, note, null) : null;
    }

    /// <summary>
    /// Bulk work on selected rows: <c>{"action":"cancel|reopen|assign|convert","rowIds":[…],"reason","note","assigneeId","nextAction"}</c>.
    /// Each row is worked on its own; the answer says which rows were done and why others were not.
    /// </summary>
    private static async Task<Results<Ok<BulkResult>, ValidationProblem, ProblemHttpResult>> Bulk(
        long id, HttpRequest request, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, ListWork work,
        IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        if (await ListQueries.Visible(db, scope).FirstOrDefaultAsync(x => x.Id == id, ct) is not { } list) return NotFound(id);
        var (f, errors) = await JsonFields.ReadAsync(request, BulkFields, ct);
        if (f is null) return TypedResults.ValidationProblem(errors!);
        string? action = null;
        f.String("action", 20, v => action = v, required: true);
        if (!f.Has("action")) f.Fail("action", f.T("{0} is required.", "action"));
        var ids = f.Array("rowIds")?.Select(n => n?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? n.GetValue<long>() : 0).ToList() ?? [];
        if (ids.Count is 0 or > 1000 || ids.Contains(0)) f.Fail("rowIds", f.T("Select between 1 and 1000 rows."));
        CancelReason? reason = null;
        string? note = null;
        long? assignee = null;
        f.Enum<CancelReason>("reason", v => reason = v);
        f.String("note", 1000, v => note = v);
        f.Id("assigneeId", v => assignee = v);
        var next = action == "convert" ? ReadNextAction(f) : null;
        if (action is not (null or "cancel" or "reopen" or "assign" or "convert")) f.Fail("action", f.T("action must be one of: {0}.", "cancel, reopen, assign, convert"));
        if (action == "assign" && assignee is { } a && a != scope.UserId && !scope.IsManagerOrAdmin)
            f.Fail("assigneeId", l["Only managers assign rows to others."]);
        if (action == "assign" && assignee is { } u && !await db.Users.AnyAsync(x => x.Id == u && x.DeactivatedAt == null, ct))
            f.Fail("assigneeId", l["There is no active user {0}.", u]);
        if (f.Errors.Count > 0) return TypedResults.ValidationProblem(f.Errors);
        var rows = await db.ListRows.Where(r => r.ListId == id && ids.Contains(r.Id)).OrderBy(r => r.RowNumber).ToListAsync(ct);
        var done = new List<long>();
        var skipped = new Dictionary<long, string>();
        foreach (var row in rows)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = action switch
            {
                "cancel" => work.Cancel(row, reason, note),
                "reopen" => work.Reopen(row),
                "assign" => Assign(row, assignee),
                _ => await work.ConvertAsync(list, row, next, merge: false, scope, ct),
            };
            if (result.Errors is not null && done.Count == 0 && skipped.Count == 0 && action != "convert")
                return TypedResults.ValidationProblem(result.Errors); // the same input is wrong for every row
            if (result.Succeeded)
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                done.Add(row.Id);
            }
            else
            {
                skipped[row.Id] = result.Conflict ?? string.Join(" ", result.Errors!.SelectMany(e => e.Value));
                Undo(db);
            }
        }
        foreach (var missing in ids.Except(rows.Select(r => r.Id))) skipped[missing] = l["List {0} has no row {1}.", id, missing];
        return TypedResults.Ok(new BulkResult(done, skipped));
    }

    /// <summary>Forgets the unsaved changes of a row that could not be worked, keeping the other rows tracked.</summary>
    private static void Undo(ProspectorDb db)
    {
        foreach (var e in db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList())
        {
            if (e.State == EntityState.Added) e.State = EntityState.Detached;
            else
            {
                e.CurrentValues.SetValues(e.OriginalValues);
                e.State = EntityState.Unchanged;
            }
        }
    }

    public sealed record BulkResult(List<long> Done, Dictionary<long, string> Skipped);

    private static readonly IReadOnlySet<string> BulkFields = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { "action", "rowIds", "reason", "note", "assigneeId", "nextAction" };

    private static WorkResult Assign(ListRow row, long? assignee)
    {
        row.AssignedToId = assignee;
        return WorkResult.Ok;
    }

    /// <summary>CSV between cells: <c>delimiter</c> (comma or semicolon) when given, else the one the user's Excel expects.</summary>
    private static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Export(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, HttpResponse response, CancellationToken ct, string format = "csv",
        string? delimiter = null)
    {
        if (ParseFormat(format) is not { } f) return Api.Invalid("format", "format must be csv or xlsx.");
        if (await DelimiterAsync(db, user, delimiter, ct) is not { } d) return Api.Invalid("delimiter", "delimiter must be comma or semicolon.");
        if (await LoadAsync(db, access, user, id, ct) is not { } list) return NotFound(id);
        var (header, rows) = Exporter.ListTable(db, list);
        await SendAsync(response, f, FileName(list.Name), header, rows, d, ct);
        return TypedResults.Empty;
    }

    /// <summary>Visible contacts, optionally narrowed like the contacts list (stage, status, owner, tag, company, source list).</summary>
    private static async Task<Results<EmptyHttpResult, ValidationProblem>> ExportContacts(
        ProspectorDb db, RecordAccess access, ClaimsPrincipal user, HttpResponse response, CancellationToken ct, string format = "csv",
        Stage? stage = null, LeadStatus? status = null, long? ownerId = null, string? tag = null, long? companyId = null, long? listId = null,
        string? delimiter = null)
    {
        if (ParseFormat(format) is not { } f) return Api.Invalid("format", "format must be csv or xlsx.");
        if (await DelimiterAsync(db, user, delimiter, ct) is not { } d) return Api.Invalid("delimiter", "delimiter must be comma or semicolon.");
        var scope = await access.ScopeAsync(user, ct);
        var query = new ContactQuery(Stage: stage, Status: status, OwnerId: ownerId, Tag: tag, CompanyId: companyId).Branches(db, scope)[0];
        if (listId is { } lid) query = query.Where(c => c.SourceListId == lid);
        await SendAsync(response, f, "contacts", Exporter.ContactHeader, Exporter.ContactRows(query), d, ct);
        return TypedResults.Empty;
    }

    /// <summary>
    /// The CSV delimiter: the one asked for, else the one for the user's own language (semicolon for de and nl, whose
    /// Excel splits at semicolons), else the request's culture. Null when the one asked for is neither comma nor semicolon.
    /// </summary>
    public static async Task<char?> DelimiterAsync(ProspectorDb db, ClaimsPrincipal user, string? requested, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(requested)) return Exporter.ParseDelimiter(requested);
        var language = long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            ? await db.Users.Where(u => u.Id == userId).Select(u => u.Culture).FirstOrDefaultAsync(ct) : null;
        return Exporter.DelimiterFor(language is null ? System.Globalization.CultureInfo.CurrentCulture
            : System.Globalization.CultureInfo.GetCultureInfo(Hosting.ProspectorHost.FormatCulture(language)));
    }

    public static ExportFormat? ParseFormat(string? format) => format?.ToLowerInvariant() switch
    {
        "csv" => ExportFormat.Csv,
        "xlsx" => ExportFormat.Xlsx,
        _ => null,
    };

    private static async Task SendAsync(HttpResponse response, ExportFormat f, string name, IReadOnlyList<string> header, IAsyncEnumerable<string?[]> rows,
        char delimiter, CancellationToken ct)
    {
        response.ContentType = f == ExportFormat.Csv ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        var file = $"{name}.{f.ToString().ToLowerInvariant()}";
        response.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("attachment")
        { FileNameStar = file, FileName = "\"" + new string([.. file.Select(c => c < 128 && c != '"' ? c : '_')]) + "\"" }.ToString();
        await Exporter.WriteAsync(response.Body, f, header, rows, ct, delimiter);
    }

    private static string FileName(string listName) =>
        new string([.. listName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ' ? c : '_')]).Trim() is { Length: > 0 } s ? s : "list";

    private static async Task<ProspectingList?> LoadAsync(ProspectorDb db, RecordAccess access, ClaimsPrincipal user, long id, CancellationToken ct) =>
        await ListQueries.Visible(db, await access.ScopeAsync(user, ct)).FirstOrDefaultAsync(l => l.Id == id, ct);

    private static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "List not found", detail: $"There is no list {id} that you can see.");
}

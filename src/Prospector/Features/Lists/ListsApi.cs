using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Contacts;
using Prospector.Features.NextActions;

namespace Prospector.Features.Lists;

/// <summary>The body of <c>POST /lists/{id}/rows/{rowId}/convert</c>: the first next action of the new lead, or merge into the contact it duplicates.</summary>
public sealed record ConvertRowInput(NextActionBody? NextAction, bool? Merge) : IReadFieldByField;

/// <summary>A next action as a body field: type (Call, Email, Meeting, …), due date (yyyy-mm-dd), optional time (hh:mm) and note.</summary>
public sealed record NextActionBody(NextActionType? Type, string DueDate, string? DueTime, string? Note);

/// <summary>The body of <c>POST /lists/{id}/rows/{rowId}/cancel</c>: why the row is cancelled (a note is required for Other).</summary>
public sealed record CancelRowInput(CancelReason Reason, string? Note) : IReadFieldByField;

/// <summary>
/// The body of <c>POST /lists/{id}/rows/bulk</c>: <c>action</c> is cancel, reopen, assign or convert; up to 1000 <c>rowIds</c>;
/// <c>reason</c>/<c>note</c> for cancel, <c>assigneeId</c> for assign (null: nobody), <c>nextAction</c> for convert.
/// </summary>
public sealed record BulkRowsInput(string Action, List<long> RowIds, CancelReason? Reason, string? Note, long? AssigneeId, NextActionBody? NextAction) : IReadFieldByField;

/// <summary>
/// Prospecting lists: read them, page through their rows, work rows (+, cancel, undo, keep, assign), export. Every row
/// change goes through <see cref="ListWork"/>; this class only translates HTTP.
/// </summary>
public static class ListsApi
{
    public static RouteGroupBuilder MapListsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/lists").WithTags("Lists");
        g.MapGet("/", List);
        g.MapGet("/{id:long}", Get);
        g.MapGet("/{id:long}/rows", Rows);
        g.MapPost("/{id:long}/rows/{rowId:long}/convert", Convert).WithIfMatch(required: false);
        g.MapPost("/{id:long}/rows/{rowId:long}/cancel", Cancel).WithIfMatch(required: false);
        g.MapPost("/{id:long}/rows/{rowId:long}/reopen", Reopen).WithIfMatch(required: false);
        g.MapPost("/{id:long}/rows/{rowId:long}/keep", Keep).WithIfMatch(required: false);
        g.MapPost("/{id:long}/rows/bulk", Bulk);
        g.MapGet("/{id:long}/export", Export).Produces(StatusCodes.Status200OK, typeof(byte[]), "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        app.MapGet("/contacts/export", ExportContacts).WithTags("Contacts").Produces(StatusCodes.Status200OK, typeof(byte[]), "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        return g;
    }

    private static async Task<Ok<List<ListSummary>>> List(ProspectorDb db, AccessScope scope, CancellationToken ct) =>
        TypedResults.Ok(await ListQueries.SummariesAsync(db, scope, ct));

    private static async Task<Results<Ok<ListDetail>, ValidationProblem, ProblemHttpResult>> Get(long id, ProspectorDb db, AccessScope scope, CancellationToken ct) =>
        (await ListQueries.FindAsync(db, scope, id, ct)).ToOk();

    private static async Task<Results<Ok<Paged<RowDto>>, ValidationProblem, ProblemHttpResult>> Rows(
        long id, ProspectorDb db, AccessScope scope, CancellationToken ct,
        ListRowState? state = null, string? q = null, RowSort sort = RowSort.Row, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var list = await ListQueries.FindAsync(db, scope, id, ct);
        if (!list.IsOk) return OutcomeResults.ProblemOf(list);
        return TypedResults.Ok(await ListQueries.RowsAsync(db, id, state, q, sort, p, size, ct));
    }

    private static Task<Results<Ok<RowDto>, ValidationProblem, ProblemHttpResult>> Convert(
        long id, long rowId, Body<ConvertRowInput>? body, HttpRequest request, AccessScope scope, ListWork work, CancellationToken ct) =>
        OnRowAsync(id, rowId, body?.Fields, request, scope, work, ct, f =>
        {
            var merge = ReadBool(f, "merge");
            return new RowAction.Convert(ReadNextAction(f), merge);
        });

    private static Task<Results<Ok<RowDto>, ValidationProblem, ProblemHttpResult>> Cancel(
        long id, long rowId, Body<CancelRowInput>? body, HttpRequest request, AccessScope scope, ListWork work, CancellationToken ct) =>
        OnRowAsync(id, rowId, body?.Fields, request, scope, work, ct, f =>
        {
            CancelReason? reason = null;
            string? note = null;
            f.Enum<CancelReason>("reason", v => reason = v);
            f.String("note", 1000, v => note = v);
            return new RowAction.Cancel(reason, note);
        });

    private static Task<Results<Ok<RowDto>, ValidationProblem, ProblemHttpResult>> Reopen(
        long id, long rowId, HttpRequest request, AccessScope scope, ListWork work, CancellationToken ct) =>
        OnRowAsync(id, rowId, null, request, scope, work, ct, _ => new RowAction.Reopen());

    private static Task<Results<Ok<RowDto>, ValidationProblem, ProblemHttpResult>> Keep(
        long id, long rowId, HttpRequest request, AccessScope scope, ListWork work, CancellationToken ct) =>
        OnRowAsync(id, rowId, null, request, scope, work, ct, _ => new RowAction.Keep());

    /// <summary>Reads the body's fields (when the action takes one; none sent reads as {}) and the If-Match version, and hands the row to <see cref="ListWork"/>.</summary>
    private static async Task<Results<Ok<RowDto>, ValidationProblem, ProblemHttpResult>> OnRowAsync(
        long id, long rowId, JsonFields? body, HttpRequest request, AccessScope scope, ListWork work, CancellationToken ct,
        Func<JsonFields, RowAction> read)
    {
        var f = body ?? JsonFields.From(new JsonObject());
        var action = read(f);
        if (f.Errors.Count > 0) return TypedResults.ValidationProblem(f.Errors);
        return (await work.ApplyToRowAsync(id, rowId, action, scope, ct, Api.IfMatchVersion(request))).ToOk();
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
        foreach (var unknown in o.Select(p => p.Key).Where(k => !Body<NextActionBody>.Allowed.Contains(k)))
            f.Fail($"nextAction.{unknown}", f.T("Unknown field '{0}'.", unknown));
        var inner = f.Nested(o.DeepClone().AsObject());
        NextActionType type = NextActionType.Call;
        DateOnly? due = null;
        TimeOnly? time = null;
        string? note = null;
        inner.Enum<NextActionType>("type", v => type = v);
        inner.String("dueDate", 10, v => due = DateOnly.TryParseExact(v, "yyyy-MM-dd", out var d) ? d : null);
        inner.String("dueTime", 8, v =>
        {
            if (v is null) return;
            if (TimeOnly.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var t)) time = t;
            else inner.Fail("dueTime", inner.T("{0} must be a time such as 14:30.", "dueTime"));
        });
        inner.String("note", 1000, v => note = v);
        foreach (var (k, v) in inner.Errors) f.Fail($"nextAction.{k}", string.Join(" ", v));
        if (due is null) f.Fail("nextAction.dueDate", f.T("{0} must be a date (yyyy-mm-dd).", "dueDate"));
        return due is { } dd ? new NextActionInput(type, dd, time, note, null) : null;
    }

    /// <summary>Bulk work on selected rows (<see cref="BulkRowsInput"/>): each row is worked on its own; the answer says which rows were done and why others were not.</summary>
    private static async Task<Results<Ok<BulkResult>, ValidationProblem, ProblemHttpResult>> Bulk(
        long id, Body<BulkRowsInput> body, AccessScope scope, ListWork work, CancellationToken ct)
    {
        var f = body.Fields;
        string? action = null;
        f.String("action", 20, v => action = v, required: true);
        if (!f.Has("action")) f.Fail("action", f.T("{0} is required.", "action"));
        var ids = f.Array("rowIds")?.Select(n => n?.GetValueKind() == System.Text.Json.JsonValueKind.Number && n.AsValue().TryGetValue<long>(out var v) ? v : 0).ToList() ?? [];
        if (ids.Count is 0 or > ListWork.MaxBulkRows || ids.Contains(0)) f.Fail("rowIds", f.T("Select between 1 and 1000 rows."));
        CancelReason? reason = null;
        string? note = null;
        long? assignee = null;
        f.Enum<CancelReason>("reason", v => reason = v);
        f.String("note", 1000, v => note = v);
        f.Id("assigneeId", v => assignee = v);
        var next = action == "convert" ? ReadNextAction(f) : null;
        RowAction? todo = action switch
        {
            "cancel" => new RowAction.Cancel(reason, note),
            "reopen" => new RowAction.Reopen(),
            "assign" => new RowAction.Assign(assignee),
            "convert" => new RowAction.Convert(next),
            _ => null,
        };
        if (action is not null && todo is null) f.Fail("action", f.T("action must be one of: {0}.", "cancel, reopen, assign, convert"));
        if (f.Errors.Count > 0 || todo is null) return TypedResults.ValidationProblem(f.Errors);
        return (await work.ApplyToRowsAsync(id, ids, todo, scope, ct)).ToOk();
    }

    /// <summary>CSV between cells: <c>delimiter</c> (comma or semicolon) when given, else the one the user's Excel expects.</summary>
    private static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Export(
        long id, ProspectorDb db, AccessScope scope, HttpResponse response, IStringLocalizer<SharedResource> l, CancellationToken ct, string format = "csv",
        string? delimiter = null)
    {
        if (Exporter.ParseFormat(format) is not { } f) return Api.Invalid("format", l["{0} must be csv or xlsx.", "format"]);
        if (await Exporter.DelimiterAsync(db, scope.UserId, delimiter, ct) is not { } d) return Api.Invalid("delimiter", l["{0} must be comma or semicolon.", "delimiter"]);
        var found = await ListQueries.FindListAsync(db, scope, id, ct);
        if (found.Value is not { } list) return OutcomeResults.ProblemOf(found);
        var (header, rows) = Exporter.ListTable(db, list);
        await SendAsync(response, f, FileName(list.Name), header, rows, d, ct);
        return TypedResults.Empty;
    }

    /// <summary>Visible contacts, optionally narrowed like the contacts list (stage, status, owner, tag, company, source list).</summary>
    private static async Task<Results<EmptyHttpResult, ValidationProblem>> ExportContacts(
        ProspectorDb db, AccessScope scope, HttpResponse response, IStringLocalizer<SharedResource> l, CancellationToken ct, string format = "csv",
        Stage? stage = null, LeadStatus? status = null, long? ownerId = null, string? tag = null, long? companyId = null, long? listId = null,
        string? delimiter = null)
    {
        if (Exporter.ParseFormat(format) is not { } f) return Api.Invalid("format", l["{0} must be csv or xlsx.", "format"]);
        if (await Exporter.DelimiterAsync(db, scope.UserId, delimiter, ct) is not { } d) return Api.Invalid("delimiter", l["{0} must be comma or semicolon.", "delimiter"]);
        var query = new ContactQuery(Stage: stage, Status: status, OwnerId: ownerId, Tag: tag, CompanyId: companyId).Branches(db, scope)[0];
        if (listId is { } lid) query = query.Where(c => c.SourceListId == lid);
        await SendAsync(response, f, "contacts", Exporter.ContactHeader, Exporter.ContactRows(query), d, ct);
        return TypedResults.Empty;
    }

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
}

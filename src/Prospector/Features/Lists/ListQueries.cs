using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Lists;

public sealed record ListSummary(long Id, string Name, int RowCount, int Open, int Converted, int Cancelled, int Duplicate,
    string? OwnerName, DateTime CreatedAt);

public sealed record ListDetail(long Id, int Version, string Name, string? DefaultCountry, List<string> Columns, Dictionary<string, ListField> Mapping,
    int RowCount, Dictionary<ListRowState, int> Counts, List<ImportDto> Imports);

public sealed record ImportDto(long Id, long ListId, string FileName, string? Sheet, string? Format, ImportStatus Status, int RowsRead, int RowsImported,
    int RowsInvalid, int RowsDuplicate, int RowsEmpty, DateTime CreatedAt, DateTime? FinishedAt, DateTime? RevertedAt)
{
    public static ImportDto From(Import i) => new(i.Id, i.ListId, i.FileName, i.Sheet, i.Format, i.Status, i.RowsRead, i.RowsImported,
        i.RowsInvalid, i.RowsDuplicate, i.RowsEmpty, i.CreatedAt, i.FinishedAt, i.RevertedAt);
}

public sealed record RowDto(long Id, int Version, int RowNumber, string[] Cells, ListRowState State, string? Name, string? Company, string? Email,
    string? Phone, string? City, List<RowIssue> Issues, string? DuplicateReason, double? DuplicateScore, long? DuplicateOfContactId,
    int? DuplicateOfRow, long? DuplicateOfCompanyId, long? ContactId, string? CancelReason, string? CancelNote, long? AssignedToId,
    string? PhoneE164 = null);

public enum RowSort { Row, RowDesc, Name, NameDesc, Company, CompanyDesc, State }

/// <summary>Reads lists and their rows; visibility comes from the list (an owned record), rows follow their list.</summary>
public static class ListQueries
{
    public static IQueryable<ProspectingList> Visible(ProspectorDb db, AccessScope scope) => scope.Filter(db.ProspectingLists);

    /// <summary>A list the caller can see; a list they cannot see is not found, like one that does not exist.</summary>
    public static async Task<Outcome<ProspectingList>> FindListAsync(ProspectorDb db, AccessScope scope, long id, CancellationToken ct) =>
        await Visible(db, scope).FirstOrDefaultAsync(l => l.Id == id, ct) is { } list ? list : Outcome<ProspectingList>.NotFound("List not found");

    /// <summary>A visible list with its columns, state counts and imports.</summary>
    public static async Task<Outcome<ListDetail>> FindAsync(ProspectorDb db, AccessScope scope, long id, CancellationToken ct)
    {
        var list = await FindListAsync(db, scope, id, ct);
        return list.IsOk ? await DetailAsync(db, list.Value!, ct) : list.As<ListDetail>();
    }

    /// <summary>An import of a list the caller can see.</summary>
    public static async Task<Outcome<Import>> FindImportAsync(ProspectorDb db, AccessScope scope, long id, CancellationToken ct)
    {
        var import = await db.Imports.FirstOrDefaultAsync(i => i.Id == id, ct);
        return import is not null && await Visible(db, scope).AnyAsync(l => l.Id == import.ListId, ct) ? import : Outcome<Import>.NotFound("Import not found");
    }

    public static async Task<List<ListSummary>> SummariesAsync(ProspectorDb db, AccessScope scope, CancellationToken ct)
    {
        var lists = await Visible(db, scope).OrderByDescending(l => l.CreatedAt)
            .Select(l => new { l.Id, l.Name, l.RowCount, l.CreatedAt, Owner = db.Users.Where(u => u.Id == l.OwnerId).Select(u => u.DisplayName).FirstOrDefault() })
            .Take(500).ToListAsync(ct);
        var ids = lists.Select(l => l.Id).ToList();
        var counts = await db.ListRows.Where(r => ids.Contains(r.ListId)).GroupBy(r => new { r.ListId, r.State })
            .Select(g => new { g.Key.ListId, g.Key.State, N = g.Count() }).ToListAsync(ct);
        int N(long id, ListRowState s) => counts.FirstOrDefault(c => c.ListId == id && c.State == s)?.N ?? 0;
        return [.. lists.Select(l => new ListSummary(l.Id, l.Name, l.RowCount, N(l.Id, ListRowState.Open), N(l.Id, ListRowState.Converted),
            N(l.Id, ListRowState.Cancelled), N(l.Id, ListRowState.Duplicate), l.Owner, l.CreatedAt))];
    }

    public static async Task<ListDetail> DetailAsync(ProspectorDb db, ProspectingList l, CancellationToken ct)
    {
        var counts = await db.ListRows.Where(r => r.ListId == l.Id).GroupBy(r => r.State).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        var imports = await db.Imports.Where(i => i.ListId == l.Id).OrderByDescending(i => i.Id).ToListAsync(ct);
        return new ListDetail(l.Id, l.Version, l.Name, l.DefaultCountry, Columns(l), Mapping(l), l.RowCount,
            Enum.GetValues<ListRowState>().ToDictionary(s => s, s => counts.FirstOrDefault(c => c.Key == s)?.N ?? 0),
            [.. imports.Select(ImportDto.From)]);
    }

    /// <summary>An import's rows on the list, and how many of them became contacts (what a revert removes and what stays).</summary>
    public static async Task<(int Rows, int Converted)> ImportRowCountsAsync(ProspectorDb db, long importId, CancellationToken ct)
    {
        var rows = db.ListRows.Where(r => r.ImportId == importId);
        return (await rows.CountAsync(ct), await rows.CountAsync(r => r.ContactId != null, ct));
    }

    /// <summary>How many rows of the list come before a row number: where that row is when the rows go in their order.</summary>
    public static Task<int> RowsBeforeAsync(ProspectorDb db, long listId, int rowNumber, CancellationToken ct) =>
        db.ListRows.CountAsync(r => r.ListId == listId && r.RowNumber < rowNumber, ct);

    public static List<string> Columns(ProspectingList l) => JsonSerializer.Deserialize<List<string>>(l.Columns) ?? [];

    public static Dictionary<string, ListField> Mapping(ProspectingList l) => JsonSerializer.Deserialize<Dictionary<string, ListField>>(l.Mapping) ?? [];

    /// <summary>
    /// One page of rows: a state filter and a "contains" search over all cells, sorted by row, name, company or state.
    /// Row order and the state filter ride indexes; a search scans the list's rows, bounded by the capped count.
    /// </summary>
    public static async Task<Paged<RowDto>> RowsAsync(ProspectorDb db, long listId, ListRowState? state, string? q, RowSort sort,
        int page, int pageSize, CancellationToken ct)
    {
        var rows = db.ListRows.AsNoTracking().Where(r => r.ListId == listId);
        if (state is { } s) rows = rows.Where(r => r.State == s);
        foreach (var word in TextKeys.Fold(q).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            rows = rows.Where(r => r.SearchKey.Contains(word));
        var (total, capped) = await Api.CappedCountAsync(rows, ct);
        rows = sort switch
        {
            RowSort.RowDesc => rows.OrderByDescending(r => r.RowNumber),
            RowSort.Name => rows.OrderBy(r => r.NameKey).ThenBy(r => r.RowNumber),
            RowSort.NameDesc => rows.OrderByDescending(r => r.NameKey).ThenBy(r => r.RowNumber),
            RowSort.Company => rows.OrderBy(r => r.CompanyKey).ThenBy(r => r.RowNumber),
            RowSort.CompanyDesc => rows.OrderByDescending(r => r.CompanyKey).ThenBy(r => r.RowNumber),
            RowSort.State => rows.OrderBy(r => r.State).ThenBy(r => r.RowNumber),
            _ => rows.OrderBy(r => r.RowNumber),
        };
        var items = await rows.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new Paged<RowDto>([.. items.Select(ToDto)], total, page, pageSize, capped);
    }

    public static RowDto ToDto(ListRow r) => new(r.Id, r.Version, r.RowNumber, JsonSerializer.Deserialize<string[]>(r.Cells) ?? [], r.State,
        r.Name, r.Company, r.Email, r.Phone, r.City, Normaliser.ReadIssues(r.Issues), r.DuplicateReason, r.DuplicateScore, r.DuplicateOfContactId,
        r.DuplicateOfRow, r.DuplicateOfCompanyId, r.ContactId, r.CancelReason, r.CancelNote, r.AssignedToId, r.PhoneE164);
}

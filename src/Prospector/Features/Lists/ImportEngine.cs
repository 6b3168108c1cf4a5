using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Lists;

public sealed record ImportRequest(
    string FilePath, string FileName, string ListName, string? Sheet = null, string? Country = null, long? OwnerId = null,
    Dictionary<string, ListField>? Mapping = null, IReadOnlyList<string>? MapPairs = null, bool DryRun = false, string? Source = null);

/// <summary>Rows read so far and, where the reader knows it, the share of the file read (0–1).</summary>
public sealed record ImportProgress(int RowsRead, double? Fraction);

/// <summary>
/// What an import did: rows read (below the header), imported, flagged; the title rows skipped above the header; the
/// columns kept on the list but used for no field; the default country its numbers were read with.
/// </summary>
public sealed record ImportSummary(
    long? ImportId, long? ListId, string ListName, int RowsRead, int RowsImported, int RowsInvalid, int RowsDuplicate, int RowsEmpty,
    string Format, bool DryRun, int TitleRowsSkipped = 0, IReadOnlyList<string>? UnmappedColumns = null, string? Country = null);

public sealed record ImportPreview(
    List<string> Columns, List<string[]> Rows, Dictionary<string, ListField> Mapping, IReadOnlyList<string> Sheets, string? Sheet, string Format,
    int TitleRowsSkipped = 0);

/// <summary>
/// The import, shared by CLI and server: read → map → normalise → dedupe → store, streaming in batches. It runs in one
/// database transaction, so an import is all-or-nothing: a failure or a kill leaves no list and no row behind. Rows go
/// in through the provider's bulk path (<see cref="RowWriter"/>), past the change tracker. A file or request it cannot
/// import is an <see cref="OutcomeKind.Invalid"/> outcome naming the field (file, list, country, ownerId, mapping), in the
/// caller's language; the readers below it (<see cref="TableReader"/>, <see cref="Csv"/>, <see cref="Xls"/>) stay pure and
/// throw <see cref="ImportFileException"/>, which ends here.
/// </summary>
public sealed class ImportEngine(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    private const int BatchSize = 2000;
    public const int MaxListName = 200;

    /// <summary>The columns, the first rows and the guessed mapping of an uploaded file, before anything is saved.</summary>
    public Outcome<ImportPreview> Preview(string path, string? sheet, int rows = 20)
    {
        try
        {
            return ReadPreview(path, sheet, rows);
        }
        catch (ImportFileException e)
        {
            return Outcome<ImportPreview>.Invalid(e.Field, e.Localize(l));
        }
    }

    private static ImportPreview ReadPreview(string path, string? sheet, int rows)
    {
        using var table = TableReader.Open(path, sheet);
        var sample = table.Rows.Take(Math.Max(rows, 50)).Select(r => r.Cells).ToList();
        var guess = ColumnMapping.Guess(table.Columns, sample);
        var mapping = table.Columns.Select((c, i) => (c, guess[i])).ToDictionary(x => x.c, x => x.Item2);
        return new ImportPreview(table.Columns, sample.Take(rows).ToList(), mapping, table.Sheets, table.Sheet, table.Format, table.TitleRows);
    }

    /// <summary>
    /// Imports a file into the list named in the request (made when the caller sees none of that name). Checks the request
    /// first: a list name (up to 200 characters), an owner the caller may give records to (themselves, unless a manager or
    /// admin; then a member of their teams, see <see cref="AccessScope.HandOverProblemAsync"/>). Nothing is saved when the outcome is not Ok.
    /// </summary>
    public async Task<Outcome<ImportSummary>> RunAsync(ImportRequest req, AccessScope scope, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(req.ListName)) return Outcome<ImportSummary>.Invalid("list", l["Name the list."]);
        if (req.ListName.Trim().Length > MaxListName) return Outcome<ImportSummary>.Invalid("list", l["{0} is longer than {1} characters.", "list", MaxListName]);
        if (req.OwnerId is { } owner && owner != scope.UserId && !scope.IsManagerOrAdmin)
            return Outcome<ImportSummary>.Invalid("ownerId", l[AccessScope.HandOverRefused]);
        if (req.OwnerId is { } listOwner && await scope.HandOverProblemAsync(db, listOwner, ct) is { } problem)
            return Outcome<ImportSummary>.Invalid("ownerId", l[problem, listOwner]);
        try
        {
            return await ImportAsync(req, scope, progress, ct);
        }
        catch (ImportFileException e)
        {
            return Outcome<ImportSummary>.Invalid(e.Field, e.Localize(l));
        }
    }

    private async Task<ImportSummary> ImportAsync(ImportRequest req, AccessScope scope, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        using var table = TableReader.Open(req.FilePath, req.Sheet);
        using var rows = table.Rows.GetEnumerator();
        var head = new List<(int Line, string[] Cells)>();
        while (head.Count < 50 && rows.MoveNext()) head.Add(rows.Current);
        var mapping = ColumnMapping.Guess(table.Columns, head.Select(r => r.Cells).ToList());
        if (req.Mapping is not null)
            for (var i = 0; i < table.Columns.Count; i++)
                mapping[i] = req.Mapping.GetValueOrDefault(table.Columns[i], ListField.Ignore);
        if (req.MapPairs is { Count: > 0 } && ColumnMapping.Apply(mapping, table.Columns, req.MapPairs) is { } mapError)
            throw new ImportFileException(mapError);
        // The default country for numbers written without a country code: the one asked for, else the list's, else the
        // importing user's own (their time zone's), else the workspace's. A row's own country column or its number's
        // country code still wins over it (Normaliser).
        string? country = null;
        if (!string.IsNullOrWhiteSpace(req.Country))
            country = Countries.ToIso(req.Country)
                ?? throw new ImportFileException("'{0}' is not a country; give its two-letter code, such as DE, NL or AT.", req.Country.Trim()) { Field = "country" };

        // The lead source the list's contacts get (id or key of a managed, not retired source); kept on the list.
        long? sourceId = null;
        if (!string.IsNullOrWhiteSpace(req.Source))
        {
            var source = await Sources.SourceLookup.FindAsync(db, req.Source, ct);
            if (source is null) throw new ImportFileException(Sources.SourceLookup.Unknown, req.Source.Trim()) { Field = "source" };
            if (source.RetiredAt is not null) throw new ImportFileException(Sources.SourceLookup.Retired, source.Name) { Field = "source" };
            sourceId = source.Id;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var name = req.ListName.Trim();
        var input = head.Concat(Rest(rows));
        var dedupe = new Deduplicator(db, scope);
        if (db.Database.IsNpgsql())
        {
            // PostgreSQL: one transaction from the list to the last row; its MVCC lets everyone else keep working meanwhile.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var (list, import, listColumns, listMapping, _) = await OpenListAsync(req, scope, table, mapping, name, country, sourceId, now, ct);
            country ??= list.DefaultCountry;
            var firstRow = await db.ListRows.Where(r => r.ListId == list.Id).MaxAsync(r => (int?)r.RowNumber, ct) ?? 0;
            await using var writer = new RowWriter.PostgresRowWriter(db);
            var counts = await PipeAsync(table, input, mapping, listColumns, country, firstRow, list.Id, import.Id, now, dedupe,
                batch => writer.WriteAsync(batch, ct), progress, ct);
            return await FinishAsync(req, table, mapping, list, import, listColumns, listMapping, counts, country, tx, ct);
        }
        else
        {
            // SQLite has one writer at a time: the rows are read, checked and written into a staging file first, with no
            // lock on the database; one short transaction then makes the list, the import and all rows (see ADR 0018).
            var known = await scope.Filter(db.ProspectingLists).AsNoTracking().FirstOrDefaultAsync(l => l.Name == name, ct);
            var knownColumns = known?.Columns ?? "[]";
            var listColumns = JsonSerializer.Deserialize<List<string>>(knownColumns) ?? [];
            var ownerId = req.OwnerId ?? (scope.UserId == 0 ? null : scope.UserId);
            country ??= known?.DefaultCountry ?? await UserCountry.DefaultAsync(db, scope.UserId == 0 ? ownerId : scope.UserId, ct);
            await using var staging = SqliteStaging.Create(db);
            var counts = await PipeAsync(table, input, mapping, listColumns, country, 0, 0, 0, now, dedupe, staging.WriteAsync, progress, ct);
            staging.Complete();
            await db.Database.OpenConnectionAsync(ct);
            var attached = false;
            try
            {
                await staging.AttachAsync(db, ct);
                attached = true;
                ImportSummary summary;
                await using (var tx = await db.Database.BeginTransactionAsync(ct))
                {
                    var (list, import, _, listMapping, columnsJson) = await OpenListAsync(req, scope, table, mapping, name, country, sourceId, now, ct);
                    if (columnsJson != knownColumns)
                        throw new ImportFileException("The list '{0}' was changed by another import meanwhile; import the file again.", name) { Field = "list" };
                    var firstRow = await db.ListRows.Where(r => r.ListId == list.Id).MaxAsync(r => (int?)r.RowNumber, ct) ?? 0;
                    await staging.PublishAsync(db, list.Id, import.Id, firstRow, now, ct);
                    summary = await FinishAsync(req, table, mapping, list, import, listColumns, listMapping, counts, country, tx, ct);
                }
                return summary;
            }
            finally
            {
                // Detached however the import ends: the connection goes back to the pool, and the next import attaches its own file.
                if (attached)
                {
                    try { await staging.DetachAsync(db, CancellationToken.None); }
                    catch (Microsoft.Data.Sqlite.SqliteException) { Microsoft.Data.Sqlite.SqliteConnection.ClearPool((Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection()); }
                }
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>Finds or makes the list (with its custom field keys and lead source) and adds the running import record.</summary>
    private async Task<(ProspectingList List, Import Import, List<string> Columns, Dictionary<string, ListField> Mapping, string ColumnsJson)> OpenListAsync(
        ImportRequest req, AccessScope scope, SourceTable table, ListField[] mapping, string name, string? country, long? sourceId, DateTime now, CancellationToken ct)
    {
        var list = await scope.Filter(db.ProspectingLists).FirstOrDefaultAsync(l => l.Name == name, ct);
        if (list is null)
        {
            var ownerId = req.OwnerId ?? (scope.UserId == 0 ? null : scope.UserId);
            list = new ProspectingList
            {
                Name = name, OwnerId = ownerId, DefaultCountry = country ?? await UserCountry.DefaultAsync(db, scope.UserId == 0 ? ownerId : scope.UserId, ct),
                TeamId = await References.DefaultTeamAsync(db, ownerId, ct),
            };
            db.ProspectingLists.Add(list);
        }
        await CustomFieldKeys.EnsureDefinedAsync(db, table.Columns.Where((_, i) => mapping[i] == ListField.Custom), ct);
        var columnsJson = list.Columns;
        var listColumns = JsonSerializer.Deserialize<List<string>>(columnsJson) ?? [];
        var listMapping = JsonSerializer.Deserialize<Dictionary<string, ListField>>(list.Mapping) ?? [];
        if (sourceId is not null && !req.DryRun) list.LeadSourceId = sourceId;
        await db.SaveChangesAsync(ct);
        var import = new Import
        {
            ListId = list.Id, FileName = Path.GetFileName(req.FileName) is { Length: > 0 } f ? UnicodeText.Prefix(f, 260) : "upload",
            Status = ImportStatus.Running, CreatedById = scope.UserId == 0 ? null : scope.UserId, CreatedAt = now,
            Sheet = table.Sheet, Format = table.Format,
        };
        db.Imports.Add(import);
        await db.SaveChangesAsync(ct);
        return (list, import, listColumns, listMapping, columnsJson);
    }

    private async Task<ImportSummary> FinishAsync(ImportRequest req, SourceTable table, ListField[] mapping, ProspectingList list, Import import,
        List<string> listColumns, Dictionary<string, ListField> listMapping, Counts counts, string? country,
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, CancellationToken ct)
    {
        if (counts.Imported == 0) throw new ImportFileException("The file has a header row but no data rows.");
        var unmapped = table.Columns.Where((_, i) => mapping[i] == ListField.Ignore).ToList();
        for (var i = 0; i < table.Columns.Count; i++)
            if (mapping[i] != ListField.Ignore || !listMapping.ContainsKey(table.Columns[i])) listMapping[table.Columns[i]] = mapping[i];
        list.Columns = JsonSerializer.Serialize(listColumns);
        list.Mapping = JsonSerializer.Serialize(listMapping);
        list.RowCount += counts.Imported;
        (import.RowsRead, import.RowsImported, import.RowsInvalid, import.RowsDuplicate, import.RowsEmpty) =
            (counts.Read, counts.Imported, counts.Invalid, counts.Duplicates, counts.Empty);
        import.Status = ImportStatus.Completed;
        import.FinishedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        if (req.DryRun) await tx.RollbackAsync(ct);
        else
        {
            await tx.CommitAsync(ct);
            // A first big import turns empty tables into large ones: let the planner know before the list is worked.
            await Hosting.PlannerStatistics.RefreshAsync(db, CancellationToken.None);
        }
        return new ImportSummary(req.DryRun ? null : import.Id, req.DryRun ? null : list.Id, list.Name, counts.Read, counts.Imported, counts.Invalid,
            counts.Duplicates, counts.Empty, table.Format, req.DryRun, table.TitleRows, unmapped, country);
    }

    private sealed class Counts
    {
        public int Read, Imported, Invalid, Duplicates, Empty;
    }

    private sealed record Batch(DraftRow[] Rows, int Read, double? Fraction);

    /// <summary>
    /// The pipeline: one task reads the file, maps and normalises the rows (on all cores, a batch at a time) and checks them
    /// against the file's earlier rows; the caller's task checks them against the database and writes them. A bounded
    /// channel of a few batches between the two keeps memory flat; a failure on either side ends both.
    /// </summary>
    private static async Task<Counts> PipeAsync(SourceTable table, IEnumerable<(int Line, string[] Cells)> input, ListField[] mapping, List<string> listColumns,
        string? country, int firstRow, long listId, long importId, DateTime now, Deduplicator dedupe, Func<List<ListRow>, Task> write,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var counts = new Counts();
        var channel = System.Threading.Channels.Channel.CreateBounded<Batch>(new System.Threading.Channels.BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        Batch Draft(List<string[]> pending, int[] order)
        {
            var first = firstRow + counts.Imported - pending.Count;
            var width = listColumns.Count;
            var built = new (ListRow Row, NormalRow Norm)[pending.Count];
            Parallel.For(0, pending.Count, i => built[i] = Build(pending[i], first + i + 1, order, width, mapping, country, listId, importId, now));
            var rows = new DraftRow[built.Length];
            for (var i = 0; i < built.Length; i++)
            {
                var (row, norm) = built[i];
                if (norm.Issues.Count > 0) counts.Invalid++;
                var (earlier, reason) = dedupe.InFile(row, norm);
                rows[i] = new DraftRow(row, norm, earlier, reason);
            }
            return new Batch(rows, counts.Read, table.Progress?.Invoke());
        }

        var producer = Task.Run(async () =>
        {
            try
            {
                var pending = new List<string[]>(BatchSize);
                int[]? order = null; // this file's column i → the list's column order[i]; it only grows, so the last one fits all
                foreach (var (_, cells) in input)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    counts.Read++;
                    if (cells.All(string.IsNullOrWhiteSpace)) { counts.Empty++; continue; }
                    if (order is null || order.Length < cells.Length) order = Align(table.Columns, listColumns); // cells beyond the header grew the table
                    counts.Imported++;
                    pending.Add(cells);
                    if (pending.Count < BatchSize) continue;
                    await channel.Writer.WriteAsync(Draft(pending, order), stop.Token);
                    pending = new List<string[]>(BatchSize);
                }
                if (pending.Count > 0) await channel.Writer.WriteAsync(Draft(pending, order!), stop.Token);
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, stop.Token);

        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(stop.Token))
            {
                await dedupe.CheckAsync(batch.Rows, ct);
                counts.Duplicates += batch.Rows.Count(b => b.Row.State == ListRowState.Duplicate);
                await write([.. batch.Rows.Select(b => b.Row)]);
                progress?.Report(new ImportProgress(batch.Read, batch.Fraction));
            }
        }
        catch
        {
            await stop.CancelAsync();
            try { await producer; } catch { /* the writer's failure is the one to report */ }
            throw;
        }
        await producer; // the reader's failure (a bad file) surfaces here
        return counts;
    }

    private static (ListRow, NormalRow) Build(string[] cells, int rowNumber, int[] order, int width, ListField[] mapping, string? country,
        long listId, long importId, DateTime now)
    {
        var norm = Normaliser.Map(cells, mapping, country);
        var aligned = new string[width];
        Array.Fill(aligned, "");
        for (var i = 0; i < cells.Length; i++) aligned[order[i]] = cells[i];
        return (new ListRow
        {
            ListId = listId, ImportId = importId, RowNumber = rowNumber, Cells = JsonSerializer.Serialize(aligned),
            State = ListRowState.Open, Issues = Normaliser.IssuesJson(norm.Issues), Version = 1, UpdatedAt = now,
            Name = norm.DisplayName, NameKey = norm.HasPerson ? norm.NameKey : null, Company = norm.Company, CompanyKey = norm.CompanyKey,
            Email = norm.Email, EmailKey = norm.EmailKey, Phone = norm.Phone ?? norm.Mobile, PhoneE164 = norm.PhoneE164 ?? norm.MobileE164,
            Domain = norm.Domain ?? CompanyDomain(norm.EmailKey), City = norm.City, SearchKey = Normaliser.SearchKey(cells),
        }, norm);
    }

    private static IEnumerable<(int, string[])> Rest(IEnumerator<(int, string[])> rows)
    {
        while (rows.MoveNext()) yield return rows.Current;
    }

    /// <summary>Where each of the file's columns goes in the list (appending to a list adds its new columns).</summary>
    private static int[] Align(List<string> fileColumns, List<string> listColumns)
    {
        var order = new int[fileColumns.Count];
        for (var i = 0; i < fileColumns.Count; i++)
        {
            var at = listColumns.FindIndex(c => string.Equals(c, fileColumns[i], StringComparison.OrdinalIgnoreCase));
            if (at < 0) { listColumns.Add(fileColumns[i]); at = listColumns.Count - 1; }
            order[i] = at;
        }
        return order;
    }

    private static string? CompanyDomain(string? email) =>
        email?.Split('@')[1] is { } d && !FreeMail.Contains(d) ? d : null;

    /// <summary>Addresses at these domains say nothing about the company.</summary>
    private static readonly HashSet<string> FreeMail =
    [
        "gmail.com", "googlemail.com", "gmx.de", "gmx.net", "gmx.at", "web.de", "t-online.de", "yahoo.com", "yahoo.de", "hotmail.com",
        "hotmail.de", "outlook.com", "outlook.de", "live.com", "live.nl", "icloud.com", "me.com", "aol.com", "freenet.de", "posteo.de",
        "mailbox.org", "kpnmail.nl", "ziggo.nl", "hetnet.nl", "planet.nl", "xs4all.nl", "home.nl", "orange.fr", "free.fr", "wanadoo.fr", "bluewin.ch",
    ];

    /// <summary>
    /// Removes the rows of a completed import of a visible list; contacts already made from them stay (they are tracked
    /// records now). An import that is not completed (already reverted) cannot be reverted: a conflict.
    /// </summary>
    public async Task<Outcome<ImportDto>> RevertAsync(long importId, AccessScope scope, CancellationToken ct)
    {
        var found = await ListQueries.FindImportAsync(db, scope, importId, ct);
        if (found.Value is not { } import) return found.As<ImportDto>();
        if (import.Status != ImportStatus.Completed)
            return Outcome<ImportDto>.Conflict("Import not revertible", l["Import {0} is {1}; only a completed import can be reverted.", importId, import.Status]);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.ListRows.Where(r => r.ImportId == import.Id).ExecuteDeleteAsync(ct);
        var list = await db.ProspectingLists.FirstAsync(l => l.Id == import.ListId, ct);
        list.RowCount = Math.Max(0, list.RowCount - removed);
        import.Status = ImportStatus.Reverted;
        import.RevertedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ImportDto.From(import);
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Prospector.Data;

namespace Prospector.Features.Lists;

/// <summary>
/// The import's bulk path, past EF's change tracker (DESIGN.md §4): binary COPY on PostgreSQL, inside the import's
/// transaction, so nothing is visible before the import commits; SQLite stages the rows first (<see cref="SqliteStaging"/>).
/// </summary>
internal abstract class RowWriter : IAsyncDisposable
{
    protected static readonly (string Name, NpgsqlDbType Type, Func<ListRow, object?> Value)[] Columns =
    [
        ("ListId", NpgsqlDbType.Bigint, r => r.ListId),
        ("ImportId", NpgsqlDbType.Bigint, r => r.ImportId),
        ("RowNumber", NpgsqlDbType.Integer, r => r.RowNumber),
        ("Cells", NpgsqlDbType.Text, r => r.Cells),
        ("State", NpgsqlDbType.Varchar, r => r.State.ToString()),
        ("Issues", NpgsqlDbType.Text, r => r.Issues),
        ("DuplicateOfContactId", NpgsqlDbType.Bigint, r => r.DuplicateOfContactId),
        ("DuplicateOfRow", NpgsqlDbType.Integer, r => r.DuplicateOfRow),
        ("DuplicateOfCompanyId", NpgsqlDbType.Bigint, r => r.DuplicateOfCompanyId),
        ("DuplicateReason", NpgsqlDbType.Varchar, r => r.DuplicateReason),
        ("DuplicateScore", NpgsqlDbType.Double, r => r.DuplicateScore),
        ("Name", NpgsqlDbType.Text, r => r.Name),
        ("NameKey", NpgsqlDbType.Text, r => r.NameKey),
        ("Company", NpgsqlDbType.Text, r => r.Company),
        ("CompanyKey", NpgsqlDbType.Text, r => r.CompanyKey),
        ("Email", NpgsqlDbType.Text, r => r.Email),
        ("EmailKey", NpgsqlDbType.Text, r => r.EmailKey),
        ("Phone", NpgsqlDbType.Text, r => r.Phone),
        ("PhoneE164", NpgsqlDbType.Text, r => r.PhoneE164),
        ("Domain", NpgsqlDbType.Text, r => r.Domain),
        ("City", NpgsqlDbType.Text, r => r.City),
        ("SearchKey", NpgsqlDbType.Text, r => r.SearchKey),
        ("Version", NpgsqlDbType.Integer, r => r.Version),
        ("UpdatedAt", NpgsqlDbType.TimestampTz, r => r.UpdatedAt),
    ];

    /// <summary>How a column's value is read from a row.</summary>
    public static Func<ListRow, object?> ColumnValue(string name) => Columns.First(c => c.Name == name).Value;

    public abstract Task WriteAsync(IReadOnlyList<ListRow> rows, CancellationToken ct);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal sealed class PostgresRowWriter(ProspectorDb db) : RowWriter
    {
        private readonly string _copy = $"COPY \"ListRows\" ({string.Join(", ", Columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)";

        public override async Task WriteAsync(IReadOnlyList<ListRow> rows, CancellationToken ct)
        {
            // One COPY per batch: between batches the connection is free for the duplicate look-ups.
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var importer = await connection.BeginBinaryImportAsync(_copy, ct);
            foreach (var row in rows)
            {
                await importer.StartRowAsync(ct);
                foreach (var (_, type, value) in Columns)
                {
                    if (value(row) is { } v) await importer.WriteAsync(v, type, ct);
                    else await importer.WriteNullAsync(ct);
                }
            }
            await importer.CompleteAsync(ct);
        }
    }
}

/// <summary>
/// SQLite's import staging (ADR 0018): the rows go first into a file of their own next to the database (no journal, no
/// index, no lock on the database), then one <c>INSERT … SELECT</c> in the import's short final transaction copies them
/// into <c>ListRows</c> with their list, import and row numbers. The file is deleted when the import ends; one left by a
/// killed process (its process id is in the name) is deleted by the next import.
/// </summary>
internal sealed class SqliteStaging : IAsyncDisposable
{
    private const string Prefix = "prospector-import-";
    private static readonly string[] Staged =
    [
        "RowNumber", "Cells", "State", "Issues", "DuplicateOfContactId", "DuplicateOfRow", "DuplicateOfCompanyId", "DuplicateReason",
        "DuplicateScore", "Name", "NameKey", "Company", "CompanyKey", "Email", "EmailKey", "Phone", "PhoneE164", "Domain", "City", "SearchKey",
    ];

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _tx;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _parameters;
    private readonly Func<ListRow, object?>[] _values;
    private bool _completed;

    public string Path { get; }

    private SqliteStaging(string path)
    {
        Path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        using (var setup = _connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-8000; " +
                                $"CREATE TABLE Staged ({string.Join(", ", Staged.Select(c => $"\"{c}\""))});";
            setup.ExecuteNonQuery();
        }
        _tx = _connection.BeginTransaction();
        _insert = _connection.CreateCommand();
        _insert.Transaction = _tx;
        _insert.CommandText = $"INSERT INTO Staged VALUES ({string.Join(", ", Staged.Select((_, i) => $"$p{i}"))})";
        _parameters = [.. Staged.Select((_, i) => _insert.Parameters.Add(new SqliteParameter($"$p{i}", null)))];
        _values = [.. Staged.Select(c => RowWriter.ColumnValue(c))];
        _insert.Prepare();
    }

    /// <summary>A staging file next to the database (the temp folder for an in-memory one), after deleting those of dead processes.</summary>
    public static SqliteStaging Create(ProspectorDb db)
    {
        var source = ((SqliteConnection)db.Database.GetDbConnection()).DataSource;
        var dir = string.IsNullOrEmpty(source) || source.Contains("memory", StringComparison.OrdinalIgnoreCase)
            ? System.IO.Path.GetTempPath()
            : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(source)) ?? System.IO.Path.GetTempPath();
        DeleteLeftovers(dir);
        return new SqliteStaging(System.IO.Path.Combine(dir, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}.db"));
    }

    private static void DeleteLeftovers(string dir)
    {
        foreach (var file in Directory.EnumerateFiles(dir, $"{Prefix}*.db"))
        {
            var pid = System.IO.Path.GetFileName(file)[Prefix.Length..].Split('-')[0];
            if (!int.TryParse(pid, out var id) || Alive(id)) continue;
            try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public Task WriteAsync(List<ListRow> rows)
    {
        foreach (var row in rows)
        {
            for (var i = 0; i < _values.Length; i++) _parameters[i].Value = _values[i](row) ?? DBNull.Value;
            _insert.ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }

    /// <summary>Commits the staged rows and closes the file, ready to be attached to the database's connection.</summary>
    public void Complete()
    {
        _tx.Commit();
        _connection.Close();
        _completed = true;
    }

    /// <summary>Attaches the staging file to the open connection of <paramref name="db"/> (outside a transaction, as SQLite requires).</summary>
    public Task AttachAsync(ProspectorDb db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("ATTACH DATABASE {0} AS staging", [Path], ct);

    public Task DetachAsync(ProspectorDb db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("DETACH DATABASE staging", ct);

    /// <summary>Copies the staged rows into the list, numbered after its last row, inside the caller's transaction.</summary>
    public Task<int> PublishAsync(ProspectorDb db, long listId, long importId, int firstRow, DateTime now, CancellationToken ct)
    {
        string Select(string c) => c switch
        {
            "RowNumber" => "{2} + \"RowNumber\"",
            "DuplicateOfRow" => "{2} + \"DuplicateOfRow\"",
            _ => $"\"{c}\"",
        };
        var sql = $"INSERT INTO main.\"ListRows\" (\"ListId\", \"ImportId\", \"Version\", \"UpdatedAt\", {string.Join(", ", Staged.Select(c => $"\"{c}\""))}) " +
                  $"SELECT {{0}}, {{1}}, 1, {{3}}, {string.Join(", ", Staged.Select(Select))} FROM staging.Staged ORDER BY \"RowNumber\"";
        return db.Database.ExecuteSqlRawAsync(sql, [listId, importId, firstRow, now], ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            try { _tx.Dispose(); } catch (SqliteException) { }
        }
        await _insert.DisposeAsync();
        await _connection.DisposeAsync();
        try { File.Delete(Path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Prospector.Data;

namespace Prospector.Features.Lists;

/// <summary>
/// The import's bulk path, past EF's change tracker (DESIGN.md §4): one prepared INSERT on SQLite, binary COPY on
/// PostgreSQL — both inside the import's transaction, so nothing is visible before the import commits.
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

    public static RowWriter For(ProspectorDb db) =>
        db.Database.IsNpgsql() ? new PostgresRowWriter(db) : new SqliteRowWriter(db);

    public abstract Task WriteAsync(IReadOnlyList<ListRow> rows, CancellationToken ct);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class SqliteRowWriter : RowWriter
    {
        private readonly SqliteCommand _insert;
        private readonly SqliteParameter[] _parameters;

        public SqliteRowWriter(ProspectorDb db)
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            _insert = connection.CreateCommand();
            _insert.Transaction = (SqliteTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
            _insert.CommandText = $"INSERT INTO \"ListRows\" ({string.Join(", ", Columns.Select(c => $"\"{c.Name}\""))}) " +
                                  $"VALUES ({string.Join(", ", Columns.Select((_, i) => $"$p{i}"))})";
            _parameters = [.. Columns.Select((_, i) => _insert.Parameters.Add(new SqliteParameter($"$p{i}", null)))];
            _insert.Prepare();
        }

        public override Task WriteAsync(IReadOnlyList<ListRow> rows, CancellationToken ct)
        {
            // Synchronous on purpose: Microsoft.Data.Sqlite has no real async I/O, the async path only adds overhead.
            foreach (var row in rows)
            {
                for (var i = 0; i < Columns.Length; i++) _parameters[i].Value = Columns[i].Value(row) ?? DBNull.Value;
                _insert.ExecuteNonQuery();
            }
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync() => _insert.DisposeAsync();
    }

    private sealed class PostgresRowWriter(ProspectorDb db) : RowWriter
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

namespace Prospector.Migrations.Sqlite;

/// <summary>
/// Hand-written SQL of the note-text search on SQLite, kept apart from the generated migrations so it can be
/// re-applied when a migration is regenerated. ActivitySearch is an FTS5 index over Activities (external
/// content: the text lives once, in Activities) kept current by triggers, so every activity is searchable however
/// it was written (the API, a completed next action, an import). unicode61 with remove_diacritics 2 folds
/// "Müller" to "muller" in the index and in queries alike; ß, which it keeps, is written as ss by the triggers.
/// Only rowids are read back (never the indexed text), so the index may hold the folded text. Prefix indexes for
/// 3, 4 and 5 letters answer search-as-you-type without merging the doclists of every word with that prefix
/// (hundreds of milliseconds for a common prefix at two million notes); longer words are narrowed by their first
/// five letters and checked by the app (SearchService).
/// Caution: a migration that rebuilds the Activities table (SQLite's way to alter a column) drops the triggers —
/// re-run <see cref="Up"/> after such a migration.
/// </summary>
public static class SearchSql
{
    public static readonly string[] Up =
    [
        "DROP TABLE IF EXISTS ActivitySearch",
        "CREATE VIRTUAL TABLE ActivitySearch USING fts5(Subject, Notes, content='Activities', content_rowid='Id', tokenize='unicode61 remove_diacritics 2', prefix='3 4 5')",
        "DROP TRIGGER IF EXISTS Activities_search_insert",
        "DROP TRIGGER IF EXISTS Activities_search_delete",
        "DROP TRIGGER IF EXISTS Activities_search_update",
        $"""
        CREATE TRIGGER Activities_search_insert AFTER INSERT ON Activities BEGIN
          INSERT INTO ActivitySearch(rowid, Subject, Notes) VALUES (new.Id, {Fold("new.Subject")}, {Fold("new.Notes")});
        END
        """,
        $"""
        CREATE TRIGGER Activities_search_delete AFTER DELETE ON Activities BEGIN
          INSERT INTO ActivitySearch(ActivitySearch, rowid, Subject, Notes) VALUES ('delete', old.Id, {Fold("old.Subject")}, {Fold("old.Notes")});
        END
        """,
        $"""
        CREATE TRIGGER Activities_search_update AFTER UPDATE OF Subject, Notes ON Activities BEGIN
          INSERT INTO ActivitySearch(ActivitySearch, rowid, Subject, Notes) VALUES ('delete', old.Id, {Fold("old.Subject")}, {Fold("old.Notes")});
          INSERT INTO ActivitySearch(rowid, Subject, Notes) VALUES (new.Id, {Fold("new.Subject")}, {Fold("new.Notes")});
        END
        """,
        // Index what is already there.
        $"INSERT INTO ActivitySearch(rowid, Subject, Notes) SELECT Id, {Fold("Subject")}, {Fold("Notes")} FROM Activities",
    ];

    private static string Fold(string column) => $"replace(replace({column}, 'ß', 'ss'), 'ẞ', 'SS')";

    public static readonly string[] Down =
    [
        "DROP TRIGGER IF EXISTS Activities_search_insert",
        "DROP TRIGGER IF EXISTS Activities_search_delete",
        "DROP TRIGGER IF EXISTS Activities_search_update",
        "DROP TABLE IF EXISTS ActivitySearch",
    ];
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// A write that finds the SQLite database locked by another writer for longer than the busy timeout (a large import
/// publishing its rows, bench/run.sh's soak at 1,000,000 contacts) is told so: 503 with Retry-After and a title that says
/// what happened, not "Unexpected error"; nothing half-written; the same request goes through once the lock is gone; and
/// the server's log shows it (ASP.NET Core 10 no longer logs exceptions an exception handler handled).
/// </summary>
public sealed class BusyDatabaseTests
{
    [Fact]
    public async Task A_write_blocked_past_the_busy_timeout_is_a_503_with_Retry_After_is_logged_and_succeeds_when_retried()
    {
        var logs = new CapturedLogs();
        var (app, file, rep, contactId) = await AppWithContactAsync(logs);
        await using var _ = app;
        var call = new { contactId, channel = "Phone", direction = "Outbound", outcome = "Reached", notes = "Asked for the offer." };

        await using (var other = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await other.OpenAsync();
            await using var writeLock = other.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the one writer's lock

            var blocked = await rep.PostAsJsonAsync("/api/v1/activities", call);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), blocked.Headers.RetryAfter?.Delta);
            var problem = await blocked.ReadJsonAsync();
            Assert.Equal("The database is busy", problem.GetProperty("title").GetString());
            Assert.Contains("Try again in a moment", problem.GetProperty("detail").GetString());
        }

        Assert.Equal(0, (await rep.GetJsonAsync($"/api/v1/activities?contactId={contactId}")).GetProperty("total").GetInt32());
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("POST /api/v1/activities answered 503")
            && e.Exception is not null && Chain(e.Exception).Any(x => x is SqliteException { SqliteErrorCode: 5 or 6 }));

        var retried = await rep.PostAsJsonAsync("/api/v1/activities", call);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(1, (await rep.GetJsonAsync($"/api/v1/activities?contactId={contactId}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_read_is_not_held_up_by_stamping_the_tokens_last_use_while_another_writer_holds_the_lock()
    {
        var logs = new CapturedLogs();
        var (app, file, rep, contactId) = await AppWithContactAsync(logs);
        await using var _ = app;
        // The token was last used long ago: this request stamps the time, a write.
        await app.WithDbAsync((db, _) => db.ApiTokens.ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, DateTime.UtcNow.AddHours(-1))));

        await using (var other = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await other.OpenAsync();
            await using var writeLock = other.BeginTransaction(deferred: false); // an import publishing its rows
            var read = await rep.GetAsync($"/api/v1/contacts/{contactId}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("Busy", (await read.ReadJsonAsync()).GetProperty("lastName").GetString());
        }
        Assert.Contains(logs.Entries, e => e.Message.Contains("Skipped writing a token's last use"));
    }

    [Fact]
    public async Task The_503_title_and_detail_are_in_the_users_language()
    {
        var (app, file, rep, contactId) = await AppWithContactAsync(new CapturedLogs());
        await using var _ = app;

        await using var other = new SqliteConnection($"Data Source={file};Pooling=False");
        await other.OpenAsync();
        await using var writeLock = other.BeginTransaction(deferred: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/activities")
        {
            Content = JsonContent.Create(new { contactId, channel = "Phone", direction = "Outbound", outcome = "Reached" }),
        };
        request.Headers.AcceptLanguage.ParseAdd("de-DE");
        var blocked = await rep.SendAsync(request);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.StatusCode);
        var problem = await blocked.ReadJsonAsync();
        Assert.Equal("Die Datenbank ist gerade belegt", problem.GetProperty("title").GetString());
        Assert.StartsWith("Nichts wurde gespeichert", problem.GetProperty("detail").GetString());
    }

    /// <summary>The app on its own SQLite file with a 1-second busy timeout, a rep and one of their contacts.</summary>
    private static async Task<(ProspectorFactory App, string File, HttpClient Rep, long ContactId)> AppWithContactAsync(CapturedLogs logs)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("prospector-busy-").FullName, "busy.db");
        var app = new ProspectorFactory(Provider.Sqlite,
            new Dictionary<string, string?> { ["ConnectionStrings:Prospector"] = $"Data Source={file};Default Timeout=1;Pooling=False" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var contactId = (await rep.CreateAsync("/api/v1/contacts", new { firstName = "Eva", lastName = "Busy" })).GetProperty("id").GetInt64();
        return (app, file, rep, contactId);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }

    private sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception);

    /// <summary>Every log entry the app writes, kept for the test to look at.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void Dispose() { }

        private sealed class Logger(CapturedLogs sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
        }
    }
}

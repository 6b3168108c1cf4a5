using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Prospector.Data;
using Prospector.Features.Auth;

namespace Prospector.Tests.Infrastructure;

public enum Provider { Sqlite, Postgres }

/// <summary>
/// The real app over HTTP (WebApplicationFactory), on a throw-away database of the given provider:
/// a fresh SQLite file in a temp directory, or a fresh database on the PostgreSQL that ./test.sh starts
/// (connection string in PROSPECTOR_TEST_POSTGRES). A missing PostgreSQL fails the test, it never skips.
/// </summary>
public sealed class ProspectorFactory : WebApplicationFactory<Program>
{
    public Provider Provider { get; }
    /// <summary>The app's TimeProvider: real time plus an offset a test may move forward (and must put back).</summary>
    public TestClock Clock { get; } = new();
    private readonly Action<IServiceCollection>? _services;
    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-test-").FullName;
    private readonly string _connectionString;
    private readonly string? _pgDatabase;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private int _users;

    /// <param name="settings">Extra configuration, e.g. Smtp:Host for a test's own SMTP listener.</param>
    /// <param name="services">Test doubles to register after the app's own services (e.g. a recording sequence mailer).</param>
    public ProspectorFactory(Provider provider, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        Provider = provider;
        _services = services;
        _settings = settings ?? new Dictionary<string, string?>();
        if (provider == Provider.Sqlite)
        {
            _connectionString = $"Data Source={Path.Combine(_dir, "prospector.db")};Default Timeout=30;Pooling=False";
            return;
        }
        var admin = Environment.GetEnvironmentVariable("PROSPECTOR_TEST_POSTGRES")
            ?? throw new InvalidOperationException(
                "PROSPECTOR_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts a throw-away PostgreSQL.");
        _pgDatabase = "prospector_t_" + Guid.NewGuid().ToString("N")[..12];
        using (var conn = new NpgsqlConnection(admin))
        {
            conn.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{_pgDatabase}\"", conn);
            cmd.ExecuteNonQuery();
        }
        _connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _pgDatabase, Pooling = false }.ToString();
    }

    /// <summary>
    /// A second instance of the app on the database of <paramref name="sameDatabase"/> (two servers behind a load
    /// balancer); its own data directory. The database belongs to the first one, which drops it.
    /// </summary>
    public ProspectorFactory(ProspectorFactory sameDatabase, IReadOnlyDictionary<string, string?>? settings = null)
    {
        Provider = sameDatabase.Provider;
        _settings = settings ?? new Dictionary<string, string?>();
        _connectionString = sameDatabase._connectionString;
        _ = sameDatabase.Server; // the first instance migrates the database
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("ConnectionStrings:Prospector", _connectionString);
        builder.UseSetting("DataDir", _dir);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The reminder dispatcher runs once at start-up; tests that need it call RunOnceAsync with the clock where they want it.
        builder.UseSetting("Reminders:PollSeconds", "3600");
        builder.UseSetting("Sequences:PollSeconds", "3600");
        // Identity, role and scope answers are cached for an hour (AuthCache): a "refused at the next request" test then
        // passes only because the change itself dropped the cached answer, never because it happened to expire.
        builder.UseSetting("Auth:CacheSeconds", "3600");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            s.AddSingleton<IStartupFilter, UndocumentedBodyGuard>();
            _services?.Invoke(s);
        });
    }

    /// <summary>Runs work in a service scope of the app (for arranging data the API cannot create yet).</summary>
    public async Task<T> WithDbAsync<T>(Func<ProspectorDb, IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ProspectorDb>(), scope.ServiceProvider);
    }

    /// <summary>Creates a user with a role (and team) and returns an HttpClient that acts as them via an API token.</summary>
    public async Task<TestUser> UserAsync(string role, string? team = null)
    {
        _ = Server; // make sure the app (and its migrations) has started
        var n = Interlocked.Increment(ref _users);
        var email = $"{role.ToLowerInvariant()}{n}@test.example";
        return await WithDbAsync(async (db, sp) =>
        {
            var admin = sp.GetRequiredService<UserAdmin>();
            var (user, errors) = await admin.CreateAsync(email, "correct horse battery", role, $"{role} {n}", team);
            if (user is null) throw new InvalidOperationException(string.Join(" ", errors));
            var (token, secret) = await admin.CreateTokenAsync(user.Id, "test");
            var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var teamId = team is null ? null : await db.Teams.Where(t => t.Name == team).Select(t => (long?)t.Id).FirstAsync();
            return new TestUser(user.Id, email, role, teamId, token.Id, secret, client);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_pgDatabase is not null)
        {
            await using var conn = new NpgsqlConnection(Environment.GetEnvironmentVariable("PROSPECTOR_TEST_POSTGRES"));
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_pgDatabase}\" WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

public sealed record TestUser(long Id, string Email, string Role, long? TeamId, long TokenId, string Token, HttpClient Client);

/// <summary>One app per provider per test class (xunit class fixtures), created lazily.</summary>
public sealed class SqliteApp() : IAsyncLifetime
{
    public ProspectorFactory Factory { get; } = new(Provider.Sqlite);
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class PostgresApp() : IAsyncLifetime
{
    public ProspectorFactory Factory { get; } = new(Provider.Postgres);
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

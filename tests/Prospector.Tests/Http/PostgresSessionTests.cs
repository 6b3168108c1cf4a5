using Microsoft.EntityFrameworkCore;
using Npgsql;
using Prospector.Hosting;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The app's PostgreSQL sessions run without JIT compilation: at full size the compiling of a report's query took longer
/// than the query (ADR 0033). A connection string that sets jit in its own Options keeps it; nothing else is lost.
/// </summary>
public sealed class PostgresSessionTests(PostgresApp f) : IClassFixture<PostgresApp>
{
    [Fact]
    public async Task The_apps_sessions_run_without_jit()
    {
        var jit = await f.Factory.WithDbAsync((db, _) => db.Database.SqlQueryRaw<string>("SELECT current_setting('jit') AS \"Value\"").SingleAsync());
        Assert.Equal("off", jit);
    }

    [Fact]
    public void The_connection_string_keeps_what_it_says_and_its_own_jit()
    {
        var plain = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithoutJit("Host=db.example;Port=6543;Username=crm;Password=s3cret;Database=prospector"));
        Assert.Equal(("db.example", 6543, "crm", "s3cret", "prospector", "-c jit=off"), (plain.Host, plain.Port, plain.Username, plain.Password, plain.Database, plain.Options));
        var more = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithoutJit("Host=db.example;Options=-c search_path=crm"));
        Assert.Equal("-c search_path=crm -c jit=off", more.Options);
        const string Own = "Host=db.example;Options=-c jit=on";
        Assert.Equal(Own, DatabaseSetup.WithoutJit(Own));
    }
}

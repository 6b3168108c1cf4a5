using Npgsql;
using Prospector.Features.Access;

namespace Prospector.Hosting;

/// <summary>
/// Tells the other instances on the same PostgreSQL that the answers <see cref="AuthCache"/> keeps changed, and hears
/// them say so (docs/decisions/0015): a write through this process to a table those answers come from is followed, once
/// committed, by <c>NOTIFY prospector_auth</c>; every serving instance LISTENs on that channel and drops its answers when
/// another one (or a CLI command) wrote. Nothing happens on SQLite. If the notification cannot be sent or the listening
/// connection is lost, the answers still expire after <c>Auth:CacheSeconds</c>.
/// </summary>
internal sealed class AuthChangeSignal : BackgroundService, IAuthChangeSignal
{
    private const string Channel = "prospector_auth";
    private readonly string self = Guid.NewGuid().ToString("N");
    private readonly NpgsqlDataSource? source;
    private readonly IServiceProvider services;
    private readonly ILogger<AuthChangeSignal> log;

    public AuthChangeSignal(IConfiguration config, IServiceProvider services, ILogger<AuthChangeSignal> log)
    {
        this.services = services;
        this.log = log;
        if (DatabaseSetup.Provider(config) == DatabaseProvider.Postgres)
            source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(DatabaseSetup.ConnectionString(config))
            {
                // The listening connection is idle for hours: a dead peer is noticed within a minute, then it reconnects.
                KeepAlive = 30,
            }.ToString());
    }

    public bool Active => source is not null;

    public void Send()
    {
        if (source is null) return;
        try
        {
            using var cmd = source.CreateCommand("SELECT pg_notify('" + Channel + "', $1)");
            cmd.Parameters.Add(new NpgsqlParameter { Value = self });
            cmd.ExecuteNonQuery();
        }
        catch (NpgsqlException e)
        {
            log.LogWarning("Other instances could not be told of a change to users, roles, teams, tokens or sessions ({Error}); they see it within Auth:CacheSeconds.", e.Message);
        }
    }

    public async Task SendAsync(CancellationToken ct)
    {
        if (source is null) return;
        try
        {
            await using var cmd = source.CreateCommand("SELECT pg_notify('" + Channel + "', $1)");
            cmd.Parameters.Add(new NpgsqlParameter { Value = self });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (NpgsqlException e)
        {
            log.LogWarning("Other instances could not be told of a change to users, roles, teams, tokens or sessions ({Error}); they see it within Auth:CacheSeconds.", e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (source is null) return;
        var cache = services.GetRequiredService<AuthCache>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await source.OpenConnectionAsync(ct);
                conn.Notification += (_, e) =>
                {
                    if (e.Payload != self) cache.Invalidate();
                };
                await using (var listen = new NpgsqlCommand("LISTEN " + Channel, conn))
                    await listen.ExecuteNonQueryAsync(ct);
                // Whatever was read before this instance listened (or while it could not) may have changed meanwhile.
                cache.Invalidate();
                while (true) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning("Not listening for changes made by other instances ({Error}); trying again in 5 seconds.", e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        source?.Dispose();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Behind a TLS-terminating reverse proxy the addresses the app hands out are https, but only when the request really
/// came through a proxy named in ForwardedHeaders:KnownProxies; anyone else's X-Forwarded-Proto is ignored.
/// </summary>
public abstract class ForwardedHeadersTests(ProspectorFactory app)
{
    private const string Proxy = "10.1.2.3";

    [Fact]
    public async Task The_calendar_address_is_https_through_the_configured_proxy_and_not_for_anyone_else()
    {
        var rep = await app.UserAsync("Rep");
        await using var behindProxy = app.WithWebHostBuilder(b =>
        {
            b.UseSetting("ForwardedHeaders:KnownProxies", $"{Proxy}, 10.1.2.4");
            // TestServer has no network peer: a test header plays the TCP peer's address, set before the app's pipeline.
            b.ConfigureTestServices(s => s.AddTransient<IStartupFilter, PeerFromTestHeader>());
        });

        async Task<string> FeedUrlAsync(string peer)
        {
            var client = behindProxy.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", rep.Token);
            client.DefaultRequestHeaders.Add(PeerFromTestHeader.Header, peer);
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
            client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.50");
            var res = await client.PostAsync("/api/v1/calendar-feed", JsonContent.Create(new { }));
            Assert.Equal(HttpStatusCode.Created, res.StatusCode);
            return (await res.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("url").GetString()!;
        }

        Assert.StartsWith("https://", await FeedUrlAsync(Proxy), StringComparison.Ordinal);
        Assert.StartsWith("http://", await FeedUrlAsync("198.51.100.7"), StringComparison.Ordinal);
    }

    private sealed class PeerFromTestHeader : IStartupFilter
    {
        public const string Header = "X-Test-Peer";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((ctx, nextMiddleware) =>
            {
                if (IPAddress.TryParse(ctx.Request.Headers[Header], out var ip)) ctx.Connection.RemoteIpAddress = ip;
                return nextMiddleware(ctx);
            });
            next(app);
        };
    }
}

public sealed class ForwardedHeadersTestsSqlite(SqliteApp f) : ForwardedHeadersTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ForwardedHeadersTestsPostgres(PostgresApp f) : ForwardedHeadersTests(f.Factory), IClassFixture<PostgresApp>;

/// <summary>A mistyped proxy address is an operator mistake: one line, exit code 1, before anything listens.</summary>
public sealed class ForwardedHeadersConfigurationTests
{
    [Fact]
    public async Task A_proxy_address_that_is_not_one_stops_the_start_with_one_line()
    {
        var dir = Directory.CreateTempSubdirectory("prospector-fwd-").FullName;
        var run = await ProspectorExe.RunAsync(["migrate", "--data-dir", dir],
            env: new Dictionary<string, string> { ["ForwardedHeaders__KnownProxies"] = "10.0.0.5,proxy.internal" });
        Assert.Equal(1, run.ExitCode);
        Directory.Delete(dir, recursive: true);
        Assert.Equal("error: ForwardedHeaders:KnownProxies: 'proxy.internal' is not an IP address (e.g. 10.0.0.5).", run.StdErr.Trim());
    }
}

using System.Net;
using Microsoft.Extensions.Options;
using Prospector.Features.Webhooks;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Unit;

/// <summary>
/// The SSRF guard against hostile targets: every one is refused when registered and again when a delivery connects, and a
/// listener on 127.0.0.1 — where each of them points — accepts not a single connection.
/// </summary>
public sealed class WebhookTargetGuardTests : IAsyncLifetime
{
    private readonly WebhookSink _inside = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _inside.DisposeAsync();

    /// <summary>A DNS seam: answers per name, and for "rebind.test" a public address first and 127.0.0.1 after.</summary>
    private sealed class FakeDns : IWebhookDns
    {
        private int _rebindLookups;
        public int Lookups;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
        {
            Interlocked.Increment(ref Lookups);
            IPAddress[] answer = host switch
            {
                "rebind.test" => Interlocked.Increment(ref _rebindLookups) == 1 ? [IPAddress.Parse("93.184.216.34")] : [IPAddress.Loopback],
                "mixed.test" => [IPAddress.Parse("93.184.216.34"), IPAddress.Loopback],
                "mapped.test" => [IPAddress.Parse("::ffff:127.0.0.1")],
                "six.test" => [IPAddress.IPv6Loopback],
                "redirector.test" => [IPAddress.Loopback],
                _ => [IPAddress.Loopback], // any other name (localhost, numeric forms a resolver would accept) points inward
            };
            return Task.FromResult(answer);
        }
    }

    private static WebhookTargetGuard Guard(FakeDns dns, params string[] allow) =>
        new(dns, Options.Create(new WebhookOptions { AllowInsecureHosts = [.. allow] }));

    private static readonly string[] Hostile =
    [
        "https://127.0.0.1:{0}/", "http://127.0.0.1:{0}/", "https://localhost:{0}/", "https://app.localhost:{0}/",
        "https://2130706433:{0}/", "https://0x7f.1:{0}/", "https://017700000001:{0}/", "https://0x7f000001:{0}/", "https://127.1:{0}/",
        "https://0177.0.0.1:{0}/", "https://[::1]:{0}/", "https://[::ffff:127.0.0.1]:{0}/", "https://[::ffff:7f00:1]:{0}/",
        "https://[::127.0.0.1]:{0}/", "https://evil@127.0.0.1:{0}/", "https://example.com@127.0.0.1:{0}/", "https://user:pw@localhost:{0}/",
        "https://0.0.0.0:{0}/", "https://[::]:{0}/", "https://10.0.0.1:{0}/", "https://172.16.0.1:{0}/", "https://192.168.1.1:{0}/",
        "https://169.254.169.254:{0}/latest/meta-data/", "https://100.64.0.1:{0}/", "https://224.0.0.1:{0}/", "https://255.255.255.255:{0}/",
        "https://192.0.2.1:{0}/", "https://[fd00::1]:{0}/", "https://[fe80::1]:{0}/", "https://[ff02::1]:{0}/", "https://[2002:7f00:1::]:{0}/",
        "https://[64:ff9b::7f00:1]:{0}/", "https://[2001:db8::1]:{0}/", "https://mixed.test:{0}/", "https://mapped.test:{0}/", "https://six.test:{0}/",
    ];

    [Fact]
    public async Task Hostile_targets_are_refused_when_registered_and_when_delivered_and_the_local_listener_receives_nothing()
    {
        Assert.True(Hostile.Length >= 20);
        var dns = new FakeDns();
        var guard = Guard(dns);
        using var client = new HttpClient(guard.CreateHandler(TimeSpan.FromSeconds(3))) { Timeout = TimeSpan.FromSeconds(5) };
        var accepted = new List<string>();
        foreach (var pattern in Hostile)
        {
            var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, _inside.Port);
            var refused = guard.CheckUrl(url, out var uri) is not null || await guard.CheckResolvesPublicAsync(uri!, default) is not null;
            if (!refused) accepted.Add(url);
            // Delivery does not trust registration: the connection itself is checked.
            await Assert.ThrowsAnyAsync<Exception>(() => client.PostAsync(url, new StringContent("{}")));
        }
        Assert.Empty(accepted);
        Assert.Equal(0, _inside.Accepted);
    }

    [Fact]
    public async Task A_name_that_rebinds_to_loopback_after_the_check_is_refused_at_connect_and_reaches_nothing()
    {
        var dns = new FakeDns();
        var guard = Guard(dns);
        var url = $"https://rebind.test:{_inside.Port}/hook";
        // Registration looks it up once and sees a public address …
        Assert.Null(guard.CheckUrl(url, out var uri));
        Assert.Null(await guard.CheckResolvesPublicAsync(uri!, default));
        // … the delivery resolves again, gets 127.0.0.1 and refuses to connect to it.
        using var client = new HttpClient(guard.CreateHandler(TimeSpan.FromSeconds(3)));
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(url, new StringContent("{}")));
        Assert.IsType<WebhookTargetRefusedException>(e.InnerException);
        Assert.Contains("127.0.0.1", e.InnerException!.Message);
        Assert.Equal(2, dns.Lookups); // one lookup per check: the connect used the address it checked, no third lookup
        Assert.Equal(0, _inside.Accepted);
    }

    [Fact]
    public async Task A_redirect_to_an_inside_address_is_not_followed()
    {
        await using var redirector = new WebhookSink { RedirectTo = $"http://127.0.0.1:{_inside.Port}/steal" };
        redirector.Answers.Enqueue(302);
        // The redirecting host is allowed (as in tests); where it points is not followed at all.
        var guard = Guard(new FakeDns(), "redirector.test");
        using var client = new HttpClient(guard.CreateHandler(TimeSpan.FromSeconds(3)));
        using var res = await client.PostAsync($"http://redirector.test:{redirector.Port}/hook", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.Found, res.StatusCode);
        Assert.Single(redirector.Requests);
        Assert.Equal(0, _inside.Accepted);
    }

    [Theory]
    [InlineData("https://hooks.example.com/prospector", true)]
    [InlineData("https://93.184.216.34/hook", true)]
    [InlineData("https://[2606:4700::1111]/hook", true)]
    [InlineData("http://hooks.example.com/prospector", false)]
    [InlineData("ftp://hooks.example.com/", false)]
    [InlineData("hooks.example.com/x", false)]
    [InlineData("https://intranet/hook", false)]
    [InlineData("https://printer.local/hook", false)]
    public void Public_https_addresses_are_accepted_and_the_rest_explained(string url, bool ok)
    {
        var why = Guard(new FakeDns()).CheckUrl(url, out _);
        Assert.Equal(ok, why is null);
    }

    [Fact]
    public void Plain_http_and_loopback_need_the_test_only_allow_list()
    {
        Assert.NotNull(Guard(new FakeDns()).CheckUrl("http://127.0.0.1:5000/hook", out _));
        Assert.Null(Guard(new FakeDns(), "127.0.0.1").CheckUrl("http://127.0.0.1:5000/hook", out _));
        Assert.Empty(new WebhookOptions().AllowInsecureHosts);
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Prospector.Features.Webhooks;

/// <summary>How host names are resolved for a delivery; a seam so a test can answer differently on each lookup (DNS rebinding).</summary>
public interface IWebhookDns
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

public sealed class SystemWebhookDns : IWebhookDns
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}

/// <summary>A delivery target refused by <see cref="WebhookTargetGuard"/>; never retried.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);

/// <summary>
/// The SSRF guard (ADR 0014): a webhook may only reach a public address. The URL is checked when it is registered
/// (<see cref="CheckUrl"/>) and again on every connection: <see cref="ConnectAsync"/> is the <c>SocketsHttpHandler.ConnectCallback</c>,
/// which resolves the host itself, refuses the connection if ANY address is not public, and connects to the very address it
/// checked — so a DNS answer that changes between check and connect (rebinding) cannot point it inward. Redirects are never
/// followed. Plain http and private targets are allowed only for the hosts named in <c>Webhooks:AllowInsecureHosts</c>, a
/// setting for tests that is empty by default.
/// </summary>
public sealed class WebhookTargetGuard(IWebhookDns dns, IOptions<WebhookOptions> options)
{
    private bool Allowed(string host) =>
        options.Value.AllowInsecureHosts.Any(h => string.Equals(h.Trim(), host, StringComparison.OrdinalIgnoreCase));

    /// <summary>Null when <paramref name="url"/> may be registered; otherwise why not (English resource key).</summary>
    public string? CheckUrl(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2048 || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var u))
            return "Enter a full address starting with https://.";
        if (!string.IsNullOrEmpty(u.UserInfo) || RawAuthority(url).Contains('@'))
            return "The address must not contain a user name or password.";
        if (!string.IsNullOrEmpty(u.Fragment)) return "The address must not contain a #fragment.";
        var allowed = Allowed(u.IdnHost);
        if (u.Scheme != Uri.UriSchemeHttps && !(u.Scheme == Uri.UriSchemeHttp && allowed))
            return "Webhook addresses must use https://.";
        var raw = RawHost(url);
        if (u.HostNameType is UriHostNameType.IPv4 && !string.Equals(raw, u.Host, StringComparison.OrdinalIgnoreCase))
            return "Write an IP address as four decimal numbers (no decimal, octal or hex forms).";
        if (u.HostNameType is UriHostNameType.Dns && raw.Split('.').All(IsNumberLike))
            return "Write an IP address as four decimal numbers (no decimal, octal or hex forms).";
        if (u.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && !allowed && !IsPublic(IPAddress.Parse(u.IdnHost.Trim('[', ']'))))
            return "The address must be public: private, local and reserved networks cannot receive webhooks.";
        if (u.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            return "Enter a full address starting with https://.";
        if (u.HostNameType is UriHostNameType.Dns && !allowed && IsLocalName(u.IdnHost))
            return "The address must be public: private, local and reserved networks cannot receive webhooks.";
        uri = u;
        return null;
    }

    /// <summary>At registration: a name that resolves to a non-public address now is refused at once (delivery checks again).</summary>
    public async Task<string?> CheckResolvesPublicAsync(Uri uri, CancellationToken ct)
    {
        if (uri.HostNameType != UriHostNameType.Dns || Allowed(uri.IdnHost)) return null;
        IPAddress[] addresses;
        try
        {
            addresses = await dns.ResolveAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return null; // not (yet) in DNS: deliveries will fail and show it
        }
        return addresses.All(IsPublic) ? null : "The address must be public: private, local and reserved networks cannot receive webhooks.";
    }

    /// <summary>The handler every delivery goes through: this guard connects, redirects are never followed, no proxy, no cookies.</summary>
    public SocketsHttpHandler CreateHandler(TimeSpan connectTimeout) => new()
    {
        ConnectCallback = ConnectAsync,
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectTimeout = connectTimeout,
    };

    /// <summary>The ConnectCallback: resolve once, check every address, connect to a checked one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var allowed = Allowed(host);
        IPAddress[] addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await dns.ResolveAsync(host, ct);
        if (addresses.Length == 0) throw new WebhookTargetRefusedException($"{host} has no address.");
        if (!allowed && addresses.FirstOrDefault(a => !IsPublic(a)) is { } inner)
            throw new WebhookTargetRefusedException($"{host} resolves to {inner}, which is not a public address.");
        var target = addresses[0];
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string RawAuthority(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start < 0 ? url : url[(start + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#', '\\']);
        return end < 0 ? rest : rest[..end];
    }

    private static string RawHost(string url)
    {
        var authority = RawAuthority(url.Trim());
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        if (authority.StartsWith('[')) return authority;
        var colon = authority.LastIndexOf(':');
        return (colon < 0 ? authority : authority[..colon]).TrimEnd('.');
    }

    private static bool IsNumberLike(string label) =>
        label.Length > 0 && (label.All(char.IsAsciiDigit)
            || (label.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && label[2..].All(char.IsAsciiHexDigit)));

    private static bool IsLocalName(string host)
    {
        var h = host.TrimEnd('.').ToLowerInvariant();
        return h is "localhost" || h.EndsWith(".localhost", StringComparison.Ordinal) || h.EndsWith(".local", StringComparison.Ordinal)
            || h.EndsWith(".internal", StringComparison.Ordinal) || h.EndsWith(".home.arpa", StringComparison.Ordinal) || !h.Contains('.');
    }

    /// <summary>True only for a globally routable unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsPublicV4(address.MapToIPv4().GetAddressBytes());
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsPublicV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        var b = address.GetAddressBytes();
        if ((b[0] & 0xE0) != 0x20) return false; // outside 2000::/3 global unicast: ::, ::1, ::a.b.c.d, fc00::/7, fe80::/10, ff00::/8, 64:ff9b::/96 …
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false; // 2001:db8::/32 documentation
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] < 0x02) return false; // 2001::/32 Teredo, 2001:1::/32 and IETF special use
        if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(b[2..6]); // 6to4 embeds an IPv4 address
        if (b[0] == 0x3f && b[1] == 0xff) return false; // 3fff::/20 documentation
        return true;
    }

    private static bool IsPublicV4(byte[] b) => !(
        b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 // this network, private, loopback, multicast, reserved, broadcast
        || (b[0] == 100 && (b[1] & 0xC0) == 64) // 100.64/10 carrier-grade NAT
        || (b[0] == 169 && b[1] == 254) // link-local (cloud metadata)
        || (b[0] == 172 && (b[1] & 0xF0) == 16) // 172.16/12
        || (b[0] == 192 && b[1] == 168) // 192.168/16
        || (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2)) // IETF protocol assignments, TEST-NET-1
        || (b[0] == 192 && b[1] == 88 && b[2] == 99) // 6to4 relay anycast
        || (b[0] == 198 && (b[1] & 0xFE) == 18) // 198.18/15 benchmarking
        || (b[0] == 198 && b[1] == 51 && b[2] == 100) // TEST-NET-2
        || (b[0] == 203 && b[1] == 0 && b[2] == 113)); // TEST-NET-3
}

using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Prospector.Hosting;

/// <summary>
/// Behind a reverse proxy (nginx, Caddy) the app honours X-Forwarded-For and X-Forwarded-Proto, but only from the
/// proxies named in configuration (section <c>ForwardedHeaders</c>); by default only from this machine (loopback).
/// Anyone else's X-Forwarded-* headers are ignored, so a client cannot pretend to be another address or HTTPS.
/// </summary>
public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddProspectorForwardedHeaders(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure(o => Apply(o, config.GetSection("ForwardedHeaders")));
        return services;
    }

    /// <summary>Reads the section; a value that is not an address or a network stops the start-up with one line.</summary>
    internal static void Apply(ForwardedHeadersOptions o, IConfigurationSection section)
    {
        o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        if (section["ForwardLimit"] is { Length: > 0 } limit)
            o.ForwardLimit = int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new StartupException($"ForwardedHeaders:ForwardLimit '{limit}' is not a positive number.");
        foreach (var value in Values(section.GetSection("KnownProxies")))
            o.KnownProxies.Add(IPAddress.TryParse(value, out var ip)
                ? ip
                : throw new StartupException($"ForwardedHeaders:KnownProxies: '{value}' is not an IP address (e.g. 10.0.0.5)."));
        foreach (var value in Values(section.GetSection("KnownNetworks")))
            o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(value, out var net)
                ? net
                : throw new StartupException($"ForwardedHeaders:KnownNetworks: '{value}' is not a network (e.g. 10.0.0.0/8)."));
    }

    /// <summary>A list either as array entries (<c>KnownProxies__0</c>) or as one comma-separated value.</summary>
    private static IEnumerable<string> Values(IConfigurationSection section) =>
        (section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? ""))
        .SelectMany(v => v.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

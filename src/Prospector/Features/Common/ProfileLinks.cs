namespace Prospector.Features.Common;

/// <summary>Which kind of profile link a field holds: any web site, or a page on one network.</summary>
public enum ProfileSite { Web, LinkedIn, Xing }

/// <summary>
/// Profile links (LinkedIn, XING, web site) as they are stored: an absolute http(s) address, "https://" added when the
/// scheme was left out, LinkedIn and XING always https and on their own host. Anything else (javascript:, data:, another
/// host in a LinkedIn field) is refused with a message naming the field.
/// </summary>
public static class ProfileLinks
{
    public const int MaxLength = 300;

    /// <summary>The stored form of <paramref name="text"/>, or null with the English message key of the problem.</summary>
    public static (string? Url, string? Problem) Normalise(string text, ProfileSite site)
    {
        var url = SafeUrl.Web(text);
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return (null, "{0} must be a web address starting with http:// or https://.");
        var host = uri.IdnHost.ToLowerInvariant();
        var required = site switch { ProfileSite.LinkedIn => "linkedin.com", ProfileSite.Xing => "xing.com", _ => null };
        if (required is not null)
        {
            if (host != required && !host.EndsWith("." + required, StringComparison.Ordinal))
                return (null, site == ProfileSite.LinkedIn ? "{0} must be a LinkedIn address (linkedin.com/…)." : "{0} must be a XING address (xing.com/…).");
            url = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri.AbsoluteUri;
        }
        return url.Length > MaxLength ? (null, "{0} is longer than {1} characters.") : (url, null);
    }

    /// <summary>Reads a profile link field of a JSON body: validated and normalised, empty or null clears it.</summary>
    public static void Read(JsonFields f, string name, ProfileSite site, Action<string?> set) => f.String(name, MaxLength + 100, v =>
    {
        if (v is null) { set(null); return; }
        var (url, problem) = Normalise(v, site);
        if (problem is not null) f.Fail(name, f.T(problem, name, MaxLength));
        else set(url);
    });
}

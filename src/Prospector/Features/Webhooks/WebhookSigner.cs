using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Prospector.Data;

namespace Prospector.Features.Webhooks;

/// <summary>
/// The body and the signature of a delivery: <c>Prospector-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>,
/// keyed with the endpoint's secret (its UTF-8 bytes, "whsec_" included). docs/webhooks.md shows how to verify it.
/// </summary>
public static class WebhookSigner
{
    public const string Purpose = "Prospector.Webhooks.Secret";

    /// <summary>The JSON body: { id, type, occurredAt, data }.</summary>
    public static string Body(WebhookEvent e, object data, JsonSerializerOptions? options) =>
        JsonSerializer.Serialize(new { id = e.Id, type = e.Type, occurredAt = e.OccurredAt, data }, options ?? JsonSerializerOptions.Web);

    public static string Signature(string secret, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}

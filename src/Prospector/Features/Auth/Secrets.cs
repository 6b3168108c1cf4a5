using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Prospector.Features.Auth;

/// <summary>Random secrets (API tokens, setup links, calendar feeds): 256 bits, stored only as SHA-256.</summary>
public static class Secrets
{
    public static string New(string prefix = "") =>
        prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

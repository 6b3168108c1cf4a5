using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Prospector.Tests.Infrastructure;

/// <summary>
/// What an authenticator app computes (RFC 6238 TOTP: HMAC-SHA1 over the 30-second step, 6 digits), written here from the
/// RFC and independent of the app's code, so the tests type the code a phone would show.
/// </summary>
public static class Totp
{
    public static string Code(string base32Key, DateTimeOffset at)
    {
        var key = Base32(base32Key);
        Span<byte> step = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(step, at.ToUnixTimeSeconds() / 30);
        var hash = HMACSHA1.HashData(key, step);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 base32, as the key is shown (spaces, either case).</summary>
    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.ToUpperInvariant().Where(c => c is not (' ' or '=')))
        {
            var v = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (v < 0) throw new FormatException($"'{c}' is not base32");
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits < 8) continue;
            bytes.Add((byte)(buffer >> (bits - 8)));
            bits -= 8;
        }
        return [.. bytes];
    }
}

public static class TotpSelfTest
{
    /// <summary>RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits), so 287082 for six.</summary>
    [Fact]
    public static void The_test_helper_computes_the_RFC_6238_reference_value() =>
        Assert.Equal("287082", Totp.Code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", DateTimeOffset.FromUnixTimeSeconds(59)));
}

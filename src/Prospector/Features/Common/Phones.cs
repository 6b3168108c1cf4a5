using PhoneNumbers;

namespace Prospector.Features.Common;

/// <summary>Phone numbers to E.164 with libphonenumber; the original text is always kept beside it.</summary>
public static class Phones
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static string? ToE164(string? raw, string? country)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        try
        {
            var n = Util.Parse(International(raw), string.IsNullOrEmpty(country) ? "DE" : country.ToUpperInvariant());
            return Util.IsValidNumber(n) ? Util.Format(n, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// The country a number written with its country code belongs to (+31 20…, 0031 20… → NL); null for a number written
    /// the national way (020 …), which only a country given from elsewhere can place.
    /// </summary>
    public static string? CountryOf(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var s = International(raw);
        if (!s.StartsWith('+')) return null;
        try
        {
            var n = Util.Parse(s, "ZZ");
            return Util.IsValidNumber(n) ? Util.GetRegionCodeForNumber(n) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>"0031 20…" is "+31 20…" wherever the list was made: no national number starts with 00.</summary>
    private static string International(string raw)
    {
        var s = raw.Trim();
        return s.StartsWith("00", StringComparison.Ordinal) && s.Length > 2 && char.IsAsciiDigit(s[2]) ? "+" + s[2..] : s;
    }
}

/// <summary>The links that dial or text a number: always the E.164 form when libphonenumber can make one (so a phone or a desktop dialer gets "+4930…"), else the number as written if it is a safe one.</summary>
public static class Dial
{
    /// <summary>A tel: link; <paramref name="e164"/> is the stored E.164 form when there is one.</summary>
    public static string? Tel(string? number, string? country, string? e164 = null) =>
        SafeUrl.Tel(e164) ?? SafeUrl.Tel(Phones.ToE164(number, country)) ?? SafeUrl.Tel(number);

    /// <summary>An sms: link for a mobile number, E.164 where possible.</summary>
    public static string? Sms(string? number, string? country) =>
        Tel(number, country) is { } tel ? "sms:" + tel[4..] : null;
}

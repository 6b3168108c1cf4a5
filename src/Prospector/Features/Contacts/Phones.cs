using PhoneNumbers;

namespace Prospector.Features.Contacts;

/// <summary>Phone numbers to E.164 with libphonenumber; the original text is always kept beside it.</summary>
public static class Phones
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static string? ToE164(string? raw, string? country)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        try
        {
            var n = Util.Parse(raw, string.IsNullOrEmpty(country) ? "DE" : country.ToUpperInvariant());
            return Util.IsValidNumber(n) ? Util.Format(n, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}

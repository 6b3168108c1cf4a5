namespace Prospector.Features.Common;

/// <summary>
/// A postal address as contacts and companies carry it: street, postal code, city and a two-letter country.
/// Its limits are written here once, for the API's body reader and the edit forms' field lengths alike.
/// </summary>
public static class AddressFields
{
    public const int StreetMax = 200;
    public const int PostalCodeMax = 20;
    public const int CityMax = 100;
    /// <summary>ISO 3166-1 alpha-2 (DE, NL…).</summary>
    public const int CountryLength = 2;

    public static readonly string[] Names = ["street", "postalCode", "city", "country"];

    /// <summary>Reads the address fields of a body (a field left out is unchanged, null clears it).</summary>
    public static void Read(JsonFields f, Action<string?> street, Action<string?> postalCode, Action<string?> city, Action<string?> country)
    {
        f.String("street", StreetMax, street);
        f.String("postalCode", PostalCodeMax, postalCode);
        f.String("city", CityMax, city);
        f.Country("country", country);
    }
}

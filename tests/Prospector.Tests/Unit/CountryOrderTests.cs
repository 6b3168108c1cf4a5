using Prospector.Features.Common;
using Prospector.Features.Lists;

namespace Prospector.Tests.Unit;

/// <summary>Which country a row's number is read with: its country column, then the number's own code, then the default.</summary>
public sealed class CountryOrderTests
{
    private static readonly ListField[] Mapping = [ListField.LastName, ListField.Phone, ListField.Country];

    private static NormalRow Map(string phone, string country, string? picked) => Normaliser.Map(["Muster", phone, country], Mapping, picked);

    [Fact]
    public void A_national_dutch_number_with_nl_picked_is_dutch()
    {
        var r = Map("020 123 4567", "", "NL");
        Assert.Equal("+31201234567", r.PhoneE164);
        Assert.Null(r.Country); // the contact then takes the list's default, NL
        Assert.Equal("+49201234567", Map("020 123 4567", "", "DE").PhoneE164); // what the old fixed DE made of it
    }

    [Theory]
    [InlineData("Nederland", "NL", "+31201234567")]
    [InlineData("Niederlande", "NL", "+31201234567")]
    [InlineData("Pays-Bas", "NL", "+31201234567")]
    [InlineData("NLD", "NL", "+31201234567")]
    [InlineData("nl", "NL", "+31201234567")]
    public void A_country_column_wins_over_the_picked_country(string column, string iso, string e164)
    {
        var r = Map("020 123 4567", column, "DE");
        Assert.Equal((iso, e164), (r.Country, r.PhoneE164));
    }

    [Theory]
    [InlineData("+43 662 8044 0", "AT", "+4366280440")]
    [InlineData("0043 662 8044 0", "AT", "+4366280440")]
    [InlineData("+48 22 628 12 34", "PL", "+48226281234")]
    [InlineData("0031 20 123 4567", "NL", "+31201234567")]
    public void The_numbers_own_country_code_wins_over_the_picked_country(string phone, string iso, string e164)
    {
        var r = Map(phone, "", "DE");
        Assert.Equal((iso, e164), (r.Country, r.PhoneE164));
    }

    [Fact]
    public void The_country_column_wins_over_the_numbers_code()
    {
        var r = Map("+43 662 8044 0", "Deutschland", "NL");
        Assert.Equal(("DE", "+4366280440"), (r.Country, r.PhoneE164));
    }

    [Fact]
    public void An_unknown_country_is_flagged_and_the_number_still_read()
    {
        var r = Map("+43 662 8044 0", "Atlantis", "NL");
        Assert.Contains(r.Issues, i => i.Field == "country");
        Assert.Equal("+4366280440", r.PhoneE164);
    }

    [Theory]
    [InlineData("Europe/Amsterdam", "NL")]
    [InlineData("Europe/Brussels", "BE")]
    [InlineData("Europe/Vienna", "AT")]
    [InlineData("Europe/Warsaw", "PL")]
    [InlineData("Europe/Berlin", "DE")]
    [InlineData("UTC", null)]
    [InlineData(null, null)]
    public void The_users_own_country_is_their_time_zones(string? zone, string? country) =>
        Assert.Equal(country, UserCountry.OfZone(zone));

    [Fact]
    public void A_national_number_has_no_country_of_its_own() =>
        Assert.Equal((null, "AT"), (Phones.CountryOf("020 123 4567"), Phones.CountryOf("0043 1 53114 0")));
}

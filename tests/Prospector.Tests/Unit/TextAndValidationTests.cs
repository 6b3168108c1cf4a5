using System.Text.Json.Nodes;
using Prospector.Data;
using Prospector.Features.Common;
using Prospector.Features.Companies;
using Prospector.Features.Contacts;

namespace Prospector.Tests.Unit;

public sealed class TextAndValidationTests
{
    [Theory]
    [InlineData("Müller", "muller")]
    [InlineData("MÜLLER", "muller")]
    [InlineData("  Straße ", "strasse")]
    [InlineData("Søren Ærø", "soren aro")]
    [InlineData("van der Berg", "van der berg")]
    [InlineData("François", "francois")]
    public void Fold_makes_names_findable_without_accents(string input, string expected) =>
        Assert.Equal(expected, TextKeys.Fold(input));

    [Theory]
    [InlineData("anna@example.de", true)]
    [InlineData("a.b+crm@sub.example.co.uk", true)]
    [InlineData("anna@localhost", false)]
    [InlineData("anna example.de", false)]
    [InlineData("anna@@example.de", false)]
    [InlineData("Anna <anna@example.de>", false)]
    public void Email_validation(string email, bool valid) => Assert.Equal(valid, JsonFields.IsEmail(email));

    [Theory]
    [InlineData("https://www.Example.de/kontakt", "example.de")]
    [InlineData("shop.example.nl", "shop.example.nl")]
    [InlineData("localhost", null)]
    [InlineData("", null)]
    public void Company_domain_from_website(string website, string? domain) => Assert.Equal(domain, CompanyFields.DomainOf(website));

    [Theory]
    [InlineData("030 1234567", "DE", "+49301234567")]
    [InlineData("020-1234567", "NL", "+31201234567")]
    [InlineData("+44 20 7946 0958", "DE", "+442079460958")]
    [InlineData("not a number", "DE", null)]
    public void Phones_are_normalised_to_e164_with_the_country(string raw, string country, string? e164) =>
        Assert.Equal(e164, Phones.ToE164(raw, country));

    [Fact]
    public void A_patch_applies_present_fields_clears_nulls_and_leaves_absent_ones()
    {
        var c = new Contact { FirstName = "Jörg", LastName = "Müller", City = "Köln", JobTitle = "CEO" };
        var f = JsonFields.From(new JsonObject { ["city"] = "Bonn", ["jobTitle"] = null });
        ContactFields.Apply(f, c, actorId: 1, DateTime.UtcNow);
        Assert.Empty(f.Errors);
        Assert.Equal(("Jörg", "Bonn", (string?)null), (c.FirstName, c.City, c.JobTitle));
        Assert.Equal("muller jorg", c.NameKey);
    }

    [Fact]
    public void Every_mistake_names_its_field()
    {
        var c = new Contact();
        var f = JsonFields.From(new JsonObject
        {
            ["lastName"] = new string('x', 101), ["email"] = "nope", ["stage"] = "Buyer", ["country"] = "Germany",
            ["personalDates"] = new JsonArray(new JsonObject { ["kind"] = "Birthday", ["month"] = 2, ["day"] = 30, ["remindDaysBefore"] = 7 }),
        });
        ContactFields.Apply(f, c, actorId: 1, DateTime.UtcNow);
        Assert.Equal(["country", "email", "lastName", "personalDates", "stage"], f.Errors.Keys.Order().ToArray());
    }

    [Fact]
    public void Consents_are_appended_as_history_and_future_dates_are_refused()
    {
        var now = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
        var c = new Contact { LastName = "Jansen" };
        var ok = JsonFields.From(new JsonObject
        {
            ["consents"] = new JsonArray(new JsonObject { ["channel"] = "Email", ["status"] = "Granted", ["givenAt"] = "2026-11-01T10:00:00Z", ["method"] = "Web form" }),
        });
        ContactFields.Apply(ok, c, 1, now);
        var future = JsonFields.From(new JsonObject
        {
            ["consents"] = new JsonArray(new JsonObject { ["channel"] = "Email", ["status"] = "Withdrawn", ["givenAt"] = "2027-01-01T10:00:00Z", ["method"] = "Phone" }),
        });
        ContactFields.Apply(future, c, 1, now);
        Assert.Empty(ok.Errors);
        Assert.Contains("consents", future.Errors.Keys);
        var only = Assert.Single(c.Consents);
        Assert.Equal((ConsentChannel.Email, ConsentStatus.Granted, "Web form"), (only.Channel, only.Status, only.Method));
    }
}

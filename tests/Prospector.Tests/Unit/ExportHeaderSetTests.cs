using Prospector.Features.Lists;

namespace Prospector.Tests.Unit;

/// <summary>
/// The header rows of real contact exports (Google Contacts current and legacy, Outlook in English and German, LinkedIn
/// connections, HubSpot, Pipedrive): every column Prospector has a field for is mapped, and nothing is mapped wrongly.
/// </summary>
public sealed class ExportHeaderSetTests
{
    private static Dictionary<string, ListField> Guess(string headers, params string[][] sample)
    {
        var columns = headers.Split(',');
        var mapping = ColumnMapping.Guess(columns, sample);
        return columns.Select((c, i) => (c, mapping[i])).Where(x => x.Item2 != ListField.Ignore).ToDictionary(x => x.c, x => x.Item2);
    }

    private static void AssertMapped(Dictionary<string, ListField> expected, Dictionary<string, ListField> actual) =>
        Assert.Equal(expected.OrderBy(x => x.Key, StringComparer.Ordinal), actual.OrderBy(x => x.Key, StringComparer.Ordinal));

    [Fact]
    public void Google_contacts_export_current_format()
    {
        const string headers = "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,"
            + "Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,"
            + "E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,"
            + "Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,Website 1 - Label,"
            + "Website 1 - Value";
        var mapping = Guess(headers);
        AssertMapped(new()
        {
            ["First Name"] = ListField.FirstName, ["Middle Name"] = ListField.MiddleName, ["Last Name"] = ListField.LastName,
            ["Name Prefix"] = ListField.Salutation, ["Organization Name"] = ListField.Company, ["Organization Title"] = ListField.JobTitle,
            ["Birthday"] = ListField.Birthday, ["Notes"] = ListField.Notes, ["E-mail 1 - Value"] = ListField.Email, ["Phone 1 - Value"] = ListField.Phone,
            ["Address 1 - Street"] = ListField.Street, ["Address 1 - City"] = ListField.City, ["Address 1 - Postal Code"] = ListField.PostalCode,
            ["Address 1 - Country"] = ListField.Country, ["Website 1 - Value"] = ListField.Website,
        }, mapping);
        Assert.DoesNotContain(ListField.NamePrefix, mapping.Values); // Google's middle name is not a Dutch tussenvoegsel
    }

    [Fact]
    public void Google_contacts_export_legacy_google_csv_format()
    {
        const string headers = "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,"
            + "Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,"
            + "Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
            + "Phone 2 - Type,Phone 2 - Value,Address 1 - Type,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,"
            + "Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,Organization 1 - Type,Organization 1 - Name,"
            + "Organization 1 - Yomi Name,Organization 1 - Title,Organization 1 - Department,Organization 1 - Symbol,Organization 1 - Location,"
            + "Organization 1 - Job Description,Website 1 - Type,Website 1 - Value";
        var mapping = Guess(headers);
        AssertMapped(new()
        {
            ["Given Name"] = ListField.FirstName, ["Additional Name"] = ListField.MiddleName, ["Family Name"] = ListField.LastName,
            ["Name Prefix"] = ListField.Salutation, ["Birthday"] = ListField.Birthday, ["Notes"] = ListField.Notes,
            ["E-mail 1 - Value"] = ListField.Email, ["Phone 1 - Value"] = ListField.Phone, ["Address 1 - Street"] = ListField.Street,
            ["Address 1 - City"] = ListField.City, ["Address 1 - Postal Code"] = ListField.PostalCode, ["Address 1 - Country"] = ListField.Country,
            ["Organization 1 - Name"] = ListField.Company, ["Organization 1 - Title"] = ListField.JobTitle, ["Website 1 - Value"] = ListField.Website,
        }, mapping);
    }

    [Fact]
    public void Outlook_export_in_english()
    {
        const string headers = "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Street,Business Street 2,"
            + "Business Street 3,Business City,Business State,Business Postal Code,Business Country/Region,Home Street,Home Street 2,Home Street 3,"
            + "Home City,Home State,Home Postal Code,Home Country/Region,Other Street,Other Street 2,Other Street 3,Other City,Other State,"
            + "Other Postal Code,Other Country/Region,Assistant's Phone,Business Fax,Business Phone,Business Phone 2,Callback,Car Phone,"
            + "Company Main Phone,Home Fax,Home Phone,Home Phone 2,ISDN,Mobile Phone,Other Fax,Other Phone,Pager,Primary Phone,Radio Phone,"
            + "TTY/TDD Phone,Telex,Account,Anniversary,Assistant's Name,Billing Information,Birthday,Business Address PO Box,Categories,Children,"
            + "Directory Server,E-mail Address,E-mail Type,E-mail Display Name,E-mail 2 Address,E-mail 2 Type,E-mail 2 Display Name,E-mail 3 Address,"
            + "E-mail 3 Type,E-mail 3 Display Name,Gender,Government ID Number,Hobby,Home Address PO Box,Initials,Internet Free Busy,Keywords,"
            + "Language,Location,Manager's Name,Mileage,Notes,Office Location,Organizational ID Number,Other Address PO Box,Priority,Private,"
            + "Profession,Referred By,Sensitivity,Spouse,User 1,User 2,User 3,User 4,Web Page";
        var mapping = Guess(headers);
        AssertMapped(new()
        {
            ["Title"] = ListField.Salutation, ["First Name"] = ListField.FirstName, ["Middle Name"] = ListField.MiddleName,
            ["Last Name"] = ListField.LastName, ["Company"] = ListField.Company, ["Job Title"] = ListField.JobTitle,
            ["Business Street"] = ListField.Street, ["Business City"] = ListField.City, ["Business Postal Code"] = ListField.PostalCode,
            ["Business Country/Region"] = ListField.Country, ["Business Phone"] = ListField.Phone, ["Mobile Phone"] = ListField.Mobile,
            ["Birthday"] = ListField.Birthday, ["E-mail Address"] = ListField.Email, ["Notes"] = ListField.Notes, ["Web Page"] = ListField.Website,
        }, mapping);
    }

    [Fact]
    public void Outlook_export_in_german()
    {
        const string headers = "Anrede,Vorname,Weitere Vornamen,Nachname,Suffix,Firma,Abteilung,Position,Straße geschäftlich,Straße geschäftlich 2,"
            + "Straße geschäftlich 3,Ort geschäftlich,Region geschäftlich,Postleitzahl geschäftlich,Land/Region geschäftlich,Straße privat,"
            + "Straße privat 2,Straße privat 3,Ort privat,Bundesland/Kanton privat,Postleitzahl privat,Land/Region privat,Weitere Straße,"
            + "Weiterer Ort,Weitere Postleitzahl,Telefon Assistent,Fax geschäftlich,Telefon geschäftlich,Telefon geschäftlich 2,Rückmeldung,"
            + "Autotelefon,Telefon Firma,Fax privat,Telefon privat,Telefon privat 2,ISDN,Mobiltelefon,Weiteres Fax,Weiteres Telefon,Pager,"
            + "Haupttelefon,Mobiltelefon 2,Telefon für Hörbehinderte,Telex,Abrechnungsinformationen,Benutzer 1,Benutzer 2,Beruf,Büro,"
            + "E-Mail-Adresse,E-Mail-Typ,E-Mail: Angezeigter Name,E-Mail 2: Adresse,E-Mail 2: Typ,E-Mail 2: Angezeigter Name,Empfohlen von,"
            + "Geburtstag,Geschlecht,Hobby,Initialen,Internet-Frei/Gebucht,Jahrestag,Kategorien,Kinder,Konto,Name Assistent,"
            + "Name des/der Vorgesetzten,Notizen,Organisations-Nr.,Ort,Partner,Postfach geschäftlich,Postfach privat,Priorität,Privat,"
            + "Regierungs-Nr.,Reisekilometer,Sprache,Stichwörter,Vertraulichkeit,Verzeichnisserver,Webseite,Weiteres Postfach";
        var mapping = Guess(headers);
        AssertMapped(new()
        {
            ["Anrede"] = ListField.Salutation, ["Vorname"] = ListField.FirstName, ["Weitere Vornamen"] = ListField.MiddleName,
            ["Nachname"] = ListField.LastName, ["Firma"] = ListField.Company, ["Position"] = ListField.JobTitle,
            ["Straße geschäftlich"] = ListField.Street, ["Ort geschäftlich"] = ListField.City, ["Postleitzahl geschäftlich"] = ListField.PostalCode,
            ["Land/Region geschäftlich"] = ListField.Country, ["Telefon geschäftlich"] = ListField.Phone, ["Mobiltelefon"] = ListField.Mobile,
            ["E-Mail-Adresse"] = ListField.Email, ["Geburtstag"] = ListField.Birthday, ["Notizen"] = ListField.Notes, ["Webseite"] = ListField.Website,
        }, mapping);
    }

    [Fact]
    public void Older_german_outlook_puts_geschaeftlich_first()
    {
        var mapping = Guess("Anrede,Vorname,Nachname,Firma,Position,Geschäftlich Straße,Geschäftlich Ort,Geschäftlich Postleitzahl,Geschäftlich Land,"
            + "Geschäftlich Telefon,E-Mail-Adresse");
        AssertMapped(new()
        {
            ["Anrede"] = ListField.Salutation, ["Vorname"] = ListField.FirstName, ["Nachname"] = ListField.LastName, ["Firma"] = ListField.Company,
            ["Position"] = ListField.JobTitle, ["Geschäftlich Straße"] = ListField.Street, ["Geschäftlich Ort"] = ListField.City,
            ["Geschäftlich Postleitzahl"] = ListField.PostalCode, ["Geschäftlich Land"] = ListField.Country, ["Geschäftlich Telefon"] = ListField.Phone,
            ["E-Mail-Adresse"] = ListField.Email,
        }, mapping);
    }

    [Fact]
    public void LinkedIn_connections_export_maps_the_profile_link_to_the_LinkedIn_field_not_the_company_website()
    {
        var mapping = Guess("First Name,Last Name,URL,Email Address,Company,Position,Connected On",
            ["Anna", "Berg", "https://www.linkedin.com/in/anna-berg-12345", "anna@berg.nl", "Berg B.V.", "Inkoper", "14 Mar 2024"],
            ["Jürgen", "Müller", "https://www.linkedin.com/in/juergen-mueller", "", "Müller GmbH", "Geschäftsführer", "02 Jan 2023"]);
        AssertMapped(new()
        {
            ["First Name"] = ListField.FirstName, ["Last Name"] = ListField.LastName, ["URL"] = ListField.LinkedIn,
            ["Email Address"] = ListField.Email, ["Company"] = ListField.Company, ["Position"] = ListField.JobTitle,
        }, mapping);
    }

    [Fact]
    public void HubSpot_contacts_export()
    {
        var mapping = Guess("Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Job Title,Company Name,Street Address,City,"
            + "State/Region,Postal Code,Country/Region,Website URL,Contact owner,Lead Status,Lifecycle Stage,Create Date,Associated Company");
        AssertMapped(new()
        {
            ["First Name"] = ListField.FirstName, ["Last Name"] = ListField.LastName, ["Email"] = ListField.Email,
            ["Phone Number"] = ListField.Phone, ["Mobile Phone Number"] = ListField.Mobile, ["Job Title"] = ListField.JobTitle,
            ["Company Name"] = ListField.Company, ["Street Address"] = ListField.Street, ["City"] = ListField.City,
            ["Postal Code"] = ListField.PostalCode, ["Country/Region"] = ListField.Country, ["Website URL"] = ListField.Website,
        }, mapping);
    }

    [Fact]
    public void Pipedrive_people_export()
    {
        var mapping = Guess("Person - ID,Person - Name,Person - Label,Person - Organization,Person - Email - Work,Person - Email - Home,"
            + "Person - Phone - Work,Person - Phone - Mobile,Person - Owner,Person - First name,Person - Last name,Person - Job title,"
            + "Person - Birthday,Person - Notes,Organization - Name,Organization - Address");
        AssertMapped(new()
        {
            ["Person - Organization"] = ListField.Company, ["Person - Email - Work"] = ListField.Email, ["Person - Phone - Work"] = ListField.Phone,
            ["Person - Phone - Mobile"] = ListField.Mobile, ["Person - First name"] = ListField.FirstName, ["Person - Last name"] = ListField.LastName,
            ["Person - Job title"] = ListField.JobTitle, ["Person - Birthday"] = ListField.Birthday, ["Person - Notes"] = ListField.Notes,
        }, mapping);
    }

    [Fact]
    public void A_google_row_maps_to_a_full_contact_with_middle_name_birthday_and_the_note_s_line_breaks()
    {
        ListField[] map = [ListField.FirstName, ListField.MiddleName, ListField.LastName, ListField.Salutation, ListField.Company, ListField.JobTitle,
            ListField.Birthday, ListField.Notes, ListField.City, ListField.Custom];
        var r = Normaliser.Map(["Anna", "Maria", "Berg", "Dr.", "Berg B.V.", "Inkoper", "1985-03-14", "Met op beurs.\r\nBelt terug in mei.", "Utrecht",
            "Hond: Max\nKat: Mies"], map, "NL");
        Assert.Equal(("Anna Maria", null, "Berg", "Dr."), (r.FirstName, r.NamePrefix, r.LastName, r.Salutation));
        Assert.Equal((3, 14, (int?)1985), r.Birthday);
        Assert.Equal("Met op beurs.\nBelt terug in mei.", r.Notes);
        Assert.Equal([(9, "Hond: Max\nKat: Mies")], r.Custom);
        Assert.Empty(r.Issues);
    }

    [Theory]
    [InlineData("1985-03-14", null, 3, 14, 1985)]
    [InlineData("--03-14", null, 3, 14, null)] // Google, year unknown
    [InlineData("1604-03-14", null, 3, 14, null)] // Apple's "no year"
    [InlineData("14.03.1985", "DE", 3, 14, 1985)]
    [InlineData("14.3.85", "DE", 3, 14, 1985)]
    [InlineData("14-03-1985", "NL", 3, 14, 1985)]
    [InlineData("3/14/1985", "DE", 3, 14, 1985)] // second number above 12: month first
    [InlineData("4/3/1985", "US", 4, 3, 1985)]
    [InlineData("4/3/1985", "GB", 3, 4, 1985)]
    [InlineData("1985-03-14 00:00:00", null, 3, 14, 1985)]
    public void Birthdays_are_read_as_exports_write_them(string value, string? country, int month, int day, int? year) =>
        Assert.Equal((month, day, year), Normaliser.BirthdayOf(value, country));

    [Fact]
    public void No_birthday_is_not_a_problem_and_a_wrong_one_is_flagged()
    {
        ListField[] map = [ListField.LastName, ListField.Birthday];
        var outlookEmpty = Normaliser.Map(["Berg", "0.0.00"], map, "DE");
        Assert.Null(outlookEmpty.Birthday);
        Assert.Empty(outlookEmpty.Issues);
        var wrong = Normaliser.Map(["Berg", "31.02.1985"], map, "DE");
        Assert.Null(wrong.Birthday);
        Assert.Equal([new RowIssue("birthday", "31.02.1985")], wrong.Issues);
    }

    [Fact]
    public void Any_number_of_columns_can_be_custom_fields_from_the_command_line()
    {
        string[] columns = ["Name", "Hobby", "Spouse"];
        var mapping = ColumnMapping.Guess(columns, []);
        Assert.Null(ColumnMapping.Apply(mapping, columns, ["Hobby=custom", "Spouse=Custom"]));
        Assert.Equal([ListField.FullName, ListField.Custom, ListField.Custom], mapping);
    }
}

/// <summary>Exactly which cells the exports escape, and which separator a culture's Excel expects.</summary>
public sealed class FormulaEscapingTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\")", "'=HYPERLINK(\"http://evil.example\")")]
    [InlineData("+A1", "'+A1")]
    [InlineData("-A1+B2", "'-A1+B2")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "'\r=1+1")]
    [InlineData("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")]
    [InlineData("- first point", "'- first point")]
    [InlineData("+4921112345678", "+4921112345678")]
    [InlineData("+49 211 123 45-67", "+49 211 123 45-67")]
    [InlineData("+49 (0)211 / 123456", "+49 (0)211 / 123456")]
    [InlineData("-5", "-5")]
    [InlineData("-1.234,50", "-1.234,50")]
    [InlineData("'s-Hertogenbosch", "'s-Hertogenbosch")]
    [InlineData("'+49 is what I typed", "''+49 is what I typed")]
    [InlineData("Müller", "Müller")]
    [InlineData("", "")]
    public void Only_what_a_spreadsheet_would_run_is_escaped_and_the_importer_undoes_it(string value, string exported)
    {
        Assert.Equal(exported, Exporter.Escape(value));
        Assert.Equal(value, Exporter.Unescape(exported));
    }

    [Theory]
    [InlineData("de-DE", ';')]
    [InlineData("de-AT", ';')]
    [InlineData("nl-NL", ';')]
    [InlineData("nl-BE", ';')]
    [InlineData("en-GB", ',')]
    [InlineData("en-US", ',')]
    public void Semicolons_where_excel_expects_them(string culture, char delimiter) =>
        Assert.Equal(delimiter, Exporter.DelimiterFor(System.Globalization.CultureInfo.GetCultureInfo(culture)));
}

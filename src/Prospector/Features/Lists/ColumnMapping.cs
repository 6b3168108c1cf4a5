using System.Text.RegularExpressions;
using Prospector.Features.Common;

namespace Prospector.Features.Lists;

/// <summary>The Prospector fields a list column can feed. Code names, as in the API (camelCase there).</summary>
public enum ListField
{
    Ignore, Salutation, FirstName, NamePrefix, LastName, FullName, JobTitle, Email, Phone, Mobile,
    Company, Website, Street, PostalCode, City, Country, Notes,
}

/// <summary>
/// Guesses which column is which: first from the header (English, German, Dutch, French names), then from the values —
/// a column of e-mail addresses is the e-mail column whatever its header says.
/// </summary>
public static partial class ColumnMapping
{
    private static readonly Dictionary<string, ListField> Headers = Build(new()
    {
        [ListField.Salutation] = ["salutation", "anrede", "aanhef", "civilite", "title prefix", "briefanrede"],
        [ListField.FirstName] = ["first name", "firstname", "given name", "forename", "vorname", "voornaam", "roepnaam", "prenom"],
        [ListField.NamePrefix] = ["tussenvoegsel", "tussenvoegsels", "voorvoegsel", "name prefix", "middle name"],
        [ListField.LastName] = ["last name", "lastname", "surname", "family name", "nachname", "familienname", "achternaam", "nom", "nom de famille"],
        [ListField.FullName] = ["name", "full name", "contact", "contact name", "contact person", "ansprechpartner", "kontakt", "kontaktperson",
            "naam", "contactpersoon", "volledige naam", "nom complet", "display name", "person"],
        [ListField.JobTitle] = ["job title", "title", "position", "role", "job", "funktion", "titel", "stellung", "functie", "fonction", "poste"],
        [ListField.Email] = ["email", "e-mail", "mail", "email address", "e-mail address", "e-mail-adresse", "emailadresse", "e-mailadres",
            "emailadres", "courriel", "adresse e-mail", "e-mail 1", "email 1"],
        [ListField.Phone] = ["phone", "telephone", "tel", "tel.", "phone number", "business phone", "work phone", "telefon", "telefonnummer",
            "festnetz", "telefoon", "telefoonnummer", "telephone fixe", "numero de telephone", "phone 1"],
        [ListField.Mobile] = ["mobile", "mobile phone", "cell", "cell phone", "mobil", "mobiltelefon", "handy", "mobilnummer", "mobiel",
            "mobiele nummer", "mobiel nummer", "gsm", "portable", "telephone portable"],
        [ListField.Company] = ["company", "company name", "organisation", "organization", "account", "account name", "firma", "firmenname",
            "unternehmen", "bedrijf", "bedrijfsnaam", "organisatie", "societe", "entreprise", "raison sociale"],
        [ListField.Website] = ["website", "web site", "web", "homepage", "url", "internet", "webseite", "internetseite", "site web", "site internet"],
        [ListField.Street] = ["street", "address", "street address", "address 1", "strasse", "anschrift", "adresse", "straat", "adres", "rue"],
        [ListField.PostalCode] = ["postal code", "postcode", "zip", "zip code", "plz", "postleitzahl", "code postal", "cp"],
        [ListField.City] = ["city", "town", "ort", "stadt", "wohnort", "woonplaats", "plaats", "ville", "localite"],
        [ListField.Country] = ["country", "land", "staat", "pays", "country code", "landcode"],
        [ListField.Notes] = ["notes", "note", "comment", "comments", "remarks", "notiz", "notizen", "bemerkung", "bemerkungen", "kommentar",
            "opmerking", "opmerkingen", "remarque", "remarques", "commentaire"],
    });

    private static Dictionary<string, ListField> Build(Dictionary<ListField, string[]> names)
    {
        var map = new Dictionary<string, ListField>();
        foreach (var (field, list) in names)
            foreach (var n in list) map[Key(n)] = field;
        return map;
    }

    /// <summary>"E-Mail-Adresse", "e_mail adresse" and "E-mailadresse" share one key.</summary>
    private static string Key(string header) => NonAlnum().Replace(TextKeys.Fold(header), "");

    public static ListField FromHeader(string header) => Headers.GetValueOrDefault(Key(header), ListField.Ignore);

    /// <summary>One field per column; a field is used once (the first column wins), values can override the header.</summary>
    public static ListField[] Guess(IReadOnlyList<string> columns, IReadOnlyList<string[]> sample)
    {
        var result = columns.Select(FromHeader).ToArray();
        for (var i = 0; i < columns.Count; i++)
        {
            var values = sample.Select(r => i < r.Length ? r[i].Trim() : "").Where(v => v.Length > 0).ToList();
            if (values.Count == 0) continue;
            if (Share(values, v => Normaliser.IsEmail(v)) >= 0.8) result[i] = ListField.Email;
            else if (result[i] == ListField.Ignore && Share(values, LooksLikeWebsite) >= 0.8) result[i] = ListField.Website;
            else if (result[i] == ListField.Ignore && Share(values, LooksLikePhone) >= 0.8) result[i] = ListField.Phone;
        }
        var used = new HashSet<ListField>();
        for (var i = 0; i < result.Length; i++)
            if (result[i] != ListField.Ignore && !used.Add(result[i])) result[i] = ListField.Ignore;
        // A "Name" column beside first and last name columns is something else (often the company).
        if (used.Contains(ListField.FullName) && used.Contains(ListField.LastName))
            result[Array.IndexOf(result, ListField.FullName)] = used.Contains(ListField.Company) ? ListField.Ignore : ListField.Company;
        return result;
    }

    private static double Share(List<string> values, Func<string, bool> test) => (double)values.Count(test) / values.Count;

    private static bool LooksLikeWebsite(string v) => WebsitePattern().IsMatch(v);

    // Leading +, 0 or ( tells a phone number from a customer number.
    private static bool LooksLikePhone(string v) => v[0] is '+' or '0' or '(' && PhonePattern().IsMatch(v) && v.Count(char.IsAsciiDigit) is >= 6 and <= 16;

    /// <summary>Parses "Column=field" pairs (CLI --map); field names as in <see cref="ListField"/>, case-insensitive.</summary>
    public static string? Apply(ListField[] mapping, IReadOnlyList<string> columns, IEnumerable<string> pairs)
    {
        foreach (var pair in pairs)
        {
            var eq = pair.LastIndexOf('=');
            if (eq <= 0) return $"--map '{pair}' is not Column=field.";
            var (column, field) = (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
            var index = columns.ToList().FindIndex(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase));
            if (index < 0) return $"There is no column '{column}'; the columns are: {string.Join(", ", columns)}.";
            if (!Enum.TryParse<ListField>(field, ignoreCase: true, out var f) || int.TryParse(field, out _))
                return $"'{field}' is not a field; use one of: {string.Join(", ", Enum.GetValues<ListField>().Select(Camel))}.";
            if (f != ListField.Ignore)
                for (var i = 0; i < mapping.Length; i++) if (mapping[i] == f) mapping[i] = ListField.Ignore;
            mapping[index] = f;
        }
        return null;
    }

    public static string Camel(ListField f) => char.ToLowerInvariant(f.ToString()[0]) + f.ToString()[1..];

    [GeneratedRegex("[^a-z0-9]")]
    private static partial Regex NonAlnum();

    [GeneratedRegex(@"^(https?://)?(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(/\S*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex WebsitePattern();

    [GeneratedRegex(@"^\+?[0-9 ()/.\-]+$")]
    private static partial Regex PhonePattern();
}

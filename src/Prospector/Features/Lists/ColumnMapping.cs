using System.Text.RegularExpressions;
using Prospector.Data;

namespace Prospector.Features.Lists;

/// <summary>
/// The Prospector fields a list column can feed. Code names, as in the API (camelCase there). Lists store the mapping by
/// number: new fields go at the end. <see cref="Custom"/> keeps the column on the contact as a custom field named after
/// the column; any number of columns can be custom.
/// </summary>
public enum ListField
{
    Ignore, Salutation, FirstName, NamePrefix, LastName, FullName, JobTitle, Email, Phone, Mobile,
    Company, Website, Street, PostalCode, City, Country, Notes, MiddleName, Birthday, Custom, LinkedIn, Xing,
}

/// <summary>
/// Guesses which column is which: first from the header (English, German, Dutch, French names, and the real header sets
/// of Google Contacts, Outlook en/de, LinkedIn, HubSpot and Pipedrive exports), then from the values — a column of
/// e-mail addresses is the e-mail column whatever its header says.
/// </summary>
public static partial class ColumnMapping
{
    private static readonly Dictionary<string, ListField> Headers = Build(new()
    {
        // Google's "Name Prefix" is the honorific (Dr., Mr.), not the Dutch tussenvoegsel.
        [ListField.Salutation] = ["salutation", "anrede", "aanhef", "civilite", "title prefix", "briefanrede", "name prefix", "honorific"],
        [ListField.FirstName] = ["first name", "firstname", "given name", "forename", "vorname", "voornaam", "roepnaam", "prenom"],
        [ListField.MiddleName] = ["middle name", "middle names", "additional name", "weitere vornamen", "zweiter vorname", "tweede voornaam",
            "tweede naam", "deuxieme prenom"],
        [ListField.NamePrefix] = ["tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels"],
        [ListField.LastName] = ["last name", "lastname", "surname", "family name", "nachname", "familienname", "achternaam", "nom", "nom de famille"],
        [ListField.FullName] = ["name", "full name", "contact", "contact name", "contact person", "ansprechpartner", "kontakt", "kontaktperson",
            "naam", "contactpersoon", "volledige naam", "nom complet", "display name", "person"],
        [ListField.JobTitle] = ["job title", "title", "position", "role", "job", "funktion", "titel", "stellung", "functie", "fonction", "poste",
            "organization title", "organization 1 - title", "jobtitel"],
        [ListField.Email] = ["email", "e-mail", "mail", "email address", "e-mail address", "e-mail-adresse", "emailadresse", "e-mailadres",
            "emailadres", "courriel", "adresse e-mail", "e-mail 1", "email 1", "e-mail 1 - value", "email - work", "email - home",
            "email - other", "primary email", "e-mail 1: adresse"],
        [ListField.Phone] = ["phone", "telephone", "tel", "tel.", "phone number", "business phone", "work phone", "telefon", "telefonnummer",
            "festnetz", "telefoon", "telefoonnummer", "telephone fixe", "numero de telephone", "phone 1", "phone 1 - value",
            "telefon geschaftlich", "geschaftlich telefon", "telefon (geschaftlich)", "phone - work", "company main phone", "primary phone",
            "telefoon werk", "zakelijke telefoon"],
        [ListField.Mobile] = ["mobile", "mobile phone", "cell", "cell phone", "mobil", "mobiltelefon", "handy", "mobilnummer", "mobiel",
            "mobiele nummer", "mobiel nummer", "gsm", "portable", "telephone portable", "mobile phone number", "phone - mobile",
            "mobiele telefoon"],
        [ListField.Company] = ["company", "company name", "organisation", "organization", "account", "account name", "firma", "firmenname",
            "unternehmen", "bedrijf", "bedrijfsnaam", "organisatie", "societe", "entreprise", "raison sociale", "organization name",
            "organization 1 - name", "associated company", "organisation name"],
        [ListField.Website] = ["website", "web site", "web", "homepage", "url", "internet", "webseite", "internetseite", "site web", "site internet",
            "website 1 - value", "web page", "webpage", "website url", "webpagina"],
        [ListField.LinkedIn] = ["linkedin", "linkedin url", "linkedin profile", "linkedin-profil", "linkedin profiel", "profile url linkedin"],
        [ListField.Xing] = ["xing", "xing url", "xing profile", "xing-profil", "xing profil", "xing profiel"],
        [ListField.Street] = ["street", "address", "street address", "address 1", "strasse", "anschrift", "adresse", "straat", "adres", "rue",
            "address 1 - street", "business street", "strasse geschaftlich", "geschaftlich strasse", "postal address - street/road name"],
        [ListField.PostalCode] = ["postal code", "postcode", "zip", "zip code", "plz", "postleitzahl", "code postal", "cp",
            "address 1 - postal code", "business postal code", "postleitzahl geschaftlich", "geschaftlich postleitzahl", "zip/postal code",
            "postal address - zip/postal code"],
        [ListField.City] = ["city", "town", "ort", "stadt", "wohnort", "woonplaats", "plaats", "ville", "localite", "address 1 - city",
            "business city", "ort geschaftlich", "geschaftlich ort", "city/town/village/locality", "postal address - city/town/village/locality"],
        [ListField.Country] = ["country", "land", "staat", "pays", "country code", "landcode", "address 1 - country", "business country/region",
            "business country", "land/region geschaftlich", "land geschaftlich", "geschaftlich land", "country/region", "postal address - country"],
        [ListField.Notes] = ["notes", "note", "comment", "comments", "remarks", "notiz", "notizen", "bemerkung", "bemerkungen", "kommentar",
            "opmerking", "opmerkingen", "remarque", "remarques", "commentaire", "notities"],
        [ListField.Birthday] = ["birthday", "birth date", "birthdate", "date of birth", "dob", "geburtstag", "geburtsdatum", "verjaardag",
            "geboortedatum", "date de naissance", "anniversaire"],
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

    /// <summary>Pipedrive prefixes its person columns ("Person - First name"); the rest of the header is what counts.</summary>
    public static ListField FromHeader(string header) =>
        Headers.TryGetValue(Key(header), out var f) ? f
        : header.TrimStart().StartsWith("Person - ", StringComparison.OrdinalIgnoreCase) ? FromHeader(header.TrimStart()[9..])
        : ListField.Ignore;

    /// <summary>A field that any number of columns may feed (the others take one column each).</summary>
    public static bool IsShared(ListField f) => f is ListField.Ignore or ListField.Custom;

    /// <summary>One field per column; a field is used once (the first column wins), values can override the header.</summary>
    public static ListField[] Guess(IReadOnlyList<string> columns, IReadOnlyList<string[]> sample)
    {
        var result = columns.Select(FromHeader).ToArray();
        // Outlook's "Title" beside a "Job Title" column is the honorific (Mr., Dr.), not the job.
        var title = columns.ToList().FindIndex(c => Key(c) is "title" or "titel");
        if (title >= 0 && result.Where((f, i) => f == ListField.JobTitle && i != title).Any() && !result.Contains(ListField.Salutation))
            result[title] = ListField.Salutation;
        for (var i = 0; i < columns.Count; i++)
        {
            var values = sample.Select(r => i < r.Length ? r[i].Trim() : "").Where(v => v.Length > 0).ToList();
            if (values.Count == 0) continue;
            if (Share(values, v => Normaliser.IsEmail(v)) >= 0.8) result[i] = ListField.Email;
            // A column of LinkedIn/XING profile links is the person's profile, not the company's web site.
            else if (result[i] is ListField.Ignore or ListField.Website && Share(values, LooksLikeProfile) >= 0.8)
                result[i] = values.Count(v => v.Contains("xing.com", StringComparison.OrdinalIgnoreCase)) * 2 > values.Count ? ListField.Xing : ListField.LinkedIn;
            else if (result[i] == ListField.Ignore && Share(values, LooksLikeWebsite) >= 0.8) result[i] = ListField.Website;
            else if (result[i] == ListField.Ignore && Share(values, LooksLikePhone) >= 0.8) result[i] = ListField.Phone;
        }
        var used = new HashSet<ListField>();
        for (var i = 0; i < result.Length; i++)
            if (!IsShared(result[i]) && !used.Add(result[i])) result[i] = ListField.Ignore;
        // A "Name" column beside first and last name columns is something else (often the company).
        if (used.Contains(ListField.FullName) && used.Contains(ListField.LastName))
            result[Array.IndexOf(result, ListField.FullName)] = used.Contains(ListField.Company) ? ListField.Ignore : ListField.Company;
        return result;
    }

    private static double Share(List<string> values, Func<string, bool> test) => (double)values.Count(test) / values.Count;

    private static bool LooksLikeWebsite(string v) => WebsitePattern().IsMatch(v);

    private static bool LooksLikeProfile(string v) => ProfilePattern().IsMatch(v);

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
            if (!IsShared(f))
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

    [GeneratedRegex(@"^(https?://)?([a-z]{2,3}\.)?(linkedin\.com/(in|pub)/|xing\.com/profile/)", RegexOptions.IgnoreCase)]
    private static partial Regex ProfilePattern();

    [GeneratedRegex(@"^\+?[0-9 ()/.\-]+$")]
    private static partial Regex PhonePattern();
}

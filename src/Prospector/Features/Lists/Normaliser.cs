using System.Text;
using System.Text.Json;
using Prospector.Data;
using Prospector.Features.Common;
using Prospector.Features.Companies;

namespace Prospector.Features.Lists;

/// <summary>A value that could not be normalised: kept as it was, flagged on its row.</summary>
public sealed record RowIssue(string Field, string Value);

/// <summary>One row's mapped and normalised values. The original cells stay untouched on the list row.</summary>
public sealed class NormalRow
{
    public string? Salutation, FirstName, NamePrefix, LastName, JobTitle, Email, Phone, Mobile, Company, Website;
    public string? Street, PostalCode, City, Country, Notes;
    /// <summary>The person's profile links, normalised (https); a value that is no such link is an issue and left out.</summary>
    public string? LinkedIn, Xing;
    public string? EmailKey, PhoneE164, MobileE164, Domain, CompanyKey;
    public string NameKey = "";
    /// <summary>A birthday: month and day, the year where the file gives one.</summary>
    public (int Month, int Day, int? Year)? Birthday;
    /// <summary>Values of the columns mapped to a custom field, by column index.</summary>
    public List<(int Column, string Value)> Custom = [];
    public List<RowIssue> Issues = [];

    public string? DisplayName => string.Join(' ', new[] { FirstName, NamePrefix, LastName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } n ? n : null;
    public bool HasPerson => !string.IsNullOrEmpty(FirstName) || !string.IsNullOrEmpty(LastName);
}

/// <summary>
/// Maps a row's cells to fields and normalises them: e-mails trimmed and validated, phones to E.164 with the row's country
/// (its country column, else its phone's country code, else the list's default country; the original kept), a website
/// reduced to its domain. Nothing invalid is dropped.
/// </summary>
public static partial class Normaliser
{
    public static bool IsEmail(string s) => JsonFields.IsEmail(s);

    public static NormalRow Map(string[] cells, ListField[] mapping, string? defaultCountry)
    {
        var r = new NormalRow();
        string? fullName = null, middleName = null, birthday = null;
        for (var i = 0; i < mapping.Length && i < cells.Length; i++)
        {
            // A note or a custom value keeps its line breaks; a name or a phone is one line.
            if (mapping[i] is ListField.Notes or ListField.Custom && Multiline(cells[i]) is { } text)
            {
                if (mapping[i] == ListField.Notes) r.Notes = Cap(text, 10_000);
                else r.Custom.Add((i, Cap(text, 2000)));
                continue;
            }
            var v = Clean(cells[i]);
            if (v is null) continue;
            switch (mapping[i])
            {
                case ListField.Salutation: r.Salutation = Cap(v, 50); break;
                case ListField.FirstName: r.FirstName = Cap(v, 100); break;
                case ListField.NamePrefix: r.NamePrefix = Cap(v, 30); break;
                case ListField.LastName: r.LastName = Cap(v, 100); break;
                case ListField.FullName: fullName = v; break;
                case ListField.JobTitle: r.JobTitle = Cap(v, 100); break;
                case ListField.Email: r.Email = v; break;
                case ListField.Phone: r.Phone = Cap(v, 50); break;
                case ListField.Mobile: r.Mobile = Cap(v, 50); break;
                case ListField.Company: r.Company = Cap(v, 200); break;
                case ListField.Website: r.Website = Cap(v, 300); break;
                case ListField.LinkedIn: r.LinkedIn = Profile(v, ProfileSite.LinkedIn, "linkedInUrl", r); break;
                case ListField.Xing: r.Xing = Profile(v, ProfileSite.Xing, "xingUrl", r); break;
                case ListField.Street: r.Street = Cap(v, 200); break;
                case ListField.PostalCode: r.PostalCode = Cap(v, 20); break;
                case ListField.City: r.City = Cap(v, 100); break;
                case ListField.Country: r.Country = v; break;
                case ListField.MiddleName: middleName = v; break;
                case ListField.Birthday: birthday = v; break;
            }
        }
        if (fullName is not null && !r.HasPerson) SplitName(fullName, r);
        // Contacts have no middle name: "Anna" + "Maria" is the first name "Anna Maria".
        if (middleName is not null) r.FirstName = Cap(r.FirstName is null ? middleName : $"{r.FirstName} {middleName}", 100);
        if (birthday is not null && !IsEmptyDate(birthday))
        {
            r.Birthday = BirthdayOf(birthday, defaultCountry);
            if (r.Birthday is null) r.Issues.Add(new("birthday", birthday));
        }
        if (r.Email is not null)
        {
            // Exports often carry "Name <mail>" or "mailto:"; a list of several addresses keeps the first.
            var e = r.Email.Replace("mailto:", "", StringComparison.OrdinalIgnoreCase).Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries)
                .Select(x => x.Trim('<', '>', '"', '\'')).FirstOrDefault(x => x.Contains('@', StringComparison.Ordinal)) ?? r.Email;
            if (IsEmail(e)) (r.Email, r.EmailKey) = (e, e.ToLowerInvariant());
            else { r.Issues.Add(new("email", r.Email)); r.Email = null; }
        }
        if (r.Country is not null)
        {
            var c = Countries.ToIso(r.Country);
            if (c is null) r.Issues.Add(new("country", r.Country));
            r.Country = c;
        }
        // The country, in order: the row's own country column, then the country code its phone is written with, then the
        // default the user chose for the import (their own country, else the workspace's).
        r.Country ??= Phones.CountryOf(r.Phone) ?? Phones.CountryOf(r.Mobile);
        var country = r.Country ?? defaultCountry;
        if (r.Phone is not null && (r.PhoneE164 = Phones.ToE164(r.Phone, country)) is null) r.Issues.Add(new("phone", r.Phone));
        if (r.Mobile is not null && (r.MobileE164 = Phones.ToE164(r.Mobile, country)) is null) r.Issues.Add(new("mobile", r.Mobile));
        if (r.Website is not null && (r.Domain = CompanyFields.DomainOf(r.Website)) is null) r.Issues.Add(new("website", r.Website));
        r.CompanyKey = r.Company is null ? null : TextKeys.Fold(r.Company);
        r.NameKey = TextKeys.Fold($"{r.LastName} {r.FirstName}");
        return r;
    }

    /// <summary>"Dr. Anna Maria van der Berg" → first "Anna Maria", prefix "van der", last "Berg"; "Berg, Anna" too.</summary>
    public static void SplitName(string full, NormalRow r)
    {
        full = full.Trim();
        if (full.Split(',', 2) is [var last, var first] && first.Trim().Length > 0)
        {
            (r.FirstName, r.LastName) = (Cap(first.Trim(), 100), Cap(last.Trim(), 100));
            return;
        }
        var parts = full.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        while (parts.Count > 1 && Titles.Contains(parts[0].TrimEnd('.').ToLowerInvariant())) { r.Salutation ??= parts[0]; parts.RemoveAt(0); }
        if (parts.Count == 1) { r.LastName = Cap(parts[0], 100); return; }
        var lastIndex = parts.Count - 1;
        var prefixStart = lastIndex;
        while (prefixStart > 1 && Prefixes.Contains(parts[prefixStart - 1].ToLowerInvariant())) prefixStart--;
        r.FirstName = Cap(string.Join(' ', parts[..prefixStart]), 100);
        if (prefixStart < lastIndex) r.NamePrefix = Cap(string.Join(' ', parts[prefixStart..lastIndex]), 30);
        r.LastName = Cap(parts[lastIndex], 100);
    }

    private static readonly HashSet<string> Titles = ["herr", "frau", "dr", "prof", "mr", "mrs", "ms", "dhr", "mevr", "m", "mme"];
    private static readonly HashSet<string> Prefixes = ["van", "de", "der", "den", "het", "ter", "ten", "te", "von", "zu", "vom", "'t", "la", "le", "du"];

    /// <summary>
    /// A birthday as exports write it: ISO "1985-03-14" (also with a time), Google's year-less "--03-14", German
    /// "14.03.1985", Dutch "14-03-1985", and slashes — "3/14/1985" month first for a US list or when the second number is
    /// above 12, day first otherwise. Years before 1900 (Apple's 1604 for "no year") count as unknown.
    /// </summary>
    public static (int Month, int Day, int? Year)? BirthdayOf(string value, string? country)
    {
        var v = value.Trim();
        if (v.StartsWith("--", StringComparison.Ordinal)) v = "0000-" + v[2..];
        if (v.Length > 10 && IsoPrefix().IsMatch(v)) v = v[..10];
        int month, day, year;
        if (IsoDate().Match(v) is { Success: true } iso)
            (year, month, day) = (Num(iso.Groups[1]), Num(iso.Groups[2]), Num(iso.Groups[3]));
        else if (LocalDate().Match(v) is { Success: true } local)
        {
            var (a, b) = (Num(local.Groups[1]), Num(local.Groups[3]));
            var monthFirst = local.Groups[2].Value == "/" && (b > 12 || (a <= 12 && country == "US"));
            (month, day) = monthFirst ? (a, b) : (b, a);
            year = Num(local.Groups[4]);
            if (local.Groups[4].Length == 2) year += year >= 30 ? 1900 : 2000;
        }
        else return null;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(2000, month)) return null;
        int? known = year >= 1900 && year <= 2100 ? year : null;
        if (known is { } y && day > DateTime.DaysInMonth(y, month)) return null;
        return (month, day, known);

        static int Num(System.Text.RegularExpressions.Group g) => int.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Outlook writes "0.0.00" or "0/0/00" for "no birthday".</summary>
    private static bool IsEmptyDate(string v) => v.All(c => c is '0' or '.' or '/' or '-' or ' ');

    private static string? Multiline(string? v)
    {
        if (string.IsNullOrWhiteSpace(v)) return null;
        return v.ReplaceLineEndings("\n").Trim();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]")]
    private static partial System.Text.RegularExpressions.Regex IsoPrefix();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\d{4})-(\d{1,2})-(\d{1,2})$")]
    private static partial System.Text.RegularExpressions.Regex IsoDate();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex LocalDate();

    private static string? Clean(string? v)
    {
        if (string.IsNullOrWhiteSpace(v)) return null;
        return v.Trim().ReplaceLineEndings(" ");
    }

    private static string? Profile(string value, ProfileSite site, string field, NormalRow r)
    {
        var (url, problem) = ProfileLinks.Normalise(value, site);
        if (problem is not null) r.Issues.Add(new(field, value));
        return url;
    }

    private static string Cap(string v, int max) => UnicodeText.Prefix(v, max);

    /// <summary>Folded text of all cells, capped: the grid's "contains" filter.</summary>
    public static string SearchKey(string[] cells)
    {
        var sb = new StringBuilder();
        foreach (var c in cells)
        {
            if (string.IsNullOrWhiteSpace(c)) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(UnicodeText.Prefix(c, 200));
            if (sb.Length > 1000) break;
        }
        var key = TextKeys.Fold(sb.ToString());
        return UnicodeText.Prefix(key, 1000);
    }

    public static string? IssuesJson(List<RowIssue> issues) =>
        issues.Count == 0 ? null : JsonSerializer.Serialize(issues, JsonSerializerOptions.Web);

    public static List<RowIssue> ReadIssues(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<RowIssue>>(json, JsonSerializerOptions.Web) ?? [];
}

/// <summary>Country names and codes as they appear in lists → ISO 3166-1 alpha-2.</summary>
public static class Countries
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["deutschland"] = "DE", ["germany"] = "DE", ["duitsland"] = "DE", ["allemagne"] = "DE", ["brd"] = "DE", ["d"] = "DE",
        ["österreich"] = "AT", ["oesterreich"] = "AT", ["austria"] = "AT", ["oostenrijk"] = "AT", ["autriche"] = "AT", ["a"] = "AT",
        ["schweiz"] = "CH", ["switzerland"] = "CH", ["zwitserland"] = "CH", ["suisse"] = "CH",
        ["niederlande"] = "NL", ["netherlands"] = "NL", ["the netherlands"] = "NL", ["nederland"] = "NL", ["holland"] = "NL", ["pays-bas"] = "NL",
        ["belgien"] = "BE", ["belgium"] = "BE", ["belgië"] = "BE", ["belgie"] = "BE", ["belgique"] = "BE",
        ["frankreich"] = "FR", ["france"] = "FR", ["frankrijk"] = "FR",
        ["luxemburg"] = "LU", ["luxembourg"] = "LU", ["united kingdom"] = "GB", ["uk"] = "GB", ["england"] = "GB", ["großbritannien"] = "GB",
        ["vereinigtes königreich"] = "GB", ["united states"] = "US", ["usa"] = "US", ["italien"] = "IT", ["italy"] = "IT", ["spanien"] = "ES",
        ["spain"] = "ES", ["polen"] = "PL", ["poland"] = "PL", ["dänemark"] = "DK", ["denmark"] = "DK",
        ["pologne"] = "PL", ["polska"] = "PL", ["royaume-uni"] = "GB", ["verenigd koninkrijk"] = "GB", ["états-unis"] = "US",
        ["etats-unis"] = "US", ["verenigde staten"] = "US", ["vereinigte staaten"] = "US", ["italie"] = "IT", ["italië"] = "IT",
        ["espagne"] = "ES", ["spanje"] = "ES", ["danemark"] = "DK", ["denemarken"] = "DK", ["tschechien"] = "CZ", ["tsjechië"] = "CZ",
        ["république tchèque"] = "CZ", ["schweden"] = "SE", ["zweden"] = "SE", ["suède"] = "SE",
    };

    private static readonly HashSet<string> Codes = [.. PhoneNumbers.PhoneNumberUtil.GetInstance().GetSupportedRegions()];

    /// <summary>Every country's English and own name and its three-letter code (NLD, AUT…), as .NET knows them.</summary>
    private static readonly Dictionary<string, string> Known = BuildKnown();

    private static Dictionary<string, string> BuildKnown()
    {
        var known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var code in Codes)
        {
            System.Globalization.RegionInfo region;
            try { region = new System.Globalization.RegionInfo(code); }
            catch (ArgumentException) { continue; }
            foreach (var name in new[] { region.EnglishName, region.NativeName, region.ThreeLetterISORegionName })
                if (name.Length > 2) known.TryAdd(name, code);
        }
        return known;
    }

    /// <summary>An ISO code (NL, nl), a three-letter code (NLD), or a name in English, German, Dutch or French → "NL".</summary>
    public static string? ToIso(string value)
    {
        var v = value.Trim();
        if (v.Length == 2 && Codes.Contains(v.ToUpperInvariant())) return v.ToUpperInvariant();
        return Names.GetValueOrDefault(v) ?? Known.GetValueOrDefault(v);
    }
}

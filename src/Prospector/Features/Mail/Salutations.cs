using System.Globalization;

namespace Prospector.Features.Mail;

public enum Gender { Unknown, Male, Female }

/// <summary>
/// How to address a person in a letter, per language: "Dear Mr O'Brien", "Sehr geehrte Frau Müller-Lüdenscheidt",
/// "Geachte heer Van der Berg", and a neutral form when the salutation does not say whether it is a man or a woman.
/// The gender and academic title come from the contact's free Salutation field ("Herr Dr.", "Mevr.", "Ms").
/// </summary>
public static class Salutations
{
    private static readonly HashSet<string> Male = new(StringComparer.OrdinalIgnoreCase)
        { "mr", "mister", "sir", "herr", "hr", "heer", "de heer", "dhr", "meneer", "m" };
    private static readonly HashSet<string> Female = new(StringComparer.OrdinalIgnoreCase)
        { "mrs", "ms", "miss", "madam", "frau", "fr", "mevrouw", "mevr", "mw", "mej", "juffrouw" };
    private static readonly HashSet<string> Titles = new(StringComparer.OrdinalIgnoreCase)
        { "dr", "prof", "dr.-ing", "dipl.-ing", "ir", "drs", "mr." };
    /// <summary>German nobiliary particles stay lower case even where a Dutch prefix would be capitalised.</summary>
    private static readonly string[] GermanParticles = ["von", "zu", "vom", "zum", "zur"];

    public static (Gender Gender, string? Title) Read(string? salutation)
    {
        if (string.IsNullOrWhiteSpace(salutation)) return (Gender.Unknown, null);
        var gender = Gender.Unknown;
        var titles = new List<string>();
        var text = salutation.Trim();
        if (text.StartsWith("de heer", StringComparison.OrdinalIgnoreCase)) { gender = Gender.Male; text = text[7..]; }
        foreach (var raw in text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            var word = raw.TrimEnd('.');
            if (Male.Contains(word)) gender = Gender.Male;
            else if (Female.Contains(word)) gender = Gender.Female;
            else if (Titles.Contains(word) || Titles.Contains(raw)) titles.Add(raw.EndsWith('.') || raw.Contains('-') ? raw : raw + ".");
        }
        return (gender, titles.Count == 0 ? null : string.Join(' ', titles));
    }

    /// <summary>
    /// The last name as it stands on its own (after "Mr", "heer", at the start of a sentence): a Dutch prefix is
    /// capitalised ("Van der Berg"), a German particle is not ("von Weizsäcker").
    /// </summary>
    public static string LastNameAlone(string? prefix, string lastName)
    {
        if (string.IsNullOrWhiteSpace(prefix)) return lastName.Trim();
        var p = prefix.Trim();
        if (!GermanParticles.Any(g => p.StartsWith(g + " ", StringComparison.OrdinalIgnoreCase) || p.Equals(g, StringComparison.OrdinalIgnoreCase)))
            p = char.ToUpper(p[0], CultureInfo.InvariantCulture) + p[1..];
        return $"{p} {lastName.Trim()}";
    }

    /// <summary>The opening line of a letter, without punctuation.</summary>
    public static string Salutation(string language, string? salutation, string firstName, string? prefix, string lastName)
    {
        var (gender, title) = Read(salutation);
        var last = LastNameAlone(prefix, lastName);
        var withTitle = title is null ? last : $"{title} {last}";
        var full = Data.Contact.NameOf(firstName, prefix, lastName);
        var hasLast = !string.IsNullOrWhiteSpace(lastName);
        return language switch
        {
            "de" => gender switch
            {
                Gender.Male when hasLast => $"Sehr geehrter Herr {withTitle}",
                Gender.Female when hasLast => $"Sehr geehrte Frau {withTitle}",
                _ when full.Length > 0 => $"Guten Tag {full}",
                _ => "Sehr geehrte Damen und Herren",
            },
            "nl" => gender switch
            {
                Gender.Male when hasLast => $"Geachte heer {withTitle}",
                Gender.Female when hasLast => $"Geachte mevrouw {withTitle}",
                _ when full.Length > 0 => $"Geachte {full}",
                _ => "Geachte heer, mevrouw",
            },
            _ => gender switch
            {
                Gender.Male when hasLast => $"Dear Mr {withTitle}",
                Gender.Female when hasLast => salutation?.Trim().TrimEnd('.').Equals("mrs", StringComparison.OrdinalIgnoreCase) == true
                    ? $"Dear Mrs {withTitle}" : $"Dear Ms {withTitle}",
                _ when full.Length > 0 => $"Dear {full}",
                _ => "Dear Sir or Madam",
            },
        };
    }
}

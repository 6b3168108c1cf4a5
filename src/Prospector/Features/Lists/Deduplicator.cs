using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.Lists;

/// <summary>
/// Marks duplicate rows, against the contacts and companies the importing user can see and within the file: the same
/// e-mail (case-insensitive), the same E.164 phone, the same company web domain (for rows without a person), or the
/// same name at a similar company (fuzzy, with a score). Within the file only 64-bit hashes of the keys are kept
/// (<see cref="KeyTable"/>), so memory stays small at a million rows.
/// </summary>
internal sealed partial class Deduplicator(ProspectorDb db, AccessScope scope)
{
    /// <summary>A fuzzy match at or above this score is a duplicate.</summary>
    public const double Threshold = 0.85;

    private readonly KeyTable _seen = new();

    /// <summary>
    /// The in-file half, pure CPU and in row order (the import's reading side runs it): registers the row's keys and
    /// returns the earlier row that used one of them first, with the kind of key.
    /// </summary>
    public (int? Row, string? Reason) InFile(ListRow row, NormalRow norm)
    {
        int? first = null;
        string? reason = null;
        foreach (var (kind, key) in Keys(row, norm))
        {
            var h = Hash(kind, key);
            if (_seen.AddOrGetFirst(h, row.RowNumber) is { } earlier && first is null) (first, reason) = (earlier, kind);
        }
        return (first, reason);
    }

    /// <summary>
    /// The database half (the import's writing side runs it): marks rows that match a visible contact or company; a row
    /// that matches none and had an earlier row in the file (<see cref="InFile"/>) is a duplicate of that row.
    /// </summary>
    public async Task CheckAsync(IReadOnlyList<DraftRow> batch, CancellationToken ct)
    {
        // A batch's keys (up to 2,000 of each kind) go to the database as one parameter each (EF.Parameter: a JSON array on
        // SQLite, an array on PostgreSQL), not as 2,000 parameters: EF Core 10 binds a list as one parameter per element,
        // and binding and planning those cost more than the lookups (import of 100,000 rows 12.0-13.2 s -> 9.9-10.9 s).
        var contacts = scope.Filter(db.Contacts.AsNoTracking());
        var emails = batch.Select(b => b.Row.EmailKey).OfType<string>().Distinct().ToList();
        Dictionary<string, long> byEmail = emails.Count == 0 ? [] : (await contacts.Where(c => EF.Parameter(emails).Contains(c.EmailKey!))
            .Select(c => new { c.EmailKey, c.Id }).ToListAsync(ct)).DistinctBy(c => c.EmailKey).ToDictionary(c => c.EmailKey!, c => c.Id);
        var phones = batch.Select(b => b.Row.PhoneE164).OfType<string>().Distinct().ToList();
        Dictionary<string, long> byPhone = phones.Count == 0 ? [] : (await contacts.Where(c => EF.Parameter(phones).Contains(c.PhoneE164!))
            .Select(c => new { c.PhoneE164, c.Id }).ToListAsync(ct)).DistinctBy(c => c.PhoneE164).ToDictionary(c => c.PhoneE164!, c => c.Id);
        var names = batch.Select(b => b.Row.NameKey).OfType<string>().Distinct().ToList();
        var byName = (names.Count == 0 ? [] : await contacts.Where(c => EF.Parameter(names).Contains(c.NameKey))
            .OrderBy(c => c.Id).Select(c => new NameHit(c.NameKey, c.Id, c.Company != null ? c.Company.NameKey : null)).Take(10_000).ToListAsync(ct))
            .ToLookup(c => c.NameKey);
        var domains = batch.Select(b => b.Row.Domain).OfType<string>().Distinct().ToList();
        Dictionary<string, long> byDomain = domains.Count == 0 ? [] : (await scope.Filter(db.Companies.AsNoTracking()).Where(c => EF.Parameter(domains).Contains(c.Domain!))
            .Select(c => new { c.Domain, c.Id }).ToListAsync(ct)).DistinctBy(c => c.Domain).ToDictionary(c => c.Domain!, c => c.Id);

        foreach (var (row, norm, first, reason) in batch)
        {
            if (row.Domain is { } d && byDomain.TryGetValue(d, out var companyId)) row.DuplicateOfCompanyId = companyId;
            if (row.EmailKey is { } e && byEmail.TryGetValue(e, out var id)) Mark(row, "email", 1, contactId: id);
            else if (row.PhoneE164 is { } p && byPhone.TryGetValue(p, out id)) Mark(row, "phone", 1, contactId: id);
            else if (row.NameKey is { } n && byName[n].Select(c => (c.Id, Score: NameScore(row.CompanyKey, c.Company))).OrderByDescending(x => x.Score).FirstOrDefault() is { Score: >= Threshold } best)
                Mark(row, "name", best.Score, contactId: best.Id);
            else if (!norm.HasPerson && row.DuplicateOfCompanyId is not null) Mark(row, "domain", 1);
            // Within the file: the first row to use a key is the original.
            if (row.State == ListRowState.Open && first is not null)
            {
                Mark(row, reason!, 1);
                row.DuplicateOfRow = first;
            }
        }
    }

    private sealed record NameHit(string NameKey, long Id, string? Company);

    private static IEnumerable<(string Kind, string Key)> Keys(ListRow row, NormalRow norm)
    {
        if (row.EmailKey is { } e) yield return ("email", e);
        if (row.PhoneE164 is { } p) yield return ("phone", p);
        if (row.NameKey is { } n) yield return ("name", $"{n}|{Core(row.CompanyKey)}");
        if (!norm.HasPerson && row.Domain is { } d) yield return ("domain", d);
    }

    private static void Mark(ListRow row, string reason, double score, long? contactId = null)
    {
        row.State = ListRowState.Duplicate;
        row.DuplicateReason = reason;
        row.DuplicateScore = Math.Round(score, 2);
        row.DuplicateOfContactId = contactId;
    }

    /// <summary>Same folded name; the score grows with how alike the companies are (legal forms ignored).</summary>
    public static double NameScore(string? rowCompany, string? contactCompany)
    {
        var (a, b) = (Core(rowCompany), Core(contactCompany));
        if (a.Length == 0 && b.Length == 0) return 0.8;
        if (a.Length == 0 || b.Length == 0) return 0.6;
        return 0.5 + 0.5 * Similarity(a, b);
    }

    /// <summary>Dice coefficient of character bigrams: "mueller anlagenbau" ~ "muller anlagenbau".</summary>
    public static double Similarity(string a, string b)
    {
        if (a == b) return 1;
        if (a.Length < 2 || b.Length < 2) return 0;
        var grams = new Dictionary<int, int>();
        for (var i = 0; i < a.Length - 1; i++) grams[a[i] << 16 | a[i + 1]] = grams.GetValueOrDefault(a[i] << 16 | a[i + 1]) + 1;
        var common = 0;
        for (var i = 0; i < b.Length - 1; i++)
            if (grams.TryGetValue(b[i] << 16 | b[i + 1], out var n) && n > 0) { common++; grams[b[i] << 16 | b[i + 1]] = n - 1; }
        return 2.0 * common / (a.Length - 1 + b.Length - 1);
    }

    private static string Core(string? companyKey) =>
        companyKey is null ? "" : Spaces().Replace(LegalForms().Replace(companyKey, " "), " ").Trim();

    /// <summary>FNV-1a, 64 bits: collisions among a million keys are vanishingly rare, unlike string.GetHashCode's 32.</summary>
    private static ulong Hash(string kind, string key)
    {
        var h = 14695981039346656037UL;
        foreach (var c in kind) h = (h ^ c) * 1099511628211UL;
        h = (h ^ ':') * 1099511628211UL;
        foreach (var c in key) h = (h ^ c) * 1099511628211UL;
        return h;
    }

    [GeneratedRegex(@"\b(gmbh|mbh|ag|kg|ohg|ug|e\.?\s?k|co|bv|b\.v|nv|n\.v|vof|ltd|limited|inc|llc|plc|sa|sarl|sas|se|haftungsbeschrankt)\b\.?|[&.,+()]")]
    private static partial Regex LegalForms();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

/// <summary>A row on its way through the import: the list row, its normalised values and its in-file duplicate origin.</summary>
internal sealed record DraftRow(ListRow Row, NormalRow Norm, int? EarlierRow, string? EarlierReason);

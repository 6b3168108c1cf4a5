using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Contacts;
using Prospector.Features.Conversations;

namespace Prospector.Features.Search;

public enum SearchKind { Contact, Company, Opportunity, Note }

public sealed record SearchHit(SearchKind Kind, long Id, string Title, string? Subtitle, string? Snippet, string Url, int Score);

/// <summary>
/// The global search: people, companies, opportunities and note text, each only as far as the caller may see it.
/// Names are prefix-matched on the folded search keys (the same index ranges as the contacts list), note text through
/// the database's full-text index (FTS5 on SQLite, tsvector/GIN on PostgreSQL). "mueller" also finds "Müller":
/// a word with ae/oe/ue is also searched as a/o/u. Ranking: a whole-word name match first, then name prefixes (what was
/// typed above what only its transliteration finds), then opportunities, then notes (newest first).
/// </summary>
public static class SearchService
{
    public const int MaxLimit = 50;
    /// <summary>Note hits read before visibility is applied; the newest are the ones people look for.</summary>
    private const int NoteCandidates = 200;
    /// <summary>PostgreSQL: how many of the newest notes are searched before the full-text index is asked.</summary>
    private const int RecentNotes = 20_000;
    /// <summary>Added to name hits of the query as typed, over its ae/oe/ue → a/o/u variants (prefix 80, whole word 100).</summary>
    private const int TypedBonus = 10;

    public static async Task<List<SearchHit>> SearchAsync(ProspectorDb db, AccessScope scope, string query, int limit, CancellationToken ct)
    {
        var folded = TextKeys.Fold(query);
        if (folded.Length == 0) return [];
        var words = folded.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // "mueller" is also searched as "muller", word by word: the other words of the query must stay as typed
        // when they merely contain ue (a name like "Samuel", or any random word).
        var variants = Variants(words).Take(4).Select(v => string.Join(' ', v)).Distinct().ToList();
        var hits = new List<SearchHit>();
        foreach (var v in variants)
        {
            var vw = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // What was typed ranks above what only its transliteration finds: "mue" shows Mueller before Mulder.
            var typed = v == variants[0] ? TypedBonus : 0;
            hits.AddRange((await ContactsAsync(db, scope, v, limit, vw, ct)).Select(h => h with { Score = h.Score + typed }));
            hits.AddRange((await CompaniesAsync(db, scope, v, limit, vw, ct)).Select(h => h with { Score = h.Score + typed }));
        }
        hits.AddRange(await OpportunitiesAsync(db, scope, words, limit, ct));
        hits.AddRange(await NotesAsync(db, scope, query, limit, ct));
        return hits.GroupBy(h => (h.Kind, h.Id)).Select(g => g.MaxBy(h => h.Score)!)
            // Stable sort: notes keep their newest-first order, names are alphabetical within a score.
            .OrderByDescending(h => h.Score).ThenBy(h => h.Kind).ThenBy(h => h.Kind == SearchKind.Note ? "" : h.Title, StringComparer.CurrentCultureIgnoreCase)
            .Take(limit).ToList();
    }

    private static IEnumerable<string[]> Variants(string[] words)
    {
        yield return words;
        yield return [Transliterate(words[0]), .. words.Skip(1)];
        yield return [words[0], .. words.Skip(1).Select(Transliterate)];
        yield return [.. words.Select(Transliterate)];
    }

    /// <summary>German transcriptions of umlauts, so "mueller" meets the key "muller" of "Müller".</summary>
    public static string Transliterate(string folded) => folded.Replace("ae", "a").Replace("oe", "o").Replace("ue", "u");

    private static int NameScore(IEnumerable<string> nameWords, string[] words) =>
        words.All(w => nameWords.Contains(w)) ? 100 : 80;

    private static async Task<List<SearchHit>> ContactsAsync(ProspectorDb db, AccessScope scope, string q, int limit, string[] words, CancellationToken ct)
    {
        var ids = new HashSet<long>();
        foreach (var branch in new ContactQuery(q).Branches(db, scope))
            ids.UnionWith(await branch.OrderBy(c => c.NameKey).Take(limit).Select(c => c.Id).ToListAsync(ct));
        var rows = await db.Contacts.Where(c => ids.Contains(c.Id)).Select(c => new
        {
            c.Id, c.FirstName, c.NamePrefix, c.LastName, c.NameKey, c.Email, c.JobTitle, Company = c.Company!.Name,
        }).ToListAsync(ct);
        return rows.Select(c => new SearchHit(SearchKind.Contact, c.Id,
            string.Join(' ', new[] { c.FirstName, c.NamePrefix, c.LastName }.Where(s => !string.IsNullOrWhiteSpace(s))),
            string.Join(" · ", new[] { c.JobTitle, c.Company }.Where(s => !string.IsNullOrWhiteSpace(s))), c.Email, $"/contacts/{c.Id}",
            NameScore(c.NameKey.Split(' ').Append(TextKeys.Fold(c.Email)), words))).ToList();
    }

    private static async Task<List<SearchHit>> CompaniesAsync(ProspectorDb db, AccessScope scope, string q, int limit, string[] words, CancellationToken ct)
    {
        var parts = q.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var upper = TextKeys.Upper(parts[0]);
        var first = parts[0];
        var found = scope.Filter(db.Companies).Where(c => string.Compare(c.NameKey, first) >= 0 && string.Compare(c.NameKey, upper) < 0);
        foreach (var more in parts.Skip(1)) found = found.Where(c => c.NameKey.Contains(more));
        var rows = await found.OrderBy(c => c.NameKey).Take(limit).Select(c => new { c.Id, c.Name, c.NameKey, c.City }).ToListAsync(ct);
        return rows.Select(c => new SearchHit(SearchKind.Company, c.Id, c.Name, c.City, null, $"/companies/{c.Id}",
            NameScore(c.NameKey.Split(' '), words) - 5)).ToList();
    }

    private static async Task<List<SearchHit>> OpportunitiesAsync(ProspectorDb db, AccessScope scope, string[] words, int limit, CancellationToken ct)
    {
        // Every word must start a word of the title: the folded key (Opportunity.TitleKey, " schulz: consulting package")
        // holds " " + word. All deals are searched in SQL, in the key's order (the order the hits are shown in); the key's
        // index covers the scan and the order, so the table is read for the hits alone and a common word stops early
        // (before: the newest 5,000 titles were read and matched here, an older deal not at all).
        var found = scope.Filter(db.Opportunities);
        foreach (var w in words)
        {
            var start = " " + w;
            found = found.Where(o => o.TitleKey.Contains(start));
        }
        var ids = await found.OrderBy(o => o.TitleKey).Take(limit).Select(o => o.Id).ToListAsync(ct);
        if (ids.Count == 0) return [];
        // A linked company the user may not see is not named (docs/decisions/0009-access-between-teams.md).
        var rows = await db.Opportunities.Where(o => ids.Contains(o.Id))
            .Select(o => new { o.Id, o.Title, Company = scope.Filter(db.Companies).Where(c => c.Id == o.CompanyId).Select(c => c.Name).FirstOrDefault() })
            .ToListAsync(ct);
        return rows.Select(o => new SearchHit(SearchKind.Opportunity, o.Id, o.Title, o.Company, null, $"/opportunities/{o.Id}", 60)).ToList();
    }

    private static async Task<List<SearchHit>> NotesAsync(ProspectorDb db, AccessScope scope, string query, int limit, CancellationToken ct)
    {
        var tokens = Tokens(query).Where(t => t.Folded.Length >= 3).ToList();
        // One or two letters match half the notes: wait for the third letter as one does when typing.
        if (tokens.Count == 0) return [];
        List<long> candidates;
        if (db.Database.IsNpgsql())
        {
            var tsquery = string.Join(" & ", tokens.Select(t => "(" + string.Join(" | ", t.Forms.Select(x => x + ":*")) + ")"));
            // The planner cannot tell a rare word from a common one, and for "newest first" it walks the primary key
            // backwards, filtering every note: fine for a common word, a scan of the whole table for a rare one. So:
            // the newest notes first (bounded), and only if they hold too few hits, the GIN index with a top-N sort.
            candidates = await db.Database.SqlQueryRaw<long>(
                """
                SELECT "Id" AS "Value" FROM (SELECT "Id", "SearchVector", "DeletedAt" FROM "Activities" ORDER BY "Id" DESC LIMIT {2}) AS recent
                WHERE "SearchVector" @@ to_tsquery('simple', {0}) AND "DeletedAt" IS NULL ORDER BY "Id" DESC LIMIT {1}
                """, tsquery, NoteCandidates, RecentNotes).ToListAsync(ct);
            if (candidates.Count < NoteCandidates)
                candidates = await db.Database.SqlQueryRaw<long>(
                    """SELECT "Id" AS "Value" FROM "Activities" WHERE "SearchVector" @@ to_tsquery('simple', {0}) AND "DeletedAt" IS NULL ORDER BY "Id" + 0 DESC LIMIT {1}""",
                    tsquery, NoteCandidates).ToListAsync(ct);
        }
        else
        {
            // The FTS5 index has prefix indexes of 3 to 5 letters: a longer word is looked up by its first five
            // letters and checked below (a prefix beyond the indexed lengths would merge huge doclists).
            var match = string.Join(" AND ", tokens.Select(t => "(" + string.Join(" OR ",
                t.Forms.Append(t.Raw).Select(x => UnicodeText.Prefix(x, 5)).Distinct().Select(x => "\"" + x + "\"*")) + ")"));
            candidates = await db.Database.SqlQueryRaw<long>(
                "SELECT rowid AS Value FROM ActivitySearch WHERE ActivitySearch MATCH {0} ORDER BY rowid DESC LIMIT {1}",
                match, NoteCandidates).ToListAsync(ct);
        }
        if (candidates.Count == 0) return [];
        var rows = await scope.FilterAbout(db.Activities.Where(a => candidates.Contains(a.Id)), db)
            .OrderByDescending(a => a.OccurredAt)
            .Select(a => new
            {
                a.Id, a.ContactId, a.CompanyId, a.OpportunityId, a.Subject, a.Notes, a.OccurredAt, a.Channel,
                Contact = db.Contacts.Where(c => c.Id == a.ContactId).Select(c => c.FirstName + " " + (c.NamePrefix == null ? "" : c.NamePrefix + " ") + c.LastName).FirstOrDefault(),
                Company = scope.Filter(db.Companies).Where(c => c.Id == a.CompanyId).Select(c => c.Name).FirstOrDefault(),
            }).ToListAsync(ct);
        return rows.Where(a => Contains(a.Subject + " " + a.Notes, tokens)).Take(limit)
            .Select(a => new SearchHit(SearchKind.Note, a.Id, (a.Contact ?? a.Company ?? a.Subject ?? "").Replace("  ", " ").Trim(),
                a.Subject, Snippet(Markdown.ToPlainText(a.Notes), tokens.Select(t => t.Raw)),
                a.ContactId is { } c ? $"/contacts/{c}" : a.CompanyId is { } co ? $"/companies/{co}" : $"/opportunities/{a.OpportunityId}", 40)).ToList();
    }

    /// <summary>Every token starts a word of the text (folded like the index): the final check of a note hit.</summary>
    private static bool Contains(string text, List<Token> tokens)
    {
        var words = SplitWords(TextKeys.Fold(text)).ToList();
        return tokens.All(t => t.Forms.Any(f => words.Any(w => w.StartsWith(f, StringComparison.Ordinal))));
    }

    private sealed record Token(string Raw, string Folded)
    {
        /// <summary>The folded word and its transliteration (mueller → muller).</summary>
        public string[] Forms => new[] { Folded, Transliterate(Folded) }.Distinct().ToArray();
    }

    /// <summary>Words of letters and digits only: nothing of the user's text reaches the query syntax.</summary>
    private static List<Token> Tokens(string query)
    {
        var list = new List<Token>();
        foreach (var raw in SplitWords(query.ToLowerInvariant()))
        {
            foreach (var folded in SplitWords(TextKeys.Fold(raw)))
                if (folded.Length >= 2) list.Add(new Token(raw, folded));
        }
        return list.DistinctBy(t => t.Folded).Take(8).ToList();
    }

    private static IEnumerable<string> SplitWords(string s)
    {
        var sb = new StringBuilder();
        foreach (var ch in s)
        {
            if (char.IsLetterOrDigit(ch)) sb.Append(ch);
            else if (sb.Length > 0) { yield return sb.ToString(); sb.Clear(); }
        }
        if (sb.Length > 0) yield return sb.ToString();
    }

    /// <summary>About 160 characters of the note around the first word found (accent- and case-blind).</summary>
    public static string Snippet(string text, IEnumerable<string> words)
    {
        text = text.ReplaceLineEndings(" ");
        var compare = CultureInfo.InvariantCulture.CompareInfo;
        var at = words.Select(w => compare.IndexOf(text, w, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Max(0, at - 60);
        var part = text.Substring(start, Math.Min(160, text.Length - start));
        return (start > 0 ? "…" : "") + part + (start + part.Length < text.Length ? "…" : "");
    }
}

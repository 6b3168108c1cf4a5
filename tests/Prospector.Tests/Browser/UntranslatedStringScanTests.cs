using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// Every routable page (found by its @page directive, so new pages are scanned without touching this test), in German
/// and Dutch, on the demo workspace, signed in as the administrator: no English UI text may show. A text counts as
/// English UI text when it is one of our English resource keys, or one of MudBlazor's English texts, whose German/Dutch
/// translation differs (user data such as names and notes is not a resource key). Each tab of a page is opened too.
/// The failure lists page, language and the exact text, so whoever added the page can add the translation.
/// </summary>
[Collection("Browser")]
public sealed partial class UntranslatedStringScanTests(BrowserFixture browser)
{
    private static readonly string Src = Path.Combine(RepoRoot(), "src", "Prospector");

    [Fact]
    public async Task No_page_shows_English_text_in_German_or_Dutch()
    {
        // A seeded workspace rather than --demo: the demo's 3,000 contacts take minutes to write on a busy machine.
        await using var server = await ServerProcess.StartAsync();
        var routes = Routes();
        Assert.Contains("/contacts/{Id:long}", routes); // guards the route scan itself
        var setup = await browser.NewPageAsync(server.BaseUrl);
        setup.Context.SetDefaultTimeout(60_000); // many pages in a row on a shared, busy machine: wait longer, never sleep
        await setup.GotoAsync(server.SetupLink!);
        await setup.FillAsync("#name", "Petra Admin");
        await setup.FillAsync("#email", "petra@example.de");
        await setup.FillAsync("#password", "lange-geheime-phrase");
        await setup.ClickAsync("button[type=submit]");
        await Expect(setup).ToHaveURLAsync(server.BaseUrl + "/", new() { Timeout = 60_000 });
        var samples = await SeedAsync(setup);
        await setup.Context.CloseAsync();

        var findings = new List<string>();
        foreach (var language in (string[])["de", "nl"])
        {
            var english = EnglishTexts(language);
            var page = await browser.NewPageAsync(server.BaseUrl, language == "de" ? "de-DE" : "nl-NL");
            await page.SetViewportSizeAsync(1440, 900);
            page.Context.SetDefaultTimeout(60_000);

            // Signed out first: the sign-in and setup pages.
            foreach (var route in routes.Where(r => r.StartsWith("/account/", StringComparison.Ordinal) || r.StartsWith("/setup/", StringComparison.Ordinal)))
            {
                var url = route.Replace("{Token}", "not-a-valid-token", StringComparison.Ordinal);
                await page.GotoAsync(url);
                await WaitUntilSettledAsync(page);
                findings.AddRange(await ScanAsync(page, url, language, english));
            }

            await SignInAsync(page, server, language);
            foreach (var route in routes.Where(r => !r.StartsWith("/account/", StringComparison.Ordinal) && !r.StartsWith("/setup/", StringComparison.Ordinal)))
            {
                if (Url(route, samples) is not { } url)
                {
                    findings.Add($"{route} [{language}]: no sample value for its parameter; add one to {nameof(UntranslatedStringScanTests)}.{nameof(SeedAsync)}");
                    continue;
                }
                try
                {
                    await page.GoAsync(url);
                    await WaitUntilSettledAsync(page);
                    findings.AddRange(await ScanAsync(page, url, language, english));
                    var tabs = page.Locator(".mud-tabs [role=tab]");
                    for (var i = 1; i < await tabs.CountAsync(); i++)
                    {
                        await page.SelectTabAsync(tabs.Nth(i));
                        await WaitUntilSettledAsync(page);
                        findings.AddRange(await ScanAsync(page, $"{url} (tab {i + 1})", language, english));
                    }
                }
                catch (Exception e) when (e is PlaywrightException or TimeoutException)
                {
                    findings.Add($"{url} [{language}]: could not be scanned: {e.Message.Split('\n')[0]}");
                }
            }
            await page.Context.CloseAsync();
        }
        var distinct = findings.Distinct().ToList();
        Assert.True(distinct.Count == 0, $"English UI text on {distinct.Count} places (page [language]: \"text\" = key):\n{string.Join("\n", distinct)}");
    }

    /// <summary>Guards the matcher: it must flag an untranslated text, a filled-in pattern and MudBlazor's pager text, and leave user data alone.</summary>
    [Fact]
    public void The_matcher_finds_English_texts_and_leaves_translated_ones_alone()
    {
        var english = EnglishTexts("de");
        Assert.Equal("Delete", Match(english, "Delete"));
        Assert.Equal("Rows per page:", Match(english, "Rows per page:"));
        Assert.NotNull(Match(english, "Company:")); // a label with its colon, as the history shows it
        Assert.Null(Match(english, "Löschen"));
        Assert.Null(Match(english, "Jan van der Berg"));
        Assert.Null(Match(english, "Name")); // the same word in German: not a finding
    }

    private static async Task SignInAsync(IPage page, ServerProcess server, string language)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", "petra@example.de");
        await page.FillAsync("#password", "lange-geheime-phrase");
        await page.ClickAsync("button[type=submit]");
        await Expect(page).ToHaveURLAsync(server.BaseUrl + "/", new() { Timeout = 60_000 });
        // The language menu also stores the language in the user's profile.
        await page.ChooseLanguageAsync(language);
    }

    /// <summary>
    /// A company, a contact working there (changed once, so its history has entries), a deal and an imported list; returns
    /// a sample id per route parameter, by the segment before it (/contacts/{Id} → the contact's id).
    /// </summary>
    private static async Task<Dictionary<string, string>> SeedAsync(IPage page)
    {
        var api = page.APIRequest;
        async Task<JsonElement> SendAsync(string method, string url, object body, Dictionary<string, string>? headers = null)
        {
            var response = await api.FetchAsync(url, new() { Method = method, DataObject = body, Headers = headers });
            var text = await response.TextAsync();
            Assert.True(response.Ok, $"{method} {url}: {response.Status} {text}");
            var json = JsonDocument.Parse(text).RootElement.Clone();
            if (response.Headers.TryGetValue("etag", out var etag)) json = JsonDocument.Parse(JsonSerializer.Serialize(new { body = json, etag })).RootElement.Clone();
            return json;
        }
        static string Id(JsonElement e) => (e.TryGetProperty("body", out var b) ? b : e).GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);

        var company = await SendAsync("POST", "/api/v1/companies", new { name = "Bäckerei Schmitz GmbH", city = "Köln", country = "DE" });
        var contact = await SendAsync("POST", "/api/v1/contacts", new
        {
            firstName = "Jan", namePrefix = "van der", lastName = "Berg", email = "jan@schmitz.example", phone = "0221 123456",
            companyId = long.Parse(Id(company), CultureInfo.InvariantCulture), city = "Köln",
        });
        var contactId = Id(contact);
        var etag = contact.GetProperty("etag").GetString()!;
        await SendAsync("PATCH", $"/api/v1/contacts/{contactId}", new { city = "Bonn", phone = "0228 654321" }, new() { ["If-Match"] = etag });
        var deal = await SendAsync("POST", "/api/v1/opportunities", new
        {
            title = "Ladeneinrichtung Filiale Bonn", contactId = long.Parse(contactId, CultureInfo.InvariantCulture), amount = 12500m,
            nextAction = new { type = "Call", dueDate = DateTime.Today.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
        });

        // German headers, as a German team's file has them.
        var csv = "Firma;Vorname;Nachname;E-Mail;Telefon;Ort\nHofmann Logistik;Petra;Hofmann;p.hofmann@hofmann.example;089 987654;München\n"
                  + "Schreinerei Vogt;Karl;Vogt;k.vogt@vogt.example;0711 445566;Stuttgart\n";
        var import = await api.PostAsync("/api/v1/imports", new()
        {
            Multipart = api.CreateFormData()
                .Append("list", "Messe Köln 2026")
                .Append("file", new FilePayload { Name = "messe.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) }),
        });
        Assert.True(import.Ok, $"import: {import.Status} {await import.TextAsync()}");
        using var summary = JsonDocument.Parse(await import.TextAsync());

        var me = await api.GetAsync("/api/v1/me");
        using var meJson = JsonDocument.Parse(await me.TextAsync());
        var form = await SendAsync("POST", "/api/v1/forms", new
        {
            name = "Anfrage Ladenbau", ownerId = meJson.RootElement.GetProperty("id").GetInt64(),
            consentText = new { en = "I agree to be contacted.", de = "Ich bin mit der Kontaktaufnahme einverstanden.", nl = "Ik ga akkoord met contact." },
        });

        return new()
        {
            ["forms"] = Id(form),
            ["contacts"] = contactId,
            ["companies"] = Id(company),
            ["opportunities"] = Id(deal),
            ["lists"] = summary.RootElement.GetProperty("listId").GetInt64().ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string? Url(string route, Dictionary<string, string> samples)
    {
        var parts = route.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            if (!parts[i].StartsWith('{')) continue;
            if (i == 0 || !samples.TryGetValue(parts[i - 1], out var value)) return null;
            parts[i] = value;
        }
        return string.Join('/', parts);
    }

    /// <summary>Every @page route of the app, from the sources.</summary>
    private static List<string> Routes() =>
        Directory.EnumerateFiles(Src, "*.razor", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => PageDirective().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Waits until the page has stopped changing: no progress bar, and the same text on several polls in a row
    /// (pages load their data after they turn interactive).
    /// </summary>
    private static async Task WaitUntilSettledAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync("""
            () => {
              const busy = document.querySelector('.mud-progress-linear, .mud-progress-circular, .mud-table-loading, .mud-skeleton');
              const text = document.body ? document.body.innerText : '';
              const s = window.__settle || (window.__settle = { text: null, same: 0 });
              if (busy || text !== s.text) { s.text = text; s.same = 0; return false; }
              return ++s.same >= 4;
            }
            """, null, new() { PollingInterval = 150, Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            // A page that never stops changing (a live counter, an endless progress bar) is scanned as it is.
        }
        await page.EvaluateAsync("() => { window.__settle = null; }");
    }

    private static async Task<IEnumerable<string>> ScanAsync(IPage page, string url, string language, EnglishSet english)
    {
        var texts = await page.EvaluateAsync<string[]>("""
            () => {
              const out = [];
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              while (walker.nextNode()) {
                const n = walker.currentNode, p = n.parentElement;
                if (!p || p.closest('script, style, noscript, code, pre')) continue;
                if (p.closest('[hidden], [aria-hidden=true]') && !p.closest('.mud-input-label')) continue;
                out.push(n.textContent);
              }
              for (const e of document.body.querySelectorAll('[placeholder], [aria-label], [title], [alt]'))
                for (const a of ['placeholder', 'aria-label', 'title', 'alt']) if (e.getAttribute(a)) out.push(e.getAttribute(a));
              for (const e of document.body.querySelectorAll('input[readonly], input[type=button], input[type=submit]')) if (e.value) out.push(e.value);
              out.push(document.title);
              return out;
            }
            """);
        return texts.SelectMany(Pieces).Distinct()
            .Select(t => (Text: t, Key: Match(english, t))).Where(x => x.Key is not null)
            .Select(x => $"{url} [{language}]: \"{x.Text}\"" + (x.Key == x.Text ? "" : $" = \"{x.Key}\""));
    }

    /// <summary>A text node as it is and split at the separators the UI puts between values (" · ", " — ").</summary>
    private static IEnumerable<string> Pieces(string raw)
    {
        var text = Whitespace().Replace(raw, " ").Trim();
        if (text.Length == 0) yield break;
        yield return text;
        foreach (var piece in text.Split([" · ", " — ", " | "], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (piece != text) yield return piece;
    }

    /// <summary>The resource key (or MudBlazor text) a shown text is the untranslated English of, or null.</summary>
    private static string? Match(EnglishSet english, string text)
    {
        var trimmed = text.TrimEnd(':', ' ', '*').Trim();
        if (english.Exact.Contains(text)) return text;
        if (trimmed.Length > 1 && english.Exact.Contains(trimmed)) return trimmed;
        foreach (var (pattern, key) in english.Patterns)
            if (pattern.IsMatch(text)) return key;
        return null;
    }

    private sealed record EnglishSet(HashSet<string> Exact, List<(Regex Pattern, string Key)> Patterns);

    /// <summary>
    /// English texts that must not show in <paramref name="language"/>: our keys whose translation differs, and the
    /// MudBlazor texts whose translation differs or is missing. Keys with placeholders become patterns when their
    /// fixed part is long enough to be telling.
    /// </summary>
    private static EnglishSet EnglishTexts(string language)
    {
        var translations = XDocument.Load(Path.Combine(Src, "Resources", $"SharedResource.{language}.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");
        var neutral = XDocument.Load(Path.Combine(Src, "Resources", "SharedResource.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");
        var english = new Dictionary<string, string>(); // shown English text → key
        // A word that is itself one of this language's translations is not English here (Dutch "Label", "Met").
        var ownWords = translations.Values.ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in translations)
        {
            var shown = neutral.GetValueOrDefault(key, key);
            if (value != shown && shown.Any(char.IsLetter) && !ownWords.Contains(shown)) english.TryAdd(shown, key);
        }
        foreach (var text in Prospector.Components.Shared.MudStrings.AllEnglish().Values)
            if (translations.GetValueOrDefault(text) is not { } t || t != text)
                english.TryAdd(text, text);

        var exact = new HashSet<string>(StringComparer.Ordinal);
        var patterns = new List<(Regex, string)>();
        foreach (var (shown, key) in english)
        {
            if (!Placeholder().IsMatch(shown) && !shown.Contains("{first_item}", StringComparison.Ordinal)) { exact.Add(shown); continue; }
            var fixedPart = MudPlaceholder().Replace(Placeholder().Replace(shown, ""), "");
            if (fixedPart.Count(char.IsLetter) < 6 || !Word().IsMatch(fixedPart)) continue;
            var regex = "^" + EscapedPlaceholder().Replace(Regex.Escape(shown), ".+?") + "$";
            patterns.Add((new Regex(regex, RegexOptions.Singleline), key));
        }
        return new EnglishSet(exact, patterns);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Prospector.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Prospector.slnx not found");
    }

    [GeneratedRegex("""^@page\s+"([^"]+)"\s*$""", RegexOptions.Multiline)]
    private static partial Regex PageDirective();

    [GeneratedRegex(@"\{\d+(?::[^}]*)?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\{[a-z_]+\}")]
    private static partial Regex MudPlaceholder();

    [GeneratedRegex(@"\\\{(?:\d+(?::[^}]*)?|[a-z_]+)\}")]
    private static partial Regex EscapedPlaceholder();

    [GeneratedRegex(@"[A-Za-z]{4,}")]
    private static partial Regex Word();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

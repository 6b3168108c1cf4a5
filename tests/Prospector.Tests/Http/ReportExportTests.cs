using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using ExcelDataReader;
using Prospector.Data;
using Prospector.Tests.Infrastructure;
using SkiaSharp;

namespace Prospector.Tests.Http;

/// <summary>
/// Reports as files: the XLSX workbook read back by a real reader (ExcelDataReader) holds the JSON report's figures as
/// numbers, dates and amounts with their currency; the chart SVG parses as strict XML with a bar per value, and a rep named
/// like markup stays text; the PNG decodes at 1920 × 1080 and shows something; bad names and formats get a problem.
/// </summary>
public abstract class ReportExportTests(ProspectorFactory app)
{
    private const string March = "from=2026-03-01&to=2026-03-31";
    private const string Hostile = "<script>alert(\"x\")</script> & 'Co'";

    private sealed record World(ReportHistory H, TestUser Rep, TestUser Admin);

    private async Task<World> BuildAsync()
    {
        var rep = await app.UserAsync("Rep", TestHttp.Unique("Team"));
        await app.WithDbAsync(async (db, _) => { var u = await db.Users.FindAsync(rep.Id); u!.DisplayName = Hostile; return await db.SaveChangesAsync(); });
        var w = new World(new ReportHistory(app, TestHttp.Unique("Messe")), rep, await app.UserAsync("Admin"));
        var h = w.H;
        var a = await h.ContactAsync(rep, ("2026-03-02T09:00Z", Stage.Lead), ("2026-03-05T09:00Z", Stage.Prospect), ("2026-03-20T09:00Z", Stage.Customer));
        var b = await h.ContactAsync(rep, ("2026-03-03T09:00Z", Stage.Lead), ("2026-03-09T09:00Z", Stage.Prospect));
        await h.ContactAsync(rep, ("2026-03-04T09:00Z", Stage.Lead));
        await h.DealAsync(rep, a, OpportunityState.Won, 1234.5m, closedAt: "2026-03-20T09:00Z");
        await h.DealAsync(rep, b, OpportunityState.Won, 3000, "CHF", closedAt: "2026-03-28T09:00Z");
        await h.DealAsync(rep, b, OpportunityState.Lost, 200, closedAt: "2026-03-12T09:00Z", reason: "Too expensive");
        await h.DealAsync(rep, b, OpportunityState.Open, 400, expectedClose: "2026-03-30", probability: 50);
        return w;
    }

    private static async Task<JsonElement> JsonAsync(TestUser u, string report, string query)
    {
        var res = await u.Client.GetAsync($"/api/v1/reports/{report}?{query}");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;
    }

    private static async Task<(byte[] Bytes, HttpResponseMessage Response)> FileAsync(TestUser u, string url, string? language = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        if (language is not null) req.Headers.AcceptLanguage.ParseAdd(language);
        var res = await u.Client.SendAsync(req);
        var bytes = await res.Content.ReadAsByteArrayAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{url}: {(int)res.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        return (bytes, res);
    }

    /// <summary>Each sheet of a workbook: its name and rows of cell values (double, DateTime, string or null), with the number formats.</summary>
    private static Dictionary<string, List<(object?[] Cells, string?[] Formats)>> Read(byte[] xlsx)
    {
        using var reader = ExcelReaderFactory.CreateOpenXmlReader(new MemoryStream(xlsx));
        var sheets = new Dictionary<string, List<(object?[], string?[])>>();
        do
        {
            var rows = new List<(object?[], string?[])>();
            while (reader.Read())
                rows.Add((Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue).ToArray(),
                    Enumerable.Range(0, reader.FieldCount).Select(reader.GetNumberFormatString).ToArray()));
            sheets[reader.Name] = rows;
        } while (reader.NextResult());
        return sheets;
    }

    [Fact]
    public async Task The_workbook_holds_the_json_reports_figures_as_numbers_dates_and_amounts_beside_their_currency()
    {
        var w = await BuildAsync();
        var q = $"{March}&source={w.H.Source}";
        var funnel = await JsonAsync(w.Admin, "funnel", q);
        var (bytes, res) = await FileAsync(w.Admin, $"/api/v1/reports/funnel/export?format=xlsx&{q}");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", res.Content.Headers.ContentType!.MediaType);
        Assert.Equal("funnel-2026-03-01-2026-03-31.xlsx", res.Content.Headers.ContentDisposition!.FileNameStar ?? res.Content.Headers.ContentDisposition.FileName);
        var book = Read(bytes);
        Assert.Equal(["Report", "Cohort", "Moves in the period", "Drop-outs of the cohort", "Drop-outs in the period"], book.Keys);

        // The first sheet says what the report covers: the period as dates, the zone, the filter.
        var about = book["Report"].Where(r => r.Cells.Length > 1 && r.Cells[0] is string && r.Cells[1] is not null).ToDictionary(r => (string)r.Cells[0]!, r => r.Cells[1]);
        Assert.Equal(new DateTime(2026, 3, 1), about["From"]);
        Assert.Equal(new DateTime(2026, 3, 31), about["To"]);
        Assert.Equal(funnel.GetProperty("period").GetProperty("timeZone").GetString(), about["Time zone"]);
        Assert.Equal("Europe/Berlin", about["Time zone"]);
        Assert.Equal(w.H.Source, about["Source"]);

        var cohort = book["Cohort"];
        Assert.Equal(["Stage", "Reached", "Conversion %", "Still there"], cohort[0].Cells);
        var steps = funnel.GetProperty("cohortSteps").EnumerateArray().ToList();
        Assert.Equal(steps.Count, cohort.Count - 1);
        for (var i = 0; i < steps.Count; i++)
        {
            var (cells, formats) = cohort[i + 1];
            Assert.Equal((double)steps[i].GetProperty("reached").GetInt32(), Assert.IsType<double>(cells[1]));
            Assert.Equal((double)steps[i].GetProperty("stillThere").GetInt32(), Assert.IsType<double>(cells[3]));
            var conversion = steps[i].GetProperty("conversion");
            if (conversion.ValueKind == JsonValueKind.Null) Assert.Null(cells[2]);
            else
            {
                Assert.Equal(conversion.GetDouble(), Assert.IsType<double>(cells[2]));
                Assert.Equal("0.0%", formats[2]);
            }
        }
        Assert.Equal([3.0, 2.0, 1.0, 0.0], cohort.Skip(1).Select(r => (double)r.Cells[1]!));

        // Win/loss: each currency its own row, the amount a number whose format names that currency.
        var winLoss = await JsonAsync(w.Admin, "win-loss", q);
        var amounts = Read((await FileAsync(w.Admin, $"/api/v1/reports/win-loss/export?{q}")).Bytes)["Won amounts"];
        Assert.Equal(["Currency", "Won", "Total", "Average"], amounts[0].Cells);
        var expected = winLoss.GetProperty("wonAmounts").EnumerateArray()
            .Select(a => $"{a.GetProperty("currency").GetString()} {a.GetProperty("count").GetInt32()} {a.GetProperty("total").GetDecimal().ToString(CultureInfo.InvariantCulture)}").Order();
        Assert.Equal(expected, amounts.Skip(1).Select(r => $"{r.Cells[0]} {(double)r.Cells[1]!} {((decimal)(double)r.Cells[2]!).ToString(CultureInfo.InvariantCulture)}").Order());
        Assert.Equal(["CHF 1 3000", "EUR 1 1234.5"], expected);
        Assert.All(amounts.Skip(1), r => Assert.Contains($"\"{r.Cells[0]}\"", r.Formats[2]));

        // Forecast: the month is a date.
        var forecast = Read((await FileAsync(w.Admin, $"/api/v1/reports/forecast/export?{q}")).Bytes)["Forecast"];
        var march = forecast.Skip(1).Single(r => (string)r.Cells[1]! == "EUR");
        Assert.Equal(new DateTime(2026, 3, 1), march.Cells[0]);
        Assert.Equal((400.0, 200.0), ((double)march.Cells[3]!, (double)march.Cells[4]!));
    }

    [Fact]
    public async Task The_workbook_and_csv_speak_the_callers_language()
    {
        var w = await BuildAsync();
        var q = $"{March}&source={w.H.Source}";
        var book = Read((await FileAsync(w.Admin, $"/api/v1/reports/funnel/export?{q}", "de-DE")).Bytes);
        Assert.Equal("Bericht", book.Keys.First());
        Assert.Equal(["Kohorte", "Wechsel im Zeitraum"], book.Keys.Skip(1).Take(2));
        Assert.Equal("Phase", book["Kohorte"][0].Cells[0]);

        var (csv, res) = await FileAsync(w.Admin, $"/api/v1/reports/funnel/export?format=csv&{q}", "de-DE");
        Assert.Equal("text/csv", res.Content.Headers.ContentType!.MediaType);
        var text = System.Text.Encoding.UTF8.GetString(csv);
        Assert.StartsWith("\uFEFF# Kohorte\r\nPhase;", text);
        Assert.Contains("\r\n# Wechsel im Zeitraum\r\n", text);
    }

    [Fact]
    public async Task The_chart_svg_is_strict_xml_with_a_bar_per_value_and_a_rep_named_like_markup_stays_text()
    {
        var w = await BuildAsync();
        var q = $"{March}&source={w.H.Source}";
        var (bytes, res) = await FileAsync(w.Admin, $"/api/v1/reports/win-loss/chart?format=svg&{q}");
        Assert.Equal("image/svg+xml", res.Content.Headers.ContentType!.MediaType);
        var svg = XDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.DoesNotContain(svg.Descendants(), e => e.Name.LocalName is "script" or "foreignObject");
        Assert.Contains(svg.Descendants(ns + "text"), t => (string?)t.Attribute("class") == "category" && t.Value == Hostile);

        // Stacked by owner: won 2 (series 0), lost 1 (series 1); the total above the stack.
        var bars = svg.Descendants(ns + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToList();
        Assert.Equal(["0:2", "1:1"], bars.Select(b => $"{b.Attribute("data-series")!.Value}:{b.Attribute("data-value")!.Value}"));
        Assert.Contains(svg.Descendants(ns + "text"), t => (string?)t.Attribute("class") == "value total" && t.Value == "3");
        Assert.Equal(["Won", "Lost", "Cancelled"], svg.Descendants(ns + "text").Where(t => (string?)t.Attribute("class") == "legend").Select(t => t.Value));

        // The funnel: a category per stage, the cohort's bars with the JSON's counts.
        var funnel = await JsonAsync(w.Admin, "funnel", q);
        var fsvg = XDocument.Parse(System.Text.Encoding.UTF8.GetString((await FileAsync(w.Admin, $"/api/v1/reports/funnel/chart?{q}")).Bytes));
        Assert.Equal(["Lead", "Prospect", "Customer", "Repeat customer"],
            fsvg.Descendants(ns + "text").Where(t => (string?)t.Attribute("class") == "category").Select(t => t.Value));
        var reached = funnel.GetProperty("cohortSteps").EnumerateArray().Select(s => s.GetProperty("reached").GetInt32()).Where(n => n > 0)
            .Select(n => n.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(reached, fsvg.Descendants(ns + "rect").Where(r => (string?)r.Attribute("class") == "bar" && r.Attribute("data-series")!.Value == "0")
            .Select(r => r.Attribute("data-value")!.Value));
    }

    [Fact]
    public async Task The_chart_png_decodes_at_slide_size_with_the_bars_and_the_title_drawn()
    {
        var w = await BuildAsync();
        var (bytes, res) = await FileAsync(w.Admin, $"/api/v1/reports/funnel/chart?format=png&{March}&source={w.H.Source}");
        Assert.Equal("image/png", res.Content.Headers.ContentType!.MediaType);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes.Take(4));
        using var png = SKBitmap.Decode(bytes);
        Assert.NotNull(png);
        Assert.Equal((1920, 1080), (png.Width, png.Height));
        Assert.Equal(SKColors.White, png.GetPixel(4, 4));
        // The title's text (top left) and the bars' colour (the palette's dark blue) are drawn.
        Assert.True(Count(png, 64, 50, 1200, 95, p => p.Red < 100 && p.Green < 100 && p.Blue < 100) > 1500, "no title text");
        var blue = SKColor.Parse(Prospector.Features.Reports.ReportColors.Palette[0]);
        Assert.True(Count(png, 160, 260, 1880, 960, p => p == blue) > 20000, "no bars");
    }

    private static int Count(SKBitmap b, int x0, int y0, int x1, int y1, Func<SKColor, bool> match)
    {
        var n = 0;
        for (var y = y0; y < y1; y += 2)
            for (var x = x0; x < x1; x += 2)
                if (match(b.GetPixel(x, y))) n++;
        return n * 4;
    }

    [Fact]
    public async Task Names_pasted_with_control_characters_or_long_emoji_leave_the_workbook_and_the_chart_readable()
    {
        var w = await BuildAsync();
        // A loss reason pasted from Word (a vertical tab and a control character in it) and a rep named in emoji, cut on the
        // chart: the workbook and the chart failed for everybody who could see them (500) before.
        var contact = await w.H.ContactAsync(w.Rep, ("2026-03-06T09:00Z", Stage.Lead));
        await w.H.DealAsync(w.Rep, contact, OpportunityState.Lost, 100, closedAt: "2026-03-07T09:00Z", reason: "Budget\u000Bcut\u0001 \uFFFE");
        // Two reps, one name an odd and one an even number of UTF-16 units before the cut: one of them was cut inside an emoji.
        // (A display name holds 100 UTF-16 units; three owners leave each category label 38 characters.)
        var emoji = "a" + string.Concat(Enumerable.Repeat("\U0001F600", 49));
        await app.WithDbAsync(async (db, _) => { var u = await db.Users.FindAsync(w.Rep.Id); u!.DisplayName = emoji; return await db.SaveChangesAsync(); });
        var other = await app.UserAsync("Rep", TestHttp.Unique("Team"));
        await app.WithDbAsync(async (db, _) => { var u = await db.Users.FindAsync(other.Id); u!.DisplayName = emoji[1..]; return await db.SaveChangesAsync(); });
        await w.H.DealAsync(other, await w.H.ContactAsync(other, ("2026-03-06T09:00Z", Stage.Lead)), OpportunityState.Won, 100, closedAt: "2026-03-08T09:00Z");
        var third = await app.UserAsync("Rep", TestHttp.Unique("Team"));
        await w.H.DealAsync(third, await w.H.ContactAsync(third, ("2026-03-06T09:00Z", Stage.Lead)), OpportunityState.Won, 100, closedAt: "2026-03-08T09:00Z");
        var q = $"{March}&source={w.H.Source}";

        var sheets = Read((await FileAsync(w.Admin, $"/api/v1/reports/win-loss/export?format=xlsx&{q}")).Bytes);
        Assert.Contains(sheets["Reasons"], r => r.Cells.Contains("Budgetcut "));
        Assert.Contains(sheets["Win rate"], r => r.Cells.Contains(emoji));

        foreach (var report in new[] { "win-loss", "activity" })
        {
            var svg = XDocument.Parse(System.Text.Encoding.UTF8.GetString((await FileAsync(w.Admin, $"/api/v1/reports/{report}/chart?format=svg&{q}")).Bytes));
            var texts = svg.Descendants().SelectMany(e => e.Nodes().OfType<XText>()).Select(t => t.Value).ToList();
            Assert.DoesNotContain(texts, t => t.EnumerateRunes().Any(r => r == System.Text.Rune.ReplacementChar));
            if (report == "win-loss") Assert.Contains(texts, t => t.StartsWith("\U0001F600\U0001F600", StringComparison.Ordinal) && t.EndsWith('…'));
            Assert.Equal("image/png", (await FileAsync(w.Admin, $"/api/v1/reports/{report}/chart?format=png&{q}")).Response.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task An_unknown_report_or_format_or_a_wrong_period_gets_a_problem()
    {
        var admin = await app.UserAsync("Admin");
        var missing = await admin.Client.GetAsync("/api/v1/reports/pipeline/export");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("funnel, win-loss", await missing.Content.ReadAsStringAsync());
        var pdf = await admin.Client.GetAsync("/api/v1/reports/funnel/chart?format=pdf");
        Assert.Equal(HttpStatusCode.BadRequest, pdf.StatusCode);
        Assert.Contains("format", await pdf.Content.ReadAsStringAsync());
        var backwards = await admin.Client.GetAsync("/api/v1/reports/funnel/export?from=2026-04-01&to=2026-03-01");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal("application/problem+json", backwards.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_export_routes_are_documented_with_their_file_types()
    {
        var doc = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths");
        string[] Types(string path) => [.. doc.GetProperty(path).GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content")
            .EnumerateObject().Select(p => p.Name)];
        Assert.Equal(["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"], Types("/api/v1/reports/{name}/export"));
        Assert.Equal(["image/svg+xml", "image/png"], Types("/api/v1/reports/{name}/chart"));
        // The bytes themselves (format binary), not base64 text (format byte).
        var png = doc.GetProperty("/api/v1/reports/{name}/chart").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content")
            .GetProperty("image/png").GetProperty("schema");
        Assert.Equal(("string", "binary"), (png.GetProperty("type").GetString(), png.GetProperty("format").GetString()));
    }
}

public sealed class ReportExportTestsSqlite(SqliteApp f) : ReportExportTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ReportExportTestsPostgres(PostgresApp f) : ReportExportTests(f.Factory), IClassFixture<PostgresApp>;

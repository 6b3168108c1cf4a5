using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Lists;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Uploads as browsers and scripts send them: the file's type comes from its content (an upload is saved under a temporary
/// name), and the country of a number comes from the row, its number, the caller's choice, the caller's own country.
/// </summary>
public abstract class ImportFilesApiTests(ProspectorFactory app)
{
    private static string Tomorrow => DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("contacts.tmp")]
    [InlineData("contacts")]
    [InlineData("contacts.csv")]
    public async Task Our_own_xlsx_export_is_imported_again_whatever_its_name(string fileName)
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var last = TestHttp.Unique("Jansen");
        await rep.CreateAsync("/api/v1/contacts", new { firstName = "Sanne", lastName = last, email = $"{last}@example.nl".ToLowerInvariant(), phone = "020 123 4567", country = "NL" });
        var xlsx = await rep.GetByteArrayAsync("/api/v1/contacts/export?format=xlsx");
        Assert.Equal((byte)'P', xlsx[0]);

        var preview = await rep.PostAsync("/api/v1/imports/preview", ListSteps.Form(xlsx, fileName));
        Assert.True(preview.StatusCode == HttpStatusCode.OK, await preview.Content.ReadAsStringAsync());
        var p = await preview.ReadJsonAsync();
        Assert.Equal("XLSX", p.GetProperty("format").GetString());
        Assert.Equal("Phone", p.GetProperty("mapping").GetProperty("Phone").GetString());

        var name = TestHttp.Unique("Reimport");
        var res = await rep.PostAsync("/api/v1/imports", ListSteps.Form(xlsx, fileName, ("list", name)));
        var s = await res.ReadJsonAsync();
        Assert.True(res.StatusCode == HttpStatusCode.Created, s.ToString());
        Assert.Equal("XLSX", s.GetProperty("format").GetString());
        Assert.True(s.GetProperty("rowsRead").GetInt32() >= 1);
        var rows = (await rep.GetJsonAsync($"/api/v1/lists/{s.GetProperty("listId").GetInt64()}/rows?q={last}")).GetProperty("items");
        var row = Assert.Single(rows.EnumerateArray());
        Assert.Equal($"Sanne {last}", row.GetProperty("name").GetString());
        Assert.Equal("020 123 4567", row.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task A_zip_that_is_no_workbook_is_refused_with_a_message_in_the_users_language()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var w = new StreamWriter(zip.CreateEntry("readme.txt").Open());
            await w.WriteAsync("not a workbook");
        }
        var name = TestHttp.Unique("Zip");
        foreach (var (language, text) in new[] { ("de", "ZIP-Archiv, keine Excel-Arbeitsmappe"), ("nl", "ZIP-archief, geen Excel-werkmap"), ("en", "ZIP archive, not an Excel workbook") })
        {
            var request = TestHttp.Request(HttpMethod.Post, "/api/v1/imports", ListSteps.Form(zipped.ToArray(), "liste.xlsx", ("list", name)));
            request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
            var res = await rep.SendAsync(request);
            await TestHttp.AssertValidationProblemAsync(res, "file");
            Assert.Contains(text, await res.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.DoesNotContain(name, await rep.GetStringAsync("/api/v1/lists"), StringComparison.Ordinal);
    }

    /// <summary>Four contacts (names made unique, so no test sees another's rows as duplicates).</summary>
    private static byte[] Benelux(out string tag)
    {
        tag = TestHttp.Unique("x");
        return Encoding.UTF8.GetBytes(
            "Vorname;Nachname;Telefon;Land\r\n" +
            $"Sanne;de Vries {tag};020 123 4567;\r\n" +     // national Dutch number, no country: the picked NL places it
            $"Piotr;Nowak {tag};22 628 12 34;Polen\r\n" +   // the country column wins over the picked NL
            $"Johann;Gruber {tag};+43 662 8044 0;\r\n" +    // the number's own +43 wins over the picked NL
            $"Karin;Huber {tag};0043 1 53114 0;\r\n");      // and 0043 as well
    }

    /// <summary>POST /api/v1/imports that must create; the country only when given.</summary>
    private static async Task<JsonElement> ImportAsync(HttpClient client, byte[] file, params (string Key, string Value)[] fields)
    {
        var res = await client.PostAsync("/api/v1/imports", ListSteps.Form(file, "upload", [("list", TestHttp.Unique("L")), .. fields]));
        Assert.True(res.StatusCode == HttpStatusCode.Created, $"import: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        return await res.ReadJsonAsync();
    }

    [Fact]
    public async Task The_country_comes_from_the_row_then_the_number_then_the_country_picked()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var s = await ImportAsync(rep, Benelux(out var tag), ("country", "NL"));
        Assert.Equal("NL", s.GetProperty("country").GetString());
        Assert.Equal(0, s.GetProperty("rowsInvalid").GetInt32());
        var listId = s.GetProperty("listId").GetInt64();
        var rows = (await rep.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items").EnumerateArray().ToList();
        var contacts = new List<JsonElement>();
        foreach (var row in rows)
        {
            var converted = await rep.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{row.GetProperty("id").GetInt64()}/convert",
                new { nextAction = new { type = "Call", dueDate = Tomorrow } });
            Assert.True(converted.StatusCode == HttpStatusCode.OK, await converted.Content.ReadAsStringAsync());
            contacts.Add(await rep.GetJsonAsync($"/api/v1/contacts/{(await converted.ReadJsonAsync()).GetProperty("contactId").GetInt64()}"));
        }
        Assert.Equal(
            [($"de Vries {tag}", "NL", "+31201234567"), ($"Nowak {tag}", "PL", "+48226281234"), ($"Gruber {tag}", "AT", "+4366280440"), ($"Huber {tag}", "AT", "+431531140")],
            contacts.Select(c => (c.GetProperty("lastName").GetString(), c.GetProperty("country").GetString(), c.GetProperty("phoneE164").GetString())));
    }

    [Fact]
    public async Task Without_a_country_the_callers_own_country_is_used_then_the_workspaces()
    {
        var dutch = await app.UserAsync("Rep", "Nord");
        await app.WithDbAsync(async (db, _) =>
        {
            var u = db.Users.Single(x => x.Id == dutch.Id);
            u.TimeZone = "Europe/Amsterdam";
            return await db.SaveChangesAsync();
        });
        var s = await ImportAsync(dutch.Client, Benelux(out _));
        Assert.Equal("NL", s.GetProperty("country").GetString());
        var detail = await dutch.Client.GetJsonAsync($"/api/v1/lists/{s.GetProperty("listId").GetInt64()}");
        Assert.Equal("NL", detail.GetProperty("defaultCountry").GetString());

        var utc = await app.UserAsync("Rep", "Nord");
        await app.WithDbAsync(async (db, _) =>
        {
            db.Users.Single(x => x.Id == utc.Id).TimeZone = "UTC";
            return await db.SaveChangesAsync();
        });
        var w = await ImportAsync(utc.Client, Benelux(out _), ("country", " "));
        Assert.Equal("DE", w.GetProperty("country").GetString());

        var bad = await dutch.Client.PostAsync("/api/v1/imports", ListSteps.Form(Benelux(out _), "b.csv", ("list", TestHttp.Unique("Bad")), ("country", "Atlantis")));
        await TestHttp.AssertValidationProblemAsync(bad, "country");
        var named = await ImportAsync(dutch.Client, Benelux(out _), ("country", "Österreich"));
        Assert.Equal("AT", named.GetProperty("country").GetString());
    }

    [Fact]
    public async Task The_summary_names_title_rows_skipped_and_columns_left_unmapped()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var file = Encoding.UTF8.GetBytes("Messe Utrecht 2026;;\r\nStand B12;;\r\nVoornaam;Achternaam;Lievelingskleur\r\nSanne;de Vries;blauw\r\n");
        var s = await ImportAsync(rep, file);
        Assert.Equal(2, s.GetProperty("titleRowsSkipped").GetInt32());
        Assert.Equal(1, s.GetProperty("rowsRead").GetInt32());
        Assert.Equal(["Lievelingskleur"], s.GetProperty("unmappedColumns").EnumerateArray().Select(c => c.GetString()));
        var preview = await (await rep.PostAsync("/api/v1/imports/preview", ListSteps.Form(file, "upload"))).ReadJsonAsync();
        Assert.Equal(2, preview.GetProperty("titleRowsSkipped").GetInt32());
    }

    /// <summary>5,000 rows (three batches), each with its own e-mail.</summary>
    private static string LongList(string tag)
    {
        var csv = new StringBuilder("Vorname;Nachname;E-Mail;Firma\r\n");
        for (var i = 0; i < 5000; i++) csv.Append(CultureInfo.InvariantCulture, $"Anna;{tag}{i};{tag}{i}@example.de;Firma {i}\r\n");
        var path = Path.Combine(Path.GetTempPath(), $"{tag}.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    [Fact]
    public async Task Another_user_saves_a_contact_while_a_long_import_runs()
    {
        var admin = await app.UserAsync("Admin");
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var tag = TestHttp.Unique("Lang");
        var path = LongList(tag);
        var saved = new List<string>();
        var summary = await app.WithDbAsync(async (_, sp) =>
        {
            var engine = sp.GetRequiredService<ImportEngine>();
            var scope = new AccessScope(admin.Id, Roles.Admin, [], [], SeesAll: true);
            // While the import has read its first batch and is still running, the rep saves a contact: it must not wait for the import.
            var progress = new Reporter(p =>
            {
                if (saved.Count > 0 || p.RowsRead >= 5000) return;
                var last = TestHttp.Unique("Zwischendurch");
                var res = rep.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Jan", lastName = last }).GetAwaiter().GetResult();
                Assert.Equal(HttpStatusCode.Created, res.StatusCode);
                saved.Add(last);
            });
            return await engine.RunAsync(new ImportRequest(path, "lang.csv", tag), scope, progress, CancellationToken.None);
        });
        File.Delete(path);
        Assert.Equal(5000, summary.Value!.RowsImported);
        var last = Assert.Single(saved);
        Assert.Single((await rep.GetJsonAsync($"/api/v1/contacts?q={last}")).GetProperty("items").EnumerateArray());
        var rows = await admin.Client.GetJsonAsync($"/api/v1/lists/{summary.Value.ListId}/rows?q={tag}4999");
        Assert.Single(rows.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_import_stopped_halfway_leaves_no_list_no_rows_and_no_staging_file()
    {
        var admin = await app.UserAsync("Admin");
        var tag = TestHttp.Unique("Abbruch");
        var path = LongList(tag);
        using var stop = new CancellationTokenSource();
        var (stopped, lists, rows, staging) = await app.WithDbAsync(async (db, sp) =>
        {
            var engine = sp.GetRequiredService<ImportEngine>();
            var scope = new AccessScope(admin.Id, Roles.Admin, [], [], SeesAll: true);
            var progress = new Reporter(_ => stop.Cancel());
            var stopped = false;
            try { await engine.RunAsync(new ImportRequest(path, "abbruch.csv", tag), scope, progress, stop.Token); }
            catch (OperationCanceledException) { stopped = true; }
            var dir = db.Database.IsSqlite() ? Path.GetDirectoryName(Path.GetFullPath(db.Database.GetDbConnection().DataSource))! : null;
            return (stopped, await db.ProspectingLists.CountAsync(l => l.Name == tag),
                await db.ListRows.CountAsync(r => r.Name != null && r.Name.Contains(tag)),
                dir is null ? 0 : Directory.GetFiles(dir, "prospector-import-*").Length);
        });
        File.Delete(path);
        Assert.True(stopped);
        Assert.Equal(0, lists);
        Assert.Equal(0, rows);
        Assert.Equal(0, staging);
    }

    private sealed class Reporter(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}

public sealed class ImportFilesApiTestsSqlite(SqliteApp f) : ImportFilesApiTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ImportFilesApiTestsPostgres(PostgresApp f) : ImportFilesApiTests(f.Factory), IClassFixture<PostgresApp>;

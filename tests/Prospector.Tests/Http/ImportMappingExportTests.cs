using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// A Google Contacts export goes in whole (company, job title, address, birthday, a multi-line note, a column the user
/// keeps as a custom field) and comes out as a contact; exports open as columns in a German Excel and run no formula.
/// </summary>
public abstract class ImportMappingExportTests(ProspectorFactory app)
{
    private static string Tomorrow => DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private const string GoogleExport =
        "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,"
        + "Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"
        + "Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,"
        + "Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,Website 1 - Label,Website 1 - Value\r\n"
        + "Anna,Maria,Berg,,,,Dr.,,,,Berg Logistiek B.V.,Hoofd inkoop,Inkoop & Planning,1985-03-14,\"Met op de beurs in Utrecht.\r\nBelt terug in mei.\r\n\r\n"
        + "Voorkeur: e-mail\",,* myContacts,Work,anna@berg-logistiek.example,Work,+31 30 123 4567,Work,\"Stationsplein 1\n3511 ED Utrecht\","
        + "Stationsplein 1,Utrecht,,Utrecht,3511 ED,Netherlands,,Work,https://berg-logistiek.example\r\n";

    [Fact]
    public async Task A_google_export_becomes_a_complete_contact_with_its_custom_field_and_the_note_s_line_breaks()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var file = Encoding.UTF8.GetBytes(GoogleExport);
        var preview = await (await rep.PostAsync("/api/v1/imports/preview", ListSteps.Form(file, "contacts.csv"))).ReadJsonAsync();
        var mapping = JsonNode.Parse(preview.GetProperty("mapping").GetRawText())!.AsObject();
        Assert.Equal("Ignore", mapping["Organization Department"]!.GetValue<string>());
        mapping["Organization Department"] = "custom"; // the user keeps the department instead of losing it

        var s = await ListSteps.ImportAsync(rep, TestHttp.Unique("Google"), file, ("mapping", mapping.ToJsonString()));
        var listId = s.GetProperty("listId").GetInt64();
        Assert.Equal(0, s.GetProperty("rowsInvalid").GetInt32());
        var rowId = (await rep.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items")[0].GetProperty("id").GetInt64();
        var converted = await rep.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{rowId}/convert",
            new { nextAction = new { type = "Call", dueDate = Tomorrow } });
        Assert.Equal(HttpStatusCode.OK, converted.StatusCode);
        var contact = await rep.GetJsonAsync($"/api/v1/contacts/{(await converted.ReadJsonAsync()).GetProperty("contactId").GetInt64()}");

        string? P(string name) => contact.GetProperty(name).ValueKind == JsonValueKind.Null ? null : contact.GetProperty(name).GetString();
        Assert.Equal(("Dr.", "Anna Maria", null, "Berg"), (P("salutation"), P("firstName"), P("namePrefix"), P("lastName")));
        Assert.Equal(("Berg Logistiek B.V.", "Hoofd inkoop"), (P("companyName"), P("jobTitle")));
        Assert.Equal(("Stationsplein 1", "3511 ED", "Utrecht", "NL"), (P("street"), P("postalCode"), P("city"), P("country")));
        Assert.Equal(("anna@berg-logistiek.example", "+31301234567"), (P("email"), P("phoneE164")));
        var birthday = Assert.Single(contact.GetProperty("personalDates").EnumerateArray());
        Assert.Equal(("Birthday", 3, 14, 1985), (birthday.GetProperty("kind").GetString(), birthday.GetProperty("month").GetInt32(),
            birthday.GetProperty("day").GetInt32(), birthday.GetProperty("year").GetInt32()));
        Assert.Equal("Met op de beurs in Utrecht.\nBelt terug in mei.\n\nVoorkeur: e-mail", P("notes"));
        var custom = JsonDocument.Parse(P("customFields")!).RootElement;
        Assert.Equal("Inkoop & Planning", custom.GetProperty("Organization Department").GetString());
        // The import defined the custom field, so the workspace knows it by name.
        Assert.True(await app.WithDbAsync((db, _) =>
            Task.FromResult(db.CustomFieldDefinitions.Any(d => d.EntityType == "Contact" && d.Key == "Organization Department"))));
    }

    private static readonly string[] Hostile =
        ["=HYPERLINK(\"http://evil.example\",\"klick\")", "+A1", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+1",
            "\uFF1DHYPERLINK(\"http://evil.example\")", "\uFF0BA1", "\uFF20SUM(1)", "\uFF0DA1"];

    private const string Phone = "+4921112345678";
    private const string SpacedPhone = "+49 211 123 45-67";
    private const string EvilCompany = "-Evil GmbH+cmd|' /C calc'!A0";
    private const string EvilNote = "=HYPERLINK(\"http://evil.example\")";

    /// <summary>A list whose header and cells hold formulas, beside phone numbers and negative numbers that must stay as they are.</summary>
    private async Task<(HttpClient Client, long ListId, TestUser User)> HostileListAsync()
    {
        var user = await app.UserAsync("Rep", "Nord");
        var csv = new StringBuilder();
        csv.Append(string.Join(",", Hostile.Select(Quote))).Append(",Nachname,Telefon,Saldo,Firma,Notiz\r\n");
        csv.Append(string.Join(",", Hostile.Select(Quote))).Append($",Müller,{Phone},-5,{Quote(EvilCompany)},{Quote(EvilNote)}\r\n");
        csv.Append(string.Join(",", Hostile.Select(Quote))).Append($",Schäfer,{SpacedPhone},\"-1.234,50\",{Quote(EvilCompany)},{Quote(EvilNote)}\r\n");
        var s = await ListSteps.ImportAsync(user.Client, TestHttp.Unique("Hostile"), Encoding.UTF8.GetBytes(csv.ToString()));
        return (user.Client, s.GetProperty("listId").GetInt64(), user);

        static string Quote(string v) => "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// Independent of Exporter: a cell a spreadsheet runs starts with = + - @ tab, CR or LF (or their full-width forms, which
    /// East Asian input turns into them) and has more than digits and punctuation.
    /// </summary>
    private static bool Live(string? cell) =>
        cell is { Length: > 0 } && (cell[0] is '=' or '@' or '\t' or '\r' or '\n' or '\uFF1D' or '\uFF20'
            || (cell[0] is '+' or '-' or '\uFF0B' or '\uFF0D' && cell.Any(c => char.IsLetter(c) || c is '=' or '|' or '!' or '"' or '*')));

    /// <summary>The formulas (&lt;f&gt; elements) in the worksheets of an XLSX file, read from its XML.</summary>
    private static List<string> Formulas(byte[] xlsx)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(xlsx));
        return [.. zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal))
            .SelectMany(e =>
            {
                using var s = e.Open();
                return System.Xml.Linq.XDocument.Load(s).Descendants().Where(x => x.Name.LocalName == "f").Select(x => x.Value).ToList();
            })];
    }

    private static List<string[]> ReadRaw(byte[] bytes, string format, char delimiter)
    {
        var path = Path.Combine(Path.GetTempPath(), $"prospector-export-{Guid.NewGuid():N}.{format}");
        File.WriteAllBytes(path, bytes);
        try
        {
            if (format != "xlsx") return Csv(Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF'), delimiter);
            var rows = MiniExcelLibs.MiniExcel.Query(path, useHeaderRow: false, excelType: MiniExcelLibs.ExcelType.XLSX);
            return [.. rows.Cast<IDictionary<string, object?>>().Select(r => r.Values.Select(v => v?.ToString() ?? "").ToArray())];
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>RFC 4180 as a spreadsheet reads it: quotes, doubled quotes, delimiters and line breaks inside quotes.</summary>
    private static List<string[]> Csv(string text, char delimiter)
    {
        var (rows, row, cell, quoted) = (new List<string[]>(), new List<string>(), new StringBuilder(), false);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == delimiter) { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { row.Add(cell.ToString()); cell.Clear(); rows.Add([.. row]); row.Clear(); i++; }
            else cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add([.. row]); }
        return rows;
    }

    [Theory]
    [InlineData("list", "csv", "comma")]
    [InlineData("list", "csv", "semicolon")]
    [InlineData("list", "xlsx", null)]
    [InlineData("contacts", "csv", "semicolon")]
    [InlineData("contacts", "xlsx", null)]
    public async Task No_export_cell_runs_as_a_formula_header_included_and_phones_stay_as_they_are(string what, string format, string? delimiter)
    {
        var (client, listId, _) = await HostileListAsync();
        if (what == "contacts")
        {
            var rows = (await client.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items").EnumerateArray().ToList();
            foreach (var row in rows)
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{row.GetProperty("id").GetInt64()}/convert",
                    new { nextAction = new { type = "Call", dueDate = Tomorrow } })).StatusCode);
        }
        var url = what == "list" ? $"/api/v1/lists/{listId}/export?format={format}" : $"/api/v1/contacts/export?format={format}&listId={listId}";
        if (delimiter is not null) url += $"&delimiter={delimiter}";
        var res = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var bytes = await res.Content.ReadAsByteArrayAsync();
        var table = ReadRaw(bytes, format, delimiter == "semicolon" ? ';' : ',');
        if (format == "xlsx") Assert.Empty(Formulas(bytes)); // not one cell of the sheet is a formula

        Assert.All(table.SelectMany(r => r), cell => Assert.False(Live(cell), $"live formula in the export: {cell}"));
        if (what == "list")
        {
            // The header (the original column names) is escaped like any cell, and the formulas are kept as text.
            Assert.Equal(Hostile.Select(h => "'" + h.Trim()), table[0].Take(Hostile.Length)); // the importer trims column names
            Assert.Equal(Hostile.Select(h => "'" + h), table[1].Take(Hostile.Length));
            Assert.Equal(["Nachname", "Telefon", "Saldo"], table[0].Skip(Hostile.Length).Take(3));
            Assert.Equal(["Müller", Phone, "-5"], table[1].Skip(Hostile.Length).Take(3));
            Assert.Equal(["Schäfer", SpacedPhone, "-1.234,50"], table[2].Skip(Hostile.Length).Take(3));
        }
        else
        {
            var (phone, company, notes) = (Array.IndexOf(table[0], "Phone"), Array.IndexOf(table[0], "Company"), Array.IndexOf(table[0], "Notes"));
            Assert.Equal(new[] { Phone, SpacedPhone }.Order(StringComparer.Ordinal), table.Skip(1).Select(r => r[phone]).Order(StringComparer.Ordinal));
            Assert.All(table.Skip(1), r => Assert.Equal(("'" + EvilCompany, "'" + EvilNote), (r[company], r[notes])));
        }
    }

    [Fact]
    public async Task A_german_user_gets_semicolons_and_a_BOM_and_the_file_opens_as_columns()
    {
        var (client, listId, user) = await HostileListAsync();
        await app.WithDbAsync(async (db, _) =>
        {
            db.Users.Single(u => u.Id == user.Id).Culture = "de";
            return await db.SaveChangesAsync();
        });
        var bytes = await (await client.GetAsync($"/api/v1/lists/{listId}/export?format=csv")).Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        var firstLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
        Assert.EndsWith(";Nachname;Telefon;Saldo;Firma;Notiz;Prospector state;Prospector reason;Prospector note;Prospector contact id;Prospector issues",
            firstLine);
        // Split at semicolons as a German Excel does: every column is its own column again.
        var table = ReadRaw(bytes, "csv", ';');
        Assert.Equal(Hostile.Length + 10, table[0].Length);
        Assert.Equal(["Müller", Phone, "-5", "'" + EvilCompany, "'" + EvilNote], table[1].Skip(Hostile.Length).Take(5));
        Assert.Equal(["Schäfer", SpacedPhone, "-1.234,50", "'" + EvilCompany, "'" + EvilNote], table[2].Skip(Hostile.Length).Take(5));

        // Read back by the importer: the same list, apostrophes taken off again.
        var again = await ListSteps.ImportAsync(client, TestHttp.Unique("Again"), bytes);
        var back = await client.GetJsonAsync($"/api/v1/lists/{again.GetProperty("listId").GetInt64()}");
        Assert.Equal(Hostile.Select(h => h.Trim()), back.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).Take(Hostile.Length));

        // The German user can still ask for commas, and anything else is refused by name.
        var comma = await (await client.GetAsync($"/api/v1/lists/{listId}/export?format=csv&delimiter=comma")).Content.ReadAsStringAsync();
        Assert.Contains(",Nachname,Telefon,Saldo,", comma, StringComparison.Ordinal);
        await TestHttp.AssertValidationProblemAsync(await client.GetAsync($"/api/v1/lists/{listId}/export?format=csv&delimiter=pipe"), "delimiter");
        await TestHttp.AssertValidationProblemAsync(await client.GetAsync("/api/v1/contacts/export?format=csv&delimiter=tab"), "delimiter");
    }
}

public sealed class ImportMappingExportTestsSqlite(SqliteApp f) : ImportMappingExportTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ImportMappingExportTestsPostgres(PostgresApp f) : ImportMappingExportTests(f.Factory), IClassFixture<PostgresApp>;

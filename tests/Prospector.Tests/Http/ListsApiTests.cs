using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>Lists over HTTP: preview, import, the grid, working rows (+, cancel, undo, keep, merge), export, revert, visibility.</summary>
public abstract class ListsApiTests(ProspectorFactory app)
{
    private static string Tomorrow => DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Preview_shows_columns_first_rows_and_the_guessed_mapping()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var res = await rep.PostAsync("/api/v1/imports/preview", ListSteps.Form(ListSteps.Windows1252(ListSteps.GermanCsv), "messe.csv"));
        var body = await res.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal(["Vorname", "Nachname", "Firma", "E-Mail", "Telefon", "Ort"], body.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("Jürgen", body.GetProperty("rows")[0][0].GetString());
        Assert.Equal("Email", body.GetProperty("mapping").GetProperty("E-Mail").GetString());
        Assert.Equal("City", body.GetProperty("mapping").GetProperty("Ort").GetString());
        Assert.Contains("Windows-1252", body.GetProperty("format").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_keeps_every_cell_flags_invalid_values_and_duplicates_and_can_be_reverted()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var name = TestHttp.Unique("Messe");
        var s = await ListSteps.ImportAsync(rep, name);
        Assert.Equal((4, 4, 1, 1), (s.GetProperty("rowsRead").GetInt32(), s.GetProperty("rowsImported").GetInt32(),
            s.GetProperty("rowsInvalid").GetInt32(), s.GetProperty("rowsDuplicate").GetInt32()));
        var listId = s.GetProperty("listId").GetInt64();
        var rows = (await rep.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal(["Anna", "Schäfer", "Schäfer; Söhne KG", "anna@schaefer.example", "+49 30 1234567", "Berlin"],
            rows[1].GetProperty("cells").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["email", "phone"], rows[2].GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("field").GetString()));
        Assert.Equal("Duplicate", rows[3].GetProperty("state").GetString());
        Assert.Equal(1, rows[3].GetProperty("duplicateOfRow").GetInt32());

        var problems = await rep.GetStringAsync($"/api/v1/imports/{s.GetProperty("importId").GetInt64()}/problems");
        Assert.Contains("invalid email: kein-mail", problems, StringComparison.Ordinal);
        Assert.Contains("duplicate (email) of row 1", problems, StringComparison.Ordinal);

        var reverted = await rep.PostAsync($"/api/v1/imports/{s.GetProperty("importId").GetInt64()}/revert", null);
        Assert.Equal("Reverted", (await reverted.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal(0, (await rep.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await rep.PostAsync($"/api/v1/imports/{s.GetProperty("importId").GetInt64()}/revert", null)).StatusCode);
    }

    [Fact]
    public async Task A_corrected_mapping_and_a_dry_run_are_honoured()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var name = TestHttp.Unique("Dry");
        var dry = await rep.PostAsync("/api/v1/imports", ListSteps.Form(ListSteps.Windows1252(ListSteps.GermanCsv), "messe.csv",
            ("list", name), ("dryRun", "true")));
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.Equal(4, (await dry.ReadJsonAsync()).GetProperty("rowsImported").GetInt32());
        Assert.DoesNotContain(name, await rep.GetStringAsync("/api/v1/lists"), StringComparison.Ordinal);

        var s = await ListSteps.ImportAsync(rep, name, null, ("mapping", """{"Vorname":"firstName","Nachname":"lastName","Firma":"notes","E-Mail":"email","Ort":"city"}"""));
        var detail = await rep.GetJsonAsync($"/api/v1/lists/{s.GetProperty("listId").GetInt64()}");
        Assert.Equal("Notes", detail.GetProperty("mapping").GetProperty("Firma").GetString());
        Assert.Equal("Ignore", detail.GetProperty("mapping").GetProperty("Telefon").GetString());
        Assert.Equal(0, s.GetProperty("rowsInvalid").GetInt32() - 1); // only the e-mail is invalid now: the phone is not mapped
    }

    [Fact]
    public async Task Plus_makes_a_lead_with_company_and_next_action_cancel_takes_a_reason_and_undo_reopens()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var s = await ListSteps.ImportAsync(rep.Client, TestHttp.Unique("Work"));
        var listId = s.GetProperty("listId").GetInt64();
        var rows = (await rep.Client.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items").EnumerateArray().ToList();
        var (first, second) = (rows[0].GetProperty("id").GetInt64(), rows[1].GetProperty("id").GetInt64());

        var noAction = await rep.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{first}/convert", new { });
        await TestHttp.AssertValidationProblemAsync(noAction, "nextAction");

        var converted = await rep.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{first}/convert",
            new { nextAction = new { type = "Call", dueDate = Tomorrow, note = "Nach der Messe anrufen" } });
        var row = await converted.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, converted.StatusCode);
        Assert.Equal("Converted", row.GetProperty("state").GetString());
        var contact = await rep.Client.GetJsonAsync($"/api/v1/contacts/{row.GetProperty("contactId").GetInt64()}");
        Assert.Equal(("Jürgen", "Müller", "Lead"), (contact.GetProperty("firstName").GetString(), contact.GetProperty("lastName").GetString(), contact.GetProperty("stage").GetString()));
        Assert.Equal("+495111234567", contact.GetProperty("phoneE164").GetString());
        Assert.Equal(rep.Id, contact.GetProperty("ownerId").GetInt64());
        var (companyName, actions) = await app.WithDbAsync(async (db, _) =>
        {
            var c = db.Contacts.Single(x => x.Id == row.GetProperty("contactId").GetInt64());
            return (db.Companies.Single(x => x.Id == c.CompanyId).Name,
                db.NextActions.Where(a => a.ContactId == c.Id).Select(a => new { a.Note, a.Status, c.SourceListId }).ToList());
        });
        Assert.Equal("Müller Anlagenbau GmbH", companyName);
        Assert.Equal("Nach der Messe anrufen", Assert.Single(actions).Note);
        Assert.Equal(listId, actions[0].SourceListId);

        Assert.Equal(HttpStatusCode.Conflict, (await rep.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{first}/convert",
            new { nextAction = new { type = "Call", dueDate = Tomorrow } })).StatusCode);

        await TestHttp.AssertValidationProblemAsync(await rep.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{second}/cancel", new { reason = "Other" }), "note");
        var cancelled = await (await rep.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{second}/cancel", new { reason = "NoBudget", note = "erst 2027" })).ReadJsonAsync();
        Assert.Equal(("Cancelled", "NoBudget", "erst 2027"), (cancelled.GetProperty("state").GetString(), cancelled.GetProperty("cancelReason").GetString(), cancelled.GetProperty("cancelNote").GetString()));
        var reopened = await (await rep.Client.PostAsync($"/api/v1/lists/{listId}/rows/{second}/reopen", null)).ReadJsonAsync();
        Assert.Equal("Open", reopened.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("cancelReason").ValueKind);

        var cancelledOnly = await rep.Client.GetJsonAsync($"/api/v1/lists/{listId}/rows?state=Converted");
        Assert.Equal([first], cancelledOnly.Ids());
        var search = await rep.Client.GetJsonAsync($"/api/v1/lists/{listId}/rows?q=schafer");
        Assert.Equal([second], search.Ids());
    }

    [Fact]
    public async Task A_row_that_duplicates_an_existing_contact_links_to_it_and_can_be_merged()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var email = $"{TestHttp.Unique("dup")}@example.de";
        var existing = (await rep.CreateAsync("/api/v1/contacts", new { firstName = "Eva", lastName = "Lang" })).GetProperty("id").GetInt64();
        await rep.PatchAsync($"/api/v1/contacts/{existing}", new { email }, "\"1\"");
        var csv = Encoding.UTF8.GetBytes($"Name,E-Mail,Position\nEva Lang,{email.ToUpperInvariant()},Einkaufsleiterin\n");
        var s = await ListSteps.ImportAsync(rep, TestHttp.Unique("Dup"), csv);
        var listId = s.GetProperty("listId").GetInt64();
        var row = (await rep.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items")[0];
        Assert.Equal(("Duplicate", "email", existing), (row.GetProperty("state").GetString(), row.GetProperty("duplicateReason").GetString(), row.GetProperty("duplicateOfContactId").GetInt64()));

        var merged = await (await rep.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{row.GetProperty("id").GetInt64()}/convert", new { merge = true })).ReadJsonAsync();
        Assert.Equal(existing, merged.GetProperty("contactId").GetInt64());
        Assert.Equal("Einkaufsleiterin", (await rep.GetJsonAsync($"/api/v1/contacts/{existing}")).GetProperty("jobTitle").GetString());
    }

    [Fact]
    public async Task Bulk_cancel_and_assign_work_on_the_selected_rows()
    {
        var manager = await app.UserAsync("Manager", "Nord");
        var rep = await app.UserAsync("Rep", "Nord");
        var s = await ListSteps.ImportAsync(manager.Client, TestHttp.Unique("Bulk"));
        var listId = s.GetProperty("listId").GetInt64();
        var ids = (await manager.Client.GetJsonAsync($"/api/v1/lists/{listId}/rows")).Ids().ToList();
        var assign = await (await manager.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/bulk", new { action = "assign", rowIds = ids.Take(2), assigneeId = rep.Id })).ReadJsonAsync();
        Assert.Equal(2, assign.GetProperty("done").GetArrayLength());
        var cancel = await (await manager.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/bulk", new { action = "cancel", rowIds = ids.Skip(2), reason = "WrongTargetMarket" })).ReadJsonAsync();
        Assert.Equal(2, cancel.GetProperty("done").GetArrayLength());
        var rows = (await manager.Client.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([rep.Id, rep.Id], rows.Take(2).Select(r => r.GetProperty("assignedToId").GetInt64()));
        Assert.All(rows.Skip(2), r => Assert.Equal("WrongTargetMarket", r.GetProperty("cancelReason").GetString()));
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/bulk",
            new { action = "assign", rowIds = ids.Take(1), assigneeId = manager.Id }), "assigneeId");
    }

    [Fact]
    public async Task Export_round_trips_unicode_quotes_newlines_and_escapes_formulas()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var csv = Encoding.UTF8.GetBytes("Name,Notiz\n\"Zoë \"\"Z\"\" Ærø\",\"=HYPERLINK(\"\"x\"\")\nZeile 2\"\n");
        var s = await ListSteps.ImportAsync(rep, TestHttp.Unique("Exp"), csv);
        var listId = s.GetProperty("listId").GetInt64();
        var exported = await rep.GetAsync($"/api/v1/lists/{listId}/export?format=csv");
        Assert.Equal("text/csv", exported.Content.Headers.ContentType?.MediaType);
        var text = await exported.Content.ReadAsStringAsync();
        Assert.Contains("\"Zoë \"\"Z\"\" Ærø\",\"'=HYPERLINK(\"\"x\"\")\nZeile 2\"", text, StringComparison.Ordinal);

        var again = await ListSteps.ImportAsync(rep, TestHttp.Unique("Again"), await exported.Content.ReadAsByteArrayAsync());
        var cells = (await rep.GetJsonAsync($"/api/v1/lists/{again.GetProperty("listId").GetInt64()}/rows")).GetProperty("items")[0].GetProperty("cells");
        Assert.Equal("Zoë \"Z\" Ærø", cells[0].GetString());
        Assert.Equal("=HYPERLINK(\"x\")\nZeile 2", cells[1].GetString());

        var xlsx = await rep.GetAsync($"/api/v1/lists/{listId}/export?format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("PK"u8.ToArray(), (await xlsx.Content.ReadAsByteArrayAsync())[..2]);
        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync($"/api/v1/lists/{listId}/export?format=pdf"), "format");
        var contacts = await rep.GetStringAsync("/api/v1/contacts/export?format=csv");
        Assert.StartsWith("Id,Salutation,First name", contacts.TrimStart('\uFEFF'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_file_gets_a_clear_message_and_creates_no_list()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var name = TestHttp.Unique("Bad");
        var broken = await rep.PostAsync("/api/v1/imports", ListSteps.Form(Encoding.UTF8.GetBytes("A,B\n1,\"open\n2,3\n"), "x.csv", ("list", name)));
        await TestHttp.AssertValidationProblemAsync(broken, "file");
        Assert.Contains("line 2 is never closed", await broken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var empty = await rep.PostAsync("/api/v1/imports", ListSteps.Form([], "x.csv", ("list", name)));
        await TestHttp.AssertValidationProblemAsync(empty, "file");
        // The endpoint declares its multipart form: another media type is refused as such, a body without one is told how to send the file.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await rep.PostAsync("/api/v1/imports", TestHttp.Json("{}"))).StatusCode);
        var bare = await rep.PostAsync("/api/v1/imports", new ByteArrayContent(Encoding.UTF8.GetBytes("A,B\n1,2\n")));
        await TestHttp.AssertValidationProblemAsync(bare, "file");
        Assert.Contains("multipart/form-data", await bare.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsync("/api/v1/imports", ListSteps.Form(Encoding.UTF8.GetBytes("A,B\n1,2\n"), "x.csv")), "list");
        Assert.DoesNotContain(name, await rep.GetStringAsync("/api/v1/lists"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await rep.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_rep_cannot_see_or_work_another_teams_list()
    {
        var nord = await app.UserAsync("Rep", "Nord");
        var sued = await app.UserAsync("Rep", "Süd");
        var s = await ListSteps.ImportAsync(nord.Client, TestHttp.Unique("Private"));
        var (listId, importId) = (s.GetProperty("listId").GetInt64(), s.GetProperty("importId").GetInt64());
        var first = (await nord.Client.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items")[0];
        var (rowId, state) = (first.GetProperty("id").GetInt64(), first.GetProperty("state").GetString());
        Assert.DoesNotContain(listId, (await sued.Client.GetJsonAsync("/api/v1/lists")).EnumerateArray().Select(l => l.GetProperty("id").GetInt64()));
        foreach (var res in new[]
        {
            await sued.Client.GetAsync($"/api/v1/lists/{listId}"),
            await sued.Client.GetAsync($"/api/v1/lists/{listId}/rows"),
            await sued.Client.GetAsync($"/api/v1/lists/{listId}/export"),
            await sued.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{rowId}/cancel", new { reason = "NoBudget" }),
            await sued.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/bulk", new { action = "cancel", rowIds = new[] { rowId }, reason = "NoBudget" }),
            await sued.Client.GetAsync($"/api/v1/imports/{importId}"),
            await sued.Client.GetAsync($"/api/v1/imports/{importId}/problems"),
            await sued.Client.PostAsync($"/api/v1/imports/{importId}/revert", null),
        })
            Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
        Assert.Equal(state, (await nord.Client.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items")[0].GetProperty("state").GetString());
        Assert.NotEqual("Cancelled", state);
    }
}

public sealed class ListsApiTestsSqlite(SqliteApp f) : ListsApiTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ListsApiTestsPostgres(PostgresApp f) : ListsApiTests(f.Factory), IClassFixture<PostgresApp>;

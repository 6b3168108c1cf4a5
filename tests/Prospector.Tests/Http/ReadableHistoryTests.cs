using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Audit;
using Prospector.Features.Contacts;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// What a German or Dutch user reads: the History tab names the company, the owner and the stage instead of ids and
/// code names; problem titles and import errors come in their language; "New contact" finds an existing address only
/// among the contacts the user may see.
/// </summary>
public abstract class ReadableHistoryTests(ProspectorFactory app)
{
    [Fact]
    public async Task History_shows_names_and_labels_not_ids_or_internal_fields()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var lines = await app.WithDbAsync(async (db, sp) =>
        {
            // A contact and its company created in one save: the audit trail must not keep EF's temporary key.
            var contact = new Contact
            {
                FirstName = "Jan", NamePrefix = "van der", LastName = "Berg", Phone = "0221 123456", PhoneE164 = "+49221123456",
                Stage = Stage.Lead, OwnerId = rep.Id, TeamId = rep.TeamId,
                Company = new Company { Name = "Bäckerei Schmitz GmbH", OwnerId = rep.Id, TeamId = rep.TeamId },
            };
            db.Contacts.Add(contact);
            await db.SaveChangesAsync();
            contact.Stage = Stage.Prospect;
            await db.SaveChangesAsync();

            var previous = CultureInfo.CurrentUICulture;
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de");
            try
            {
                var scope = await sp.GetRequiredService<RecordAccess>().ScopeAsync(Principal(rep));
                var l = sp.GetRequiredService<IStringLocalizer<SharedResource>>();
                var items = await HistoryText.ReadableAsync(db, scope, await History.ForAsync(db, nameof(Contact), contact.Id), l, "Europe/Berlin", Terminology.Default);
                return items.SelectMany(i => i.Lines).Select(x => $"{x.Field}: {x.From} → {x.To}").ToList();
            }
            finally
            {
                CultureInfo.CurrentUICulture = previous;
            }
        });
        var text = string.Join("\n", lines);
        Assert.Contains("Unternehmen:  → Bäckerei Schmitz GmbH", text);
        Assert.Contains($"Zuständig:  → Rep ", text);
        Assert.Contains("Phase: Lead → Interessent", text);
        Assert.DoesNotContain("PhoneE164", text);
        Assert.DoesNotContain("-92233", text);
        Assert.DoesNotContain("OwnerId", text);
    }

    [Theory]
    [InlineData("de", "Kontakt nicht gefunden")]
    [InlineData("nl", "Contact niet gevonden")]
    [InlineData("en", "Contact not found")]
    public async Task Problem_titles_follow_the_request_language(string language, string title)
    {
        var rep = await app.UserAsync("Rep");
        var request = TestHttp.Request(HttpMethod.Get, "/api/v1/contacts/987654321");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        var response = await rep.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(title, (await response.ReadJsonAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_import_error_comes_in_the_request_language()
    {
        var rep = await app.UserAsync("Rep");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Messe"), "list" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("Firma;Vorname;Nachname\n")), "file", "leer.csv" },
        };
        var request = TestHttp.Request(HttpMethod.Post, "/api/v1/imports", form);
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("de"));
        var response = await rep.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Die Datei hat eine Kopfzeile, aber keine Datenzeilen.", body, StringComparison.Ordinal);
        Assert.Contains("Eine oder mehrere Angaben sind ungültig.", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_email_is_found_only_among_the_contacts_the_user_may_see()
    {
        var nord = await app.UserAsync("Rep", "Nord");
        var sued = await app.UserAsync("Rep", "Süd");
        var mine = await app.WithDbAsync(async (db, _) =>
        {
            var own = new Contact { FirstName = "Anna", LastName = "Alt", Email = "anna@alt.example", EmailKey = "anna@alt.example", OwnerId = nord.Id, TeamId = nord.TeamId };
            var other = new Contact { FirstName = "Bernd", LastName = "Berg", Email = "bernd@berg.example", EmailKey = "bernd@berg.example", OwnerId = sued.Id, TeamId = sued.TeamId };
            db.Contacts.AddRange(own, other);
            await db.SaveChangesAsync();
            return own.Id;
        });
        var (visible, hidden, self) = await app.WithDbAsync(async (db, sp) =>
        {
            var scope = await sp.GetRequiredService<RecordAccess>().ScopeAsync(Principal(nord));
            return (await EmailDuplicates.VisibleAsync(db, scope, " Anna@Alt.example ", null),
                await EmailDuplicates.VisibleAsync(db, scope, "bernd@berg.example", null),
                await EmailDuplicates.VisibleAsync(db, scope, "anna@alt.example", mine));
        });
        Assert.Equal([new ExistingContact(mine, "Anna Alt")], visible);
        Assert.Empty(hidden); // another team's contact: not even a hint that the address exists
        Assert.Empty(self); // editing the contact itself is no duplicate
    }

    private static System.Security.Claims.ClaimsPrincipal Principal(TestUser user) => new(new System.Security.Claims.ClaimsIdentity(
    [
        new(System.Security.Claims.ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
        new(System.Security.Claims.ClaimTypes.Role, user.Role),
    ], "test"));
}

public sealed class ReadableHistoryTestsSqlite(SqliteApp f) : ReadableHistoryTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ReadableHistoryTestsPostgres(PostgresApp f) : ReadableHistoryTests(f.Factory), IClassFixture<PostgresApp>;

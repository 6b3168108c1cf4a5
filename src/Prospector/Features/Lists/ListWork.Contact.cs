using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Companies;

namespace Prospector.Features.Lists;

/// <summary>What a converted row becomes: the contact's fields, the fields a merge fills, the row's company.</summary>
public sealed partial class ListWork
{
    /// <summary>
    /// The row's custom-field values, keyed by the contact custom field named like the column (label or key, folded), or by
    /// the column name itself (the import defines a custom field for each such column).
    /// </summary>
    private async Task<JsonObject> CustomFieldsAsync(NormalRow n, List<string> columns, CancellationToken ct)
    {
        var o = new JsonObject();
        if (n.Custom.Count == 0) return o;
        var defined = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.EntityType == CustomFieldKeys.Contact).ToListAsync(ct);
        foreach (var (column, value) in n.Custom)
        {
            if (column >= columns.Count) continue;
            var key = CustomFieldKeys.For(columns[column], defined);
            o[key] = o[key] is { } earlier ? $"{earlier.GetValue<string>()}\n{value}" : value;
        }
        return o;
    }

    private static JsonArray Birthday((int Month, int Day, int? Year) b) =>
        [new JsonObject { ["kind"] = nameof(PersonalDateKind.Birthday), ["month"] = b.Month, ["day"] = b.Day, ["year"] = b.Year, ["remindDaysBefore"] = 7 }];

    private static JsonObject ContactBody(NormalRow n, ProspectingList list, ListRow row, JsonObject custom, long? sourceId)
    {
        var o = new JsonObject
        {
            ["salutation"] = n.Salutation, ["firstName"] = n.FirstName, ["namePrefix"] = n.NamePrefix,
            ["lastName"] = n.LastName ?? (n.HasPerson || n.Email is not null ? null : n.Company), ["jobTitle"] = n.JobTitle,
            ["email"] = n.Email, ["phone"] = n.Phone, ["mobile"] = n.Mobile, ["street"] = n.Street, ["postalCode"] = n.PostalCode,
            ["city"] = n.City, ["country"] = n.Country ?? list.DefaultCountry, ["notes"] = n.Notes,
            ["linkedInUrl"] = n.LinkedIn, ["xingUrl"] = n.Xing,
            ["stage"] = nameof(Stage.Lead), ["leadStatus"] = nameof(LeadStatus.Working),
            ["sourceId"] = sourceId, ["sourceDetail"] = UnicodeText.Prefix(list.Name, 100),
        };
        if (row.AssignedToId is { } a) o["ownerId"] = a;
        if (n.Birthday is { } b) o["personalDates"] = Birthday(b);
        if (custom.Count > 0) o["customFields"] = custom;
        return o;
    }

    /// <summary>Merge: fills what the existing contact lacks; never overwrites what a rep already entered.</summary>
    private static JsonObject MissingFields(Contact c, NormalRow n, JsonObject custom)
    {
        var o = new JsonObject();
        void Fill(string field, string? current, string? value) { if (string.IsNullOrEmpty(current) && !string.IsNullOrEmpty(value)) o[field] = value; }
        Fill("jobTitle", c.JobTitle, n.JobTitle);
        Fill("email", c.Email, n.Email);
        Fill("phone", c.Phone, n.Phone);
        Fill("mobile", c.Mobile, n.Mobile);
        Fill("linkedInUrl", c.LinkedInUrl, n.LinkedIn);
        Fill("xingUrl", c.XingUrl, n.Xing);
        Fill("street", c.Street, n.Street);
        Fill("postalCode", c.PostalCode, n.PostalCode);
        Fill("city", c.City, n.City);
        Fill("country", c.Country, n.Country);
        Fill("notes", c.Notes, n.Notes);
        if (n.Birthday is { } b && c.PersonalDates.All(d => d.Kind != PersonalDateKind.Birthday))
        {
            var dates = new JsonArray([.. c.PersonalDates.Select(d => (JsonNode)new JsonObject
            {
                ["kind"] = d.Kind.ToString(), ["label"] = d.Label, ["month"] = d.Month, ["day"] = d.Day, ["year"] = d.Year,
                ["remindDaysBefore"] = d.RemindDaysBefore,
            })]);
            dates.Add(Birthday(b)[0]!.DeepClone());
            o["personalDates"] = dates;
        }
        if (custom.Count > 0)
        {
            var current = c.CustomFields is { } json ? JsonNode.Parse(json) as JsonObject ?? [] : [];
            var added = false;
            foreach (var (key, value) in custom)
                if (!current.ContainsKey(key)) { current[key] = value?.DeepClone(); added = true; }
            if (added) o["customFields"] = current;
        }
        return o;
    }

    /// <summary>The row's company: the one with its web domain, else one of the same name, else a new one.</summary>
    private async Task<Company?> CompanyForAsync(NormalRow n, ListRow row, ProspectingList list, AccessScope scope, CancellationToken ct)
    {
        if (row.DuplicateOfCompanyId is { } id && await scope.Filter(db.Companies).FirstOrDefaultAsync(c => c.Id == id, ct) is { } byDomain)
            return byDomain;
        if (n.Company is null) return null;
        var key = TextKeys.Fold(n.Company);
        if (await scope.Filter(db.Companies).Where(c => c.NameKey == key).OrderBy(c => c.Id).FirstOrDefaultAsync(ct) is { } byName) return byName;
        var company = new Company();
        var body = new JsonObject
        {
            ["name"] = n.Company, ["website"] = n.Website is not null && n.Domain is not null ? n.Website : null, ["street"] = n.Street,
            ["postalCode"] = n.PostalCode, ["city"] = n.City, ["country"] = n.Country ?? list.DefaultCountry,
            ["sourceDetail"] = UnicodeText.Prefix(list.Name, 100),
        };
        if (row.AssignedToId is { } a) body["ownerId"] = a;
        var errors = await CompanyFields.ApplyAsync(db, scope, company, JsonFields.From(body, l), Now, isNew: true, ct);
        if (errors is not null) return null;
        company.LeadSourceId = list.LeadSourceId;
        db.Companies.Add(company);
        return company;
    }
}

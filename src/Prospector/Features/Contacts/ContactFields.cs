using System.Text.Json;
using System.Text.Json.Nodes;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Contacts;

/// <summary>Applies a JSON body to a contact, validating each field; the same rules for the API and the UI.</summary>
public static class ContactFields
{
    /// <summary>Returns the tag names to set (null: leave tags alone).</summary>
    public static List<string>? Apply(JsonFields f, Contact c, long? actorId, DateTime now)
    {
        f.String("salutation", 50, v => c.Salutation = v);
        f.String("firstName", 100, v => c.FirstName = v ?? "");
        f.String("namePrefix", 30, v => c.NamePrefix = v);
        f.String("lastName", 100, v => c.LastName = v ?? "");
        f.String("jobTitle", 100, v => c.JobTitle = v);
        f.Email("email", v => c.Email = v);
        f.String("phone", 50, v => c.Phone = v);
        f.String("mobile", 50, v => c.Mobile = v);
        ProfileLinks.Read(f, "linkedInUrl", ProfileSite.LinkedIn, v => c.LinkedInUrl = v);
        ProfileLinks.Read(f, "xingUrl", ProfileSite.Xing, v => c.XingUrl = v);
        ProfileLinks.Read(f, "website", ProfileSite.Web, v => c.Website = v);
        f.Id("companyId", v => c.CompanyId = v);
        AddressFields.Read(f, v => c.Street = v, v => c.PostalCode = v, v => c.City = v, v => c.Country = v);
        f.Enum<Stage>("stage", v => c.Stage = v);
        f.Enum<LeadStatus>("leadStatus", v => c.LeadStatus = v);
        f.Id("sourceId", v => c.LeadSourceId = v);
        f.String("sourceDetail", 100, v => c.Source = v);
        f.Id("referredById", v => c.ReferredById = v);
        f.Id("ownerId", v => c.OwnerId = v);
        f.Id("teamId", v => c.TeamId = v);
        f.Object("customFields", v => c.CustomFields = v);
        f.String("notes", 10_000, v => c.Notes = v);
        List<string>? tags = null;
        f.Tags("tags", v => tags = v);
        ReadConsents(f, c, actorId, now);
        ReadPersonalDates(f, c);
        if (string.IsNullOrWhiteSpace(c.FirstName) && string.IsNullOrWhiteSpace(c.LastName) && c.Email is null)
            f.Fail("lastName", f.T("A contact needs a name or an e-mail address."));
        RefreshKeys(c);
        return tags;
    }

    public static void RefreshKeys(Contact c)
    {
        c.NameKey = TextKeys.Fold($"{c.LastName} {c.FirstName}");
        c.FirstNameKey = TextKeys.Fold(c.FirstName);
        c.EmailKey = c.Email?.ToLowerInvariant();
        c.PhoneE164 = Phones.ToE164(c.Phone ?? c.Mobile, c.Country);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Consents are appended, never overwritten: the history of who agreed to what stays.</summary>
    private static void ReadConsents(JsonFields f, Contact c, long? actorId, DateTime now)
    {
        if (f.Array("consents") is not { } arr) return;
        foreach (var node in arr)
        {
            ConsentDto? d;
            try { d = node.Deserialize<ConsentDto>(Json); }
            catch (JsonException e) { f.Fail("consents", f.T("Each consent needs channel, status, givenAt and method: {0}", e.Message)); return; }
            if (d is null || string.IsNullOrWhiteSpace(d.Method) || d.Method.Length > 200 || d.GivenAt == default)
            { f.Fail("consents", f.T("Each consent needs channel, status, givenAt and how it was given (method, up to 200 characters).")); return; }
            if (d.GivenAt.ToUniversalTime() > now.AddMinutes(5))
            { f.Fail("consents", f.T("A consent cannot be given in the future.")); return; }
            c.Consents.Add(new ConsentRecord
            {
                Channel = d.Channel,
                Status = d.Status,
                GivenAt = d.GivenAt.ToUniversalTime(),
                Method = d.Method.Trim(),
                Note = d.Note?.Trim() is { Length: > 0 and <= 1000 } n ? n : null,
                RecordedById = actorId,
                RecordedAt = now,
            });
        }
    }

    /// <summary>Personal dates are replaced as a set.</summary>
    private static void ReadPersonalDates(JsonFields f, Contact c)
    {
        if (f.Array("personalDates") is not { } arr) return;
        var list = new List<PersonalDate>();
        foreach (var node in arr)
        {
            PersonalDateDto? d;
            try { d = node.Deserialize<PersonalDateDto>(Json); }
            catch (JsonException e) { f.Fail("personalDates", f.T("Each date needs kind, month and day: {0}", e.Message)); return; }
            if (d is null || !IsValidDay(d.Month, d.Day, d.Year))
            { f.Fail("personalDates", f.T("Each date needs a valid month and day (and year, if given).")); return; }
            if (d.RemindDaysBefore is < 0 or > 60)
            { f.Fail("personalDates", f.T("remindDaysBefore must be between 0 and 60.")); return; }
            list.Add(new PersonalDate { Kind = d.Kind, Label = d.Label?.Trim(), Month = d.Month, Day = d.Day, Year = d.Year, RemindDaysBefore = d.RemindDaysBefore });
        }
        c.PersonalDates.Clear();
        c.PersonalDates.AddRange(list);
    }

    public static bool IsValidDay(int month, int day, int? year) =>
        month is >= 1 and <= 12 && day >= 1 && year is null or (>= 1900 and <= 2100)
        && day <= DateTime.DaysInMonth(year ?? 2000, month);

    public static JsonNode? ToNode(object value) => JsonSerializer.SerializeToNode(value, Json);
}

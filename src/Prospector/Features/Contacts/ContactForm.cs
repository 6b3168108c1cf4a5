using System.Text.Json.Nodes;
using Prospector.Data;

namespace Prospector.Features.Contacts;

public sealed record CompanyOption(long Id, string Name);

/// <summary>What the edit page binds to; turned into the same JSON body the API takes, so both share one set of rules.</summary>
public sealed class ContactForm
{
    public int Version { get; set; }
    public string? Salutation { get; set; }
    public string? FirstName { get; set; }
    public string? NamePrefix { get; set; }
    public string? LastName { get; set; }
    public string? JobTitle { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? Mobile { get; set; }
    public CompanyOption? Company { get; set; }
    public string? Street { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    public string? Country { get; set; }
    public Stage Stage { get; set; } = Stage.Lead;
    public LeadStatus LeadStatus { get; set; } = LeadStatus.New;
    public string? Source { get; set; }
    public long? OwnerId { get; set; }
    public string? Tags { get; set; }
    public string? Notes { get; set; }
    public List<PersonalDateRow> PersonalDates { get; set; } = [];
    /// <summary>A new consent statement to record with this save (consents are never edited, only added).</summary>
    public ConsentRow NewConsent { get; set; } = new();

    public sealed class PersonalDateRow
    {
        public PersonalDateKind Kind { get; set; }
        public string? Label { get; set; }
        public DateTime? Date { get; set; }
        public bool YearKnown { get; set; }
        public int RemindDaysBefore { get; set; } = 7;
    }

    public sealed class ConsentRow
    {
        public bool Add { get; set; }
        public ConsentChannel Channel { get; set; }
        public ConsentStatus Status { get; set; }
        public DateTime? GivenAt { get; set; } = DateTime.Today;
        public string? Method { get; set; }
    }

    public static ContactForm From(Contact c) => new()
    {
        Version = c.Version,
        Salutation = c.Salutation,
        FirstName = c.FirstName,
        NamePrefix = c.NamePrefix,
        LastName = c.LastName,
        JobTitle = c.JobTitle,
        Email = c.Email,
        Phone = c.Phone,
        Mobile = c.Mobile,
        Company = c.Company is null ? null : new CompanyOption(c.Company.Id, c.Company.Name),
        Street = c.Street,
        PostalCode = c.PostalCode,
        City = c.City,
        Country = c.Country,
        Stage = c.Stage,
        LeadStatus = c.LeadStatus,
        Source = c.Source,
        OwnerId = c.OwnerId,
        Tags = string.Join(", ", c.Tags.Select(t => t.Name).Order()),
        Notes = c.Notes,
        PersonalDates = c.PersonalDates.Select(d => new PersonalDateRow
        {
            Kind = d.Kind,
            Label = d.Label,
            Date = new DateTime(d.Year ?? 2000, d.Month, d.Day),
            YearKnown = d.Year is not null,
            RemindDaysBefore = d.RemindDaysBefore,
        }).ToList(),
    };

    /// <summary>The body to save; the stage only for a new contact (later moves go through qualification).</summary>
    public JsonObject ToJson(bool isNew)
    {
        var o = new JsonObject
        {
            ["salutation"] = Salutation,
            ["firstName"] = FirstName,
            ["namePrefix"] = NamePrefix,
            ["lastName"] = LastName,
            ["jobTitle"] = JobTitle,
            ["email"] = Email,
            ["phone"] = Phone,
            ["mobile"] = Mobile,
            ["companyId"] = Company?.Id,
            ["street"] = Street,
            ["postalCode"] = PostalCode,
            ["city"] = City,
            ["country"] = Country,
            ["stage"] = Stage.ToString(),
            ["leadStatus"] = LeadStatus.ToString(),
            ["source"] = Source,
            ["ownerId"] = OwnerId,
            ["notes"] = Notes,
            ["tags"] = new JsonArray((Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["personalDates"] = new JsonArray(PersonalDates.Where(d => d.Date is not null).Select(d => (JsonNode?)new JsonObject
            {
                ["kind"] = d.Kind.ToString(),
                ["label"] = d.Label,
                ["month"] = d.Date!.Value.Month,
                ["day"] = d.Date.Value.Day,
                ["year"] = d.YearKnown ? d.Date.Value.Year : null,
                ["remindDaysBefore"] = d.RemindDaysBefore,
            }).ToArray()),
        };
        if (isNew) o["stage"] = Stage.ToString();
        if (NewConsent.Add)
        {
            o["consents"] = new JsonArray(new JsonObject
            {
                ["channel"] = NewConsent.Channel.ToString(),
                ["status"] = NewConsent.Status.ToString(),
                ["givenAt"] = DateTime.SpecifyKind(NewConsent.GivenAt ?? DateTime.Today, DateTimeKind.Local).ToUniversalTime().ToString("O"),
                ["method"] = NewConsent.Method,
            });
        }
        return o;
    }
}

using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Contacts;

public sealed record CompanyOption(long Id, string Name);

public sealed record ContactOption(long Id, string Name);

/// <summary>What the edit page binds to; turned into a typed <see cref="ContactChange"/> that the service checks with the API's rules.</summary>
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
    public string? LinkedInUrl { get; set; }
    public string? XingUrl { get; set; }
    public string? Website { get; set; }
    public CompanyOption? Company { get; set; }
    public string? Street { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    public string? Country { get; set; }
    public Stage Stage { get; set; } = Stage.Lead;
    public LeadStatus LeadStatus { get; set; } = LeadStatus.New;
    public long? SourceId { get; set; }
    public string? SourceDetail { get; set; }
    public ContactOption? ReferredBy { get; set; }
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
        /// <summary>The day in the user's zone; the page starts it at today.</summary>
        public DateTime? GivenAt { get; set; }
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
        LinkedInUrl = c.LinkedInUrl,
        XingUrl = c.XingUrl,
        Website = c.Website,
        Company = c.Company is null ? null : new CompanyOption(c.Company.Id, c.Company.Name),
        Street = c.Street,
        PostalCode = c.PostalCode,
        City = c.City,
        Country = c.Country,
        Stage = c.Stage,
        LeadStatus = c.LeadStatus,
        SourceId = c.LeadSourceId,
        SourceDetail = c.Source,
        // The page puts the referrer's name in (redacted when the user may not see the referrer).
        ReferredBy = c.ReferredById is { } r ? new ContactOption(r, "") : null,
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

    /// <summary>
    /// The typed change to save (the service checks it with the API's rules). <paramref name="timeZone"/>: the user's zone,
    /// in which the consent's "given on" day is meant.
    /// </summary>
    public ContactChange ToChange(string? timeZone) => new(
        Salutation, FirstName, NamePrefix, LastName, JobTitle, Email, Phone, Mobile, Company?.Id, Street, PostalCode, City, Country,
        Stage, LeadStatus, SourceId, SourceDetail, ReferredBy?.Id, OwnerId,
        (Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        Notes,
        PersonalDates.Where(d => d.Date is not null).Select(d => new PersonalDateDto(
            d.Kind, d.Label, d.Date!.Value.Month, d.Date.Value.Day, d.YearKnown ? d.Date.Value.Year : null, d.RemindDaysBefore)).ToList(),
        NewConsent.Add
            ? [new ConsentDto(NewConsent.Channel, NewConsent.Status, NewConsent.GivenAt is { } day
                ? TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.Date, DateTimeKind.Unspecified), UserTime.Zone(timeZone)) : default,
                NewConsent.Method ?? "", null)]
            : null,
        LinkedInUrl, XingUrl, Website);
}

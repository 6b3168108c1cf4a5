using Prospector.Data;
using Prospector.Features.Common;
using Prospector.Features.Records;

namespace Prospector.Features.Contacts;

/// <summary>A row of the contacts list. <c>InStageSince</c>: the last stage change (or the contact's creation), UTC.</summary>
public sealed record ContactListItem(
    long Id, string DisplayName, string? Email, string? Phone, long? CompanyId, string? CompanyName,
    Stage Stage, LeadStatus LeadStatus, long? OwnerId, string? OwnerName, string? City, DateTime UpdatedAt, int Version,
    DateTime? LastContactedAt = null, int Touches = 0, DateTime? InStageSince = null, string? PhoneE164 = null, string? Country = null);

public sealed record ConsentDto(ConsentChannel Channel, ConsentStatus Status, DateTime GivenAt, string Method, string? Note);

public sealed record PersonalDateDto(PersonalDateKind Kind, string? Label, int Month, int Day, int? Year, int RemindDaysBefore);

public sealed record ContactDto(
    long Id, int Version, string? Salutation, string FirstName, string? NamePrefix, string LastName, string DisplayName,
    string? JobTitle, string? Email, string? Phone, string? PhoneE164, string? Mobile,
    string? LinkedInUrl, string? XingUrl, string? Website,
    long? CompanyId, string? CompanyName, string? Street, string? PostalCode, string? City, string? Country,
    Stage Stage, LeadStatus LeadStatus, long? SourceId, string? SourceKey, string? SourceName, string? SourceDetail, long? ReferredById,
    long? OwnerId, string? OwnerName, long? TeamId,
    IReadOnlyList<string> Tags, string? CustomFields, string? Notes,
    IReadOnlyList<ConsentDto> Consents, IReadOnlyList<PersonalDateDto> PersonalDates,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? DeletedAt, DateTime? ErasedAt = null) : IRecordDto<Contact, ContactDto>
{
    public static ContactDto From(Contact c) => new(
        c.Id, c.Version, c.Salutation, c.FirstName, c.NamePrefix, c.LastName, c.DisplayName,
        c.JobTitle, c.Email, c.Phone, c.PhoneE164, c.Mobile, c.LinkedInUrl, c.XingUrl, c.Website,
        c.CompanyId, c.Company?.Name, c.Street, c.PostalCode, c.City, c.Country,
        c.Stage, c.LeadStatus, c.LeadSourceId, c.LeadSource?.Key, c.LeadSource?.Name, c.Source, c.ReferredById, c.OwnerId, c.Owner?.DisplayName, c.TeamId,
        c.Tags.Select(t => t.Name).Order().ToList(), c.CustomFields, c.Notes,
        // The current consent per channel is the latest statement for it.
        c.Consents.GroupBy(x => x.Channel).Select(g => g.OrderByDescending(x => x.GivenAt).ThenByDescending(x => x.Id).First())
            .OrderBy(x => x.Channel).Select(x => new ConsentDto(x.Channel, x.Status, x.GivenAt, x.Method, x.Note)).ToList(),
        c.PersonalDates.OrderBy(d => d.Month).ThenBy(d => d.Day)
            .Select(d => new PersonalDateDto(d.Kind, d.Label, d.Month, d.Day, d.Year, d.RemindDaysBefore)).ToList(),
        c.CreatedAt, c.UpdatedAt, c.DeletedAt, c.ErasedAt);
}

/// <summary>
/// The writable fields of a contact (documentation of POST and PATCH bodies; all optional in PATCH). <c>sourceId</c> is one of
/// the managed lead sources (GET /api/v1/sources; not a retired one unless the contact has it already), <c>sourceDetail</c>
/// free text about it ("Hannover Messe 2026"); <c>referredById</c> the contact (one you can see) who referred this one.
/// <c>linkedInUrl</c>, <c>xingUrl</c> and <c>website</c> are http(s) addresses ("https://" is added when left out); LinkedIn
/// and XING links must be on linkedin.com / xing.com and are stored as https.
/// </summary>
public sealed record ContactInput(
    string? Salutation, string? FirstName, string? NamePrefix, string? LastName, string? JobTitle,
    string? Email, string? Phone, string? Mobile, string? LinkedInUrl, string? XingUrl, string? Website,
    long? CompanyId, string? Street, string? PostalCode, string? City,
    string? Country, Stage? Stage, LeadStatus? LeadStatus, long? SourceId, string? SourceDetail, long? ReferredById, long? OwnerId, long? TeamId,
    IReadOnlyList<string>? Tags, Dictionary<string, object>? CustomFields, string? Notes,
    IReadOnlyList<ConsentDto>? Consents, IReadOnlyList<PersonalDateDto>? PersonalDates) : IReadFieldByField;

namespace Prospector.Data;

/// <summary>Lifecycle stage (DESIGN.md §2). The code names never change; labels are per workspace.</summary>
public enum Stage { Suspect, Lead, Prospect, Customer, RepeatCustomer }

/// <summary>Status of an early (not yet customer) record.</summary>
public enum LeadStatus { New, Working, Nurturing, Unqualified }

public enum ConsentChannel { Email, Phone, Sms }

public enum ConsentStatus { Granted, Withdrawn }

public enum PersonalDateKind { Birthday, Anniversary, Other }

public sealed class Company : TrackedRecord, IOwned
{
    public string Name { get; set; } = "";
    /// <summary>Folded, lower-case name used for prefix search and sorting.</summary>
    public string NameKey { get; set; } = "";
    public string? Domain { get; set; }
    public string? Website { get; set; }
    /// <summary>The company's LinkedIn page (https, host linkedin.com).</summary>
    public string? LinkedInUrl { get; set; }
    /// <summary>The company's XING page (https, host xing.com).</summary>
    public string? XingUrl { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? Street { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? Country { get; set; }
    public string? Industry { get; set; }
    /// <summary>Where the company came from: one of the workspace's managed lead sources.</summary>
    public long? LeadSourceId { get; set; }
    public LeadSource? LeadSource { get; set; }
    /// <summary>Free detail on the source ("Hannover Messe 2026"); before sources were a managed list, the whole source.</summary>
    public string? Source { get; set; }
    public string? Notes { get; set; }
    public long? OwnerId { get; set; }
    public User? Owner { get; set; }
    public long? TeamId { get; set; }
    public Team? Team { get; set; }
    /// <summary>Workspace-defined extra fields, as a JSON object.</summary>
    public string? CustomFields { get; set; }
    public List<Tag> Tags { get; set; } = [];
    public List<Contact> Contacts { get; set; } = [];
}

public sealed class Contact : TrackedRecord, IOwned
{
    public string? Salutation { get; set; }
    public string FirstName { get; set; } = "";
    /// <summary>Dutch "tussenvoegsel" (van, de, van der…), kept apart so sorting by last name works.</summary>
    public string? NamePrefix { get; set; }
    public string LastName { get; set; } = "";
    /// <summary>Folded "last first" for prefix search and sorting.</summary>
    public string NameKey { get; set; } = "";
    /// <summary>Folded first name for prefix search.</summary>
    public string FirstNameKey { get; set; } = "";
    public string? JobTitle { get; set; }
    public string? Email { get; set; }
    /// <summary>Lower-case e-mail for lookups and duplicate detection.</summary>
    public string? EmailKey { get; set; }
    public string? Phone { get; set; }
    /// <summary>Phone normalised to E.164 where it could be parsed.</summary>
    public string? PhoneE164 { get; set; }
    public string? Mobile { get; set; }
    /// <summary>The person's LinkedIn profile (https, host linkedin.com).</summary>
    public string? LinkedInUrl { get; set; }
    /// <summary>The person's XING profile (https, host xing.com).</summary>
    public string? XingUrl { get; set; }
    /// <summary>The person's own web site (http or https).</summary>
    public string? Website { get; set; }
    public long? CompanyId { get; set; }
    public Company? Company { get; set; }
    public string? Street { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    public string? Country { get; set; }
    public Stage Stage { get; set; } = Stage.Lead;
    public LeadStatus LeadStatus { get; set; } = LeadStatus.New;
    public string? UnqualifiedReason { get; set; }
    /// <summary>Where the contact came from: one of the workspace's managed lead sources.</summary>
    public long? LeadSourceId { get; set; }
    public LeadSource? LeadSource { get; set; }
    /// <summary>Free detail on the source ("Hannover Messe 2026"); before sources were a managed list, the whole source.</summary>
    public string? Source { get; set; }
    /// <summary>The contact who referred this one ("referred by").</summary>
    public long? ReferredById { get; set; }
    public long? SourceListId { get; set; }
    public long? OwnerId { get; set; }
    public User? Owner { get; set; }
    public long? TeamId { get; set; }
    public Team? Team { get; set; }
    public string? CustomFields { get; set; }
    public string? Notes { get; set; }
    /// <summary>Set while the contact waits in standby / keep-for-later until this date.</summary>
    public DateOnly? RecontactOn { get; set; }
    /// <summary>
    /// Set when the person's data was erased (GDPR Art. 17): the row stays as a tombstone without personal data, so reports
    /// still count its stage history.
    /// </summary>
    public DateTime? ErasedAt { get; set; }
    /// <summary>
    /// Kept by the database, never written by the app: when the contact's first stage change to Lead or a later stage
    /// happened (the funnel's cohort), by triggers on LifecycleEvents in the transaction of the event (FunnelFactsSql).
    /// </summary>
    public DateTime? FirstLeadAt { get; private set; }
    /// <summary>Kept by the database like <see cref="FirstLeadAt"/>: the highest stage any of the contact's stage changes reached.</summary>
    public Stage? HighestStage { get; private set; }
    /// <summary>
    /// Kept by the database, never written by the app: how many open next actions of its own (not about a deal, not in the
    /// recycle bin) the contact has, by triggers on NextActions (UnplannedTalliesSql); what <see cref="UnplannedTally"/> reads.
    /// </summary>
    public int OpenActionCount { get; private set; }
    /// <summary>Kept by the database like <see cref="OpenActionCount"/>: how many deals in play (open or on standby, not in the recycle bin) are about the contact.</summary>
    public int OpenDealCount { get; private set; }
    public List<Tag> Tags { get; set; } = [];
    public List<ConsentRecord> Consents { get; set; } = [];
    public List<PersonalDate> PersonalDates { get; set; } = [];

    public string DisplayName => NameOf(FirstName, NamePrefix, LastName);

    /// <summary>
    /// A contact's name as people say it, with the Dutch or German name prefix: "Jan van der Berg". The one definition,
    /// also for query projections (<c>Select(c => Contact.NameOf(c.FirstName, c.NamePrefix, c.LastName))</c>, evaluated
    /// on the client in a final projection).
    /// </summary>
    public static string NameOf(string? firstName, string? namePrefix, string? lastName) =>
        string.Join(' ', new[] { firstName, namePrefix, lastName }.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()));
}

/// <summary>
/// A lead source from the workspace's managed list (trade fair, referral…). <see cref="Key"/> never changes (API filters use
/// it); <see cref="Name"/> is what people see (the defaults' English names are translated). A retired source stays on the
/// records that have it but is not offered for new ones.
/// </summary>
public sealed class LeadSource
{
    public long Id { get; set; }
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public int SortOrder { get; set; }
    public DateTime? RetiredAt { get; set; }
}

public sealed class Tag
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public List<Contact> Contacts { get; set; } = [];
    public List<Company> Companies { get; set; } = [];
}

/// <summary>One consent statement: the latest per channel is the contact's current consent.</summary>
public sealed class ConsentRecord
{
    public long Id { get; set; }
    public long ContactId { get; set; }
    public ConsentChannel Channel { get; set; }
    public ConsentStatus Status { get; set; }
    /// <summary>When the contact gave (or withdrew) it.</summary>
    public DateTime GivenAt { get; set; }
    /// <summary>How it was given: "web form", "verbally on the phone", "business card at trade fair"…</summary>
    public string Method { get; set; } = "";
    public string? Note { get; set; }
    public long? RecordedById { get; set; }
    public DateTime RecordedAt { get; set; }
}

/// <summary>A date to remember about a person (birthday, anniversary), repeating yearly.</summary>
public sealed class PersonalDate
{
    public long Id { get; set; }
    public long ContactId { get; set; }
    public Contact? Contact { get; set; }
    public PersonalDateKind Kind { get; set; }
    public string? Label { get; set; }
    public int Month { get; set; }
    public int Day { get; set; }
    /// <summary>Optional: the year is often unknown for birthdays.</summary>
    public int? Year { get; set; }
    /// <summary>Remind this many days before, in addition to the day itself.</summary>
    public int RemindDaysBefore { get; set; } = 7;
}

public sealed class CustomFieldDefinition
{
    public long Id { get; set; }
    /// <summary>"Contact" or "Company".</summary>
    public string EntityType { get; set; } = "";
    public string Key { get; set; } = "";
    public string Label { get; set; } = "";
    /// <summary>text, number, date, bool.</summary>
    public string Type { get; set; } = "text";
    public int SortOrder { get; set; }
}

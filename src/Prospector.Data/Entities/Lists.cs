namespace Prospector.Data;

public enum ListRowState { Open, Converted, Cancelled, Duplicate }

public enum ImportStatus { Pending, Running, Completed, Failed, Reverted }

/// <summary>A spreadsheet-like list of suspects, every original column kept.</summary>
public sealed class ProspectingList : TrackedRecord, IOwned
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string? DefaultCountry { get; set; }
    /// <summary>The lead source contacts made from this list get.</summary>
    public long? LeadSourceId { get; set; }
    /// <summary>Original header names, as a JSON array.</summary>
    public string Columns { get; set; } = "[]";
    /// <summary>Column → Prospector field, as a JSON object.</summary>
    public string Mapping { get; set; } = "{}";
    public int RowCount { get; set; }
    public long? OwnerId { get; set; }
    public long? TeamId { get; set; }
}

public sealed class ListRow : IVersioned
{
    public long Id { get; set; }
    public long ListId { get; set; }
    public long? ImportId { get; set; }
    public int RowNumber { get; set; }
    /// <summary>Original cell values, as a JSON array aligned with the list's columns.</summary>
    public string Cells { get; set; } = "[]";
    public ListRowState State { get; set; }
    public string? CancelReason { get; set; }
    public string? CancelNote { get; set; }
    /// <summary>Problems found while normalising the row (invalid e-mail…), as a JSON array.</summary>
    public string? Issues { get; set; }
    public long? ContactId { get; set; }
    public long? DuplicateOfContactId { get; set; }
    public long? AssignedToId { get; set; }
    public int Version { get; set; }
    public DateTime UpdatedAt { get; set; }

    // Mapped and normalised values, kept beside the original cells for the grid (sort, filter) and duplicate checks.
    public string? Name { get; set; }
    /// <summary>Folded "last first", as <see cref="Contact.NameKey"/>.</summary>
    public string? NameKey { get; set; }
    public string? Company { get; set; }
    public string? CompanyKey { get; set; }
    public string? Email { get; set; }
    public string? EmailKey { get; set; }
    public string? Phone { get; set; }
    public string? PhoneE164 { get; set; }
    public string? Domain { get; set; }
    public string? City { get; set; }
    /// <summary>Folded text of all cells, for "contains" filtering.</summary>
    public string SearchKey { get; set; } = "";
    /// <summary>Why the row is a duplicate: email, phone, domain or name.</summary>
    public string? DuplicateReason { get; set; }
    /// <summary>Similarity of a fuzzy (name + company) match, 0–1; exact key matches are 1.</summary>
    public double? DuplicateScore { get; set; }
    /// <summary>An earlier row of the same list with the same key.</summary>
    public int? DuplicateOfRow { get; set; }
    /// <summary>An existing company with the row's web domain: (+) attaches the contact to it.</summary>
    public long? DuplicateOfCompanyId { get; set; }
}

public sealed class Import
{
    public long Id { get; set; }
    public long ListId { get; set; }
    public string FileName { get; set; } = "";
    public ImportStatus Status { get; set; }
    public int RowsRead { get; set; }
    public int RowsImported { get; set; }
    public int RowsInvalid { get; set; }
    public int RowsDuplicate { get; set; }
    public string? Error { get; set; }
    public long? CreatedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? Sheet { get; set; }
    /// <summary>How the file was read, e.g. "CSV, ';', Windows-1252" or "XLSX".</summary>
    public string? Format { get; set; }
    /// <summary>Wholly empty rows, skipped.</summary>
    public int RowsEmpty { get; set; }
    public DateTime? RevertedAt { get; set; }
}

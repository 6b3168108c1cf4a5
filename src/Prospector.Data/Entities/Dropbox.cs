namespace Prospector.Data;

public enum DropboxMailStatus
{
    /// <summary>Matched to one or more contacts and logged as e-mail activities when fetched.</summary>
    Logged,
    /// <summary>No contact matched: held for review.</summary>
    Unmatched,
    /// <summary>A user assigned it to a contact from the review list; it is logged there.</summary>
    Assigned,
    /// <summary>A user discarded it from the review list; its text is gone.</summary>
    Discarded,
    /// <summary>
    /// Not addressed to the workspace's current secret dropbox address, or its Authentication-Results say DMARC/SPF failed for
    /// its From domain: never logged by itself; admins see it (<see cref="DropboxMessage.Problem"/> says why) and decide.
    /// </summary>
    Held,
    /// <summary>Could not be read (too large, broken, or failing every time): recorded once and skipped; admins see why.</summary>
    Failed,
}

/// <summary>
/// One message fetched from the dropbox mailbox: its claim and, while unmatched, its text for review. The unique
/// <see cref="MessageKey"/> (Message-ID, or a hash of its headers) is inserted in the same transaction as the activities,
/// so a message is logged once across restarts and instances (docs/dropbox.md). Seen through <see cref="IOwned"/>:
/// <see cref="OwnerId"/> is the user who sent or received it, when known.
/// </summary>
public sealed class DropboxMessage : IOwned
{
    public long Id { get; set; }
    public string MessageKey { get; set; } = "";
    public DropboxMailStatus Status { get; set; }
    public Direction Direction { get; set; }
    public DateTime FetchedAt { get; set; }
    /// <summary>The Date header (UTC), or the fetch time when there is none.</summary>
    public DateTime SentAt { get; set; }
    public string FromAddress { get; set; } = "";
    public string? FromName { get; set; }
    /// <summary>The To and Cc addresses, comma-separated.</summary>
    public string Recipients { get; set; } = "";
    public string? Subject { get; set; }
    /// <summary>The plain text, kept only while the message waits for review.</summary>
    public string? Body { get; set; }
    /// <summary>How many activities it was logged as.</summary>
    public int Logged { get; set; }
    public long? OwnerId { get; set; }
    public long? TeamId { get; set; }
    /// <summary>The contact it was assigned to from the review list.</summary>
    public long? ContactId { get; set; }
    public long? HandledById { get; set; }
    public DateTime? HandledAt { get; set; }
    /// <summary>Why a <see cref="DropboxMailStatus.Held"/> or <see cref="DropboxMailStatus.Failed"/> message was not logged.</summary>
    public string? Problem { get; set; }
}

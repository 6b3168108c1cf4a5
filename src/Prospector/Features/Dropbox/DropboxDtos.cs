using Prospector.Data;

namespace Prospector.Features.Dropbox;

/// <summary>
/// The dropbox as users see it: the address to BCC or forward to (null while it is off) and what this instance's job last did.
/// </summary>
public sealed record DropboxStatusDto(bool Enabled, string? Address, bool Fetching, DateTime? LastPollAt, DateTime? LastErrorAt,
    string? LastError, int Unmatched);

/// <summary>A fetched message no contact matched, waiting to be assigned to a contact or discarded.</summary>
public sealed record UnmatchedMailDto(long Id, DateTime SentAt, DateTime FetchedAt, Direction Direction, string From, string? FromName,
    string Recipients, string? Subject, string? Body, long? UserId, string? UserName);

/// <summary>The body of POST /api/v1/dropbox/unmatched/{id}/assign: the contact to log the e-mail on.</summary>
public sealed record AssignMail(long? ContactId);

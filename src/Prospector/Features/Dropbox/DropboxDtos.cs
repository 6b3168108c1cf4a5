using Prospector.Data;

namespace Prospector.Features.Dropbox;

/// <summary>
/// The dropbox as users see it: the secret address to BCC or forward to (null while it is off), whether fetching works and how
/// many unmatched e-mails wait for the caller. Admins also get what this instance's job last did, its last error and how many
/// messages are held or failed; for everyone else those fields are null.
/// </summary>
public sealed record DropboxStatusDto(bool Enabled, string? Address, bool Running, int Unmatched,
    bool? Fetching = null, DateTime? LastPollAt = null, DateTime? LastErrorAt = null, string? LastError = null, int? Held = null);

/// <summary>
/// A fetched message waiting in review: unmatched (no contact named), held (not sent to the current secret address, or failed
/// its sender's authentication — admins only) or failed (could not be read — admins only). <see cref="Problem"/> says why for
/// the last two: <c>not-addressed</c>, <c>auth-failed: …</c>, <c>too-large: …</c>, <c>unreadable: …</c>, <c>failing: …</c>.
/// </summary>
public sealed record UnmatchedMailDto(long Id, DateTime SentAt, DateTime FetchedAt, Direction Direction, string From, string? FromName,
    string Recipients, string? Subject, string? Body, long? UserId, string? UserName, DropboxMailStatus Status = DropboxMailStatus.Unmatched,
    string? Problem = null);

/// <summary>The body of POST /api/v1/dropbox/unmatched/{id}/assign: the contact to log the e-mail on.</summary>
public sealed record AssignMail(long? ContactId);

/// <summary>The answer of POST /api/v1/dropbox/address: the new secret dropbox address.</summary>
public sealed record DropboxAddressDto(string Address);

using Microsoft.AspNetCore.Identity;

namespace Prospector.Data;

public static class Roles
{
    public const string Admin = "Admin";
    public const string Manager = "Manager";
    public const string Rep = "Rep";
    public static readonly string[] All = [Admin, Manager, Rep];
}

public sealed class User : IdentityUser<long>
{
    public string DisplayName { get; set; } = "";
    /// <summary>UI language: en, de or nl.</summary>
    public string Culture { get; set; } = "en";
    /// <summary>IANA time zone id, e.g. Europe/Berlin.</summary>
    public string TimeZone { get; set; } = "Europe/Berlin";
    /// <summary>Hour (in the user's zone) at which the daily digest is sent.</summary>
    public int DigestHour { get; set; } = 7;
    /// <summary>Daily digest e-mail on or off.</summary>
    public bool DigestEnabled { get; set; } = true;
    /// <summary>Reminders by e-mail as well as in the app (only when SMTP is configured).</summary>
    public bool EmailReminders { get; set; } = true;
    /// <summary>Start of the working day in <see cref="TimeZone"/> (null: 09:00); sequence steps run only in working hours.</summary>
    public TimeOnly? WorkStart { get; set; }
    /// <summary>End of the working day (null: 17:00).</summary>
    public TimeOnly? WorkEnd { get; set; }
    /// <summary>Working days as a bit set of <see cref="DayOfWeek"/> (1 &lt;&lt; day; null: Monday to Friday).</summary>
    public int? WorkDays { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>A deactivated user can no longer sign in; their cookie and tokens stop working at once.</summary>
    public DateTime? DeactivatedAt { get; set; }
    public string? CalendarTokenHash { get; set; }
    /// <summary>The name mails sent from Prospector carry (else the display name).</summary>
    public string? SenderName { get; set; }
    /// <summary>Plain-text signature put under mails sent from Prospector ({{ signature }} in templates).</summary>
    public string? Signature { get; set; }
    public List<TeamMember> Teams { get; set; } = [];
}

public sealed class Role : IdentityRole<long>
{
}

public sealed class Team
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>An archived team takes no new members and no new records; its members and records stay as they are.</summary>
    public DateTime? ArchivedAt { get; set; }
    public List<TeamMember> Members { get; set; } = [];
}

public sealed class TeamMember
{
    public long TeamId { get; set; }
    public Team? Team { get; set; }
    public long UserId { get; set; }
    public User? User { get; set; }
}

/// <summary>A personal API token; only its SHA-256 hash is stored.</summary>
public sealed class ApiToken
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public User? User { get; set; }
    public string Name { get; set; } = "";
    /// <summary>First characters, shown in the UI so a user can tell tokens apart.</summary>
    public string Prefix { get; set; } = "";
    public string Hash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>
/// A signed-in browser. Its sign-in cookie names this row (by the SHA-256 of a random key) and works only while the row
/// exists: signing out deletes it, "sign out everywhere", a password change and deactivation delete all of a user's.
/// </summary>
public sealed class UserSession
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public User? User { get; set; }
    public string KeyHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>Last request seen, to within a few minutes; a session idle for the cookie's lifetime is over.</summary>
    public DateTime LastSeenAt { get; set; }
    /// <summary>The browser's User-Agent at sign-in (cut to 200 characters), so a user can tell sessions apart.</summary>
    public string? UserAgent { get; set; }
}

/// <summary>A single-use secret such as the first-start setup link; only its hash is stored.</summary>
public sealed class OneTimeToken
{
    public long Id { get; set; }
    public string Purpose { get; set; } = "";
    public string Hash { get; set; } = "";
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
}

public enum Terminology { Default, NoCrm }

/// <summary>Workspace-wide settings (one row).</summary>
public sealed class WorkspaceSettings : IVersioned
{
    public int Id { get; set; } = 1;
    public string Name { get; set; } = "Prospector";
    /// <summary>When on, reps see every record, not only their own and their teams'.</summary>
    public bool RepsSeeAll { get; set; }
    public Terminology Terminology { get; set; }
    public string DefaultCountry { get; set; } = "DE";
    public string DefaultCurrency { get; set; } = "EUR";
    /// <summary>How long a record without consent is kept after disqualification.</summary>
    public int RetentionDays { get; set; } = 365;
    /// <summary>When on, customers and repeat customers always have a next action (account care), like open leads and deals.</summary>
    public bool CustomersNeedNextAction { get; set; }
    /// <summary>A customer with no conversation for this many months is listed under "customers not contacted" (and is <c>stale</c>).</summary>
    public int CustomersNotContactedMonths { get; set; } = 6;
    /// <summary>When on, every user signs in with a second factor (TOTP); one without is sent to set it up. API tokens are not affected.</summary>
    public bool RequireTwoFactor { get; set; }
    /// <summary>
    /// The secret part of the dropbox address (<c>name+TOKEN@domain</c>): only mail addressed to it is logged (docs/dropbox.md,
    /// ADR 0016). Made on first use; replaced from Settings → E-mail logging, after which the old address is held for review.
    /// </summary>
    public string? DropboxToken { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// What an audit entry records: a change to a record, or a security event (sign-ins, tokens, personal-data exports,
/// erasures, backups), which names no record's fields.
/// </summary>
public enum AuditAction
{
    Created, Updated, Deleted, Restored,
    SignedIn, SignInFailed, TokenCreated, TokenRevoked, PersonalDataExported, Erased, BackedUp,
    /// <summary>A retention run (by an admin, the CLI or the server's schedule) and what it purged.</summary>
    RetentionRun,
    TwoFactorEnabled, TwoFactorDisabled, TwoFactorReset, TwoFactorFailed,
    /// <summary>Webhook endpoints: registered, changed, deleted, secret rotated, paused after failing (by the dispatcher).</summary>
    WebhookCreated, WebhookChanged, WebhookDeleted, WebhookSecretRotated, WebhookPaused,
}

/// <summary>One change to one record: who, when, and each field from → to (JSON).</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public string EntityType { get; set; } = "";
    public long EntityId { get; set; }
    public AuditAction Action { get; set; }
    public long? UserId { get; set; }
    public string? UserName { get; set; }
    public DateTime At { get; set; }
    /// <summary>JSON array of { field, from, to }.</summary>
    public string Changes { get; set; } = "[]";
    /// <summary>Security events: the address the request came from (after the trusted proxies), or "cli".</summary>
    public string? RemoteIp { get; set; }
}

using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Auth;

public sealed record UserDto(long Id, string Email, string DisplayName, string Role, IReadOnlyList<string> Teams, bool Active, bool TwoFactor = false);
public sealed record TokenDto(long Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);
public sealed record CreatedToken(long Id, string Name, string Token);

/// <summary>A new user as the admin enters them: e-mail, initial password, role (Admin, Manager, Rep), name and team.</summary>
public sealed record NewUser(string? Email, string? Password, string? Role, string? DisplayName = null, string? Team = null) : IReadFieldByField;

/// <summary>
/// Users, their profiles and their API tokens: the one place that creates, changes, deactivates and revokes them, for the
/// setup page, the settings page, the CLI and the API alike.
/// </summary>
public sealed class UserAdmin(ProspectorDb db, UserManager<User> users, RoleManager<Role> roles, TimeProvider time, IStringLocalizer<SharedResource> l,
    Prospector.Features.Audit.SecurityLog log)
{
    public const int MaxTokenName = 100, MaxDisplayName = 100;

    /// <summary>Adds a user as an admin does it (API, users panel): the address and role are checked before Identity checks the password.</summary>
    public async Task<Outcome<UserDto>> AddUserAsync(NewUser input)
    {
        var email = Identities.Canonical(input.Email);
        if (string.IsNullOrEmpty(email) || !JsonFields.IsEmail(email)) return Outcome<UserDto>.Invalid("email", l["Enter a valid e-mail address."]);
        if (Roles.All.FirstOrDefault(r => r.Equals(input.Role?.Trim(), StringComparison.OrdinalIgnoreCase)) is not { } role)
            return Outcome<UserDto>.Invalid("role", l["{0} must be one of: {1}.", "role", string.Join(", ", Roles.All)]);
        if (await ArchivedTeamAsync(input.Team) is { } archived) return Outcome<UserDto>.Invalid("team", archived);
        var (user, errors) = await CreateUserAsync(email, input.Password ?? "", role, input.DisplayName, input.Team, "en");
        if (user is null) return Outcome<UserDto>.Invalid(errors.GroupBy(FieldOf).ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()));
        return new UserDto(user.Id, user.Email!, user.DisplayName, role, string.IsNullOrWhiteSpace(input.Team) ? [] : [input.Team.Trim()], true);
    }

    /// <summary>Identity's errors about the address (taken, invalid) belong to the e-mail field, the rest to the password.</summary>
    private static string FieldOf(IdentityError e) =>
        e.Code.StartsWith("Duplicate", StringComparison.Ordinal) || e.Code.StartsWith("Invalid", StringComparison.Ordinal) ? "email" : "password";

    /// <summary>The signed-in user's own name, time zone and language; Ok(true) when the language changed.</summary>
    public async Task<Outcome<bool>> UpdateProfileAsync(long userId, string? displayName, string timeZone, string culture, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Trim().Length > MaxDisplayName) return Outcome<bool>.Invalid("displayName", l["Enter your name."]);
        if (await db.Users.FirstOrDefaultAsync(x => x.Id == userId, ct) is not { } u) return Outcome<bool>.NotFound("User not found");
        var cultureChanged = u.Culture != culture;
        (u.DisplayName, u.TimeZone, u.Culture) = (displayName.Trim(), timeZone, culture);
        await db.SaveChangesAsync(ct);
        return cultureChanged;
    }

    /// <summary>
    /// The signed-in user's working hours in their time zone: nurturing sequence steps run only inside them (empty: 09:00–17:00,
    /// Monday to Friday). The end must come after the start, and at least one day must be a working day.
    /// </summary>
    public async Task<Outcome<bool>> UpdateWorkingHoursAsync(long userId, TimeOnly start, TimeOnly end, IReadOnlyCollection<DayOfWeek> days, CancellationToken ct = default)
    {
        if (end <= start) return Outcome<bool>.Invalid("workEnd", l["The working day must end after it starts."]);
        if (days.Count == 0) return Outcome<bool>.Invalid("workDays", l["Choose at least one working day."]);
        // A number instead of a day's name reaches here from JSON (enums read numbers too): 7 or 9 is no day of the week.
        if (days.Any(d => !Enum.IsDefined(d))) return Outcome<bool>.Invalid("workDays", l["Days are Monday to Sunday."]);
        if (await db.Users.FirstOrDefaultAsync(x => x.Id == userId, ct) is not { } u) return Outcome<bool>.NotFound("User not found");
        (u.WorkStart, u.WorkEnd, u.WorkDays) = (start, end, days.Aggregate(0, (bits, d) => bits | (1 << (int)d)));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>A user's own API tokens, newest first.</summary>
    public Task<List<TokenDto>> TokensAsync(long userId, CancellationToken ct = default) =>
        db.ApiTokens.Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt)
            .Select(t => new TokenDto(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.RevokedAt)).ToListAsync(ct);

    /// <summary>A new token for the user (API, settings page); the secret is in the answer, once.</summary>
    public async Task<Outcome<CreatedToken>> NewTokenAsync(long userId, string? name)
    {
        if (name is { } n && n.Trim().Length > MaxTokenName) return Outcome<CreatedToken>.Invalid("name", l["{0} is longer than {1} characters.", "name", MaxTokenName]);
        var (token, secret) = await CreateTokenAsync(userId, name ?? "");
        return new CreatedToken(token.Id, token.Name, secret);
    }

    /// <summary>
    /// Revokes one of the user's own active tokens, at the clock's time; scripts using it are refused from their next
    /// request on. A token of someone else, or one already revoked, is not found.
    /// </summary>
    public async Task<Outcome<Done>> RevokeTokenAsync(long userId, long tokenId, CancellationToken ct = default)
    {
        var revoked = await db.ApiTokens.Where(t => t.Id == tokenId && t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, time.GetUtcNow().UtcDateTime), ct);
        if (revoked != 1) return Outcome<Done>.NotFound("Token not found", l["You have no active token {0}.", tokenId]);
        await log.RecordAsync(AuditAction.TokenRevoked, nameof(ApiToken), tokenId,
            details: [new FieldChange("UserId", null, userId.ToString(CultureInfo.InvariantCulture))], ct: ct);
        return new Done();
    }

    public async Task EnsureRolesAsync()
    {
        foreach (var name in Roles.All)
            if (!await roles.RoleExistsAsync(name))
                await roles.CreateAsync(new Role { Name = name });
    }

    /// <summary>Creates a user with one role; the errors are Identity's, readable as they are.</summary>
    public async Task<(User? User, IReadOnlyList<string> Errors)> CreateAsync(
        string email, string password, string role, string? displayName = null, string? team = null, string culture = "en")
    {
        role = Roles.All.FirstOrDefault(r => r.Equals(role, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown role '{role}'. Use admin, manager or rep.", nameof(role));
        if (await ArchivedTeamAsync(team) is { } archived) return (null, [archived]);
        var (user, errors) = await CreateUserAsync(email, password, role, displayName, team, culture);
        return (user, errors.Select(e => e.Description).ToList());
    }

    /// <summary>Why a new user cannot join the team of that name (it is archived), or null.</summary>
    private async Task<string?> ArchivedTeamAsync(string? team)
    {
        if (string.IsNullOrWhiteSpace(team)) return null;
        var name = team.Trim();
        return await db.Teams.AnyAsync(t => t.Name == name && t.ArchivedAt != null) ? l[References.ArchivedTeam, name].Value : null;
    }

    private async Task<(User? User, IReadOnlyList<IdentityError> Errors)> CreateUserAsync(
        string email, string password, string role, string? displayName, string? team, string culture)
    {
        await EnsureRolesAsync();
        var user = new User
        {
            UserName = Identities.Canonical(email),
            Email = Identities.Canonical(email),
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? email.Split('@')[0] : displayName.Trim(),
            Culture = culture,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await using var tx = await db.Database.BeginTransactionAsync();
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return (null, created.Errors.ToList());
        var inRole = await users.AddToRoleAsync(user, role);
        if (!inRole.Succeeded) return (null, inRole.Errors.ToList());
        if (!string.IsNullOrWhiteSpace(team))
        {
            var t = await db.Teams.FirstOrDefaultAsync(x => x.Name == team) ?? db.Teams.Add(new Team { Name = team.Trim() }).Entity;
            db.TeamMembers.Add(new TeamMember { Team = t, UserId = user.Id });
            await db.SaveChangesAsync();
        }
        await tx.CommitAsync();
        return (user, []);
    }

    /// <summary>All users with their role and teams, by e-mail address (the admin API and the users panel).</summary>
    public async Task<List<UserDto>> ListAsync(CancellationToken ct = default)
    {
        var users = await db.Users.OrderBy(u => u.Email).Select(u => new
        {
            u.Id,
            u.Email,
            u.DisplayName,
            Active = u.DeactivatedAt == null,
            u.TwoFactorEnabled,
            Role = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).FirstOrDefault(),
            Teams = u.Teams.Select(t => t.Team!.Name).ToList(),
        }).ToListAsync(ct);
        return users.Select(u => new UserDto(u.Id, u.Email ?? "", u.DisplayName, u.Role ?? "", u.Teams, u.Active, u.TwoFactorEnabled)).ToList();
    }

    /// <summary>
    /// Deactivates an active user. Their sign-in sessions end and a new security stamp ends every cookie of the user at its
    /// next request; the token handler checks DeactivatedAt. Not found when there is no such active user.
    /// </summary>
    public async Task<Outcome<Done>> DeactivateAsync(long id, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Users.Where(u => u.Id == id && u.DeactivatedAt == null).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.DeactivatedAt, time.GetUtcNow().UtcDateTime)
            .SetProperty(u => u.SecurityStamp, Guid.NewGuid().ToString("N")), ct);
        if (changed != 1) return Outcome<Done>.NotFound("User not found", l["There is no active user {0}.", id]);
        await db.UserSessions.Where(s => s.UserId == id).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return new Done();
    }

    /// <summary>
    /// Signs a user out in every browser (the user themself, or an admin for them): every sign-in session ends, so every
    /// copy of their cookie is refused from its next request and open pages sign out within a minute. API tokens stay;
    /// they are revoked one by one. Not found when there is no such user.
    /// </summary>
    public async Task<Outcome<int>> SignOutEverywhereAsync(long id, CancellationToken ct = default)
    {
        if (!await db.Users.AnyAsync(u => u.Id == id, ct)) return Outcome<int>.NotFound("User not found", l["There is no user {0}.", id]);
        return await db.UserSessions.Where(s => s.UserId == id).ExecuteDeleteAsync(ct);
    }

    /// <summary>
    /// Changes the user's own password after checking the current one. Every sign-in session of the user ends (also the
    /// one that changed it: they sign in again with the new password), and the security stamp changes.
    /// </summary>
    public async Task<Outcome<Done>> ChangePasswordAsync(long id, string? currentPassword, string? newPassword, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(currentPassword)) return Outcome<Done>.Invalid("currentPassword", l["Enter your current password."]);
        if (string.IsNullOrEmpty(newPassword)) return Outcome<Done>.Invalid("newPassword", l["Enter a new password."]);
        if (currentPassword.Length > 1000 || newPassword.Length > 1000)
            return Outcome<Done>.Invalid(currentPassword.Length > 1000 ? "currentPassword" : "newPassword", l["{0} is longer than {1} characters.", "password", 1000]);
        if (await users.FindByIdAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture)) is not { DeactivatedAt: null } user)
            return Outcome<Done>.NotFound("User not found", l["There is no active user {0}.", id]);
        if (!await users.CheckPasswordAsync(user, currentPassword)) return Outcome<Done>.Invalid("currentPassword", l["The current password is wrong."]);
        var changed = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!changed.Succeeded) return Outcome<Done>.Invalid(new Dictionary<string, string[]> { ["newPassword"] = changed.Errors.Select(e => e.Description).ToArray() });
        await db.UserSessions.Where(s => s.UserId == id).ExecuteDeleteAsync(ct);
        return new Done();
    }

    /// <summary>Issues a personal API token; the plain value is returned once and never stored.</summary>
    public async Task<(ApiToken Token, string Secret)> CreateTokenAsync(long userId, string name)
    {
        var secret = Secrets.New("psk_");
        var token = new ApiToken
        {
            UserId = userId,
            Name = string.IsNullOrWhiteSpace(name) ? "API token" : name.Trim(),
            Prefix = secret[..10],
            Hash = Secrets.Hash(secret),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync();
        await log.RecordAsync(AuditAction.TokenCreated, nameof(ApiToken), token.Id,
            details: [new FieldChange("UserId", null, userId.ToString(CultureInfo.InvariantCulture)), new FieldChange("Name", null, token.Name)]);
        return (token, secret);
    }

    /// <summary>Creates a one-time setup link while the workspace has no users yet.</summary>
    public async Task<string?> CreateSetupTokenAsync()
    {
        if (await db.Users.AnyAsync()) return null;
        var secret = Secrets.New();
        db.OneTimeTokens.Add(new OneTimeToken
        {
            Purpose = "setup",
            Hash = Secrets.Hash(secret),
            ExpiresAt = time.GetUtcNow().UtcDateTime.AddDays(7),
        });
        await db.SaveChangesAsync();
        return secret;
    }

    /// <summary>Consumes a setup token atomically: only one admin can be created from it.</summary>
    public async Task<bool> ConsumeSetupTokenAsync(string secret)
    {
        var hash = Secrets.Hash(secret);
        var now = time.GetUtcNow().UtcDateTime;
        return await db.OneTimeTokens
            .Where(t => t.Hash == hash && t.Purpose == "setup" && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now)) == 1;
    }

    public async Task ReleaseSetupTokenAsync(string secret)
    {
        var hash = Secrets.Hash(secret);
        await db.OneTimeTokens.Where(t => t.Hash == hash && t.Purpose == "setup")
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, (DateTime?)null));
    }

    public async Task<bool> IsSetupTokenValidAsync(string secret)
    {
        var hash = Secrets.Hash(secret);
        var now = time.GetUtcNow().UtcDateTime;
        return !await db.Users.AnyAsync() && await db.OneTimeTokens
            .AnyAsync(t => t.Hash == hash && t.Purpose == "setup" && t.UsedAt == null && t.ExpiresAt > now);
    }
}

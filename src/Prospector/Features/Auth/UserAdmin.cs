using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Auth;

public sealed record UserDto(long Id, string Email, string DisplayName, string Role, IReadOnlyList<string> Teams, bool Active);

/// <summary>Creating users and tokens: shared by the setup page, the CLI and the admin API.</summary>
public sealed class UserAdmin(ProspectorDb db, UserManager<User> users, RoleManager<Role> roles, TimeProvider time)
{
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
        await EnsureRolesAsync();
        var user = new User
        {
            UserName = email.Trim(),
            Email = email.Trim(),
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? email.Split('@')[0] : displayName.Trim(),
            Culture = culture,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await using var tx = await db.Database.BeginTransactionAsync();
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return (null, created.Errors.Select(e => e.Description).ToList());
        var inRole = await users.AddToRoleAsync(user, role);
        if (!inRole.Succeeded) return (null, inRole.Errors.Select(e => e.Description).ToList());
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
            Role = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).FirstOrDefault(),
            Teams = u.Teams.Select(t => t.Team!.Name).ToList(),
        }).ToListAsync(ct);
        return users.Select(u => new UserDto(u.Id, u.Email ?? "", u.DisplayName, u.Role ?? "", u.Teams, u.Active)).ToList();
    }

    /// <summary>
    /// Deactivates an active user. A new security stamp ends every cookie of the user at their next request;
    /// the token handler checks DeactivatedAt. False when there is no such active user.
    /// </summary>
    public async Task<bool> DeactivateAsync(long id, CancellationToken ct = default) =>
        await db.Users.Where(u => u.Id == id && u.DeactivatedAt == null).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.DeactivatedAt, time.GetUtcNow().UtcDateTime)
            .SetProperty(u => u.SecurityStamp, Guid.NewGuid().ToString("N")), ct) == 1;

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

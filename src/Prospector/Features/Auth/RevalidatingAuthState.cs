using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Auth;

/// <summary>
/// An open Blazor page keeps its user for as long as the connection lives. Every minute this checks that the
/// user is still active and their security stamp unchanged; a deactivated user is signed out of open pages too.
/// </summary>
internal sealed class RevalidatingAuthState(ILoggerFactory logger, IServiceScopeFactory scopes)
    : RevalidatingServerAuthenticationStateProvider(logger)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        var principal = state.User;
        if (!long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)) return false;
        var stamp = principal.FindFirstValue("AspNet.Identity.SecurityStamp");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
        return await db.Users.AnyAsync(u => u.Id == id && u.DeactivatedAt == null && (stamp == null || u.SecurityStamp == stamp), ct);
    }
}

using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Prospector.Features.Auth;

/// <summary>
/// An open Blazor page keeps its user for as long as the connection lives. Every minute this checks that the
/// user is still active, their security stamp unchanged and the page's sign-in session open (<see cref="Sessions"/>):
/// a deactivated user, or one signed out everywhere, is signed out of open pages too, within that minute.
/// </summary>
internal sealed class RevalidatingAuthState(ILoggerFactory logger, IServiceScopeFactory scopes)
    : RevalidatingServerAuthenticationStateProvider(logger)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Sessions>().IsOpenAsync(state.User, ct);
    }
}

using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Hosting;

namespace Prospector.Components.Shared;

/// <summary>
/// Base of the interactive pages. A circuit lives long, a DbContext should not: each piece of work gets its
/// own service scope, the signed-in user for the audit trail and the user's access scope.
/// </summary>
public abstract class AppPage : ComponentBase
{
    [Inject] protected IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;
    [Inject] protected NavigationManager Nav { get; set; } = default!;
    [Inject] protected IDialogService PageDialogs { get; set; } = default!;
    [Inject] protected TimeProvider PageClock { get; set; } = default!;
    [Inject] private IHttpContextAccessor PageHttp { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> Texts { get; set; } = default!;
    [CascadingParameter] protected Task<AuthenticationState> AuthState { get; set; } = default!;

    /// <summary>
    /// Asks before a destructive action, saying what will happen; true when the user confirmed.
    /// Every delete, revert, revoke or deactivate in the UI goes through here rather than acting on one click.
    /// </summary>
    protected async Task<bool> ConfirmAsync(string title, string message, string confirm) =>
        await PageDialogs.ShowMessageBoxAsync(title, message, yesText: confirm, cancelText: Texts["Cancel"],
            options: new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small, FullWidth = true }) == true;

    /// <summary>
    /// The UI edge of a feature service's outcome: true when it succeeded (with <paramref name="success"/> shown, if given);
    /// otherwise one notice saying what was wrong, in the user's language. Forms that mark fields read <c>Errors</c> themselves.
    /// </summary>
    protected bool Show<T>(Outcome<T> outcome, string? success = null)
    {
        if (outcome.IsOk)
        {
            if (success is not null) Snackbar.Add(success, Severity.Success);
            return true;
        }
        var text = outcome.Kind switch
        {
            OutcomeKind.Invalid => string.Join(" ", outcome.Errors.SelectMany(kv => kv.Value).Distinct()),
            OutcomeKind.Stale => Texts["The record was changed by someone else"].Value,
            _ => string.Join(" ", new[] { outcome.Title, outcome.Detail }.OfType<string>().Select(t => Texts[t].Value)),
        };
        Snackbar.Add(text, outcome.Kind == OutcomeKind.Invalid ? Severity.Warning : Severity.Error);
        return false;
    }

    /// <summary>Runs <paramref name="work"/> with a feature service of type <typeparamref name="TService"/> in a scope of its own.</summary>
    protected Task<TResult> WithAsync<TService, TResult>(Func<TService, AccessScope, Task<TResult>> work) where TService : notnull =>
        WithServicesAsync((sp, access) => work(sp.GetRequiredService<TService>(), access));

    protected async Task<T> WithServicesAsync<T>(Func<IServiceProvider, AccessScope, Task<T>> work)
    {
        var user = (await AuthState).User;
        await using var scope = Scopes.CreateAsyncScope();
        var holder = scope.ServiceProvider.GetRequiredService<CurrentUserHolder>();
        holder.User = user;
        holder.RemoteIp = PageHttp.HttpContext?.Connection.RemoteIpAddress?.ToString();
        var access = await scope.ServiceProvider.GetRequiredService<RecordAccess>().ScopeAsync(user);
        return await work(scope.ServiceProvider, access);
    }

    protected Task<T> WithDbAsync<T>(Func<ProspectorDb, AccessScope, Task<T>> work) =>
        WithServicesAsync((sp, access) => work(sp.GetRequiredService<ProspectorDb>(), access));

    protected Task WithDbAsync(Func<ProspectorDb, AccessScope, Task> work) =>
        WithDbAsync<bool>(async (db, scope) => { await work(db, scope); return true; });
}

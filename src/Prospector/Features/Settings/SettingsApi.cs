using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Settings;

public sealed record WorkspaceDto(string Name, bool RepsSeeAll, Terminology Terminology, string DefaultCountry, string DefaultCurrency, int Version,
    int? RetentionDays = null, bool CustomersNeedNextAction = false, int CustomersNotContactedMonths = 6, bool RequireTwoFactor = false);

/// <summary>The body of <c>POST /me/password</c>: the current password and the new one.</summary>
public sealed record PasswordInput(string? CurrentPassword, string? NewPassword);

/// <summary>The body of <c>POST /tokens</c>: what the token is for (up to 100 characters).</summary>
public sealed record TokenInput(string? Name) : IReadFieldByField;

/// <summary>
/// The body of <c>PUT /workspace</c> (If-Match: the version from GET): a field left out stays as it is. <c>version</c> may be
/// sent back as GET gave it; it is not read (If-Match is).
/// </summary>
public sealed record WorkspaceInput(string? Name, bool? RepsSeeAll, Terminology? Terminology, string? DefaultCountry, string? DefaultCurrency,
    int? RetentionDays, int? Version, bool? CustomersNeedNextAction = null,
    [property: System.ComponentModel.Description("A customer with no conversation for this many months (1 to 60) is listed as not contacted and counts as stale=true.")]
    int? CustomersNotContactedMonths = null, bool? RequireTwoFactor = null) : IReadFieldByField;

/// <summary>The user's own API tokens, user administration and workspace settings; the work is <see cref="UserAdmin"/>'s and <see cref="WorkspaceService"/>'s.</summary>
public static class SettingsApi
{
    public static IEndpointRouteBuilder MapSettingsApi(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/tokens").WithTags("API tokens");
        tokens.MapGet("/", ListTokens);
        tokens.MapPost("/", CreateToken);
        tokens.MapDelete("/{id:long}", RevokeToken);

        var users = app.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.Admin);
        users.MapGet("/", ListUsers);
        users.MapPost("/", CreateUser);
        users.MapPost("/{id:long}/deactivate", DeactivateUser);
        users.MapPost("/{id:long}/reset-two-factor", ResetTwoFactor)
            .WithSummary("Resets the user's two-factor sign-in (lost phone): it is off until they set it up again, and their sessions end.");
        users.MapPost("/{id:long}/sign-out-everywhere", SignUserOutEverywhere)
            .WithSummary("Signs the user out in every browser: each copy of their sign-in cookie stops working at its next request (API tokens stay).");

        app.MapGet("/me", Me).WithTags("Users");
        app.MapPost("/me/sign-out-everywhere", SignOutEverywhere).WithTags("Users")
            .WithSummary("Signs you out in every browser, this one included: each copy of your sign-in cookie stops working at its next request (API tokens stay).");
        app.MapPost("/me/password", ChangePassword).WithTags("Users")
            .WithSummary("Changes your password (the current one is checked); every sign-in session of yours ends, so you sign in again with the new one.");
        var ws = app.MapGroup("/workspace").WithTags("Workspace");
        ws.MapGet("/", GetWorkspace);
        ws.MapPut("/", UpdateWorkspace).RequireAuthorization(Policies.Admin).WithIfMatch();
        return app;
    }

    private static async Task<Ok<List<TokenDto>>> ListTokens(AccessScope scope, UserAdmin admin, CancellationToken ct) =>
        TypedResults.Ok(await admin.TokensAsync(scope.UserId, ct));

    private static async Task<Results<Created<CreatedToken>, ValidationProblem, ProblemHttpResult>> CreateToken(
        Body<TokenInput> body, AccessScope scope, UserAdmin admin, CancellationToken ct)
    {
        var f = body.Fields;
        string? name = null;
        f.String("name", int.MaxValue, v => name = v);
        if (f.Errors.Count > 0) return TypedResults.ValidationProblem(f.Errors);
        return (await admin.NewTokenAsync(scope.UserId, name)).ToCreated(t => $"/api/v1/tokens/{t.Id}", t => t);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RevokeToken(long id, AccessScope scope, UserAdmin admin, CancellationToken ct) =>
        (await admin.RevokeTokenAsync(scope.UserId, id, ct)).ToNoContent();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ResetTwoFactor(long id, TwoFactor twoFactor, CancellationToken ct) =>
        (await twoFactor.ResetAsync(id, ct)).ToNoContent();

    private static async Task<Ok<List<UserDto>>> ListUsers(UserAdmin admin, CancellationToken ct) =>
        TypedResults.Ok(await admin.ListAsync(ct));

    private static async Task<Results<Created<UserDto>, ValidationProblem, ProblemHttpResult>> CreateUser(Body<NewUser> body, UserAdmin admin, CancellationToken ct)
    {
        var f = body.Fields;
        string? email = null, password = null, role = null, name = null, team = null;
        f.String("email", 254, v => email = v);
        f.String("password", 1000, v => password = v);
        f.String("role", 20, v => role = v);
        f.String("displayName", UserAdmin.MaxDisplayName, v => name = v);
        f.String("team", 100, v => team = v);
        if (f.Errors.Count > 0) return TypedResults.ValidationProblem(f.Errors);
        return (await admin.AddUserAsync(new NewUser(email, password, role, name, team))).ToCreated(u => $"/api/v1/users/{u.Id}", u => u);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeactivateUser(long id, UserAdmin admin, CancellationToken ct) =>
        (await admin.DeactivateAsync(id, ct)).ToNoContent();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SignUserOutEverywhere(long id, UserAdmin admin, CancellationToken ct) =>
        (await admin.SignOutEverywhereAsync(id, ct)).ToNoContent();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SignOutEverywhere(AccessScope scope, UserAdmin admin, CancellationToken ct) =>
        (await admin.SignOutEverywhereAsync(scope.UserId, ct)).ToNoContent();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        Body<PasswordInput> body, AccessScope scope, UserAdmin admin, CancellationToken ct) =>
        // Read as typed: a password is taken exactly as sent (no trimming); the service checks it.
        (await admin.ChangePasswordAsync(scope.UserId, body.Value.CurrentPassword, body.Value.NewPassword, ct)).ToNoContent();

    /// <summary>
    /// Who the caller is: kept in the same cache as the caller's identity (AuthCache), which every write to users, teams
    /// and team members empties, so a new name or team shows at the next request; the role is the one the request carries.
    /// </summary>
    private static async Task<Ok<UserDto>> Me(ClaimsPrincipal user, AuthCache cache, HttpContext http, CancellationToken ct)
    {
        var id = Auth.Me.Id(user);
        var role = Roles.All.FirstOrDefault(user.IsInRole) ?? "";
        var u = await cache.GetOrLoadAsync<UserDto>($"me:{id}", () => http.RequestServices.GetRequiredService<ProspectorDb>().Users
            .AsNoTracking().Where(x => x.Id == id).Select(x => new UserDto(x.Id, x.Email!, x.DisplayName, "", x.Teams.Select(t => t.Team!.Name).ToList(), x.DeactivatedAt == null))
            .FirstOrDefaultAsync(ct));
        return TypedResults.Ok(u! with { Role = role });
    }

    private static async Task<Ok<WorkspaceDto>> GetWorkspace(WorkspaceService workspace, HttpResponse response, CancellationToken ct)
    {
        var dto = await workspace.GetAsync(ct);
        response.Headers.ETag = Api.ETag(dto.Version);
        return TypedResults.Ok(dto);
    }

    /// <summary>
    /// Like every change to a versioned record, it needs If-Match with the version from GET (428 without it); a change
    /// based on an older version answers 412 with the current one.
    /// </summary>
    private static async Task<Results<Ok<WorkspaceDto>, ValidationProblem, ProblemHttpResult>> UpdateWorkspace(
        Body<WorkspaceInput> body, HttpRequest request, AccessScope scope, WorkspaceService workspace, CancellationToken ct)
    {
        if (Api.IfMatchVersion(request) is not { } expected) return Api.PreconditionRequired();
        var f = body.Fields;
        string? name = null, country = null, currency = null;
        bool? repsSeeAll = null, customersNeedNextAction = null, requireTwoFactor = null;
        Terminology? terminology = null;
        int? retention = null, notContactedMonths = null;
        // Only the types are read here; what a value may be is the service's to say, for the page and the API alike.
        f.String("name", int.MaxValue, v => name = v ?? "");
        f.String("defaultCountry", 100, v => country = v ?? "");
        f.String("defaultCurrency", 100, v => currency = v ?? "");
        f.Bool("repsSeeAll", v => repsSeeAll = v);
        f.Bool("customersNeedNextAction", v => customersNeedNextAction = v);
        f.Bool("requireTwoFactor", v => requireTwoFactor = v);
        f.Enum<Terminology>("terminology", v => terminology = v);
        f.Int("retentionDays", int.MinValue, int.MaxValue, v => retention = v);
        f.Int("customersNotContactedMonths", int.MinValue, int.MaxValue, v => notContactedMonths = v);
        if (f.Errors.Count > 0) return TypedResults.ValidationProblem(f.Errors);
        var saved = await workspace.UpdateAsync(expected, new WorkspaceChange(name, repsSeeAll, terminology, country, currency, retention, customersNeedNextAction,
            notContactedMonths, requireTwoFactor), scope, ct);
        if (saved.Value is { } dto) request.HttpContext.Response.Headers.ETag = Api.ETag(dto.Version);
        return saved.ToOk();
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Settings;

public sealed record TokenDto(long Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);
public sealed record NewToken(string? Name);
public sealed record CreatedToken(long Id, string Name, string Token);
public sealed record NewUser(string Email, string Password, string Role, string? DisplayName, string? Team);
public sealed record WorkspaceDto(string Name, bool RepsSeeAll, Terminology Terminology, string DefaultCountry, string DefaultCurrency, int Version,
    int? RetentionDays = null);

/// <summary>The user's own API tokens, user administration and workspace settings.</summary>
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

        app.MapGet("/me", Me).WithTags("Users");
        var ws = app.MapGroup("/workspace").WithTags("Workspace");
        ws.MapGet("/", GetWorkspace);
        ws.MapPut("/", UpdateWorkspace).RequireAuthorization(Policies.Admin);
        return app;
    }

    private static long UserId(ClaimsPrincipal user) => Auth.Me.Id(user);

    private static async Task<Ok<List<TokenDto>>> ListTokens(ClaimsPrincipal user, ProspectorDb db, CancellationToken ct)
    {
        var id = UserId(user);
        return TypedResults.Ok(await db.ApiTokens.Where(t => t.UserId == id).OrderByDescending(t => t.CreatedAt)
            .Select(t => new TokenDto(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.RevokedAt)).ToListAsync(ct));
    }

    private static async Task<Results<Created<CreatedToken>, ValidationProblem>> CreateToken(NewToken body, ClaimsPrincipal user, UserAdmin admin)
    {
        if (body.Name is { Length: > 100 }) return Api.Invalid("name", "name is longer than 100 characters.");
        var (token, secret) = await admin.CreateTokenAsync(UserId(user), body.Name ?? "API token");
        return TypedResults.Created($"/api/v1/tokens/{token.Id}", new CreatedToken(token.Id, token.Name, secret));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeToken(long id, ClaimsPrincipal user, ProspectorDb db, TimeProvider time, CancellationToken ct)
    {
        var me = UserId(user);
        var n = await db.ApiTokens.Where(t => t.Id == id && t.UserId == me && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, time.GetUtcNow().UtcDateTime), ct);
        return n == 1 ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: 404, title: "Token not found", detail: $"You have no active token {id}.");
    }

    private static async Task<Ok<List<UserDto>>> ListUsers(UserAdmin admin, CancellationToken ct) =>
        TypedResults.Ok(await admin.ListAsync(ct));

    private static async Task<Results<Created<UserDto>, ValidationProblem>> CreateUser(NewUser body, UserAdmin admin)
    {
        if (string.IsNullOrWhiteSpace(body.Email) || !JsonFields.IsEmail(body.Email.Trim()))
            return Api.Invalid("email", "A valid e-mail address is required.");
        if (!Roles.All.Contains(body.Role, StringComparer.OrdinalIgnoreCase))
            return Api.Invalid("role", "role must be Admin, Manager or Rep.");
        var (user, errors) = await admin.CreateAsync(body.Email, body.Password ?? "", body.Role, body.DisplayName, body.Team);
        if (user is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = [.. errors] });
        return TypedResults.Created($"/api/v1/users/{user.Id}",
            new UserDto(user.Id, user.Email!, user.DisplayName, body.Role, body.Team is null ? [] : [body.Team], true));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeactivateUser(long id, UserAdmin admin, CancellationToken ct) =>
        await admin.DeactivateAsync(id, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: 404, title: "User not found", detail: $"There is no active user {id}.");

    private static async Task<Ok<UserDto>> Me(ClaimsPrincipal user, ProspectorDb db, CancellationToken ct)
    {
        var id = UserId(user);
        var u = await db.Users.Include(x => x.Teams).ThenInclude(t => t.Team).FirstAsync(x => x.Id == id, ct);
        var role = Roles.All.FirstOrDefault(user.IsInRole) ?? "";
        return TypedResults.Ok(new UserDto(u.Id, u.Email!, u.DisplayName, role, u.Teams.Select(t => t.Team!.Name).ToList(), u.DeactivatedAt is null));
    }

    private static async Task<Ok<WorkspaceDto>> GetWorkspace(ProspectorDb db, CancellationToken ct)
    {
        var s = await db.WorkspaceSettings.FirstAsync(ct);
        return TypedResults.Ok(new WorkspaceDto(s.Name, s.RepsSeeAll, s.Terminology, s.DefaultCountry, s.DefaultCurrency, s.Version, s.RetentionDays));
    }

    private static async Task<Results<Ok<WorkspaceDto>, ValidationProblem>> UpdateWorkspace(WorkspaceDto body, ProspectorDb db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 100) return Api.Invalid("name", "name is required (up to 100 characters).");
        if (body.DefaultCountry is not { Length: 2 }) return Api.Invalid("defaultCountry", "defaultCountry must be a two-letter ISO code.");
        if (body.DefaultCurrency is not { Length: 3 }) return Api.Invalid("defaultCurrency", "defaultCurrency must be a three-letter ISO code.");
        if (body.RetentionDays is < 1 or > 3650) return Api.Invalid("retentionDays", "retentionDays must be between 1 and 3650.");
        var s = await db.WorkspaceSettings.FirstAsync(ct);
        s.Name = body.Name.Trim();
        s.RepsSeeAll = body.RepsSeeAll;
        s.Terminology = body.Terminology;
        s.DefaultCountry = body.DefaultCountry.ToUpperInvariant();
        s.DefaultCurrency = body.DefaultCurrency.ToUpperInvariant();
        s.RetentionDays = body.RetentionDays ?? s.RetentionDays;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new WorkspaceDto(s.Name, s.RepsSeeAll, s.Terminology, s.DefaultCountry, s.DefaultCurrency, s.Version, s.RetentionDays));
    }
}

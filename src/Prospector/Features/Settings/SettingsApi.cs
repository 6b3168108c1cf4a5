using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
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

        app.MapGet("/me", Me).WithTags("Users").WithSummary("Who you are: name, role, teams, time zone and working hours.");
        app.MapPatch("/me", PatchMe).WithTags("Users")
            .WithSummary("Changes your working hours (nurturing sequence steps run only inside them); fields left out stay as they are.")
            .WithDescription("workingHours.start and .end as HH:mm in your time zone (end after start), workingHours.days the working days (at least one).");
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
    private static async Task<Ok<MeDto>> Me(ClaimsPrincipal user, AuthCache cache, HttpContext http, CancellationToken ct)
    {
        var id = Auth.Me.Id(user);
        var role = Roles.All.FirstOrDefault(user.IsInRole) ?? "";
        var u = await cache.GetOrLoadAsync<MeDto>($"me:{id}", () => LoadMeAsync(http.RequestServices.GetRequiredService<ProspectorDb>(), id, ct));
        return TypedResults.Ok(u! with { Role = role });
    }

    private static async Task<MeDto?> LoadMeAsync(ProspectorDb db, long id, CancellationToken ct)
    {
        var x = await db.Users.AsNoTracking().Where(x => x.Id == id)
            .Select(x => new { x.Id, x.Email, x.DisplayName, Teams = x.Teams.Select(t => t.Team!.Name).ToList(), Active = x.DeactivatedAt == null, x.TimeZone, x.WorkStart, x.WorkEnd, x.WorkDays })
            .FirstOrDefaultAsync(ct);
        if (x is null) return null;
        var h = Sequences.WorkingHours.Of(x.TimeZone, x.WorkStart, x.WorkEnd, x.WorkDays);
        return new MeDto(x.Id, x.Email!, x.DisplayName, "", x.Teams, x.Active, h.TimeZone,
            new WorkingHoursDto(h.Start.ToString("HH:mm", CultureInfo.InvariantCulture), h.End.ToString("HH:mm", CultureInfo.InvariantCulture),
                Enum.GetValues<DayOfWeek>().Where(h.IsWorkingDay).OrderBy(d => ((int)d + 6) % 7).ToList()));
    }

    private static async Task<Results<Ok<MeDto>, ValidationProblem, ProblemHttpResult>> PatchMe(
        Body<MePatch> body, ClaimsPrincipal user, UserAdmin admin, AuthCache cache, HttpContext http, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        if (body.Value.WorkingHours is { } w)
        {
            var errors = new Dictionary<string, string[]>();
            var start = Time(w.Start, "workingHours.start");
            var end = Time(w.End, "workingHours.end");
            if (w.Days is null) errors["workingHours.days"] = [l["{0} is required.", "workingHours.days"]];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            var saved = await admin.UpdateWorkingHoursAsync(Auth.Me.Id(user), start!.Value, end!.Value, w.Days!.Distinct().ToList(), ct);
            if (!saved.IsOk)
                return saved.Kind == OutcomeKind.Invalid
                    ? TypedResults.ValidationProblem(saved.Errors.ToDictionary(e => e.Key switch { "workEnd" => "workingHours.end", "workDays" => "workingHours.days", _ => "workingHours." + e.Key }, e => e.Value))
                    : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: saved.Title);

            TimeOnly? Time(string? text, string field)
            {
                if (string.IsNullOrWhiteSpace(text)) errors[field] = [l["{0} is required.", field]];
                else if (TimeOnly.TryParseExact(text.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return t;
                else errors[field] = [l["{0} must be a time of day as HH:mm, e.g. 09:00.", field]];
                return null;
            }
        }
        return TypedResults.Ok((await Me(user, cache, http, ct)).Value!);
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

/// <summary>The caller: who they are, their role and teams, and the time zone and working hours sequence steps run in.</summary>
public sealed record MeDto(long Id, string Email, string DisplayName, string Role, IReadOnlyList<string> Teams, bool Active,
    [property: System.ComponentModel.Description("IANA time zone, e.g. Europe/Berlin.")] string TimeZone,
    [property: System.ComponentModel.Description("When nurturing sequence steps of your contacts run.")] WorkingHoursDto WorkingHours);

/// <summary>Working hours in the user's time zone.</summary>
public sealed record WorkingHoursDto(
    [property: System.ComponentModel.Description("Start of the working day, HH:mm.")] string Start,
    [property: System.ComponentModel.Description("End of the working day, HH:mm (after the start).")] string End,
    [property: System.ComponentModel.Description("The working days (at least one).")] IReadOnlyList<DayOfWeek> Days);

/// <summary>What PATCH /api/v1/me changes; a field left out stays as it is.</summary>
public sealed record MePatch([property: System.ComponentModel.Description("New working hours: all three fields.")] WorkingHoursInput? WorkingHours = null);

/// <summary>Working hours to set.</summary>
public sealed record WorkingHoursInput(
    [property: System.ComponentModel.Description("HH:mm, e.g. 08:30.")] string? Start = null,
    [property: System.ComponentModel.Description("HH:mm, after the start, e.g. 16:30.")] string? End = null,
    [property: System.ComponentModel.Description("Working days, e.g. [\"Monday\",\"Tuesday\"].")] List<DayOfWeek>? Days = null);

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.Auth;

public static class AuthSetup
{
    /// <summary>Picks the API token handler when a Bearer header is present, the sign-in cookie otherwise.</summary>
    private const string Smart = "Smart";

    public static IServiceCollection AddProspectorAuth(this IServiceCollection services)
    {
        services.AddIdentityCore<User>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
            })
            .AddRoles<Role>()
            .AddEntityFrameworkStores<ProspectorDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<BreachedPasswords>()
            .AddErrorDescriber<LocalizedIdentityErrors>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Smart;
                o.DefaultChallengeScheme = Smart;
                o.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddPolicyScheme(Smart, Smart, o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, null)
            // The step between the password and the two-factor code: names the user for five minutes, nothing more.
            .AddCookie(IdentityConstants.TwoFactorUserIdScheme, o =>
            {
                o.Cookie.Name = "prospector.2fa";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            })
            // Identity asks for it; Prospector never remembers a browser (each sign-in asks for the code).
            .AddCookie(IdentityConstants.TwoFactorRememberMeScheme, o => o.Cookie.Name = "prospector.2fa-remember")
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = "prospector.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/account/login";
                o.LogoutPath = "/account/logout";
                o.AccessDeniedPath = "/account/denied";
                o.ExpireTimeSpan = TimeSpan.FromDays(14);
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents
                {
                    OnSigningIn = StartSession,
                    OnSigningOut = EndSession,
                    OnValidatePrincipal = ValidateSession,
                    // Scripts get status codes, people get the sign-in page.
                    OnRedirectToLogin = ctx => ApiOrRedirect(ctx, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = ctx => ApiOrRedirect(ctx, StatusCodes.Status403Forbidden),
                };
            });

        services.AddAuthorizationBuilder()
            // Security by default: every endpoint needs a signed-in user unless it says otherwise.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.ManagerOrAdmin, p => p.RequireRole(Roles.Admin, Roles.Manager));

        // After AddIdentityCore: replaces its upper-case-only normalizer, so look-alike spellings are one account.
        services.AddSingleton<ILookupNormalizer, IdentityNormalizer>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AuthCache>();
        services.AddScoped<UserAdmin>();
        services.AddScoped<Sessions>();
        services.AddScoped<TwoFactor>();
        return services;
    }

    /// <summary>Every sign-in opens a server-side session; the cookie carries its key (see <see cref="Sessions"/>).</summary>
    private static async Task StartSession(CookieSigningInContext ctx)
    {
        if (ctx.Principal?.Identity is not ClaimsIdentity identity
            || !long.TryParse(identity.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var userId)) return;
        foreach (var old in identity.FindAll(Sessions.KeyClaim).ToList()) identity.RemoveClaim(old);
        var sessions = ctx.HttpContext.RequestServices.GetRequiredService<Sessions>();
        var key = await sessions.StartAsync(userId, ctx.Request.Headers.UserAgent.ToString(), ctx.HttpContext.RequestAborted);
        identity.AddClaim(new Claim(Sessions.KeyClaim, key));
    }

    /// <summary>Signing out ends the session on the server: a copy of the cookie no longer works.</summary>
    private static Task EndSession(CookieSigningOutContext ctx) =>
        ctx.HttpContext.RequestServices.GetRequiredService<Sessions>().EndAsync(ctx.HttpContext.User, ctx.HttpContext.RequestAborted);

    /// <summary>
    /// A cookie whose session was ended (sign-out, sign-out everywhere, password change, deactivation), whose user is
    /// deactivated or deleted, or whose security stamp changed is rejected at this very request. A user whose role an admin
    /// changed keeps the session with the new role from this request on (the cookie is reissued with it).
    /// </summary>
    private static async Task ValidateSession(CookieValidatePrincipalContext ctx)
    {
        var sessions = ctx.HttpContext.RequestServices.GetRequiredService<Sessions>();
        if (ctx.Principal is { } p && await sessions.RoleIfOpenAsync(p, ctx.HttpContext.RequestAborted) is { } role)
        {
            if (role == Sessions.RoleOf(p)) return;
            ctx.ReplacePrincipal(Sessions.WithRole(p, role));
            ctx.ShouldRenew = true;
            return;
        }
        ctx.RejectPrincipal();
        await ctx.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }

    private static Task ApiOrRedirect(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/_blazor"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}

public static class Policies
{
    public const string Admin = "Admin";
    public const string ManagerOrAdmin = "ManagerOrAdmin";
}

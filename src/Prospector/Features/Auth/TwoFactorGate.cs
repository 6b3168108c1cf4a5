using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Localization;
using Prospector.Features.Access;

namespace Prospector.Features.Auth;

/// <summary>
/// When the workspace requires two-factor sign-in, a user signed in by cookie who has not set it up works only on its set-up
/// page: pages send them there, the API and the live connection of the pages answer 403. API tokens (Bearer) are not
/// affected: scripts keep working.
/// </summary>
public static class TwoFactorGate
{
    public const string SetupPath = "/account/two-factor";

    public static IApplicationBuilder UseTwoFactorGate(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var path = ctx.Request.Path;
        var gated = path.StartsWithSegments("/api") || path.StartsWithSegments("/_blazor")
            || (HttpMethods.IsGet(ctx.Request.Method) && !path.StartsWithSegments("/account")
                && ctx.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase));
        if (!gated || ctx.User.Identity?.IsAuthenticated != true
            || ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || !long.TryParse(ctx.User.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            || !await MustSetUpAsync(ctx, userId))
        {
            await next(ctx);
            return;
        }
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/_blazor"))
        {
            var l = ctx.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Two-factor sign-in required",
                detail: l["Your workspace requires two-factor sign-in. Set it up at {0}; API tokens keep working.", SetupPath]).ExecuteAsync(ctx);
            return;
        }
        ctx.Response.Redirect(SetupPath);
    });

    /// <summary>Cached (<see cref="AuthCache"/>) until the user or the workspace settings are written.</summary>
    private static async Task<bool> MustSetUpAsync(HttpContext ctx, long userId) =>
        await ctx.RequestServices.GetRequiredService<AuthCache>().GetOrLoadAsync<string>($"2fa:{userId}", async () =>
            await ctx.RequestServices.GetRequiredService<TwoFactor>().MustSetUpAsync(userId, ctx.RequestAborted) ? "must" : "no") == "must";
}

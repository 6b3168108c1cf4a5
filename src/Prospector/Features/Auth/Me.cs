using System.Globalization;
using System.Security.Claims;

namespace Prospector.Features.Auth;

public static class Me
{
    /// <summary>The signed-in user's id (endpoints behind the fallback policy always have one).</summary>
    public static long Id(ClaimsPrincipal user) => long.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!, CultureInfo.InvariantCulture);
}

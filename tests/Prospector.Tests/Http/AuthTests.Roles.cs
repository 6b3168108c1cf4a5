using System.Net;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

public abstract partial class AuthTests
{
    [Fact]
    public async Task A_role_change_counts_from_the_next_request_of_a_signed_in_browser_which_stays_signed_in()
    {
        var user = await app.UserAsync("Rep", "Nord");
        var admin = await app.UserAsync("Admin");
        var browser = Browser(app);
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(browser, user.Email, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/v1/users")).StatusCode);
        var copy = CopyOf(browser);

        Assert.Equal(HttpStatusCode.OK, (await admin.Client.PatchAsync($"/api/v1/users/{user.Id}", new { role = "Manager" }, null)).StatusCode);
        var me = await browser.GetJsonAsync("/api/v1/me");
        Assert.Equal("Manager", me.GetProperty("role").GetString());
        Assert.Equal("Manager", (await copy.GetJsonAsync("/api/v1/me")).GetProperty("role").GetString());

        Assert.Equal(HttpStatusCode.OK, (await admin.Client.PatchAsync($"/api/v1/users/{user.Id}", new { role = "Admin" }, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.PatchAsync($"/api/v1/users/{user.Id}", new { role = "Rep" }, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await copy.GetAsync("/api/v1/users")).StatusCode);
    }
}

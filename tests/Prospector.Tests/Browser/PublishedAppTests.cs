using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Prospector.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// `dotnet publish` output installed in one folder and started from another, as a systemd unit does
/// (`cd /var/lib/prospector &amp;&amp; /opt/prospector/prospector serve`): the page, its styles and its scripts all come
/// from the app's own folder, and the app becomes styled and interactive in a browser.
/// </summary>
[Collection("Browser")]
public sealed partial class PublishedAppTests(BrowserFixture browser)
{
    [Fact]
    public async Task Published_app_started_from_another_folder_serves_its_assets_and_becomes_styled_and_interactive()
    {
        var root = Directory.CreateTempSubdirectory("prospector-publish-").FullName;
        try
        {
            var app = Path.Combine(root, "opt-prospector");
            await PublishAsync(app);
            // The working directory is an unrelated, empty folder: nothing of the app is there.
            var elsewhere = Directory.CreateDirectory(Path.Combine(root, "var-lib-prospector")).FullName;
            var exe = Path.Combine(app, OperatingSystem.IsWindows() ? "prospector.exe" : "prospector");
            Assert.True(File.Exists(exe), $"The publish output has no {Path.GetFileName(exe)}.");
            await using var server = await ServerProcess.StartAsync(exe, [], elsewhere, Path.Combine(elsewhere, "data"));
            try
            {
                await AssetsAreTheFilesOfThePublishOutputAsync(server, app);
                await StyledAndInteractiveAsync(server);
            }
            catch
            {
                await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "prospector-published-server.log"), server.Output);
                throw;
            }
            // The default data directory is relative to where it was started (as documented), so the database is here.
            Assert.True(File.Exists(Path.Combine(elsewhere, "data", "prospector.db")));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Framework-dependent publish of the build the tests run against (same configuration, no second build).</summary>
    private static async Task PublishAsync(string output)
    {
        var bin = new DirectoryInfo(Path.GetDirectoryName(ProspectorExe.Dll)!); // src/Prospector/bin/{Configuration}/{tfm}
        var project = Path.Combine(bin.Parent!.Parent!.Parent!.FullName, "Prospector.csproj");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["publish", project, "-c", bin.Parent.Name, "--no-build", "--nologo", "-o", output])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish did not finish: {await stdout}{await stderr}");
        }
        Assert.True(p.ExitCode == 0, $"dotnet publish failed:\n{await stdout}{await stderr}");
    }

    private static async Task AssetsAreTheFilesOfThePublishOutputAsync(ServerProcess server, string app)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl + "/"), Timeout = TimeSpan.FromMinutes(2) };
        var html = await http.GetStringAsync("account/login");
        var assets = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).Distinct().ToList();
        Assert.Contains(assets, a => a.Contains("MudBlazor", StringComparison.Ordinal) && a.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.StartsWith("_framework/blazor.web.", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.StartsWith("app.", StringComparison.Ordinal) && a.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.StartsWith("app.", StringComparison.Ordinal) && a.EndsWith(".js", StringComparison.Ordinal));

        // The publish output's own map from a (fingerprinted) address to the file behind it, uncompressed variant.
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app, "prospector.staticwebassets.endpoints.json")));
        var files = manifest.RootElement.GetProperty("Endpoints").EnumerateArray()
            .Where(e => e.GetProperty("Selectors").GetArrayLength() == 0)
            .DistinctBy(e => e.GetProperty("Route").GetString())
            .ToDictionary(e => e.GetProperty("Route").GetString()!, e => e.GetProperty("AssetFile").GetString()!);
        foreach (var asset in assets)
        {
            // HttpClient asks for no compression, so the bytes must be exactly the file's.
            using var res = await http.GetAsync(asset);
            Assert.True(res.IsSuccessStatusCode, $"{asset}: {(int)res.StatusCode}");
            var served = await res.Content.ReadAsByteArrayAsync();
            Assert.True(served.Length > 0, $"{asset} was served empty.");
            Assert.True(files.TryGetValue(asset, out var file), $"{asset} is not in the publish output's asset manifest.");
            var onDisk = await File.ReadAllBytesAsync(Path.Combine(app, "wwwroot", file));
            Assert.True(onDisk.AsSpan().SequenceEqual(served), $"{asset} differs from wwwroot/{file} ({served.Length} bytes served, {onDisk.Length} on disk).");
        }
    }

    private async Task StyledAndInteractiveAsync(ServerProcess server)
    {
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            await page.WaitForSelectorAsync("#app-state[data-interactive=yes]", new() { State = WaitForSelectorState.Attached });
            // MudBlazor's stylesheet is applied: its app bar is a fixed flex bar (an unstyled <header> is static and block).
            var bar = page.Locator(".mud-appbar").First;
            Assert.Equal("fixed", await bar.EvaluateAsync<string>("e => getComputedStyle(e).position"));
            Assert.Equal("flex", await bar.EvaluateAsync<string>("e => getComputedStyle(e).display"));
            // And the page answers the keyboard: Ctrl+K (a script of the app) focuses the global search.
            await page.Keyboard.PressAsync("Control+k");
            await Expect(page.Locator("[data-global-search] input")).ToBeFocusedAsync();
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-published-failure.png"), FullPage = true });
            throw;
        }
    }

    /// <summary>Stylesheets, scripts and the import map's targets the page refers to, relative to the base address.</summary>
    [GeneratedRegex("""(?:href|src)="(?<url>[^"?#:]+\.(?:css|js))"|"\./(?<url>[^"?#:]+\.js)"\s*:""")]
    private static partial Regex AssetReference();
}

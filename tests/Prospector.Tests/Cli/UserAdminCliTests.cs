using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Cli;

/// <summary><c>prospector user set</c> and <c>prospector user reassign</c>, run as the real executable on a real data directory.</summary>
public sealed class UserAdminCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-cli-team-").FullName;

    private Task<ProspectorExe.Result> RunAsync(params string[] args) => ProspectorExe.RunAsync([.. args, "--data-dir", _dir], stdin: "ein-langes-passwort\n");

    [Fact]
    public async Task User_set_changes_role_and_teams_and_reassign_hands_over_with_one_line_errors()
    {
        Assert.Equal(0, (await RunAsync("user", "add", "anna@example.de", "--role", "rep", "--team", "Nord")).ExitCode);
        Assert.Equal(0, (await RunAsync("user", "add", "bert@example.de", "--role", "rep", "--team", "Süd")).ExitCode);

        var set = await RunAsync("user", "set", "anna@example.de", "--role", "manager", "--team", "Nord", "--team", "Süd");
        Assert.True(set.ExitCode == 0, set.StdErr);
        Assert.Equal("anna@example.de: Manager, teams: Nord, Süd.", set.StdOut.Trim());

        var moved = await RunAsync("user", "set", "anna@example.de", "--team", "Süd");
        Assert.Equal("anna@example.de: Manager, teams: Süd.", moved.StdOut.Trim());

        var unknownTeam = await RunAsync("user", "set", "anna@example.de", "--team", "Ost");
        Assert.Equal(1, unknownTeam.ExitCode);
        Assert.Equal("error: There is no team Ost. Teams: Nord, Süd.", unknownTeam.StdErr.Trim());

        var nothing = await RunAsync("user", "set", "anna@example.de");
        Assert.Equal(1, nothing.ExitCode);
        Assert.Single(nothing.StdErr.Trim().Split('\n'));

        var reassign = await RunAsync("user", "reassign", "bert@example.de", "anna@example.de");
        Assert.True(reassign.ExitCode == 0, reassign.StdErr);
        Assert.StartsWith("Moved to anna@example.de: 0 contacts, 0 companies, 0 open deals", reassign.StdOut.Trim(), StringComparison.Ordinal);

        var self = await RunAsync("user", "reassign", "anna@example.de", "anna@example.de");
        Assert.Equal(1, self.ExitCode);
        Assert.StartsWith("error: Choose someone else", self.StdErr.Trim(), StringComparison.Ordinal);
        var nobody = await RunAsync("user", "reassign", "nobody@example.de", "anna@example.de");
        Assert.Equal("error: There is no user nobody@example.de.", nobody.StdErr.Trim());
    }

    [Fact]
    public async Task User_add_refuses_a_common_password_in_one_line_and_creates_nobody()
    {
        var common = await ProspectorExe.RunAsync(["user", "add", "carl@example.de", "--role", "rep", "--data-dir", _dir], stdin: "Password123\n");
        Assert.Equal(1, common.ExitCode);
        Assert.Equal("error: This password is on the list of the most common passwords that attackers try first. Choose another one.", common.StdErr.Trim());
        var again = await RunAsync("user", "add", "carl@example.de", "--role", "rep");
        Assert.True(again.ExitCode == 0, again.StdErr); // the address was not taken by the refused attempt
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

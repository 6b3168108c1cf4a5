using System.Text.Json;
using Prospector.Tests.Http;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Cli;

/// <summary>`prospector report team --format json|csv|table`, run as the real executable: clean standard output, the same figures.</summary>
public sealed class TeamReportCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-cli-team-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_team_report_prints_as_json_csv_and_a_table_with_the_same_figures()
    {
        var csvFile = Path.Combine(_dir, "messe.csv");
        await File.WriteAllBytesAsync(csvFile, ListSteps.Windows1252(ListSteps.GermanCsv));
        Assert.Equal(0, (await ProspectorExe.RunAsync(["import", csvFile, "--list", "Messe", "--data-dir", _dir])).ExitCode);

        var json = await ProspectorExe.RunAsync(["report", "team", "--format", "json", "--data-dir", _dir]);
        Assert.True(json.ExitCode == 0, json.StdErr);
        var report = JsonDocument.Parse(json.StdOut).RootElement; // nothing but the JSON on the standard output
        var total = report.GetProperty("total");
        Assert.False(report.GetProperty("ownRowOnly").GetBoolean()); // the CLI without --as counts everything

        var csv = await ProspectorExe.RunAsync(["report", "team", "--format", "csv", "--data-dir", _dir]);
        Assert.True(csv.ExitCode == 0, csv.StdErr);
        var lines = csv.StdOut.Split("\r\n");
        Assert.Equal("# Team", lines[0]);
        Assert.StartsWith("Team,Rep,Leads created,Contacted,Qualified to prospect,Deals created,Won,Lost,Win rate %,Open deals,", lines[1], StringComparison.Ordinal);
        var totalLine = lines.First(l => l.StartsWith("Total,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(total.GetProperty("leadsCreated").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), totalLine[2]);
        Assert.Equal(total.GetProperty("dealsCreated").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), totalLine[5]);

        var table = await ProspectorExe.RunAsync(["report", "team", "--from", "2020-01-01", "--to", "2020-12-31", "--data-dir", _dir]);
        Assert.True(table.ExitCode == 0, table.StdErr);
        Assert.Contains("Team", table.StdOut, StringComparison.Ordinal); // the table's title (its columns wrap in a narrow console)

        var bad = await ProspectorExe.RunAsync(["report", "team", "--team", "No such team", "--data-dir", _dir]);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("There is no team No such team.", bad.StdErr, StringComparison.Ordinal);
        Assert.Equal("", bad.StdOut.Trim());
    }
}

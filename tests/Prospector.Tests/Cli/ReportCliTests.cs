using System.Text.Json;
using ExcelDataReader;
using Prospector.Tests.Http;
using Prospector.Tests.Infrastructure;
using SkiaSharp;

namespace Prospector.Tests.Cli;

/// <summary>`prospector report NAME --format xlsx|png|svg --output FILE`, run as the real executable.</summary>
public sealed class ReportCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-cli-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_report_is_written_as_a_workbook_with_the_json_figures_and_its_chart_as_a_png()
    {
        var csv = Path.Combine(_dir, "messe.csv");
        await File.WriteAllBytesAsync(csv, ListSteps.Windows1252(ListSteps.GermanCsv));
        Assert.Equal(0, (await ProspectorExe.RunAsync(["import", csv, "--list", "Messe", "--data-dir", _dir])).ExitCode);

        var json = await ProspectorExe.RunAsync(["report", "lists", "--format", "json", "--data-dir", _dir]);
        Assert.Equal(0, json.ExitCode);
        var messe = JsonDocument.Parse(json.StdOut).RootElement.GetProperty("lists").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "Messe");

        var xlsx = Path.Combine(_dir, "lists.xlsx");
        var run = await ProspectorExe.RunAsync(["report", "lists", "--format", "xlsx", "--output", xlsx, "--data-dir", _dir]);
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.DoesNotContain("PK\u0003\u0004", run.StdOut, StringComparison.Ordinal); // the workbook went to the file, not the output
        using (var reader = ExcelReaderFactory.CreateOpenXmlReader(File.OpenRead(xlsx)))
        {
            Assert.Equal("Report", reader.Name);
            Assert.True(reader.NextResult());
            Assert.Equal("Prospecting lists", reader.Name);
            Assert.True(reader.Read());
            Assert.Equal(["List", "Rows", "Open", "Converted", "Cancelled", "Duplicates"], Enumerable.Range(0, 6).Select(reader.GetString));
            Assert.True(reader.Read());
            Assert.Equal("Messe", reader.GetString(0));
            Assert.Equal(new[] { "rows", "open", "converted", "cancelled", "duplicates" }.Select(p => (double)messe.GetProperty(p).GetInt32()),
                Enumerable.Range(1, 5).Select(reader.GetDouble));
        }

        var png = Path.Combine(_dir, "lists.png");
        Assert.Equal(0, (await ProspectorExe.RunAsync(["report", "lists", "--format", "png", "-o", png, "--data-dir", _dir])).ExitCode);
        using var image = SKBitmap.Decode(png);
        Assert.Equal((1920, 1080), (image.Width, image.Height));

        var svg = await ProspectorExe.RunAsync(["report", "lists", "--format", "svg", "--data-dir", _dir]);
        Assert.Equal(0, svg.ExitCode);
        Assert.Contains("Messe", System.Xml.Linq.XDocument.Parse(svg.StdOut).Root!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workbook_is_not_written_onto_a_terminal()
    {
        Assert.Equal(0, (await ProspectorExe.RunAsync(["migrate", "--data-dir", _dir])).ExitCode);
        // `script` gives the command a terminal as its standard output, as a user at a shell has.
        var command = string.Join(' ', new[] { "dotnet", ProspectorExe.Dll, "report", "funnel", "--format", "xlsx", "--data-dir", _dir }.Select(a => $"'{a}'"));
        var psi = new System.Diagnostics.ProcessStartInfo("script", ["-qec", command, "/dev/null"])
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains("--format xlsx writes a binary file: give --output FILE or redirect the output to a file.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("PK", output, StringComparison.Ordinal);
    }
}

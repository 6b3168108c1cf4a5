using System.Text;
using Prospector.Tests.Http;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Cli;

/// <summary>`prospector import` and `prospector export`, run as the real executable.</summary>
public sealed class ImportExportCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-cli-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public async Task Import_with_a_corrected_mapping_prints_a_summary_and_export_writes_the_list_back()
    {
        var csv = File("messe.csv", ListSteps.Windows1252(ListSteps.GermanCsv));
        var dry = await ProspectorExe.RunAsync(["import", csv, "--list", "Messe", "--country", "DE", "--dry-run", "--data-dir", _dir]);
        Assert.Equal(0, dry.ExitCode);
        Assert.StartsWith("Dry run: would import 4 of 4 rows into list 'Messe': 1 with invalid values, 1 duplicates", dry.StdOut.Trim(), StringComparison.Ordinal);

        var run = await ProspectorExe.RunAsync(["import", csv, "--list", "Messe", "--map", "Telefon=ignore", "--map", "Ort=notes", "--data-dir", _dir]);
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^Imported 4 of 4 rows into list 'Messe' \(list \d+, import \d+\): 1 with invalid values, 1 duplicates, 0 empty rows skipped\. \[CSV, ';', Windows-1252\]$",
            run.StdOut.Trim());

        var xlsx = Path.Combine(_dir, "out.xlsx");
        var export = await ProspectorExe.RunAsync(["export", "list", "Messe", "--format", "xlsx", "-o", xlsx, "--data-dir", _dir]);
        Assert.Equal(0, export.ExitCode);
        Assert.Contains("Exported 4 rows of 'Messe'", export.StdOut, StringComparison.Ordinal);
        var again = await ProspectorExe.RunAsync(["import", xlsx, "--list", "Again", "--data-dir", _dir]);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Imported 4 of 4 rows", again.StdOut, StringComparison.Ordinal);

        var contacts = Path.Combine(_dir, "contacts.csv");
        var exportContacts = await ProspectorExe.RunAsync(["export", "contacts", "--format", "csv", "-o", contacts, "--data-dir", _dir]);
        Assert.Equal(0, exportContacts.ExitCode);
        var bytes = await System.IO.File.ReadAllBytesAsync(contacts);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]); // the BOM that makes Excel read UTF-8
        Assert.StartsWith("Id,Salutation", Encoding.UTF8.GetString(bytes[3..]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_file_or_mapping_is_one_error_line_and_nothing_is_saved()
    {
        var broken = File("broken.csv", Encoding.UTF8.GetBytes("A,B\n1,2\n3,\"open\n"));
        var r = await ProspectorExe.RunAsync(["import", broken, "--list", "Broken", "--data-dir", _dir]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: A quoted field that starts on line 3 is never closed (a missing \").", r.StdErr.Trim());

        var ok = File("ok.csv", Encoding.UTF8.GetBytes("Name,Mail\nA,a@example.de\n"));
        var badMap = await ProspectorExe.RunAsync(["import", ok, "--list", "Broken", "--map", "Nope=email", "--data-dir", _dir]);
        Assert.Equal(1, badMap.ExitCode);
        Assert.Equal("error: There is no column 'Nope'; the columns are: Name, Mail.", badMap.StdErr.Trim());

        var export = await ProspectorExe.RunAsync(["export", "list", "Broken", "-o", Path.Combine(_dir, "x.csv"), "--data-dir", _dir]);
        Assert.Equal(1, export.ExitCode);
        Assert.Equal("error: There is no list 'Broken'.", export.StdErr.Trim());
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "x.csv")));
    }
}

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

    [Fact]
    public async Task Exports_escape_formulas_in_headers_and_cells_keep_phones_and_use_semicolons_on_a_german_system()
    {
        var csv = File("hostile.csv", Encoding.UTF8.GetBytes(
            "\"=HYPERLINK(\"\"http://evil.example\"\")\",+A1,@SUM(1),Nachname,Telefon\r\n\"=1+1\",-A1,@x,Müller,+4921112345678\r\n"));
        Assert.Equal(0, (await ProspectorExe.RunAsync(["import", csv, "--list", "Hostile", "--data-dir", _dir])).ExitCode);
        var german = new Dictionary<string, string> { ["LANG"] = "de_DE.UTF-8", ["LC_ALL"] = "de_DE.UTF-8" };

        var xlsx = Path.Combine(_dir, "hostile.xlsx");
        Assert.Equal(0, (await ProspectorExe.RunAsync(["export", "list", "Hostile", "--format", "xlsx", "-o", xlsx, "--data-dir", _dir], env: german)).ExitCode);
        var sheet = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: false).Cast<IDictionary<string, object?>>()
            .Select(r => r.Values.Select(v => v?.ToString() ?? "").ToArray()).ToList();
        Assert.Equal(["'=HYPERLINK(\"http://evil.example\")", "'+A1", "'@SUM(1)", "Nachname", "Telefon"], sheet[0].Take(5));
        Assert.Equal(["'=1+1", "'-A1", "'@x", "Müller", "+4921112345678"], sheet[1].Take(5));

        var text = Path.Combine(_dir, "out.csv");
        Assert.Equal(0, (await ProspectorExe.RunAsync(["export", "list", "Hostile", "-o", text, "--data-dir", _dir], env: german)).ExitCode);
        var bytes = await System.IO.File.ReadAllBytesAsync(text);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.StartsWith("\"'=HYPERLINK(\"\"http://evil.example\"\")\";'+A1;'@SUM(1);Nachname;Telefon;Prospector state", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("'=1+1;'-A1;'@x;Müller;+4921112345678;Open", lines[1], StringComparison.Ordinal);

        Assert.Equal(0, (await ProspectorExe.RunAsync(["export", "contacts", "--delimiter", "comma", "-o", text, "--data-dir", _dir], env: german)).ExitCode);
        Assert.StartsWith("Id,Salutation", Encoding.UTF8.GetString((await System.IO.File.ReadAllBytesAsync(text))[3..]), StringComparison.Ordinal);
        var bad = await ProspectorExe.RunAsync(["export", "contacts", "--delimiter", "pipe", "-o", text, "--data-dir", _dir]);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("pipe", bad.StdErr, StringComparison.Ordinal);
    }
}

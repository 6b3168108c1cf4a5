using Prospector.Features.Lists;

namespace Prospector.Tests.Unit;

/// <summary>
/// Property: whatever the values — awkward Unicode, quotes, delimiters, newlines, leading = + - @ — an export read back
/// by the importer gives the same table (with commas or semicolons between cells), and no exported cell is a formula a
/// spreadsheet would run (numbers and phone numbers such as "+49 30 123456" and "-5" stay as they are).
/// </summary>
public sealed class ExportRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-roundtrip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Awkward =
    [
        "=SUM(A1:A9)", "+49 30 123456", "-5", "@SUM(1)", "\tTab", "'quoted already", "Müller \"der Große\"", "a,b;c|d", "Zeile 1\nZeile 2",
        "CR\r\nLF", "Ærøskøbing", "İstanbul", "日本語", "emoji 🚀👍🏽", "ß ẞ", "van 't Hek", "", " leading and trailing ", "\u200Bzero width", "Ω≈ç√∫",
    ];

    private static string Value(Random r)
    {
        if (r.Next(3) == 0) return Awkward[r.Next(Awkward.Length)];
        var bogus = new Bogus.Faker(r.Next(3) switch { 0 => "de", 1 => "nl", _ => "fr" }) { Random = new Bogus.Randomizer(r.Next()) };
        return r.Next(4) switch
        {
            0 => bogus.Name.FullName(),
            1 => bogus.Company.CompanyName() + Awkward[r.Next(Awkward.Length)],
            2 => bogus.Address.FullAddress(),
            _ => Awkward[r.Next(Awkward.Length)] + bogus.Lorem.Sentence(),
        };
    }

    [Theory]
    [InlineData(ExportFormat.Csv, 1, ',')]
    [InlineData(ExportFormat.Csv, 2, ';')]
    [InlineData(ExportFormat.Csv, 3, ',')]
    [InlineData(ExportFormat.Csv, 6, ';')]
    [InlineData(ExportFormat.Xlsx, 4, ',')]
    [InlineData(ExportFormat.Xlsx, 5, ',')]
    public async Task Exported_data_imports_back_unchanged(ExportFormat format, int seed, char delimiter)
    {
        var r = new Random(seed);
        string[] header = ["Vorname", "Nachname", "Firma", "Notiz", "Telefon"];
        var rows = Enumerable.Range(0, 200).Select(_ => header.Select(_ => Value(r)).ToArray())
            .Where(row => row.Any(c => !string.IsNullOrWhiteSpace(c))).ToList();
        var path = Path.Combine(_dir, $"export.{format.ToString().ToLowerInvariant()}");
        await using (var f = File.Create(path))
            await Exporter.WriteAsync(f, format, header, rows.Select(x => (string?[])x).ToAsyncEnumerable(), CancellationToken.None, delimiter);

        using var table = TableReader.Open(path);
        Assert.Equal(header, table.Columns);
        var back = table.Rows.Select(x => x.Cells).ToList();
        Assert.Equal(rows.Count, back.Count);
        for (var i = 0; i < rows.Count; i++)
            Assert.Equal(rows[i].Select(Canon), back[i].Select(Canon));
        if (format == ExportFormat.Csv)
        {
            var text = (await File.ReadAllTextAsync(path)).Replace("\r\n", "\n", StringComparison.Ordinal);
            Assert.DoesNotMatch($@"(^|[{delimiter}\n])""?([=@\t]|[+\-][^{delimiter}\n""]*\p{{L}})", text);
            Assert.Contains(delimiter + "+49 30 123456" + delimiter, delimiter + text.Replace("\n", delimiter.ToString(), StringComparison.Ordinal) + delimiter,
                StringComparison.Ordinal);
        }
    }

    /// <summary>XLSX stores line breaks as \n; CSV keeps them exactly.</summary>
    private static string Canon(string s) => s.ReplaceLineEndings("\n");
}

using System.IO.Compression;
using System.Text;
using Prospector.Features.Lists;

namespace Prospector.Tests.Unit;

/// <summary>Reading the files people really have: every delimiter, encoding and shape, and the broken ones.</summary>
public sealed class TableReaderTests : IDisposable
{
    static TableReaderTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-reader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string WriteText(string name, string text, Encoding encoding) =>
        Write(name, [.. encoding.GetPreamble(), .. encoding.GetBytes(text)]);

    private static (List<string> Columns, List<string[]> Rows, string Format) Read(string path, string? sheet = null)
    {
        using var t = TableReader.Open(path, sheet);
        return (t.Columns, t.Rows.Select(r => r.Cells).ToList(), t.Format);
    }

    [Theory]
    [InlineData(",", "','")]
    [InlineData(";", "';'")]
    [InlineData("\t", "'tab'")]
    [InlineData("|", "'|'")]
    public void The_delimiter_is_sniffed(string d, string shown)
    {
        var path = WriteText("d.csv", $"Name{d}Firma{d}Ort\nAnna{d}\"ACME{d} Inc.\"{d}Köln\nBen{d}Foo{d}Bonn\n", new UTF8Encoding(false));
        var (columns, rows, format) = Read(path);
        Assert.Equal(["Name", "Firma", "Ort"], columns);
        Assert.Equal(2, rows.Count);
        Assert.Equal("Köln", rows[0][2]);
        Assert.Equal("Foo", rows[1][1]);
        Assert.Contains(shown, format, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sep_line_is_honoured_even_when_another_delimiter_looks_likelier()
    {
        var path = WriteText("sep.csv", "sep=|\r\nA,1|B,2\r\nx,1|y,2\r\n", new UTF8Encoding(false));
        var (columns, rows, _) = Read(path);
        Assert.Equal(["A,1", "B,2"], columns);
        Assert.Equal(["x,1", "y,2"], rows[0]);
    }

    public static TheoryData<string> Encodings => new() { "utf-8-bom", "utf-16le", "utf-16be", "utf-8", "windows-1252" };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Encodings_are_detected_by_bom_or_validity(string name)
    {
        Encoding encoding = name switch
        {
            "utf-8-bom" => new UTF8Encoding(true),
            "utf-16le" => new UnicodeEncoding(false, true),
            "utf-16be" => new UnicodeEncoding(true, true),
            "utf-8" => new UTF8Encoding(false),
            _ => Encoding.GetEncoding(1252),
        };
        var path = WriteText("enc.csv", "Vorname;Nachname;Straße\r\nJürgen;Groß;Königsallee 1\r\nÄnne;Öztürk;Maßstraße 2 – €\r\n", encoding);
        var (columns, rows, format) = Read(path);
        Assert.Equal(["Vorname", "Nachname", "Straße"], columns);
        Assert.Equal(["Jürgen", "Groß", "Königsallee 1"], rows[0]);
        Assert.Equal("Maßstraße 2 – €", rows[1][2]);
        Assert.Contains(name switch { "utf-16le" => "UTF-16 LE", "utf-16be" => "UTF-16 BE", "windows-1252" => "Windows-1252", _ => "UTF-8" }, format, StringComparison.Ordinal);
    }

    [Fact]
    public void Quoted_fields_keep_delimiters_quotes_and_newlines()
    {
        var path = WriteText("q.csv", "Firma;Notiz\r\n\"Schäfer; Söhne\";\"Zeile 1\r\nZeile 2 \"\"zitiert\"\"\"\r\nB;x\r\n", new UTF8Encoding(false));
        var (_, rows, _) = Read(path);
        Assert.Equal("Schäfer; Söhne", rows[0][0]);
        Assert.Equal("Zeile 1\r\nZeile 2 \"zitiert\"", rows[0][1]);
        Assert.Equal(["B", "x"], rows[1]);
    }

    [Fact]
    public void Ragged_rows_are_padded_and_extra_cells_get_a_column()
    {
        var path = WriteText("r.csv", "A,B,C\n1\n1,2,3,4\n" + string.Concat(Enumerable.Repeat("x,y\n", 40)) + "5,6,7,8,9\n", new UTF8Encoding(false));
        using var t = TableReader.Open(path);
        var rows = t.Rows.Select(r => r.Cells).ToList();
        Assert.Equal(["1", "", "", ""], rows[0]);
        Assert.Equal(["1", "2", "3", "4"], rows[1]);
        Assert.Equal(["x", "y", "", ""], rows[2]);
        // A cell far below the header, beyond every column so far, gets a column of its own: nothing is dropped.
        Assert.Equal(["5", "6", "7", "8", "9"], rows[^1]);
        Assert.Equal(["A", "B", "C", "Column 4", "Column 5"], t.Columns);
    }

    [Fact]
    public void Title_rows_above_the_header_are_skipped_and_trailing_empty_columns_ignored()
    {
        var path = WriteText("t.csv", "Messe Hannover 2025 – Besucherliste;;;;\r\nStand: 12.04.2025;;;;\r\n;;;;\r\nVorname;Nachname;Firma;;\r\nAnna;Meier;ACME;;\r\n",
            new UTF8Encoding(false));
        var (columns, rows, _) = Read(path);
        Assert.Equal(["Vorname", "Nachname", "Firma"], columns);
        Assert.Equal(["Anna", "Meier", "ACME"], Assert.Single(rows));
    }

    [Fact]
    public void A_real_xlsx_is_read_from_the_first_sheet_or_the_chosen_one()
    {
        var path = Path.Combine(_dir, "book.xlsx");
        var sheets = new Dictionary<string, object>
        {
            ["Kontakte"] = new[] { new Dictionary<string, object> { ["Vorname"] = "Jürgen", ["E-Mail"] = "j@example.de", ["PLZ"] = 30159 } },
            ["Firmen"] = new[] { new Dictionary<string, object> { ["Firma"] = "ACME GmbH", ["Ort"] = "Köln" } },
        };
        MiniExcelLibs.MiniExcel.SaveAs(path, sheets);
        using (var t = TableReader.Open(path))
        {
            Assert.Equal(["Kontakte", "Firmen"], t.Sheets);
            Assert.Equal(["Vorname", "E-Mail", "PLZ"], t.Columns);
            Assert.Equal(["Jürgen", "j@example.de", "30159"], Assert.Single(t.Rows).Cells);
        }
        var (columns, rows, format) = Read(path, "Firmen");
        Assert.Equal(["Firma", "Ort"], columns);
        Assert.Equal(["ACME GmbH", "Köln"], Assert.Single(rows));
        Assert.Equal("XLSX", format);
        var missing = Assert.Throws<ImportFileException>(() => TableReader.Open(path, "Nope"));
        Assert.Contains("Kontakte, Firmen", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_legacy_xls_written_by_npoi_is_read_with_its_sheets_umlauts_numbers_and_dates()
    {
        var path = Path.Combine(_dir, "alt.xls");
        var book = new NPOI.HSSF.UserModel.HSSFWorkbook();
        var contacts = book.CreateSheet("Kontakte");
        contacts.CreateRow(0).CreateCell(0).SetCellValue("Messe Essen 2024"); // a title row above the header
        string[] header = ["Vorname", "Nachname", "Firma", "Telefon", "Erstkontakt"];
        var h = contacts.CreateRow(2);
        for (var i = 0; i < header.Length; i++) h.CreateCell(i).SetCellValue(header[i]);
        var r = contacts.CreateRow(3);
        r.CreateCell(0).SetCellValue("Jürgen");
        r.CreateCell(1).SetCellValue("Groß");
        r.CreateCell(2).SetCellValue("Müller & Söhne GmbH");
        r.CreateCell(3).SetCellValue(5111234567d); // a phone number typed as a number
        var date = r.CreateCell(4);
        date.SetCellValue(new DateTime(2024, 3, 5));
        var style = book.CreateCellStyle();
        style.DataFormat = book.CreateDataFormat().GetFormat("dd.mm.yyyy");
        date.CellStyle = style;
        book.CreateSheet("Firmen").CreateRow(0).CreateCell(0).SetCellValue("Firma");
        using (var f = File.Create(path)) book.Write(f);

        using (var t = TableReader.Open(path))
        {
            Assert.Equal(["Kontakte", "Firmen"], t.Sheets);
            Assert.Equal("Kontakte", t.Sheet);
            Assert.Equal(header, t.Columns);
            Assert.Equal(["Jürgen", "Groß", "Müller & Söhne GmbH", "5111234567", "2024-03-05"], Assert.Single(t.Rows).Cells);
            Assert.StartsWith("XLS", t.Format, StringComparison.Ordinal);
        }
        Assert.Equal(["Firma"], Read(path, "Firmen").Columns);
        Assert.Contains("Kontakte, Firmen", Assert.Throws<ImportFileException>(() => TableReader.Open(path, "Nope")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_xls_gets_a_clear_message()
    {
        var path = Write("old.xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[600]]);
        Assert.Contains("Excel 97–2003 file cannot be read", Assert.Throws<ImportFileException>(() => TableReader.Open(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_refused() =>
        Assert.Equal("The file is empty.", Assert.Throws<ImportFileException>(() => TableReader.Open(Write("e.csv", []))).Message);

    [Fact]
    public void A_file_of_only_empty_lines_is_refused() =>
        Assert.Contains("no rows", Assert.Throws<ImportFileException>(() => TableReader.Open(WriteText("e.csv", ";;\r\n;;\r\n", new UTF8Encoding(false)))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void A_binary_file_is_refused()
    {
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        bytes[10] = 0;
        Assert.Contains("binary", Assert.Throws<ImportFileException>(() => TableReader.Open(Write("x.csv", bytes))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_renamed_zip_is_refused()
    {
        var path = Path.Combine(_dir, "archive.xlsx");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open())) w.Write("hello");
        Assert.Contains("ZIP archive, not an Excel workbook", Assert.Throws<ImportFileException>(() => TableReader.Open(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zip_bomb_is_refused_before_it_is_inflated()
    {
        var path = Path.Combine(_dir, "bomb.xlsx");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var w = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open())) w.Write("<Types/>");
            using var s = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 120; i++) s.Write(zeros);
        }
        Assert.True(new FileInfo(path).Length < 2_000_000);
        Assert.Contains("zip bomb", Assert.Throws<ImportFileException>(() => TableReader.Open(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Twenty_thousand_columns_are_refused_naming_the_line()
    {
        var path = WriteText("wide.csv", "Title\n" + string.Join(",", Enumerable.Range(1, 20_000).Select(i => $"C{i}")) + "\n", new UTF8Encoding(false));
        var e = Assert.Throws<ImportFileException>(() => Read(path));
        Assert.Equal("Line 2 has more than 1,000 columns.", e.Message);
    }

    [Fact]
    public void A_50_MB_cell_is_refused_naming_the_line()
    {
        var path = Path.Combine(_dir, "big.csv");
        using (var w = new StreamWriter(path))
        {
            w.Write("A,B\n1,2\n3,");
            w.Write(new string('x', 50 * 1024 * 1024));
            w.Write("\n");
        }
        var e = Assert.Throws<ImportFileException>(() => Read(path));
        Assert.Equal("A cell on line 3 is longer than 100,000 characters.", e.Message);
    }

    [Fact]
    public void Broken_quoting_is_refused_naming_the_line_the_quote_opened()
    {
        var path = WriteText("q.csv", "A,B\n1,2\n3,\"never closed\n4,5\n", new UTF8Encoding(false));
        var e = Assert.Throws<ImportFileException>(() => Read(path));
        Assert.Equal("A quoted field that starts on line 3 is never closed (a missing \").", e.Message);
    }

    [Theory]
    [InlineData("Vorname|Nachname|Firma|E-Mail|Telefon|Mobil|Straße|PLZ|Ort", "FirstName|LastName|Company|Email|Phone|Mobile|Street|PostalCode|City")]
    [InlineData("Voornaam|Tussenvoegsel|Achternaam|Bedrijf|Telefoonnummer|Woonplaats", "FirstName|NamePrefix|LastName|Company|Phone|City")]
    [InlineData("Prénom|Nom|Société|Courriel|Ville", "FirstName|LastName|Company|Email|City")]
    [InlineData("First Name|Last Name|Company|E-mail Address|Business Phone|ZIP Code", "FirstName|LastName|Company|Email|Phone|PostalCode")]
    public void The_mapping_is_guessed_from_headers_in_four_languages(string headers, string fields)
    {
        var mapping = ColumnMapping.Guess(headers.Split('|'), []);
        Assert.Equal(fields.Split('|').Select(Enum.Parse<ListField>), mapping);
    }

    [Fact]
    public void A_column_of_email_addresses_is_the_email_column_whatever_its_header()
    {
        var mapping = ColumnMapping.Guess(["Kontakt", "Info", "Web"],
            [["a@example.de", "x", "www.example.de"], ["b@example.nl", "y", "https://foo.nl/kontakt"], ["c@example.fr", "z", "bar.fr"]]);
        Assert.Equal([ListField.Email, ListField.Ignore, ListField.Website], mapping);
    }

    [Fact]
    public void Values_are_normalised_and_invalid_ones_flagged_not_dropped()
    {
        ListField[] map = [ListField.FullName, ListField.Email, ListField.Phone, ListField.Website, ListField.Company];
        var ok = Normaliser.Map([" Dr. Anna van der Berg ", " Anna@Example.NL ", "020 123 4567", "https://www.Berg-BV.nl/contact", "Berg B.V."], map, "NL");
        Assert.Equal(("Anna", "van der", "Berg"), (ok.FirstName, ok.NamePrefix, ok.LastName));
        Assert.Equal(("Anna@Example.NL", "anna@example.nl"), (ok.Email, ok.EmailKey));
        Assert.Equal(("020 123 4567", "+31201234567"), (ok.Phone, ok.PhoneE164));
        Assert.Equal("berg-bv.nl", ok.Domain);
        Assert.Empty(ok.Issues);

        var bad = Normaliser.Map(["Ben", "kein-mail", "12", "not a site", "X"], map, "DE");
        Assert.Equal(["email", "phone", "website"], bad.Issues.Select(i => i.Field));
        Assert.Equal("kein-mail", bad.Issues[0].Value);
        Assert.Equal("12", bad.Phone); // the original is kept
    }

    [Fact]
    public void Fuzzy_name_matches_score_by_company_similarity()
    {
        Assert.True(Deduplicator.NameScore("muller anlagenbau gmbh", "muller anlagenbau") >= Deduplicator.Threshold);
        Assert.True(Deduplicator.NameScore("muller anlagenbau", "mueller anlagenbau ag") >= Deduplicator.Threshold);
        Assert.True(Deduplicator.NameScore("muller anlagenbau", "schmidt logistik") < Deduplicator.Threshold);
        Assert.True(Deduplicator.NameScore(null, "schmidt logistik") < Deduplicator.Threshold);
    }
}

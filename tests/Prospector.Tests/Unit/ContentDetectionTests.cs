using System.IO.Compression;
using System.Text;
using Prospector.Features.Lists;

namespace Prospector.Tests.Unit;

/// <summary>A file is what its bytes say, whatever it is called: uploads land in temp files with no telling name.</summary>
public sealed class ContentDetectionTests : IDisposable
{
    static ContentDetectionTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-sniff-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private byte[] Xlsx()
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.xlsx");
        MiniExcelLibs.MiniExcel.SaveAs(path, new[] { new Dictionary<string, object> { ["Vorname"] = "Jürgen", ["Telefon"] = "0511 1234567" } });
        return File.ReadAllBytes(path);
    }

    private byte[] Xls()
    {
        var book = new NPOI.HSSF.UserModel.HSSFWorkbook();
        var sheet = book.CreateSheet("Kontakte");
        sheet.CreateRow(0).CreateCell(0).SetCellValue("Vorname");
        sheet.GetRow(0).CreateCell(1).SetCellValue("Telefon");
        sheet.CreateRow(1).CreateCell(0).SetCellValue("Jürgen");
        sheet.GetRow(1).CreateCell(1).SetCellValue("0511 1234567");
        using var m = new MemoryStream();
        book.Write(m);
        return m.ToArray();
    }

    private static (List<string> Columns, List<string[]> Rows, string Format) Read(string path)
    {
        using var t = TableReader.Open(path);
        return (t.Columns, t.Rows.Select(r => r.Cells).ToList(), t.Format);
    }

    [Theory]
    [InlineData("upload.tmp")]
    [InlineData("no-extension")]
    [InlineData("renamed.csv")]
    [InlineData("tmpAB12.TXT")]
    public void An_xlsx_is_read_as_a_workbook_whatever_its_name(string name)
    {
        var (columns, rows, format) = Read(Write(name, Xlsx()));
        Assert.Equal("XLSX", format);
        Assert.Equal(["Vorname", "Telefon"], columns);
        Assert.Equal(["Jürgen", "0511 1234567"], Assert.Single(rows));
    }

    [Theory]
    [InlineData("upload.tmp")]
    [InlineData("no-extension")]
    [InlineData("renamed.xlsx")]
    public void An_xls_is_read_as_a_workbook_whatever_its_name(string name)
    {
        var (columns, rows, format) = Read(Write(name, Xls()));
        Assert.StartsWith("XLS (Excel 97", format, StringComparison.Ordinal);
        Assert.Equal(["Vorname", "Telefon"], columns);
        Assert.Equal(["Jürgen", "0511 1234567"], Assert.Single(rows));
    }

    [Fact]
    public void A_csv_named_xlsx_is_read_as_csv()
    {
        var (columns, rows, format) = Read(Write("liste.xlsx", Encoding.UTF8.GetBytes("Vorname;Telefon\r\nJürgen;0511 1234567\r\n")));
        Assert.StartsWith("CSV, ';', UTF-8", format, StringComparison.Ordinal);
        Assert.Equal(["Vorname", "Telefon"], columns);
        Assert.Equal(["Jürgen", "0511 1234567"], Assert.Single(rows));
    }

    [Theory]
    [InlineData(false, "UTF-16 LE")]
    [InlineData(true, "UTF-16 BE")]
    public void Utf16_tab_text_without_a_byte_order_mark_is_recognised(bool bigEndian, string shown)
    {
        var text = "Vorname\tNachname\tOrt\r\nJürgen\tGroß\tKöln\r\nZoë\tÇelik\tDüsseldorf\r\n";
        var (columns, rows, format) = Read(Write("upload.tmp", new UnicodeEncoding(bigEndian, false).GetBytes(text)));
        Assert.Equal("CSV, 'tab', " + shown, format);
        Assert.Equal(["Vorname", "Nachname", "Ort"], columns);
        Assert.Equal([["Jürgen", "Groß", "Köln"], ["Zoë", "Çelik", "Düsseldorf"]], rows);
    }

    [Fact]
    public void Utf16_with_a_byte_order_mark_and_windows_1252_are_read_too()
    {
        var bom = new UnicodeEncoding(false, true);
        Assert.Equal("Köln", Read(Write("a", [.. bom.GetPreamble(), .. bom.GetBytes("Name\tOrt\r\nA\tKöln\r\n")])).Rows[0][1]);
        Assert.Equal("Köln", Read(Write("b", Encoding.GetEncoding(1252).GetBytes("Name;Ort\r\nA;Köln\r\n"))).Rows[0][1]);
    }

    [Fact]
    public void The_kind_is_told_from_the_first_bytes()
    {
        Assert.Equal(FileKind.Empty, TableReader.Sniff([]));
        Assert.Equal(FileKind.Zip, TableReader.Sniff(Xlsx()));
        Assert.Equal(FileKind.Ole2, TableReader.Sniff(Xls()));
        Assert.Equal(FileKind.Pdf, TableReader.Sniff("%PDF-1.7\n"u8));
        Assert.Equal(FileKind.Text, TableReader.Sniff("Name;Ort\r\n"u8));
        Assert.Equal(FileKind.Text, TableReader.Sniff(Encoding.Unicode.GetBytes("Name\tOrt")));
    }

    [Fact]
    public void Files_that_are_no_table_get_a_clear_message()
    {
        Assert.Contains("PDF document", Assert.Throws<ImportFileException>(() => TableReader.Open(Write("liste.csv", "%PDF-1.4\n%âãÏÓ\n"u8.ToArray()))).Message,
            StringComparison.Ordinal);
        using var ods = new MemoryStream();
        using (var zip = new ZipArchive(ods, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var w = new StreamWriter(zip.CreateEntry("mimetype", CompressionLevel.NoCompression).Open());
            w.Write("application/vnd.oasis.opendocument.spreadsheet");
        }
        var e = Assert.Throws<ImportFileException>(() => TableReader.Open(Write("liste.xlsx", ods.ToArray())));
        Assert.Contains("OpenDocument spreadsheet (.ods)", e.Message, StringComparison.Ordinal);
        Assert.Equal("file", e.Field);
    }

    [Fact]
    public void A_message_keeps_its_english_template_for_translation_and_its_values_apart()
    {
        var e = Assert.Throws<ImportFileException>(() => TableReader.Open(Write("x.csv", Encoding.UTF8.GetBytes("A,B\n1,\"open\n2,3\n"))));
        Assert.Equal("A quoted field that starts on line {0} is never closed (a missing \").", e.Template);
        Assert.Equal([2], e.Args);
        Assert.Equal("A quoted field that starts on line 2 is never closed (a missing \").", e.Message);
    }

    [Fact]
    public void Title_rows_above_the_header_are_counted()
    {
        using var t = TableReader.Open(Write("t", Encoding.UTF8.GetBytes("Messe Hannover 2025;;\r\n;;\r\nStand 4;;\r\nVorname;Nachname;Ort\r\nA;B;C\r\n")));
        Assert.Equal(2, t.TitleRows);
        Assert.Equal(["Vorname", "Nachname", "Ort"], t.Columns);
    }
}

using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>
/// A report as one XLSX workbook (Open XML SDK): a first sheet naming the report, its period, time zone, filters and when it
/// was made, then one sheet per table with a bold, frozen header row. Counts, days and shares are numbers with number formats
/// (a share is 0.25 shown as 25.0 %), days are dates, and an amount is a number formatted with its row's currency (which
/// also stands in a column of its own), so no column adds up different currencies. Text is always a text cell: a name
/// starting with "=" stays text, never a formula.
/// </summary>
public static class ReportXlsx
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private const uint Header = 1, CountStyle = 2, DaysStyle = 3, ShareStyle = 4, DayStyle = 5, MomentStyle = 6, TitleStyle = 7, AmountStyle = 8;

    public static byte[] Write(ReportExport r, Func<string, string> t)
    {
        using var output = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook))
        {
            var book = doc.AddWorkbookPart();
            book.Workbook = new Workbook();
            var sheets = book.Workbook.AppendChild(new Sheets());
            var styles = new StyleBook();
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

            var about = new List<Row>
            {
                RowOf(1, Cell("A1", r.Title, TitleStyle)),
                RowOf(3, Cell("A3", t("Report"), Header), Cell("B3", r.Title)),
                RowOf(4, Cell("A4", t("From"), Header), Cell("B4", r.From, DayStyle)),
                RowOf(5, Cell("A5", t("To"), Header), Cell("B5", r.To, DayStyle)),
                RowOf(6, Cell("A6", t("Time zone"), Header), Cell("B6", r.TimeZone)),
            };
            uint n = 7;
            foreach (var (label, value) in r.Filters.DefaultIfEmpty((t("Filters"), t("None"))))
            {
                about.Add(RowOf(n, Cell($"A{n}", label, Header), Cell($"B{n}", value)));
                n++;
            }
            about.Add(RowOf(n, Cell($"A{n}", t("Created"), Header), Cell($"B{n}", r.CreatedLocal, MomentStyle)));
            AddSheet(book, sheets, UniqueName(t("Report"), names), about, [24, 40], freeze: false);

            foreach (var sheet in r.Sheets)
            {
                var rows = new List<Row> { RowOf(1, [.. sheet.Columns.Select((c, i) => Cell(Ref(i, 1), c.Header, Header))]) };
                for (var i = 0; i < sheet.Rows.Count; i++)
                {
                    var row = sheet.Rows[i];
                    var index = (uint)i + 2;
                    rows.Add(RowOf(index, [.. sheet.Columns.Select((c, col) => Value(Ref(col, index), c, row, col, styles)).OfType<Cell>()]));
                }
                var widths = sheet.Columns.Select((c, col) => Math.Clamp(
                    sheet.Rows.Select(x => Shown(x[col])).Append(c.Header.Length).Max() + 3, 10, 60)).ToArray();
                AddSheet(book, sheets, UniqueName(sheet.Name, names), rows, widths, freeze: true);
            }
            book.AddNewPart<WorkbookStylesPart>().Stylesheet = styles.Build();
            book.Workbook.Save();
        }
        return output.ToArray();
    }

    private static Cell? Value(string reference, ExportColumn column, IReadOnlyList<object?> row, int index, StyleBook styles) => row[index] switch
    {
        null => null,
        string s => Cell(reference, s),
        DateOnly d => Cell(reference, d, DayStyle),
        DateTime m => Cell(reference, m, MomentStyle),
        var number => Number(reference, Convert.ToDouble(number, CultureInfo.InvariantCulture), column.Kind switch
        {
            CellKind.Days => DaysStyle,
            CellKind.Share => ShareStyle,
            CellKind.Amount => column.CurrencyColumn is { } cc && row[cc] is string currency ? styles.Money(currency) : AmountStyle,
            _ => CountStyle,
        }),
    };

    private static int Shown(object? v) => v switch
    {
        null => 0,
        string s => s.Length,
        DateOnly or DateTime => 16,
        _ => 14,
    };

    private static Cell Cell(string reference, string text, uint style = 0) => new()
    {
        CellReference = reference,
        DataType = CellValues.InlineString,
        StyleIndex = style == 0 ? null : style,
        InlineString = new InlineString(new Text(XmlText.Clean(text)) { Space = SpaceProcessingModeValues.Preserve }),
    };

    private static Cell Cell(string reference, DateOnly day, uint style) => Number(reference, day.ToDateTime(TimeOnly.MinValue).ToOADate(), style);

    private static Cell Cell(string reference, DateTime moment, uint style) => Number(reference, moment.ToOADate(), style);

    private static Cell Number(string reference, double value, uint style) => new()
    {
        CellReference = reference,
        StyleIndex = style,
        CellValue = new CellValue(value.ToString("R", CultureInfo.InvariantCulture)),
    };

    private static Row RowOf(uint index, params Cell[] cells)
    {
        var row = new Row { RowIndex = index };
        row.Append(cells);
        return row;
    }

    private static void AddSheet(WorkbookPart book, Sheets sheets, string name, List<Row> rows, int[] widths, bool freeze)
    {
        var part = book.AddNewPart<WorksheetPart>();
        var ws = new Worksheet();
        if (freeze)
            ws.Append(new SheetViews(new SheetView(new Pane
            {
                VerticalSplit = 1,
                TopLeftCell = "A2",
                ActivePane = PaneValues.BottomLeft,
                State = PaneStateValues.Frozen,
            })
            { WorkbookViewId = 0 }));
        ws.Append(new Columns(widths.Select((w, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = w, CustomWidth = true })));
        var data = new SheetData();
        data.Append(rows);
        ws.Append(data);
        part.Worksheet = ws;
        sheets.Append(new Sheet { Id = book.GetIdOfPart(part), SheetId = (uint)sheets.Count() + 1, Name = name });
    }

    /// <summary>A sheet name Excel accepts: at most 31 characters, none of []:*?/\, unique in the workbook.</summary>
    public static string UniqueName(string name, HashSet<string> taken)
    {
        var clean = new string([.. name.Select(c => "[]:*?/\\".Contains(c) ? '-' : c)]).Trim('\'', ' ');
        if (clean.Length == 0) clean = "Sheet";
        var candidate = Prospector.Data.UnicodeText.Prefix(clean, 31);
        for (var i = 2; !taken.Add(candidate); i++)
        {
            var suffix = $" ({i})";
            candidate = (clean.Length + suffix.Length > 31 ? clean[..(31 - suffix.Length)] : clean) + suffix;
        }
        return candidate;
    }

    private static string Ref(int column, uint row)
    {
        var name = "";
        for (var c = column + 1; c > 0; c = (c - 1) / 26) name = (char)('A' + (c - 1) % 26) + name;
        return name + row.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The workbook's styles; an amount's format names its currency (#,##0.00 "EUR"), one format per currency met.</summary>
    private sealed class StyleBook
    {
        private readonly List<string> _currencies = [];

        public uint Money(string currency)
        {
            var code = new string([.. currency.Where(char.IsAsciiLetter)]).ToUpperInvariant();
            if (code.Length == 0) return AmountStyle;
            var i = _currencies.IndexOf(code);
            if (i < 0) { _currencies.Add(code); i = _currencies.Count - 1; }
            return AmountStyle + 1 + (uint)i;
        }

        public Stylesheet Build()
        {
            var formats = new NumberingFormats(
                new NumberingFormat { NumberFormatId = 164, FormatCode = "0.0" },
                new NumberingFormat { NumberFormatId = 165, FormatCode = "0.0%" });
            for (var i = 0; i < _currencies.Count; i++)
                formats.Append(new NumberingFormat { NumberFormatId = 166 + (uint)i, FormatCode = $"#,##0.00\\ \"{_currencies[i]}\"" });
            var cells = new CellFormats(
                new CellFormat(),
                new CellFormat { FontId = 1, FillId = 2, ApplyFont = true, ApplyFill = true },
                Format(3), Format(164), Format(165), Format(14), Format(22),
                new CellFormat { FontId = 2, ApplyFont = true },
                Format(4));
            for (var i = 0; i < _currencies.Count; i++) cells.Append(Format(166 + (uint)i));
            return new Stylesheet(
                formats,
                new Fonts(new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
                    new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
                    new Font(new Bold(), new FontSize { Val = 14 }, new FontName { Val = "Calibri" })),
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
                    new Fill(new PatternFill(new ForegroundColor { Rgb = "FFE3E7EC" }) { PatternType = PatternValues.Solid })),
                new Borders(new Border()),
                new CellStyleFormats(new CellFormat()),
                cells,
                // The default "Normal" style every workbook names (strict readers warn when it is missing).
                new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }));
        }

        private static CellFormat Format(uint id) => new() { NumberFormatId = id, ApplyNumberFormat = true };
    }
}

using ExcelDataReader;

namespace Prospector.Features.Lists;

/// <summary>Legacy Excel 97–2003 workbooks (.xls, BIFF in an OLE2 container), read with ExcelDataReader.</summary>
internal static class Xls
{
    public static SourceTable Open(string path, string? sheet, ReadLimits limits)
    {
        var sheets = new List<string>();
        Read(path, reader =>
        {
            do sheets.Add(reader.Name);
            while (reader.NextResult());
        });
        if (sheets.Count == 0) throw new ImportFileException("The workbook has no sheets.");
        if (sheet is not null && !sheets.Contains(sheet))
            throw new ImportFileException("The workbook has no sheet '{0}'; its sheets are: {1}.", sheet, string.Join(", ", sheets));
        var name = sheet ?? sheets[0];
        var (columns, data) = HeaderDetector.Split(Rows(path, sheets.IndexOf(name), name, limits), limits);
        return new SourceTable { Columns = columns, Rows = data, Format = "XLS (Excel 97–2003)", Sheets = sheets, Sheet = name };
    }

    private static void Read(string path, Action<IExcelDataReader> read)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = ExcelReaderFactory.CreateBinaryReader(stream);
            read(reader);
        }
        catch (Exception e) when (e is not ImportFileException)
        {
            throw new ImportFileException("The Excel 97–2003 file cannot be read: {0}", e.Message);
        }
    }

    private static IEnumerable<(int, string[])> Rows(string path, int index, string sheet, ReadLimits limits)
    {
        // A workbook of this format is at most 65,536 rows × 256 columns, so reading the sheet up front is bounded.
        var rows = new List<(int, string[])>();
        Read(path, reader =>
        {
            for (var i = 0; i < index; i++) reader.NextResult();
            var line = 0;
            while (reader.Read())
            {
                line++;
                if (reader.FieldCount > limits.MaxColumns) throw new ImportFileException("Row {0} of sheet '{1}' has more than {2:N0} columns.", line, sheet, limits.MaxColumns);
                var values = new string[reader.FieldCount];
                for (var c = 0; c < values.Length; c++)
                {
                    values[c] = TableReader.CellText(reader.GetValue(c));
                    if (values[c].Length > limits.MaxCellChars)
                        throw new ImportFileException("A cell in row {0} is longer than {1:N0} characters.", line, limits.MaxCellChars);
                }
                rows.Add((line, values));
            }
        });
        return rows;
    }
}

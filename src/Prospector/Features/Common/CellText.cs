using System.Text.RegularExpressions;

namespace Prospector.Features.Common;

/// <summary>
/// The one rule for cells of every export (lists, contacts, reports, personal data; CSV and XLSX, header included):
/// a cell a spreadsheet would run as a formula gets a leading apostrophe, so it shows as text (formula injection).
/// </summary>
public static partial class CellText
{
    /// <summary>
    /// A cell a spreadsheet would execute: one starting with = or @ (a formula or a function), with a tab, carriage return or
    /// line feed (hides one), or with + or - unless it is a plain number or phone number (digits with spaces, dots, commas,
    /// slashes, hyphens and brackets only — "+49 211 123456", "-5", "-1.234,50"): with no letter in it, such a cell can
    /// neither call a function nor reference another cell. The full-width forms (＝ ＋ － ＠, which East Asian input turns into
    /// the ASCII ones on editing) count the same.
    /// </summary>
    public static bool IsFormula(string? value) => value is { Length: > 0 } && value[0] switch
    {
        '=' or '@' or '\t' or '\r' or '\n' or '\uFF1D' or '\uFF20' => true,
        '+' or '-' or '\uFF0B' or '\uFF0D' => !PlainNumber().IsMatch(value),
        _ => false,
    };

    /// <summary>The characters a cell <see cref="IsFormula">may run as a formula</see> with when it starts with one.</summary>
    public const string FormulaStarts = "=+-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20";

    /// <summary>A formula gets a leading apostrophe; so does a value whose own leading apostrophe the importer would take off.</summary>
    public static string Escape(string? value) =>
        value is null ? "" : IsFormula(value) || Unescape(value) != value ? "'" + value : value;

    /// <summary>Undoes <see cref="Escape"/> on import: an apostrophe before a formula character is ours.</summary>
    public static string Unescape(string value) =>
        value.Length > 1 && value[0] == '\'' && (value[1] == '\'' || FormulaStarts.Contains(value[1], StringComparison.Ordinal)) ? value[1..] : value;

    [GeneratedRegex(@"^[+\-\uFF0B\uFF0D][0-9 ()./,\-]*[0-9][0-9 ()./,\-]*$")]
    private static partial Regex PlainNumber();
}

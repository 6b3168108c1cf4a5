using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Prospector.Data;

namespace Prospector.Features.Lists;

/// <summary>Display names of list fields, row states and cancel reasons, in the user's language.</summary>
public static class ListLabels
{
    /// <summary>
    /// A cell as shown: a date read from Excel (stored as an ISO date, so the data stays unambiguous) is shown the way the
    /// user writes dates; any other cell as it is. A date in a file has no time zone: it is not converted.
    /// </summary>
    public static string Cell(string cell) =>
        cell.Length == 10 && DateOnly.TryParseExact(cell, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("d", CultureInfo.CurrentCulture)
        : cell.Length == 16 && DateTime.TryParseExact(cell, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t.ToString("g", CultureInfo.CurrentCulture)
        : cell;

    public static string Field(IStringLocalizer l, ListField f) => f switch
    {
        ListField.Ignore => l["(not used)"],
        ListField.Salutation => l["Salutation"],
        ListField.FirstName => l["First name"],
        ListField.NamePrefix => l["Name prefix"],
        ListField.LastName => l["Last name"],
        ListField.FullName => l["Full name"],
        ListField.JobTitle => l["Job title"],
        ListField.Email => l["E-mail"],
        ListField.Phone => l["Phone"],
        ListField.Mobile => l["Mobile"],
        ListField.Company => l["Company"],
        ListField.Website => l["Website"],
        ListField.Street => l["Street"],
        ListField.PostalCode => l["Postal code"],
        ListField.City => l["City"],
        ListField.Country => l["Country"],
        ListField.Notes => l["Notes"],
        ListField.MiddleName => l["Middle name"],
        ListField.Birthday => l["Birthday"],
        ListField.Custom => l["Custom field"],
        ListField.LinkedIn => l["LinkedIn profile"],
        ListField.Xing => l["XING profile"],
        _ => f.ToString(),
    };

    /// <summary>The colour of a row state's chip: converted green, duplicate amber, cancelled grey, open blue.</summary>
    public static Color StateColor(ListRowState s) => s switch
    {
        ListRowState.Converted => Color.Success,
        ListRowState.Cancelled => Color.Default,
        ListRowState.Duplicate => Color.Warning,
        _ => Color.Info,
    };

    public static string State(IStringLocalizer l, ListRowState s) => s switch
    {
        ListRowState.Open => l["Open"],
        ListRowState.Converted => l["Converted"],
        ListRowState.Cancelled => l["Cancelled"],
        ListRowState.Duplicate => l["Duplicate"],
        _ => s.ToString(),
    };

    public static string Reason(IStringLocalizer l, string? reason) => Enum.TryParse<CancelReason>(reason, out var r) ? r switch
    {
        CancelReason.NotInterested => l["Not interested"],
        CancelReason.WrongTargetMarket => l["Wrong target market"],
        CancelReason.NoBudget => l["No budget"],
        CancelReason.NoAuthority => l["No authority to decide"],
        CancelReason.Duplicate => l["Duplicate"],
        CancelReason.Unreachable => l["Unreachable"],
        CancelReason.Other => l["Other"],
        _ => r.ToString(),
    } : reason ?? "";

    public static string IssueField(IStringLocalizer l, string field) => field switch
    {
        "email" => l["E-mail"],
        "phone" => l["Phone"],
        "mobile" => l["Mobile"],
        "website" => l["Website"],
        "linkedInUrl" => l["LinkedIn profile"],
        "xingUrl" => l["XING profile"],
        "country" => l["Country"],
        _ => field,
    };
}

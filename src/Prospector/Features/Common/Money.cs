using System.Globalization;

namespace Prospector.Features.Common;

/// <summary>Amounts in the workspace currency, with the number format of the user's culture ("12.500 €", "€12,500").</summary>
public static class Money
{
    public static string Format(decimal amount, string currency)
    {
        var nfi = (NumberFormatInfo)CultureInfo.CurrentCulture.NumberFormat.Clone();
        nfi.CurrencySymbol = Symbol(currency);
        return amount.ToString("C0", nfi);
    }

    private static string Symbol(string currency) => currency.ToUpperInvariant() switch
    {
        "EUR" => "€",
        "GBP" => "£",
        "USD" => "$",
        "CHF" => "CHF",
        var other => other,
    };
}

using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>The list page's grid (the calling screen), as the list journeys find their way around it.</summary>
internal static class ListGrid
{
    /// <summary>The grid's row for a list row number (its position in the imported file).</summary>
    public static ILocator Row(IPage page, int n) => page.Locator($"#list-grid tr[data-row='{n}']");

    /// <summary>Waits until the row shows the state (open, converted, cancelled, …) in its state cell.</summary>
    public static Task ExpectState(IPage page, int row, string state, float timeout) =>
        Expect(Row(page, row).Locator(".row-state")).ToHaveTextAsync(state, new() { Timeout = timeout });
}

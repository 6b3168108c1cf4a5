using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Prospector.Components.Shared;

/// <summary>
/// A MudBlazor icon (an Icons.Material.* path) as the same small SVG that MudIcon renders, without a component. For
/// markup repeated hundreds of times on one page (board cards, reach links), where every component costs memory in each
/// user's circuit and time on each render.
/// </summary>
public static class PlainIcon
{
    public static RenderFragment Small(string icon, string? style = null) => builder => Render(builder, icon, style);

    private static void Render(RenderTreeBuilder builder, string icon, string? style)
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", "mud-icon-root mud-svg-icon mud-icon-size-small");
        builder.AddAttribute(2, "style", style);
        builder.AddAttribute(3, "focusable", "false");
        builder.AddAttribute(4, "viewBox", "0 0 24 24");
        builder.AddAttribute(5, "aria-hidden", "true");
        builder.AddMarkupContent(6, icon);
        builder.CloseElement();
    }
}

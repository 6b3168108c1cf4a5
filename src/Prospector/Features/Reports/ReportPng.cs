using SkiaSharp;
using Svg.Skia;

namespace Prospector.Features.Reports;

/// <summary>
/// A chart's PNG: its SVG (<see cref="ReportSvg"/>) rasterised by Svg.Skia at twice the size (1920 × 1080, sharp on a slide),
/// on white. The text font (DejaVu Sans) ships inside the app, so the image looks the same on every server and needs no
/// system fonts.
/// </summary>
public static class ReportPng
{
    public const float Scale = 2f;

    private static readonly Lazy<List<Svg.Skia.TypefaceProviders.ITypefaceProvider>> Fonts = new(() =>
        [Load("Prospector.DejaVuSans.ttf"), Load("Prospector.DejaVuSans-Bold.ttf")]);

    public static byte[] Render(string svgText)
    {
        using var svg = new SKSvg();
        svg.Settings.TypefaceProviders = Fonts.Value;
        svg.FromSvg(svgText);
        using var output = new MemoryStream();
        if (svg.Picture is null || !svg.Save(output, SKColors.White, SKEncodedImageFormat.Png, 100, Scale, Scale))
            throw new InvalidOperationException("The chart could not be drawn as a PNG.");
        return output.ToArray();
    }

    private static Svg.Skia.TypefaceProviders.ITypefaceProvider Load(string name)
    {
        using var stream = typeof(ReportPng).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font {name} is missing from the build.");
        return new Svg.Skia.TypefaceProviders.CustomTypefaceProvider(stream);
    }
}

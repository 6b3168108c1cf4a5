using System.Globalization;
using System.Xml.Linq;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>
/// Draws a <see cref="ChartSpec"/> as an SVG a manager can paste into a slide (960 × 540): title, period and filters, legend,
/// value axis with grid lines, bars grouped or stacked with their values on them, category names beneath. Each series has a
/// colour of <see cref="ReportColors"/> and a pattern (solid, stripes, dots, cross-hatch…) so bars stay apart in greyscale.
/// The document is built with <see cref="XElement"/>, so every name (a rep's, a list's) is escaped as text.
/// </summary>
public static class ReportSvg
{
    public const int Width = 960, Height = 540;
    private const string Font = "DejaVu Sans, Verdana, Arial, sans-serif";
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";
    private const double Left = 84, Right = Width - 32, Top = 132, Bottom = Height - 64;

    public static string Render(ChartSpec chart)
    {
        var svg = new XElement(Ns + "svg", new XAttribute("width", Width), new XAttribute("height", Height),
            new XAttribute("viewBox", $"0 0 {Width} {Height}"), new XAttribute("font-family", Font), new XAttribute("role", "img"),
            new XElement(Ns + "title", Clean(chart.Title)),
            Defs(chart),
            new XElement(Ns + "rect", new XAttribute("width", Width), new XAttribute("height", Height), new XAttribute("fill", "#FFFFFF")),
            Text(32, 42, Fit(chart.Title, TitleSize(chart.Title), Width - 64), TitleSize(chart.Title), "#1A1A1A", bold: true, cls: "title"),
            Text(32, 68, Fit(chart.Subtitle, 13, Width - 64), 13, "#555555", cls: "subtitle"));
        var values = chart.Series.SelectMany(s => s.Values).ToList();
        if (chart.Categories.Count == 0 || chart.Series.Count == 0 || values.All(v => v <= 0))
        {
            svg.Add(Text(Width / 2.0, (Top + Bottom) / 2, chart.Empty, 16, "#777777", anchor: "middle", cls: "empty"));
            return Serialize(svg);
        }
        Legend(svg, chart);
        var max = chart.Stacked
            ? Enumerable.Range(0, chart.Categories.Count).Max(i => chart.Series.Sum(s => Math.Max(0, s.Values[i])))
            : values.Max();
        var (top, steps) = Scale(max, chart.WholeNumbers);
        double Y(double v) => Bottom - (Bottom - Top) * Math.Max(0, v) / top;
        // Value axis: round steps with grid lines, and its name turned upright along it.
        for (var i = 0; i <= steps; i++)
        {
            var v = top * i / steps;
            svg.Add(Line(Left, Y(v), Right, Y(v), i == 0 ? "#8A939C" : "#E3E7EC"),
                Text(Left - 8, Y(v) + 4, (chart.Short ?? chart.Format)(v), 11, "#555555", anchor: "end", cls: "tick"));
        }
        svg.Add(new XElement(Ns + "text", new XAttribute("transform", $"translate(20 {F((Top + Bottom) / 2)}) rotate(-90)"),
            new XAttribute("text-anchor", "middle"), new XAttribute("font-size", 12), new XAttribute("fill", "#555555"), new XAttribute("class", "axis"),
            Clean(chart.ValueAxis)));

        var band = (Right - Left) / chart.Categories.Count;
        var group = band * 0.72;
        var barWidth = chart.Stacked ? group : group / chart.Series.Count;
        for (var i = 0; i < chart.Categories.Count; i++)
        {
            var x0 = Left + band * i + (band - group) / 2;
            double stack = 0;
            var segments = chart.Series.Count(x => x.Values[i] > 0);
            for (var s = 0; s < chart.Series.Count; s++)
            {
                var v = Math.Max(0, chart.Series[s].Values[i]);
                var x = chart.Stacked ? x0 : x0 + barWidth * s;
                var (y1, y2) = chart.Stacked ? (Y(stack + v), Y(stack)) : (Y(v), Y(0));
                stack += v;
                if (y2 - y1 > 0.01)
                    svg.Add(new XElement(Ns + "rect", new XAttribute("class", "bar"), new XAttribute("data-series", s), new XAttribute("data-value", F(v)),
                        new XAttribute("x", F(x)), new XAttribute("y", F(y1)), new XAttribute("width", F(barWidth - (chart.Stacked ? 0 : 2))),
                        new XAttribute("height", F(y2 - y1)), new XAttribute("fill", $"url(#s{s})"), new XAttribute("stroke", "#FFFFFF"),
                        new XAttribute("stroke-width", chart.Stacked ? 1 : 0),
                        new XElement(Ns + "title", Clean($"{chart.Categories[i]} · {chart.Series[s].Name}: {chart.Format(v)}"))));
                // The value on its bar: above a grouped bar, inside a stacked segment tall and wide enough for it.
                if (v <= 0) continue;
                var label = chart.Format(v);
                if (chart.Short is { } shorter && TextWidth(label, 11) > barWidth + 6) label = shorter(v);
                if (!chart.Stacked && TextWidth(label, 11) <= barWidth + 6)
                    svg.Add(Text(x + (barWidth - 2) / 2, y1 - 5, label, 11, "#1A1A1A", anchor: "middle", cls: "value"));
                else if (chart.Stacked && segments > 1 && y2 - y1 >= 16 && TextWidth(label, 11) <= barWidth - 4)
                    svg.Add(Halo(x + barWidth / 2, (y1 + y2) / 2 + 4, label, 11));
            }
            if (chart.Stacked && stack > 0)
                svg.Add(Text(x0 + group / 2, Y(stack) - 6, chart.Format(stack), 12, "#1A1A1A", anchor: "middle", bold: true, cls: "value total"));
            svg.Add(Text(Left + band * i + band / 2, Bottom + 20, Fit(chart.Categories[i], 12, band - 6), 12, "#333333", anchor: "middle", cls: "category"));
        }
        return Serialize(svg);
    }

    /// <summary>One fill per series: its colour, overlaid with a pattern (series 0 solid).</summary>
    private static XElement Defs(ChartSpec chart)
    {
        var defs = new XElement(Ns + "defs");
        for (var s = 0; s < Math.Max(1, chart.Series.Count); s++)
        {
            var colour = chart.Palette[s % chart.Palette.Count];
            var p = new XElement(Ns + "pattern", new XAttribute("id", $"s{s}"), new XAttribute("patternUnits", "userSpaceOnUse"),
                new XAttribute("width", 8), new XAttribute("height", 8),
                new XElement(Ns + "rect", new XAttribute("width", 8), new XAttribute("height", 8), new XAttribute("fill", colour)));
            var ink = Dark(colour) ? "#FFFFFF" : "#1A1A1A";
            switch (s % 5)
            {
                case 1: p.Add(Line(0, 8, 8, 0, ink, 1.6, 0.45), Line(-2, 2, 2, -2, ink, 1.6, 0.45), Line(6, 10, 10, 6, ink, 1.6, 0.45)); break;
                case 2: p.Add(new XElement(Ns + "circle", new XAttribute("cx", 4), new XAttribute("cy", 4), new XAttribute("r", 1.5), new XAttribute("fill", ink), new XAttribute("fill-opacity", 0.5))); break;
                case 3: p.Add(Line(0, 4, 8, 4, ink, 1.2, 0.45), Line(4, 0, 4, 8, ink, 1.2, 0.45)); break;
                case 4: p.Add(Line(0, 0, 8, 8, ink, 1.6, 0.45), Line(-2, 6, 2, 10, ink, 1.6, 0.45), Line(6, -2, 10, 2, ink, 1.6, 0.45)); break;
            }
            defs.Add(p);
        }
        return defs;
    }

    private static void Legend(XElement svg, ChartSpec chart)
    {
        double x = 32, y = 96;
        for (var s = 0; s < chart.Series.Count; s++)
        {
            var name = Fit(chart.Series[s].Name, 13, 260);
            var w = 22 + TextWidth(name, 13) + 20;
            if (x + w > Width - 32) { x = 32; y += 20; }
            svg.Add(new XElement(Ns + "rect", new XAttribute("x", F(x)), new XAttribute("y", F(y - 11)), new XAttribute("width", 14), new XAttribute("height", 14),
                    new XAttribute("fill", $"url(#s{s})"), new XAttribute("stroke", "#5E6B78"), new XAttribute("stroke-width", 0.5)),
                Text(x + 20, y + 1, name, 13, "#333333", cls: "legend"));
            x += w;
        }
    }

    private static XElement Text(double x, double y, string text, double size, string fill, string anchor = "start", bool bold = false, string? cls = null)
    {
        var e = new XElement(Ns + "text", new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("font-size", F(size)),
            new XAttribute("fill", fill), Clean(text));
        if (anchor != "start") e.Add(new XAttribute("text-anchor", anchor));
        if (bold) e.Add(new XAttribute("font-weight", "bold"));
        if (cls is not null) e.Add(new XAttribute("class", cls));
        return e;
    }

    /// <summary>Dark text on a white outline: readable on any fill and pattern.</summary>
    private static XElement Halo(double x, double y, string text, double size) =>
        new(Ns + "g", new XAttribute("class", "value"),
            new XElement(Ns + "text", new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("font-size", F(size)), new XAttribute("text-anchor", "middle"),
                new XAttribute("fill", "#FFFFFF"), new XAttribute("stroke", "#FFFFFF"), new XAttribute("stroke-width", 3), new XAttribute("stroke-linejoin", "round"), Clean(text)),
            Text(x, y, text, size, "#1A1A1A", anchor: "middle"));

    private static XElement Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, double opacity = 1)
    {
        var e = new XElement(Ns + "line", new XAttribute("x1", F(x1)), new XAttribute("y1", F(y1)), new XAttribute("x2", F(x2)), new XAttribute("y2", F(y2)),
            new XAttribute("stroke", stroke), new XAttribute("stroke-width", F(width)));
        if (opacity < 1) e.Add(new XAttribute("stroke-opacity", F(opacity)));
        return e;
    }

    /// <summary>
    /// The value axis: a round step (1, 2, 2.5 or 5 times a power of ten; whole numbers never step by less than 1 or by a
    /// half) and as many steps (up to about five) as reach the largest value.
    /// </summary>
    public static (double Top, int Steps) Scale(double max, bool wholeNumbers)
    {
        if (max <= 0) max = 1;
        var raw = max / 5;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double[] multiples = wholeNumbers && power < 10 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
        var step = multiples.Select(m => m * power).First(s => s >= raw * (1 - 1e-9));
        if (wholeNumbers) step = Math.Max(1, Math.Round(step));
        var steps = Math.Max(1, (int)Math.Ceiling(max / step - 1e-9));
        return (step * steps, steps);
    }

    /// <summary>The title's size: 22 px, smaller (down to 16) for a long title before it is cut.</summary>
    private static double TitleSize(string title)
    {
        double size = 22;
        while (size > 16 && TextWidth(title, size) > Width - 64) size--;
        return size;
    }

    /// <summary>About how wide a text is in DejaVu Sans (an average glyph is 0.6 em).</summary>
    private static double TextWidth(string s, double size) => s.Length * size * 0.6;

    /// <summary>The text, cut with an ellipsis to fit the width.</summary>
    private static string Fit(string s, double size, double width) => XmlText.Cut(s, (int)(width / (size * 0.6)));

    /// <summary>Characters XML cannot hold at all (controls) are dropped; everything else is escaped by the writer.</summary>
    private static string Clean(string s) => XmlText.Clean(s);

    private static bool Dark(string hex)
    {
        var rgb = Convert.ToInt32(hex.TrimStart('#'), 16);
        var (r, g, b) = ((rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255);
        return 0.299 * r + 0.587 * g + 0.114 * b < 140;
    }

    private static string F(double v) => Math.Round(v, 2).ToString(CultureInfo.InvariantCulture);

    private static string Serialize(XElement svg) =>
        new XDeclaration("1.0", "utf-8", null) + Environment.NewLine + svg.ToString(SaveOptions.None);
}

namespace Prospector.Features.Reports;

/// <summary>Chart colours that stay apart in greyscale (dark, light, middle, very light) and for colour-blind readers.</summary>
public static class ReportColors
{
    /// <summary>What a chart's tooltip says on hover: the series and the label with the value ("Lead · Mar: 12").</summary>
    public const string Tooltip = "{{SERIES_NAME}} · {{X_VALUE}}: {{Y_VALUE}}";

    public static readonly string[] Palette = ["#1F4E9C", "#8FB8F0", "#D98A1C", "#5E6B78", "#C9D2DC"];

    /// <summary>Won, lost, cancelled: dark green, light red, middle grey.</summary>
    public static readonly string[] Outcomes = ["#1E7B3A", "#F19A9A", "#7D8794"];
}

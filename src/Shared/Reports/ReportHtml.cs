using System.Globalization;
using System.Net;
using ScottPlot;

namespace Recsys.Reports;

/// <summary>What every HTML report shares: the style sheet, embedded PNG charts, the palette and number formats.</summary>
internal static class ReportHtml
{
    public const string Style = """
        <style>
          body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
          table { border-collapse: collapse; margin: 1rem 0; }
          th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: right; }
          th:first-child, td:first-child { text-align: left; }
          td.best { font-weight: bold; background: #eef7ee; }
          td.what, th.what { text-align: left; color: #555; max-width: 30rem; }
          .charts img { margin: .3rem; border: 1px solid #eee; }
          .caveat { background: #fff4e0; padding: .5rem 1rem; border-left: 4px solid #f0a000; }
        </style>
        """;

    public static string Image(byte[] png, string alt) =>
        $"<img alt=\"{E(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">";

    public static Color Palette(int i) => new ScottPlot.Palettes.Category10().GetColor(i);

    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string E(string text) => WebUtility.HtmlEncode(text);
}

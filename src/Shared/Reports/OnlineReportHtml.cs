using System.Globalization;
using System.Text;
using Recsys.Serving.Feedback;
using ScottPlot;
using static Recsys.Reports.ReportHtml;

namespace Recsys.Reports;

/// <summary>
/// The online section of the HTML report: per variant and version, lists, impressions, clicks and click-through,
/// each difference against the champion with its 95 % interval and users; and a plot of click-through over time
/// per variant. <see cref="Page"/> wraps it for <c>recsys report online --html</c>.
/// </summary>
public static class OnlineReportHtml
{
    public static string Section(OnlineReport report, IReadOnlyList<OnlinePoint> timeline)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h2>Online: {E(report.Model)}</h2><p>Feedback from {report.Since:u} to {report.Until:u}.</p>");
        if (report.Variants.Count == 0)
        {
            return html.Append("<p>No served lists of this model in the window.</p>").ToString();
        }

        html.Append("<table id=\"online\"><thead><tr><th>variant</th><th>version</th><th>users</th><th>lists</th><th>impressions</th><th>clicks</th><th>CTR</th><th>vs champion (95 % interval)</th></tr></thead><tbody>");
        foreach (OnlineVariant v in report.Variants)
        {
            string against = v.AgainstChampion is { } d
                ? string.Create(CultureInfo.InvariantCulture, $"{d.Difference:+0.0000;-0.0000} [{d.Lower:+0.0000;-0.0000}, {d.Upper:+0.0000;-0.0000}], {d.Users:N0} users{(d.Better ? ", better" : d.Worse ? ", worse" : "")}")
                : "";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(v.Variant)}</td><td>{E(v.Version)}</td><td>{N(v.Users)}</td><td>{N(v.Lists)}</td><td>{N(v.Impressions)}</td><td>{N(v.Clicks)}</td><td>{v.Ctr:0.0000}</td><td>{E(against)}</td></tr>");
        }

        html.Append("</tbody></table>");
        foreach (var (reason, count) in report.Rejected)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Left out: {N(count)} {E(reason)}.</p>");
        }

        if (timeline.Count > 0)
        {
            html.Append("<div class=\"charts\">").Append(Image(CtrOverTime(timeline), "click-through over time per variant")).Append("</div>");
        }

        return html.ToString();
    }

    public static string Page(OnlineReport report, IReadOnlyList<OnlinePoint> timeline) =>
        $"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(report.Model)} · online</title>\n{Style}</head><body>\n<h1>Online report: {E(report.Model)}</h1>\n{Section(report, timeline)}\n</body></html>\n";

    private static byte[] CtrOverTime(IReadOnlyList<OnlinePoint> timeline)
    {
        var plot = new Plot();
        int i = 0;
        foreach (IGrouping<string, OnlinePoint> variant in timeline.GroupBy(p => p.Variant).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            OnlinePoint[] points = [.. variant.OrderBy(p => p.Start)];
            var line = plot.Add.Scatter(points.Select(p => p.Start.UtcDateTime.ToOADate()).ToArray(), points.Select(p => p.Ctr).ToArray());
            line.LegendText = variant.Key;
            line.Color = Palette(i++);
            line.MarkerSize = 5;
        }

        plot.Axes.DateTimeTicksBottom();
        plot.Axes.Margins(bottom: 0);
        plot.XLabel("served (UTC)");
        plot.YLabel("click-through");
        plot.ShowLegend();
        return plot.GetImageBytes(720, 360, ImageFormat.Png);
    }
}

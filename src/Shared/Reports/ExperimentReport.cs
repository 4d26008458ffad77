using System.Globalization;
using System.Text;
using Recsys.Evaluation;
using Recsys.Experiments;
using Recsys.Preparation;
using ScottPlot;

using static Recsys.Reports.ReportHtml;

namespace Recsys.Reports;

/// <summary>
/// Writes <c>report.html</c> for an experiment: one self-contained page (PNG charts embedded as data URIs)
/// with the metrics table (one row per metric, saying what it measures), a bar chart per metric, the
/// distribution of per-user nDCG, the promotion decision when there was one, and the dataset summary.
/// </summary>
public static class ExperimentReport
{
    public const string FileName = "report.html";

    public static Task<string> WriteAsync(ExperimentResult experiment, string folder, CancellationToken cancellationToken = default) =>
        WriteAsync(experiment, folder, [], cancellationToken: cancellationToken);

    /// <param name="promotion">Lines explaining which version was promoted and why; a section of its own when given.</param>
    /// <param name="online">The online section (<see cref="OnlineReportHtml.Section"/>) when the lists served so far have feedback.</param>
    public static async Task<string> WriteAsync(
        ExperimentResult experiment, string folder, IReadOnlyList<string> promotion, string? online = null, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(folder, FileName);
        await File.WriteAllTextAsync(path, Render(experiment, promotion, online), Encoding.UTF8, cancellationToken);
        return path;
    }

    public static string Render(ExperimentResult experiment, IReadOnlyList<string>? promotion = null, string? online = null)
    {
        string[] metrics = [.. experiment.Runs.SelectMany(r => r.Evaluation.Metrics.Keys).Distinct()];
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <title>{{E(experiment.Dataset)}} · {{E(experiment.Protocol.ToName())}}</title>
            {{ReportHtml.Style}}</head><body>
            <h1>Experiment: {{E(experiment.Dataset)}}</h1>
            <p>Protocol <b>{{E(experiment.Protocol.ToName())}}</b>, k = {{experiment.K}}, prepared dataset {{E(experiment.Prepared.ContentHash)}}.</p>
            """);
        if (experiment.Seeds.Count > 1)
        {
            if (experiment.Protocol.HasRandomSplit())
            {
                html.Append(CultureInfo.InvariantCulture, $"<p>Every figure is the mean ± standard deviation over {experiment.Seeds.Count} splits (seeds {experiment.Seeds[0]}–{experiment.Seeds[^1]}); the prepared dataset named above is the first split's; per-user charts show the first split.</p>");
            }
            else
            {
                html.Append(CultureInfo.InvariantCulture, $"<p>Every figure is the mean ± standard deviation over {experiment.Seeds.Count} fits of the same split (the models' own seeds {experiment.Seeds[0]}–{experiment.Seeds[^1]}); per-user charts show the first fit.</p>");
            }
        }

        if (experiment.Protocol == Protocol.Sampled)
        {
            html.Append("<p class=\"caveat\">Sampled evaluation (100 negatives per test item) overstates quality and can reorder models; compare it only with other sampled results.</p>");
        }

        if (promotion is { Count: > 0 })
        {
            html.Append("<h2>Promotion</h2><ul id=\"promotion\">");
            foreach (string line in promotion)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(line)}</li>");
            }

            html.Append("</ul>");
        }

        // Metrics as rows and models as columns: few models, many metrics, so the table fits a laptop screen.
        // Highlighted: a best that is clear of every other model by more than a standard deviation.
        html.Append("<h2>Metrics</h2><div style=\"overflow-x:auto\"><table id=\"metrics\"><thead><tr><th>metric</th>");
        foreach (ModelRun run in experiment.Runs)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(run.Name)}</th>");
        }

        html.Append("<th class=\"what\">what it measures</th></tr></thead><tbody>");
        foreach (string metric in metrics)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(metric)}</td>");
            foreach (ModelRun run in experiment.Runs)
            {
                bool has = run.Evaluation.Metrics.ContainsKey(metric);
                bool isBest = SeedSummary.IsClearBest(experiment.Runs, run, metric);
                html.Append(CultureInfo.InvariantCulture, $"<td{(isBest ? " class=\"best\"" : "")}>{(has ? E(SeedSummary.Text(run, metric)) : "–")}</td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td class=\"what\">{E(MetricNames.Describe(metric))}</td></tr>");
        }

        html.Append("<tr><td>fit s</td>");
        html.AppendJoin("", experiment.Runs.Select(r => string.Create(CultureInfo.InvariantCulture, $"<td>{r.FitSeconds:0.00}</td>")));
        html.Append("<td class=\"what\">seconds to train or fit</td></tr><tr><td>eval s</td>");
        html.AppendJoin("", experiment.Runs.Select(r => string.Create(CultureInfo.InvariantCulture, $"<td>{r.Evaluation.Seconds:0.00}</td>")));
        html.Append("<td class=\"what\">seconds to rank and score every test user</td></tr>");
        html.Append("</tbody></table></div><h2>Per metric</h2><div class=\"charts\">");
        foreach (string metric in metrics)
        {
            html.Append(Image(MetricChart(experiment, metric), $"{metric} by model"));
        }

        html.Append("</div>");
        string ndcg = MetricNames.Ndcg(experiment.K);
        if (experiment.Runs.Any(r => r.Evaluation.PerUser.ContainsKey(ndcg)))
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>Distribution of per-user {E(ndcg)}</h2><div class=\"charts\">");
            html.Append(Image(Distribution(experiment, ndcg), $"per-user {ndcg}"));
            html.Append("</div>");
        }

        html.Append(online);
        html.Append(DatasetSummary(experiment.Prepared.Stats));
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static byte[] MetricChart(ExperimentResult experiment, string metric)
    {
        var plot = new Plot();

        // Horizontal bars, first model on top: model names sit on the left axis, where long ones cannot overlap.
        int count = experiment.Runs.Count;
        Bar[] bars = [.. experiment.Runs.Select((run, i) => new Bar
        {
            Position = count - 1 - i,
            Value = run.Evaluation.Metrics.GetValueOrDefault(metric),
            FillColor = Palette(i),
            Label = run.Evaluation.Metrics.GetValueOrDefault(metric).ToString("0.000", CultureInfo.InvariantCulture),
        })];
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, count).Select(i => (double)(count - 1 - i))], [.. experiment.Runs.Select(r => r.Name)]);
        plot.Axes.Left.MajorTickStyle.Length = 0;

        // Room right of the longest bar for its value label.
        plot.Axes.Margins(left: 0, right: 0.2);
        plot.Title(metric);
        return plot.GetImageBytes(400, 70 + (32 * count), ImageFormat.Png);
    }

    private static byte[] Distribution(ExperimentResult experiment, string metric)
    {
        var plot = new Plot();
        int i = 0;
        foreach (ModelRun run in experiment.Runs)
        {
            if (run.Evaluation.PerUser.TryGetValue(metric, out double[]? values) && values.Length > 0)
            {
                var histogram = ScottPlot.Statistics.Histogram.WithBinCount(20, 0, 1);
                histogram.AddRange(values);
                Color color = Palette(i).WithAlpha(0.45);
                Bar[] binBars = [.. histogram.Bins.Select((start, b) => new Bar
                {
                    Position = start + (histogram.FirstBinSize / 2),
                    Value = histogram.Counts[b],
                    Size = histogram.FirstBinSize,
                    FillColor = color,
                    LineWidth = 0,
                })];
                var bars = plot.Add.Bars(binBars);
                bars.LegendText = run.Name;
                bars.Color = color;
            }

            i++;
        }

        plot.Axes.SetLimitsX(0, 1);
        plot.Axes.Margins(bottom: 0);
        plot.XLabel($"per-user {metric}");
        plot.YLabel("users");
        plot.ShowLegend();
        return plot.GetImageBytes(720, 360, ImageFormat.Png);
    }

    private static string DatasetSummary(PrepareStats s)
    {
        var rows = new List<(string, string)>
        {
            ("dataset", s.Dataset), ("format", s.Format), ("users", N(s.Users)), ("items", N(s.Items)),
            ("interactions", N(s.Interactions)), ("sparsity", s.Sparsity.ToString("P3", CultureInfo.InvariantCulture)),
            ("rejected rows", N(s.Rows.Rejected)), ("duplicates removed", N(s.Rows.Duplicates)),
        };
        rows.AddRange(s.Splits.Select(p => ($"{p.Key} rows / users", $"{N(p.Value.Rows)} / {N(p.Value.Users)}")));
        var html = new StringBuilder("<h2>Dataset</h2><table id=\"dataset\"><tbody>");
        foreach (var (label, value) in rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(label)}</td><td>{E(value)}</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }
}

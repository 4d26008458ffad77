using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Recsys.Serving;
using Recsys.Storage;
using Azure.Monitor.OpenTelemetry.Exporter;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Traces, metrics and logs through OpenTelemetry: to Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (in Azure), authenticated with the app's managed identity
/// (<c>AZURE_CLIENT_ID</c>) since the resource takes no ingestion keys; else to OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (local hosts); else nowhere.
/// </summary>
public static class TelemetryRegistration
{
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IOpenTelemetryBuilder AddRecsysTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        IOpenTelemetryBuilder telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(ServingMetrics.MeterName))
            .WithTracing(tracing => tracing.AddSource("Azure.*", Recsys.Diagnostics.RecsysTracing.SourceName));
        string? applicationInsights = configuration[ApplicationInsightsSetting];
        if (!string.IsNullOrEmpty(applicationInsights))
        {
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = applicationInsights;
                options.Credential = AzureIdentity.Credential(configuration["AZURE_CLIENT_ID"]);
            });
        }
        else if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return telemetry;
    }
}

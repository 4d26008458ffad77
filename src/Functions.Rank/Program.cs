using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The rank app: HTTP triggers over the handlers `recsys serve` uses. Storage comes from Storage__blobServiceUri /
// __queueServiceUri / __tableServiceUri / __clientId (or a Storage connection string against Azurite); the default
// model is warmed after the host has started, and disposed with the host.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddRecsysServing(builder.Configuration);
builder.Services.AddRecsysTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();
builder.Build().Run();

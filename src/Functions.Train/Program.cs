using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The pipeline app: Service Bus triggers over the stage runner `recsys worker` uses locally. Storage from
// Storage__blobServiceUri / __queueServiceUri / __tableServiceUri / __clientId, Service Bus from
// ServiceBus__fullyQualifiedNamespace / __clientId; limits from Pipeline__* (validated at start).
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddRecsysServiceBusPipeline(builder.Configuration).AddRecsysTraining();
builder.Services.AddRecsysTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();
builder.Build().Run();

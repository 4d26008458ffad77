using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Recsys.Pipeline;
using Recsys.Serving;
using Recsys.Storage;

// The rank app: HTTP triggers over the same handlers `recsys serve` uses. Storage comes from the identity-based
// settings Storage__blobServiceUri / __queueServiceUri / __tableServiceUri / __clientId (or a connection string
// named Storage when running against Azurite).
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

ServingOptions options = builder.Configuration.GetSection("Serving").Get<ServingOptions>() ?? new ServingOptions();
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(services =>
{
    IConfiguration configuration = services.GetRequiredService<IConfiguration>();
    var (blobs, _, tables) = StorageAccount.Create(name => configuration[name]);
    return ServingHost.Create(blobs, options, services.GetRequiredService<ILoggerFactory>(), new JobStore(tables.GetTableClient(JobStore.TableName)));
});
builder.Services.AddSingleton(services => services.GetRequiredService<ServingHost>().Api);

IHost host = builder.Build();

// Load and warm the default model before the first request arrives.
await host.Services.GetRequiredService<ServingHost>().WarmAsync(options);
await host.RunAsync();
await host.Services.GetRequiredService<ServingHost>().DisposeAsync();

using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Recsys.Pipeline;
using Recsys.Storage;
using Recsys.Training.Pipeline;

// The pipeline app: Service Bus triggers over the stage handlers `recsys worker` runs locally. Storage comes from
// the identity-based settings Storage__blobServiceUri / __queueServiceUri / __tableServiceUri / __clientId.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddSingleton(services =>
{
    IConfiguration configuration = services.GetRequiredService<IConfiguration>();
    var (blobs, queues, tables) = StorageAccount.Create(name => configuration[name]);
    return new PipelineStorage(blobs, queues, tables);
});
builder.Services.AddSingleton(services => new PrepareStage(services.GetRequiredService<PipelineStorage>()));
builder.Services.AddSingleton(services => new TrainStage(services.GetRequiredService<PipelineStorage>()));
builder.Services.AddSingleton(services => new EvaluateStage(services.GetRequiredService<PipelineStorage>()));
builder.Services.AddSingleton(services => new DatasetWatcher(services.GetRequiredService<PipelineStorage>()) { SettleTime = TimeSpan.Zero });
builder.Build().Run();

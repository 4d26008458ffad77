using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recsys.Pipeline;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The pipeline over one storage account: validated <see cref="PipelineOptions"/>, the prepare and evaluate stages
/// (training adds its own), the <see cref="StageRunner"/>, the <see cref="DatasetWatcher"/> and the <see cref="RetrainScheduler"/>. Messages go to the
/// Storage Queues unless a transport registers another <see cref="IPipelineSender"/>.
/// </summary>
public static class PipelineRegistration
{
    public static IServiceCollection AddRecsysPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecsysStorage(configuration);
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>());
        services.TryAddSingleton(sp => new PipelineStorage(
            sp.GetRequiredService<BlobServiceClient>(), sp.GetRequiredService<QueueServiceClient>(), sp.GetRequiredService<TableServiceClient>()));
        services.TryAddSingleton<IPipelineSender>(sp => sp.GetRequiredService<PipelineStorage>());
        services.AddSingleton<IPipelineStage>(sp => new PrepareStage(sp.GetRequiredService<PipelineStorage>(), sp.GetService<TrainableArchitectures>()));
        services.AddSingleton<IPipelineStage>(sp => new EvaluateStage(sp.GetRequiredService<PipelineStorage>(), logger: sp.GetRequiredService<ILogger<EvaluateStage>>()));
        services.TryAddSingleton(sp =>
        {
            PipelineOptions options = sp.GetRequiredService<IOptions<PipelineOptions>>().Value;
            return new StageRunner(sp.GetRequiredService<PipelineStorage>().Jobs, sp.GetServices<IPipelineStage>(), sp.GetRequiredService<ILogger<StageRunner>>())
            {
                MaxDeliveryCount = options.MaxDeliveryCount,
                StageTimeout = options.StageTimeout,
            };
        });
        services.TryAddSingleton(sp =>
        {
            PipelineOptions options = sp.GetRequiredService<IOptions<PipelineOptions>>().Value;
            return new DatasetWatcher(sp.GetRequiredService<PipelineStorage>(), sp.GetRequiredService<ILogger<DatasetWatcher>>(), sp.GetRequiredService<IPipelineSender>())
            {
                SettleTime = options.SettleTime,
                RequireReadyFile = options.RequireReadyFile,
            };
        });
        services.TryAddSingleton(sp => new RetrainScheduler(
            sp.GetRequiredService<PipelineStorage>(), sp.GetRequiredService<ILogger<RetrainScheduler>>(), sp.GetRequiredService<IPipelineSender>()));
        return services;
    }
}

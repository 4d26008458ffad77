using Recsys.Pipeline;
using Recsys.Training.Pipeline;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the train stage (TorchSharp, CUDA when libtorch finds a GPU) to a pipeline registered with <c>AddRecsysPipeline</c>.</summary>
public static class TrainingRegistration
{
    public static IServiceCollection AddRecsysTraining(this IServiceCollection services)
    {
        services.AddSingleton(new TrainableArchitectures(Recsys.Training.TrainingModels.Names));
        services.AddSingleton<IPipelineStage>(sp => new TrainStage(sp.GetRequiredService<PipelineStorage>()));
        return services;
    }
}

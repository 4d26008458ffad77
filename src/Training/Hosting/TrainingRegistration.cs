using Recsys.Pipeline;
using Recsys.Training.Pipeline;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the train stage (TorchSharp, CUDA when libtorch finds a GPU) to a pipeline registered with <c>AddRecsysPipeline</c>.</summary>
public static class TrainingRegistration
{
    /// <param name="onEpoch">Called on the training thread after each epoch (a console line, say); storing the checkpoint does not wait for it.</param>
    public static IServiceCollection AddRecsysTraining(this IServiceCollection services, Action<PipelineMessage, Recsys.Training.Trainer.EpochReport>? onEpoch = null)
    {
        services.AddSingleton(Recsys.Training.NeuralArchitectures.Trainable);
        services.AddSingleton<IPipelineStage>(sp => new TrainStage(sp.GetRequiredService<PipelineStorage>(), onEpoch: onEpoch));
        return services;
    }
}

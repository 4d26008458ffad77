using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recsys.Pipeline;
using Recsys.Serving;
using Recsys.Serving.Runtime;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Everything a rank host needs: validated <see cref="ServingOptions"/>, the <see cref="ServingHost"/> and its <see cref="RankApi"/>, and a warm-up once the host has started.</summary>
public static class ServingRegistration
{
    /// <summary>Serving options bound from the <c>Serving</c> section and validated when the host starts.</summary>
    public static IServiceCollection AddRecsysServing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServingOptions>().Bind(configuration.GetSection(ServingOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServingOptions>, ServingOptionsValidator>());
        return services.AddServingCore(configuration);
    }

    /// <summary>Serving with options a command already assembled (configuration plus its own flags); validated now.</summary>
    public static IServiceCollection AddRecsysServing(this IServiceCollection services, IConfiguration configuration, ServingOptions options)
    {
        ValidateOptionsResult result = new ServingOptionsValidator().Validate(Options.Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.Options.DefaultName, typeof(ServingOptions), result.Failures);
        }

        services.AddSingleton(Options.Options.Create(options));
        return services.AddServingCore(configuration);
    }

    private static IServiceCollection AddServingCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecsysStorage(configuration);
        services.TryAddSingleton(sp => ServingHost.Create(
            sp.GetRequiredService<BlobServiceClient>(),
            sp.GetRequiredService<IOptions<ServingOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>(),
            new JobStore(sp.GetRequiredService<TableServiceClient>().GetTableClient(JobStore.TableName))));
        services.TryAddSingleton(sp => sp.GetRequiredService<ServingHost>().Api);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ServingWarmup>());
        return services;
    }
}

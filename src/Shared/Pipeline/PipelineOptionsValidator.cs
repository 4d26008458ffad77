using Microsoft.Extensions.Options;

namespace Recsys.Pipeline;

/// <summary>Rejects pipeline settings that cannot work, naming the setting and the rule.</summary>
public sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var failures = new List<string>();
        if (options.MaxDeliveryCount is < 1 or > 100)
        {
            failures.Add($"{PipelineOptions.Section}:{nameof(options.MaxDeliveryCount)} must be between 1 and 100 (got {options.MaxDeliveryCount}).");
        }

        if (options.StageTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{PipelineOptions.Section}:{nameof(options.StageTimeout)} must be greater than zero (got {options.StageTimeout}).");
        }

        if (options.SettleTime < TimeSpan.Zero)
        {
            failures.Add($"{PipelineOptions.Section}:{nameof(options.SettleTime)} must not be negative (got {options.SettleTime}).");
        }

        if (options.RetrainEvery is { } every && every <= TimeSpan.Zero)
        {
            failures.Add($"{PipelineOptions.Section}:{nameof(options.RetrainEvery)} must be greater than zero when set (got {every}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

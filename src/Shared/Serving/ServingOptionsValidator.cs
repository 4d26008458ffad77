using Microsoft.Extensions.Options;
using Recsys.Storage;

namespace Recsys.Serving;

/// <summary>Rejects serving settings that would fail later or silently misbehave; each message names the setting and the rule.</summary>
public sealed class ServingOptionsValidator : IValidateOptions<ServingOptions>
{
    public ValidateOptionsResult Validate(string? name, ServingOptions options)
    {
        var failures = new List<string>();
        void Require(bool ok, string setting, string rule, object value)
        {
            if (!ok)
            {
                failures.Add($"{ServingOptions.Section}:{setting} {rule} (got {value}).");
            }
        }

        Require(ResourceName.IsValid(options.DefaultModel), nameof(options.DefaultModel), "must be a valid model name", options.DefaultModel);
        Require(ResourceName.IsValid(options.DefaultAlias), nameof(options.DefaultAlias), "must be a valid alias name", options.DefaultAlias);
        Require(options.RefreshInterval > TimeSpan.Zero, nameof(options.RefreshInterval), "must be greater than zero", options.RefreshInterval);
        Require(options.RefreshRetryDelay > TimeSpan.Zero, nameof(options.RefreshRetryDelay), "must be greater than zero", options.RefreshRetryDelay);
        Require(options.MemoryBudgetBytes > 0, nameof(options.MemoryBudgetBytes), "must be greater than zero", options.MemoryBudgetBytes);
        Require(options.MaxBodyBytes > 0, nameof(options.MaxBodyBytes), "must be greater than zero", options.MaxBodyBytes);
        Require(options.MaxUploadBytes > 0, nameof(options.MaxUploadBytes), "must be greater than zero", options.MaxUploadBytes);
        Require(options.IntraOpThreads >= 0, nameof(options.IntraOpThreads), "must not be negative (0: one per core)", options.IntraOpThreads);
        Require(options.BatchMaxRows > 0, nameof(options.BatchMaxRows), "must be greater than zero", options.BatchMaxRows);
        Require(options.BatchMaxWait >= TimeSpan.Zero && options.BatchMaxWait <= TimeSpan.FromMilliseconds(100), nameof(options.BatchMaxWait), "must be between 0 and 100 ms", options.BatchMaxWait);
        Require(options.MaxCandidates > 0, nameof(options.MaxCandidates), "must be greater than zero", options.MaxCandidates);
        Require(options.MaxTop > 0, nameof(options.MaxTop), "must be greater than zero", options.MaxTop);
        Require(options.MaxHistory >= 0, nameof(options.MaxHistory), "must not be negative", options.MaxHistory);
        Require(options.MaxBatchUsers > 0, nameof(options.MaxBatchUsers), "must be greater than zero", options.MaxBatchUsers);
        Require(options.MaxIdLength > 0, nameof(options.MaxIdLength), "must be greater than zero", options.MaxIdLength);
        Require(options.MaxJsonDepth > 0, nameof(options.MaxJsonDepth), "must be greater than zero", options.MaxJsonDepth);
        Require(options.MaxFeedbackEvents > 0, nameof(options.MaxFeedbackEvents), "must be greater than zero", options.MaxFeedbackEvents);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

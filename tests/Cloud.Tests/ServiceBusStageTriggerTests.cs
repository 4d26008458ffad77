using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Pipeline;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cloud.Tests;

/// <summary>The runner's policy as the Service Bus functions apply it: settlement, retries, dead letters and the job record.</summary>
public sealed class ServiceBusStageTriggerTests : CloudHostTest
{
    private static readonly string Train = PipelineStorage.QueueName(PipelineStage.Train);

    [Fact]
    public async Task UnreadableMessage_IsDeadLetteredWithTheReason()
    {
        Host.Bus.Enqueue(Train, BinaryData.FromString("{ not a message"));

        await Host.PumpAsync(Ct);

        var dead = Assert.Single(Host.Bus.DeadLetters[Train]);
        Assert.Equal("unreadable-message", dead.Reason);
        Assert.Contains("Not a pipeline message", dead.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientFailure_IsRetried_ThenDeadLetteredOnItsLastDelivery_WithTheJobFailed()
    {
        var failing = new ScriptedStage(_ => throw new IOException("the disk is full"));
        ServiceBusStageTrigger trigger = Trigger(failing, maxDeliveries: 3);
        Host.Bus.Enqueue(Train, Message("job-1"));

        for (int delivery = 1; Host.Bus.Receive(Train) is { } message; delivery++)
        {
            Assert.Equal(delivery, message.DeliveryCount);
            await trigger.HandleAsync(PipelineStage.Train, message, Host.Bus, Ct);
        }

        Assert.Equal(3, failing.Calls);
        var dead = Assert.Single(Host.Bus.DeadLetters[Train]);
        Assert.Equal("failed", dead.Reason);
        Assert.Contains("delivery 3 of 3 failed: IOException: the disk is full", dead.Description, StringComparison.Ordinal);
        JobView job = (await Storage.Jobs.GetAsync("job-1", Ct))!;
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("the disk is full", Assert.Single(job.Stages).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermanentFailure_CompletesTheMessage_WithoutRetryOrDeadLetter()
    {
        var bad = new ScriptedStage(_ => throw new PermanentStageException("no usable rows"));
        Host.Bus.Enqueue(Train, Message("job-2"));

        await Trigger(bad).HandleAsync(PipelineStage.Train, Host.Bus.Receive(Train)!, Host.Bus, Ct);

        Assert.Equal(1, bad.Calls);
        Assert.Equal(0, Host.Bus.Count(Train));
        Assert.Empty(Host.Bus.DeadLetters);
    }

    [Fact]
    public async Task Success_SendsTheNextMessages_BeforeCompleting()
    {
        var next = new PipelineMessage { Stage = PipelineStage.Evaluate, JobId = "job-3", Dataset = "shop", Version = "v1" };
        Host.Bus.Enqueue(Train, Message("job-3"));

        var log = new ListLogger();

        await Trigger(new ScriptedStage(_ => [next]), log: log).HandleAsync(PipelineStage.Train, Host.Bus.Receive(Train)!, Host.Bus, Ct);

        // What an operator follows in the log: each stage's start and end, and what comes next.
        Assert.Equal("Job job-3: train bpr started (delivery 1).", log.Lines[0]);
        Assert.Matches(@"^Job job-3: train bpr done in \d+\.\d s; next: evaluate /v1\.$", log.Lines[1]);
        Assert.Equal(0, Host.Bus.Count(Train));
        Assert.Equal(next, PipelineMessage.FromJson(Host.Bus.Receive(PipelineStorage.QueueName(PipelineStage.Evaluate))!.Body.ToString()));
    }

    [Fact]
    public async Task StageStuckPastItsTimeLimit_IsDeadLettered_AndTheWorkerStops()
    {
        using var release = new ManualResetEventSlim();
        var stuck = new ScriptedStage(_ =>
        {
            release.Wait(TimeSpan.FromMinutes(1)); // ignores its cancellation token, as a hung library call would
            return [];
        });
        var lifetime = Host.Services.GetRequiredService<IHostApplicationLifetime>();
        Host.Bus.Enqueue(Train, Message("job-4"));

        await Trigger(stuck, timeout: TimeSpan.FromMilliseconds(300)).HandleAsync(PipelineStage.Train, Host.Bus.Receive(Train)!, Host.Bus, Ct);
        release.Set();

        var dead = Assert.Single(Host.Bus.DeadLetters[Train]);
        Assert.Equal("time-limit", dead.Reason);
        Assert.Contains("did not stop when cancelled", dead.Description, StringComparison.Ordinal);
        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(JobStatus.Failed, (await Storage.Jobs.GetAsync("job-4", Ct))!.Status);
    }

    private ServiceBusStageTrigger Trigger(IPipelineStage stage, int maxDeliveries = 5, TimeSpan? timeout = null, ListLogger? log = null) => new(
        new StageRunner(Storage.Jobs, [stage], log)
        {
            MaxDeliveryCount = maxDeliveries,
            MaxBackoff = TimeSpan.FromMilliseconds(10),
            StageTimeout = timeout ?? TimeSpan.FromMinutes(5),
            CancellationGrace = TimeSpan.FromMilliseconds(200),
        },
        Host.Services.GetRequiredService<IPipelineSender>(),
        Host.Services.GetRequiredService<IHostApplicationLifetime>(),
        NullLogger<ServiceBusStageTrigger>.Instance);

    private static BinaryData Message(string jobId) =>
        BinaryData.FromString(new PipelineMessage { Stage = PipelineStage.Train, JobId = jobId, Dataset = "shop", Training = new PlannedModel("bpr") }.ToJson());

    private sealed class ScriptedStage(Func<PipelineMessage, IReadOnlyList<PipelineMessage>> handle) : IPipelineStage
    {
        public int Calls { get; private set; }

        public PipelineStage Stage => PipelineStage.Train;

        public Task<IReadOnlyList<PipelineMessage>> HandleAsync(PipelineMessage message, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(handle(message));
        }
    }
}

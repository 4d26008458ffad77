using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Pipeline;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cloud.Tests;

/// <summary>The runner's policy as the Service Bus functions apply it: settlement, retries, dead letters and the job record.</summary>
public sealed class ServiceBusStageTriggerTests : IAsyncLifetime
{
    private static readonly string Train = PipelineStorage.QueueName(PipelineStage.Train);
    private readonly AzuriteFixture _azurite = new();
    private CloudHost _host = null!;
    private PipelineStorage _storage = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _host = await CloudHost.StartAsync(_azurite.ConnectionString, cancellationToken: Ct);
        _storage = _host.Services.GetRequiredService<PipelineStorage>();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task UnreadableMessage_IsDeadLetteredWithTheReason()
    {
        _host.Bus.Enqueue(Train, BinaryData.FromString("{ not a message"));

        await _host.PumpAsync(Ct);

        var dead = Assert.Single(_host.Bus.DeadLetters[Train]);
        Assert.Equal("unreadable-message", dead.Reason);
        Assert.Contains("Not a pipeline message", dead.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientFailure_IsRetried_ThenDeadLetteredOnItsLastDelivery_WithTheJobFailed()
    {
        var failing = new ScriptedStage(_ => throw new IOException("the disk is full"));
        ServiceBusStageTrigger trigger = Trigger(failing, maxDeliveries: 3);
        _host.Bus.Enqueue(Train, Message("job-1"));

        for (int delivery = 1; _host.Bus.Receive(Train) is { } message; delivery++)
        {
            Assert.Equal(delivery, message.DeliveryCount);
            await trigger.HandleAsync(PipelineStage.Train, message, _host.Bus, Ct);
        }

        Assert.Equal(3, failing.Calls);
        var dead = Assert.Single(_host.Bus.DeadLetters[Train]);
        Assert.Equal("failed", dead.Reason);
        Assert.Contains("delivery 3 of 3 failed: IOException: the disk is full", dead.Description, StringComparison.Ordinal);
        JobView job = (await _storage.Jobs.GetAsync("job-1", Ct))!;
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("the disk is full", Assert.Single(job.Stages).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermanentFailure_CompletesTheMessage_WithoutRetryOrDeadLetter()
    {
        var bad = new ScriptedStage(_ => throw new PermanentStageException("no usable rows"));
        _host.Bus.Enqueue(Train, Message("job-2"));

        await Trigger(bad).HandleAsync(PipelineStage.Train, _host.Bus.Receive(Train)!, _host.Bus, Ct);

        Assert.Equal(1, bad.Calls);
        Assert.Equal(0, _host.Bus.Count(Train));
        Assert.Empty(_host.Bus.DeadLetters);
    }

    [Fact]
    public async Task Success_SendsTheNextMessages_BeforeCompleting()
    {
        var next = new PipelineMessage { Stage = PipelineStage.Evaluate, JobId = "job-3", Dataset = "shop", Version = "v1" };
        _host.Bus.Enqueue(Train, Message("job-3"));

        await Trigger(new ScriptedStage(_ => [next])).HandleAsync(PipelineStage.Train, _host.Bus.Receive(Train)!, _host.Bus, Ct);

        Assert.Equal(0, _host.Bus.Count(Train));
        Assert.Equal(next, PipelineMessage.FromJson(_host.Bus.Receive(PipelineStorage.QueueName(PipelineStage.Evaluate))!.Body.ToString()));
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
        var lifetime = _host.Services.GetRequiredService<IHostApplicationLifetime>();
        _host.Bus.Enqueue(Train, Message("job-4"));

        await Trigger(stuck, timeout: TimeSpan.FromMilliseconds(300)).HandleAsync(PipelineStage.Train, _host.Bus.Receive(Train)!, _host.Bus, Ct);
        release.Set();

        var dead = Assert.Single(_host.Bus.DeadLetters[Train]);
        Assert.Equal("time-limit", dead.Reason);
        Assert.Contains("did not stop when cancelled", dead.Description, StringComparison.Ordinal);
        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(JobStatus.Failed, (await _storage.Jobs.GetAsync("job-4", Ct))!.Status);
    }

    private ServiceBusStageTrigger Trigger(IPipelineStage stage, int maxDeliveries = 5, TimeSpan? timeout = null) => new(
        new StageRunner(_storage.Jobs, [stage])
        {
            MaxDeliveryCount = maxDeliveries,
            MaxBackoff = TimeSpan.FromMilliseconds(10),
            StageTimeout = timeout ?? TimeSpan.FromMinutes(5),
            CancellationGrace = TimeSpan.FromMilliseconds(200),
        },
        _host.Services.GetRequiredService<IPipelineSender>(),
        _host.Services.GetRequiredService<IHostApplicationLifetime>(),
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

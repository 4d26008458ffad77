using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>A scoring run ends when its caller's token is cancelled, and only that run.</summary>
public sealed class ScoringModelCancellationTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<ScoringModel> LoadAsync()
    {
        ModelRegistry registry = await fixture.NewRegistryWithChampionAsync();
        return ScoringModel.Load(await ModelPackage.LoadAsync(registry, "movies", fixture.Version1, Ct), ExecutionProvider.Cpu);
    }

    [Fact]
    public async Task ACallerCancelledMidRun_GetsOperationCanceled_WhileEveryOtherCallerStillScores()
    {
        using ScoringModel model = await LoadAsync();
        int[] candidates = [1, 2, 3, 4, 5, 6];
        ScoringQuery[] big = [.. Enumerable.Range(0, 20_000).Select(_ => new ScoringQuery(model.UserIndex("1"), ReadOnlyMemory<int>.Empty, candidates))];

        // One caller scores large batches until its token fires, so the cancellation lands inside a run. The token
        // is armed only once every other caller has scored, so on a busy machine they are all running when it fires.
        using var cancelled = new CancellationTokenSource();
        using var othersScoring = new CountdownEvent(3);
        Task cancelledCaller = Task.Run(() =>
        {
            float[] scores = new float[big.Length * candidates.Length];
            while (true)
            {
                model.Score(big, scores, cancelled.Token);
            }
        }, Ct);
        Task<float[]>[] others = [.. Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            float[] scores = new float[candidates.Length];
            bool signalled = false;
            do
            {
                Array.Clear(scores);
                model.Score([new ScoringQuery(model.UserIndex("1"), ReadOnlyMemory<int>.Empty, candidates)], scores);
                if (!signalled)
                {
                    othersScoring.Signal();
                    signalled = true;
                }
            }
            while (!cancelledCaller.IsCompleted);

            return scores;
        }, Ct))];

        bool othersStarted = othersScoring.Wait(TestLimits.Scaled(TimeSpan.FromMinutes(1)), Ct);
        cancelled.CancelAfter(othersStarted ? TimeSpan.FromMilliseconds(50) : TimeSpan.Zero);
        Assert.True(othersStarted, "the other callers never scored");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelledCaller);

        // v1 scores item index i as i: the other callers kept scoring through the cancellation, and still do.
        foreach (float[] scores in await Task.WhenAll(others))
        {
            Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], scores);
        }

        float[] after = new float[candidates.Length];
        model.Score([new ScoringQuery(model.UserIndex("1"), ReadOnlyMemory<int>.Empty, candidates)], after);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], after);
    }

    /// <summary>
    /// A thread keeps its bound inputs and run options from run to run; a run terminated mid-way must not leave those
    /// options terminated for the thread's next run of the same size.
    /// </summary>
    [Fact]
    public async Task AThreadWhoseRunWasTerminated_ScoresItsNextRunInFull()
    {
        using ScoringModel model = await LoadAsync();
        int[] candidates = [1, 2, 3, 4, 5, 6];
        ScoringQuery[] big = [.. Enumerable.Range(0, 20_000).Select(_ => new ScoringQuery(model.UserIndex("1"), ReadOnlyMemory<int>.Empty, candidates))];
        float[] scores = new float[big.Length * candidates.Length];
        bool terminated = false;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                // A token can fire between two runs, which terminates none; try until one fires inside a run.
                for (int attempt = 0; attempt < 50 && !terminated; attempt++)
                {
                    using var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
                    try
                    {
                        while (true)
                        {
                            model.Score(big, scores, cancelled.Token);
                        }
                    }
                    catch (OperationCanceledException ex)
                    {
                        terminated = ex.InnerException is Microsoft.ML.OnnxRuntime.OnnxRuntimeException;
                    }
                }

                Array.Clear(scores);
                model.Score(big, scores);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();

        Assert.Null(failure);
        Assert.True(terminated, "no cancellation landed inside a run");
        Assert.Equal([.. Enumerable.Range(0, big.Length).SelectMany(_ => new[] { 1f, 2f, 3f, 4f, 5f, 6f })], scores);
    }

    [Fact]
    public async Task ARankRequest_WhoseCallerHasGone_IsCancelled_NotScored()
    {
        ModelRegistry registry = await fixture.NewRegistryWithChampionAsync();
        var options = new ServingOptions { RefreshInterval = TimeSpan.FromHours(1) };
        await using var host = new ModelHost(registry, options);
        var service = new RankService(host, new ProfileStore(await fixture.NewContainerAsync("profiles"), options.RefreshInterval), options);
        var request = new RankRequest { UserId = "1", Candidates = [new RankCandidate { Id = "1" }, new RankCandidate { Id = "2" }] };
        await service.RankAsync(request, Ct); // loaded and warm, so the only thing left to cancel is the scoring run
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.RankAsync(request, gone.Token));
    }
}

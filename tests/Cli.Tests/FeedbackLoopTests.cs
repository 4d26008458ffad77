using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Storage.Blobs;
using Recsys.Cli.Commands;
using Recsys.Cli.Serving;
using Recsys.Pipeline;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Recsys.Serving.Ranking;
using Recsys.Testing;
using Recsys.Training.Pipeline;
using Xunit;

namespace Recsys.Cli.Tests;

/// <summary>
/// The feedback loop end to end on a real Azurite, over HTTP: a trained champion and a challenger that is better by
/// construction share traffic through a split profile; simulated users with a known taste click what they are
/// shown; the online report must find the better version; and the retrain those clicks start must give a model
/// that ranks the users' held-out tastes better than the one before it.
/// </summary>
[Collection(ConsoleTests.Name)]
public sealed class FeedbackLoopTests : IAsyncLifetime
{
    private const string Model = "world";
    private const int Groups = 4, UsersPerGroup = 50, ItemsPerGroup = 20, Rounds = 3;

    private readonly AzuriteFixture _azurite = new();
    private readonly TempFolder _temp = new();
    private PipelineStorage _storage = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _storage = PipelineStorage.FromConnectionString(_azurite.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _azurite.DisposeAsync();
        _temp.Dispose();
    }

    private LocalPipeline Pipeline() => new(
        new DatasetWatcher(_storage) { SettleTime = TimeSpan.Zero },
        new QueueWorker(_storage, new StageRunner(_storage.Jobs, WorkerCommand.Stages(_storage))) { Visibility = TimeSpan.FromSeconds(30) })
    { PollInterval = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task SimulatedClicks_FindTheBetterVersionOnline_AndRetrainingOnThemRanksHeldOutTastesBetter()
    {
        var world = new TasteWorld(seed: 11);
        BlobContainerClient datasets = _storage.Container(PipelineStorage.Datasets);
        await datasets.CreateIfNotExistsAsync(cancellationToken: Ct);
        await datasets.UploadBlobAsync($"{Model}/ratings.csv", BinaryData.FromString(world.InitialRatings()), Ct);
        await datasets.UploadBlobAsync($"{Model}/{TrainingPlan.FileName}", BinaryData.FromString(
            $$"""{ "model": "{{Model}}", "prepare": { "events": { "days": 2, "clickRating": 5, "retrainAfter": 100 } }, "models": [ { "architecture": "ease" } ] }"""), Ct);
        await Pipeline().RunAsync(untilIdle: true, Ct);
        string first = (await _storage.Registry.ReadAliasAsync(Model, "champion", Ct))!.Version;

        // The challenger knows every user's taste group: better than anything trained on the noisy drop.
        string dropJob = Assert.Single(await DatasetWatcher.JobIdsAsync(_storage, Model, Ct));
        string contentHash = (await _storage.Jobs.GetStageAsync(dropJob, PrepareStage.StageKey, Ct))!.Details!["contentHash"].GetString()!;
        string prepared = await _storage.DownloadPreparedAsync(
            new PipelineMessage { Stage = PipelineStage.Train, Dataset = Model, JobId = dropJob, ContentHash = contentHash }, _temp.Combine("prepared"), Ct);
        string oracle = await TestModels.WriteMatrixFactorizationAsync(prepared, _temp.Combine("oracle"), Model, "oracle", Groups,
            (_, user) => user.Length == 0 ? new float[Groups] : TasteWorld.OneHot(TasteWorld.GroupOfUser(user)),
            (_, item) => item.Length == 0 ? new float[Groups] : TasteWorld.OneHot(TasteWorld.GroupOfItem(item)));
        await _storage.Registry.PublishAsync(Model, oracle, Ct);
        await _storage.Registry.SetAliasAsync(Model, "challenger", "oracle", null, Ct);
        await _storage.Container(ProfileStore.ContainerName).CreateIfNotExistsAsync(cancellationToken: Ct);
        await _storage.Container(ProfileStore.ContainerName).UploadBlobAsync("ab.json", BinaryData.FromString(
            $$"""{ "method": "split", "models": [ { "model": "{{Model}}", "alias": "champion" }, { "model": "{{Model}}", "alias": "challenger" } ] }"""), Ct);

        DateTimeOffset since = DateTimeOffset.UtcNow.AddMinutes(-1);
        int lists = 0, clicks = 0;
        await using (RankServer server = await StartAsync())
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            var simulator = new ClickSimulator(world.Preference, seed: 5);
            for (int round = 0; round < Rounds; round++)
            {
                foreach (string user in world.Users)
                {
                    RankResponse list = await RankAsync(http, new { profile = "ab", userId = user, history = world.History(user), top = 10, candidates = world.Unseen(user).Select(id => new { id }) });
                    lists++;
                    IReadOnlyList<FeedbackEvent> events = simulator.Respond(user, list);
                    world.Clicked(user, events.Select(e => e.ItemId!));
                    clicks += events.Count;
                    if (events.Count > 0)
                    {
                        using HttpResponseMessage accepted = await http.PostAsJsonAsync("/api/feedback", new { events }, Ct);
                        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
                    }
                }
            }
        }

        // The events the API wrote (flushed when it stopped) are read back through it and attributed per variant.
        OnlineReport report;
        await using (RankServer server = await StartAsync())
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            report = (await http.GetFromJsonAsync<OnlineReport>($"/api/models/{Model}/online?since={Uri.EscapeDataString(since.ToString("O"))}", Ct))!;
        }

        OnlineVariant champion = Assert.Single(report.Variants, v => v.Variant == $"{Model}:champion");
        OnlineVariant challenger = Assert.Single(report.Variants, v => v.Variant == $"{Model}:challenger");
        Assert.Equal((first, "oracle"), (champion.Version, challenger.Version));
        Assert.Equal(lists, champion.Lists + challenger.Lists);
        Assert.Equal(clicks, champion.Clicks + challenger.Clicks);
        Assert.Empty(report.Rejected);
        Assert.True(challenger.AgainstChampion!.Better, $"challenger CTR {challenger.Ctr:0.000} vs champion {champion.Ctr:0.000}: {challenger.AgainstChampion}");

        // Enough new clicks: the retrain timer starts a job that merges them into the next training round.
        string retrain = Assert.Single(await new RetrainScheduler(_storage).RunAsync(Ct));
        await Pipeline().RunAsync(untilIdle: true, Ct);
        StageRecord prepare = (await _storage.Jobs.GetStageAsync(retrain, PrepareStage.StageKey, Ct))!;
        Assert.Equal(clicks, prepare.Details!["feedbackEvents"].GetInt64());
        string second = TrainStage.VersionFor(retrain, "ease");
        Assert.True(await _storage.Registry.HasVersionAsync(Model, second, Ct));

        // Both versions rank the same unseen candidates; the held-out tastes were never dropped nor clicked.
        await _storage.Registry.SetAliasAsync(Model, "before", first, null, Ct);
        await _storage.Registry.SetAliasAsync(Model, "after", second, null, Ct);
        await using (RankServer server = await StartAsync())
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            double before = await HeldOutRecallAsync(http, world, "before"), after = await HeldOutRecallAsync(http, world, "after");
            Assert.True(after > before + 0.05, $"held-out recall@10 before {before:0.000}, after {after:0.000}");
        }
    }

    private Task<RankServer> StartAsync() =>
        RankServer.StartAsync(_azurite.ConnectionString, new ServingOptions { DefaultModel = Model }, port: 0, cancellationToken: Ct);

    private static async Task<RankResponse> RankAsync(HttpClient http, object request)
    {
        using HttpResponseMessage response = await http.PostAsJsonAsync("/api/rank", request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RankResponse>(Ct))!;
    }

    /// <summary>Mean over users of the share of their held-out items in the version's top 10 of everything they have not seen or clicked, from the same history.</summary>
    private static async Task<double> HeldOutRecallAsync(HttpClient http, TasteWorld world, string alias)
    {
        double sum = 0;
        foreach (string user in world.Users)
        {
            RankResponse list = await RankAsync(http, new { model = Model, alias, userId = user, history = world.History(user), top = 10, candidates = world.Unseen(user).Select(id => new { id }) });
            sum += (double)list.Items.Count(i => world.HeldOut(user).Contains(i.Id)) / world.HeldOut(user).Count;
        }

        return sum / world.Users.Count;
    }

    /// <summary>
    /// Users and items in taste groups. Each user likes their group's items; a few of those are held out (never in
    /// the data, never clicked) to measure what a model learnt. The dropped data is noisy: per user, two liked items
    /// and six of other groups.
    /// </summary>
    private sealed class TasteWorld
    {
        private readonly Dictionary<string, HashSet<string>> _held = [];
        private readonly Dictionary<string, HashSet<string>> _seen = [];

        public TasteWorld(int seed)
        {
            var random = new Random(seed);
            Users = [.. Enumerable.Range(1, Groups * UsersPerGroup).Select(u => $"{u}")];
            foreach (string user in Users)
            {
                int group = GroupOfUser(user);
                string[] liked = [.. Items.Where(i => GroupOfItem(i) == group).OrderBy(_ => random.Next())];
                _held[user] = [.. liked.Take(4)];
                _seen[user] = [.. liked.Skip(4).Take(2), .. Items.Where(i => GroupOfItem(i) != group).OrderBy(_ => random.Next()).Take(6)];
            }
        }

        public static IReadOnlyList<string> Items { get; } = [.. Enumerable.Range(1, Groups * ItemsPerGroup).Select(i => $"{i}")];

        public IReadOnlyList<string> Users { get; }

        public static int GroupOfUser(string user) => int.Parse(user, System.Globalization.CultureInfo.InvariantCulture) % Groups;

        public static int GroupOfItem(string item) => int.Parse(item, System.Globalization.CultureInfo.InvariantCulture) % Groups;

        public static float[] OneHot(int group) => [.. Enumerable.Range(0, Groups).Select(g => g == group ? 1f : 0f)];

        public HashSet<string> HeldOut(string user) => _held[user];

        /// <summary>Clicks liked, non-held-out items often and the rest rarely.</summary>
        public double Preference(string user, string item) =>
            _held[user].Contains(item) ? 0 : GroupOfItem(item) == GroupOfUser(user) ? 0.6 : 0.03;

        public IEnumerable<string> Unseen(string user) => Items.Where(i => !_seen[user].Contains(i));

        /// <summary>What the app knows the user did (the dropped rows and the clicks since), sent with each request as EASE scores from it.</summary>
        public string[] History(string user) => [.. _seen[user]];

        public void Clicked(string user, IEnumerable<string> items) => _seen[user].UnionWith(items);

        public string InitialRatings()
        {
            var lines = new StringBuilder("userId,movieId,rating,timestamp\n");
            long time = 1_000_000;
            foreach (string user in Users)
            {
                foreach (string item in _seen[user])
                {
                    lines.Append(FormattableString.Invariant($"{user},{item},5,{time++}\n"));
                }
            }

            return lines.ToString();
        }
    }
}

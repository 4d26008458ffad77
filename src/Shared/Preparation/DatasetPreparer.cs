using System.Diagnostics;
using System.Globalization;
using Parquet;
using Parquet.Schema;
using Recsys.Data;
using Recsys.Features;
using Recsys.Storage;

namespace Recsys.Preparation;

/// <summary>
/// Turns a raw dataset into a prepared one: parse and validate (bad rows to quarantine), deduplicate, convert
/// to implicit feedback, k-core filter, build vocabularies, split, and publish Parquet + spec + stats in one
/// step. The input files are only ever read.
/// </summary>
public static class DatasetPreparer
{
    private const int MaxTextVocabulary = 50_000;

    public static async Task<PrepareResult> PrepareAsync(
        PrepareOptions options, IPreparedOutput output, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        long started = Stopwatch.GetTimestamp();
        DatasetLayout layout = FormatDetector.Resolve(options.Dataset, options.Format, ColumnNames.Parse(options.Columns), options.ItemsFile) with
        {
            EventFiles = FeedbackInteractionReader.Files(options.Events),
        };
        string canonical = options.Canonical(layout);
        progress?.Report("hashing input");
        string hash = await ContentHash.ComputeAsync(layout, canonical, cancellationToken);
        string name = options.Name ?? layout.Name;

        PrepareStats? existing = await output.TryGetExistingAsync(hash, cancellationToken);
        if (existing is not null)
        {
            return new PrepareResult(hash, Reused: true, output.Describe(hash), existing);
        }

        string staging = output.CreateStagingFolder(hash);
        try
        {
            PrepareStats stats;
            try
            {
                stats = await BuildAsync(layout, options, name, hash, canonical, staging, progress, started, cancellationToken);
            }
            catch (DatasetException ex) when (HasRejectedRows(Path.Combine(staging, PreparedFiles.Quarantine)))
            {
                string where = await output.SaveRejectedAsync(Path.Combine(staging, PreparedFiles.Quarantine), name, hash, cancellationToken);
                throw new DatasetException($"{ex.Message} Rejected rows are in {where}.", ex);
            }

            progress?.Report("publishing");
            await output.PublishAsync(staging, hash, cancellationToken);
            return new PrepareResult(hash, Reused: false, output.Describe(hash), stats);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static async Task<PrepareStats> BuildAsync(
        DatasetLayout layout, PrepareOptions options, string name, string hash, string canonical, string staging,
        IProgress<string>? progress, long started, CancellationToken cancellationToken)
    {
        string file = Path.GetFileName(layout.InteractionsFile);
        long inputBytes = new FileInfo(layout.InteractionsFile).Length;
        // About 20 bytes of text per row in typical rating files; each bucket then holds ~RowsPerBucket rows.
        int bucketCount = (int)Math.Clamp((inputBytes / 20 + options.RowsPerBucket - 1) / options.RowsPerBucket, 1, 4096);
        using var buckets = new InteractionBuckets(Path.Combine(Path.GetTempPath(), $"recsys-buckets-{Guid.NewGuid():N}"), bucketCount);
        using var quarantine = new QuarantineWriter(Path.Combine(staging, PreparedFiles.Quarantine));
        var collector = new InteractionCollector(buckets, quarantine);

        progress?.Report($"reading {file}");
        bool hasRating;
        bool hasTimestamp;
        if (layout.Format == DatasetFormat.Parquet)
        {
            (hasRating, hasTimestamp) = await ParquetInteractionReader.ReadAsync(layout.InteractionsFile, layout.ColumnNames, collector, cancellationToken);
        }
        else if (layout.Format == DatasetFormat.Sequences)
        {
            SequenceInteractionReader.Read(layout.InteractionsFile, options.MaxLineBytes, collector, cancellationToken);
            (hasRating, hasTimestamp) = (false, true);
        }
        else
        {
            DelimitedInteractionReader.Read(layout.InteractionsFile, layout.Delimited!, layout.Columns!, options.MaxLineBytes, collector, cancellationToken);
            (hasRating, hasTimestamp) = (layout.Columns!.Rating >= 0, layout.Columns.Timestamp >= 0);
        }

        long feedbackEvents = 0;
        List<(string User, string Item, long Timestamp)> shownNotClicked = [];
        // Rows from here on are feedback: they train, and never move the dataset's own rows between splits.
        int feedbackFrom = collector.NextSequence;
        if (layout.EventFiles.Count > 0)
        {
            progress?.Report($"merging feedback events from {layout.EventFiles.Count:N0} files");
            float click = options.ClickRating ?? (hasRating && collector.Accepted > 0 ? collector.MaxRating : 1f);
            (feedbackEvents, shownNotClicked) = FeedbackInteractionReader.Read(layout.EventFiles, options, click, collector, DateTimeOffset.UtcNow, cancellationToken);
        }

        buckets.CompleteWriting();
        quarantine.Flush();
        long rejected = quarantine.Total;
        var rejectedByReason = new Dictionary<string, long>(quarantine.CountsByReason, StringComparer.Ordinal);
        if (collector.Accepted == 0)
        {
            throw new DatasetException(rejected == 0
                ? $"No usable rows in '{file}': it has no data rows."
                : $"No usable rows in '{file}': all {rejected:N0} rows were rejected ({Describe(rejectedByReason)}).");
        }

        if (!hasTimestamp && options.Split is not (SplitMethod.Stratified or SplitMethod.StratifiedByItem or SplitMethod.ColdItems))
        {
            throw new DatasetException($"The {options.Split.ToName()} split needs timestamps, and '{file}' has no timestamp column (map one with --columns timestamp=<col>).");
        }

        progress?.Report("removing duplicates");
        int[] userDegree = new int[collector.Users.Count];
        int[] itemDegree = new int[collector.Items.Count];
        (long duplicates, long belowThreshold) = Deduplicate(buckets, options, userDegree, itemDegree, feedbackFrom);
        long removedByKCore = options.KCore > 1 ? FilterKCore(buckets, options.KCore, ref userDegree, ref itemDegree) : 0;

        (int[] userFinal, string[] userIds) = collector.Users.Finalise(u => userDegree[u] > 0);
        (int[] itemFinal, string[] itemIds) = collector.Items.Finalise(i => itemDegree[i] > 0);
        long interactions = userDegree.Sum(d => (long)d);
        if (interactions == 0)
        {
            throw new DatasetException(
                $"No interactions left after cleaning '{file}' ({duplicates:N0} duplicates, {belowThreshold:N0} below the implicit threshold, " +
                $"{removedByKCore:N0} removed by the {options.KCore}-core filter).");
        }

        var (trainCut, validationCut) = options.Split == SplitMethod.Temporal
            ? SplitAssigner.TemporalCuts(CollectTimestamps(buckets, feedbackFrom), options.Ratios)
            : (0L, 0L);
        ItemStratifiedCuts? itemCuts = options.Split == SplitMethod.StratifiedByItem
            ? ItemStratifiedCuts.Build(buckets, userFinal, itemFinal, itemIds.Length, options.Ratios, options.Seed)
            : null;
        var assigner = new SplitAssigner(options.Split, options.Ratios, options.Seed, trainCut, validationCut, itemCuts);

        // Shown and not clicked, unless the user has the item anyway (the dataset or a later click says otherwise).
        Dictionary<long, long> negatives = options.ImpressionNegatives ? ShownNotClicked(shownNotClicked, collector, userFinal, itemFinal) : [];

        progress?.Report("splitting and writing");
        var writers = new SplitWriter?[3];
        var kept = new KeptRange();
        SplitPart[] parts = new SplitPart[256];
        try
        {
            writers[(int)SplitPart.Train] = await SplitWriter.CreateAsync(Path.Combine(staging, PreparedFiles.Train), cancellationToken);
            writers[(int)SplitPart.Test] = await SplitWriter.CreateAsync(Path.Combine(staging, PreparedFiles.Test), cancellationToken);
            if (assigner.HasValidation)
            {
                writers[(int)SplitPart.Validation] = await SplitWriter.CreateAsync(Path.Combine(staging, PreparedFiles.Validation), cancellationToken);
            }

            for (int b = 0; b < buckets.Count; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Interaction[] rows = buckets.Read(b, out int length);
                try
                {
                    // Rows are still grouped by user from the dedupe pass; writers flush between users.
                    for (int start = 0; start < length;)
                    {
                        start = WriteUser(rows, start, length, userFinal, itemFinal, userIds, assigner, writers, ref parts, kept, feedbackFrom, negatives);
                        foreach (SplitWriter? writer in writers)
                        {
                            if (writer is { IsFull: true })
                            {
                                await writer.FlushAsync(cancellationToken);
                            }
                        }
                    }
                }
                finally
                {
                    InteractionBuckets.Release(rows);
                }
            }

            foreach (SplitWriter? writer in writers)
            {
                if (writer is not null)
                {
                    await writer.FlushAsync(cancellationToken);
                }
            }
        }
        finally
        {
            foreach (SplitWriter? writer in writers)
            {
                if (writer is not null)
                {
                    await writer.DisposeAsync();
                }
            }
        }

        await WriteNegativesAsync(Path.Combine(staging, PreparedFiles.Negatives), negatives, cancellationToken);

        progress?.Report("writing vocabularies and item features");
        long rejectedBeforeMetadata = quarantine.Total;
        ItemCatalogReader catalogue = ReadCatalogue(layout, options.MaxLineBytes, quarantine);
        await WriteUsersAsync(Path.Combine(staging, PreparedFiles.Users), userIds, cancellationToken);
        if (catalogue.UserTags.Count > 0)
        {
            await WriteUserTextAsync(Path.Combine(staging, PreparedFiles.UserText), userIds, catalogue.UserTags, cancellationToken);
        }

        ItemFeatures features = await WriteItemsAsync(Path.Combine(staging, PreparedFiles.Items), itemIds, catalogue.Items, cancellationToken);

        bool isImplicit = options.ImplicitAll || options.ImplicitMinRating is not null || !hasRating;
        var spec = new FeatureSpec
        {
            Users = new EntitySpec(PreparedFiles.Users, userIds.Length),
            Items = new EntitySpec(PreparedFiles.Items, itemIds.Length),
            Label = isImplicit ? new LabelSpec(LabelKind.Implicit, 1, 1) : new LabelSpec(LabelKind.Rating, kept.MinRating, kept.MaxRating),
            HasTimestamps = hasTimestamp,
            Genres = features.Genres,
            Text = new TextFeatureSpec { Vocabulary = features.TextVocabulary },
        };
        await File.WriteAllTextAsync(Path.Combine(staging, PreparedFiles.Spec), spec.ToJson(), cancellationToken);

        var splits = new Dictionary<string, SplitCounts>(StringComparer.Ordinal);
        foreach (SplitPart part in Enum.GetValues<SplitPart>())
        {
            if (writers[(int)part] is { } w)
            {
                splits[part.ToString().ToLowerInvariant()] = new SplitCounts(w.Rows, w.Users, w.Items);
            }
        }

        int users = userIds.Length - 1;
        int items = itemIds.Length - 1;
        var stats = new PrepareStats
        {
            Dataset = name,
            Format = layout.Format.ToName(),
            ContentHash = hash,
            Options = canonical,
            Rows = new RowCounts(collector.Accepted + rejected, collector.Accepted, rejected, duplicates, belowThreshold, removedByKCore),
            RejectedByReason = rejectedByReason,
            ItemMetadataRejected = quarantine.Total - rejectedBeforeMetadata,
            Users = users,
            Items = items,
            Interactions = interactions,
            FeedbackEvents = feedbackEvents,
            ImpressionNegatives = negatives.Count,
            Sparsity = 1 - (interactions / ((double)users * items)),
            Rating = hasRating ? new RatingRange(collector.MinRating, collector.MaxRating, collector.RatingSum / collector.Accepted) : null,
            Timestamps = hasTimestamp ? new TimeRange(kept.MinTimestamp, kept.MaxTimestamp) : null,
            Splits = splits,
            ItemsWithMetadata = features.ItemsWithMetadata,
            Genres = features.Genres.Count,
            TextTokens = features.TextVocabulary.Count,
            ElapsedSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds,
        };
        quarantine.Flush();
        // stats.json last: in Blob Storage its presence marks the prepared dataset complete.
        await File.WriteAllTextAsync(Path.Combine(staging, PreparedFiles.Stats), stats.ToJson(), cancellationToken);
        return stats;
    }

    /// <param name="feedbackFrom">The first row read from feedback events; a pair the dataset also has keeps the dataset row's place (its split), with the latest value.</param>
    private static (long Duplicates, long BelowThreshold) Deduplicate(InteractionBuckets buckets, PrepareOptions options, int[] userDegree, int[] itemDegree, int feedbackFrom)
    {
        long duplicates = 0;
        long belowThreshold = 0;
        for (int b = 0; b < buckets.Count; b++)
        {
            Interaction[] rows = buckets.Read(b, out int length);
            Span<Interaction> span = rows.AsSpan(0, length);
            buckets.SortByUserItemTime(span, userDegree.Length);
            int kept = 0;
            int datasetSequence = -1;
            for (int i = 0; i < span.Length; i++)
            {
                if (span[i].Sequence < feedbackFrom && datasetSequence < 0)
                {
                    datasetSequence = span[i].Sequence;
                }

                // Sorted by time within a user-item pair: only the last (latest) of a run is kept.
                if (i + 1 < span.Length && span[i + 1].User == span[i].User && span[i + 1].Item == span[i].Item)
                {
                    duplicates++;
                    continue;
                }

                Interaction row = span[i];
                if (row.Sequence >= feedbackFrom && datasetSequence >= 0)
                {
                    row.Sequence = datasetSequence;
                }

                datasetSequence = -1;
                if (options.ImplicitMinRating is { } min)
                {
                    if (row.Rating < min)
                    {
                        belowThreshold++;
                        continue;
                    }

                    row.Rating = 1f;
                }
                else if (options.ImplicitAll)
                {
                    row.Rating = 1f;
                }

                span[kept++] = row;
                userDegree[row.User]++;
                itemDegree[row.Item]++;
            }

            buckets.Rewrite(b, span[..kept]);
            InteractionBuckets.Release(rows);
        }

        return (duplicates, belowThreshold);
    }

    // Removing a user can push an item below k and vice versa, so passes repeat until nothing changes.
    private static long FilterKCore(InteractionBuckets buckets, int k, ref int[] userDegree, ref int[] itemDegree)
    {
        long removed = 0;
        while (Array.Exists(userDegree, d => d > 0 && d < k) || Array.Exists(itemDegree, d => d > 0 && d < k))
        {
            int[] users = new int[userDegree.Length];
            int[] items = new int[itemDegree.Length];
            for (int b = 0; b < buckets.Count; b++)
            {
                Interaction[] rows = buckets.Read(b, out int length);
                int kept = 0;
                for (int i = 0; i < length; i++)
                {
                    Interaction row = rows[i];
                    if (userDegree[row.User] >= k && itemDegree[row.Item] >= k)
                    {
                        rows[kept++] = row;
                        users[row.User]++;
                        items[row.Item]++;
                    }
                    else
                    {
                        removed++;
                    }
                }

                buckets.Rewrite(b, rows.AsSpan(0, kept));
                InteractionBuckets.Release(rows);
            }

            userDegree = users;
            itemDegree = items;
        }

        return removed;
    }

    // A temporal split needs one global cut, hence every kept timestamp (8 bytes a row) at once.
    /// <summary>The dataset rows' timestamps (feedback rows, which always train, do not move the temporal cuts).</summary>
    private static long[] CollectTimestamps(InteractionBuckets buckets, int feedbackFrom)
    {
        var timestamps = new List<long>();
        for (int b = 0; b < buckets.Count; b++)
        {
            Interaction[] rows = buckets.Read(b, out int length);
            for (int i = 0; i < length; i++)
            {
                if (rows[i].Sequence < feedbackFrom)
                {
                    timestamps.Add(rows[i].Timestamp);
                }
            }

            InteractionBuckets.Release(rows);
        }

        return [.. timestamps];
    }

    /// <summary>Splits and buffers the rows of the user starting at <paramref name="start"/>; returns where the next user starts.</summary>
    private static int WriteUser(
        Interaction[] rows, int start, int length, int[] userFinal, int[] itemFinal, string[] userIds, SplitAssigner assigner,
        SplitWriter?[] writers, ref SplitPart[] parts, KeptRange kept, int feedbackFrom, Dictionary<long, long> negatives)
    {
        int user = rows[start].User;
        int end = start + 1;
        while (end < length && rows[end].User == user)
        {
            end++;
        }

        Span<Interaction> group = rows.AsSpan(start, end - start);
        for (int i = 0; i < group.Length; i++)
        {
            group[i].User = userFinal[group[i].User];
            group[i].Item = itemFinal[group[i].Item];
            negatives.Remove(PairKey(group[i].User, group[i].Item));
        }

        if (parts.Length < group.Length)
        {
            parts = new SplitPart[group.Length * 2];
        }

        // Feedback rows go last and train; the dataset's rows are split exactly as they would be without them.
        int own = 0;
        for (int i = 0; i < group.Length; i++)
        {
            if (group[i].Sequence < feedbackFrom)
            {
                (group[own], group[i]) = (group[i], group[own]);
                own++;
            }
        }

        if (own > 0)
        {
            assigner.Assign(group[..own], userIds[group[0].User], parts);
        }

        parts.AsSpan(own, group.Length - own).Clear(); // SplitPart.Train
        for (int i = 0; i < group.Length; i++)
        {
            ref Interaction row = ref group[i];
            writers[(int)parts[i]]!.Add(row.User, row.Item, row.Rating, row.Timestamp);
            kept.Observe(row.Rating, row.Timestamp);
        }

        return end;
    }

    private static ItemCatalogReader ReadCatalogue(DatasetLayout layout, int maxLineBytes, QuarantineWriter quarantine)
    {
        var reader = new ItemCatalogReader(maxLineBytes, quarantine.Write);
        IReadOnlyList<string> genres100K = layout.ItemSources.FirstOrDefault(s => s.Kind == ItemSourceKind.MovieLens100KGenres) is { } g
            ? ItemCatalogReader.ReadMovieLens100KGenres(g.Path)
            : [];
        foreach (ItemSource source in layout.ItemSources)
        {
            switch (source.Kind)
            {
                case ItemSourceKind.MovieLens100KItems: reader.ReadMovieLens100KItems(source.Path, genres100K); break;
                case ItemSourceKind.MoviesDat: reader.ReadMovies(source.Path, DelimitedFormat.MovieLensDat); break;
                case ItemSourceKind.MoviesCsv: reader.ReadMovies(source.Path, DelimitedFormat.MovieLensCsv); break;
                case ItemSourceKind.TagsDat: reader.ReadTags(source.Path, DelimitedFormat.MovieLensDat); break;
                case ItemSourceKind.TagsCsv: reader.ReadTags(source.Path, DelimitedFormat.MovieLensCsv); break;
                case ItemSourceKind.Generic: reader.ReadGeneric(source.Path, layout.ColumnNames.Item); break;
                case ItemSourceKind.MovieLens100KGenres: break;
            }
        }

        return reader;
    }

    private static long PairKey(int user, int item) => ((long)user << 32) | (uint)item;

    /// <summary>The shown-and-not-clicked pairs by final indices (key → time); pairs the vocabularies do not keep are left out.</summary>
    private static Dictionary<long, long> ShownNotClicked(
        List<(string User, string Item, long Timestamp)> shown, InteractionCollector collector, int[] userFinal, int[] itemFinal)
    {
        var negatives = new Dictionary<long, long>();
        foreach (var (user, item, timestamp) in shown)
        {
            int u = collector.Users.IndexOf(user), i = collector.Items.IndexOf(item);
            if (u >= 0 && i >= 0 && userFinal[u] > 0 && itemFinal[i] > 0)
            {
                negatives.TryAdd(PairKey(userFinal[u], itemFinal[i]), timestamp);
            }
        }

        return negatives;
    }

    /// <summary>Writes the explicit negatives (label 0), ordered by user and item; nothing when there are none.</summary>
    private static async Task WriteNegativesAsync(string path, Dictionary<long, long> negatives, CancellationToken cancellationToken)
    {
        if (negatives.Count == 0)
        {
            return;
        }

        await using SplitWriter writer = await SplitWriter.CreateAsync(path, cancellationToken);
        foreach (var (key, timestamp) in negatives.OrderBy(n => n.Key))
        {
            writer.Add((int)(key >> 32), (int)(uint)key, 0f, timestamp);
        }

        await writer.FlushAsync(cancellationToken);
    }

    private static Task WriteUsersAsync(string path, string[] userIds, CancellationToken cancellationToken) =>
        WriteByIndexAsync(path, "id", userIds[1..], cancellationToken);

    /// <summary>
    /// Each user's own tags, joined by '|' (empty for users who wrote none), for indices 1..N; tags by users who
    /// have no interactions left are dropped with them.
    /// </summary>
    private static Task WriteUserTextAsync(string path, string[] userIds, IReadOnlyDictionary<string, List<string>> tags, CancellationToken cancellationToken) =>
        WriteByIndexAsync(path, "tags", [.. userIds[1..].Select(u => tags.TryGetValue(u, out List<string>? written) ? string.Join('|', written) : string.Empty)], cancellationToken);

    /// <summary>One string column for indices 1..N, beside the index.</summary>
    private static async Task WriteByIndexAsync(string path, string column, string[] values, CancellationToken cancellationToken)
    {
        var index = new DataField<int>("index");
        var field = new DataField<string>(column);
        await using var stream = File.Create(path);
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(index, field), stream, cancellationToken: cancellationToken);
        using ParquetRowGroupWriter group = writer.CreateRowGroup();
        await group.WriteAsync(index, new ReadOnlyMemory<int>(Enumerable.Range(1, values.Length).ToArray()), null, null, cancellationToken);
        await group.WriteAsync(field, values, null);
    }

    private sealed record ItemFeatures(IReadOnlyList<string> Genres, IReadOnlyList<string> TextVocabulary, int ItemsWithMetadata);

    private static async Task<ItemFeatures> WriteItemsAsync(
        string path, string[] itemIds, IReadOnlyDictionary<string, ItemInfo> catalogue, CancellationToken cancellationToken)
    {
        int n = itemIds.Length - 1;
        string[] titles = new string[n];
        string[] genres = new string[n];
        string[] tags = new string[n];
        var genreNames = new SortedSet<string>(StringComparer.Ordinal);
        int withMetadata = 0;
        for (int i = 0; i < n; i++)
        {
            if (catalogue.TryGetValue(itemIds[i + 1], out ItemInfo? info))
            {
                withMetadata++;
                titles[i] = info.Title ?? string.Empty;
                genres[i] = string.Join('|', info.Genres);
                tags[i] = string.Join(' ', info.Tags);
                genreNames.UnionWith(info.Genres);
            }
            else
            {
                titles[i] = genres[i] = tags[i] = string.Empty;
            }
        }

        var index = new DataField<int>("index");
        var id = new DataField<string>("id");
        var title = new DataField<string>("title");
        var genre = new DataField<string>("genres");
        var tag = new DataField<string>("tags");
        await using (var stream = File.Create(path))
        {
            await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(index, id, title, genre, tag), stream, cancellationToken: cancellationToken);
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await group.WriteAsync(index, new ReadOnlyMemory<int>(Enumerable.Range(1, n).ToArray()), null, null, cancellationToken);
            await group.WriteAsync(id, itemIds[1..], null);
            await group.WriteAsync(title, titles, null);
            await group.WriteAsync(genre, genres, null);
            await group.WriteAsync(tag, tags, null);
        }

        IReadOnlyList<string> vocabulary = TextTokenizer.BuildVocabulary(titles.Concat(tags), MaxTextVocabulary);
        return new ItemFeatures([.. genreNames], vocabulary, withMetadata);
    }

    private static bool HasRejectedRows(string quarantineFile) =>
        File.Exists(quarantineFile) && File.ReadLines(quarantineFile).Skip(1).Any();

    private static string Describe(IReadOnlyDictionary<string, long> counts) =>
        string.Join(", ", counts.OrderByDescending(p => p.Value).Select(p => $"{p.Key}: {p.Value.ToString("N0", CultureInfo.InvariantCulture)}"));

    /// <summary>Label and time ranges over the rows that made it into the splits.</summary>
    private sealed class KeptRange
    {
        public float MinRating { get; private set; } = float.PositiveInfinity;

        public float MaxRating { get; private set; } = float.NegativeInfinity;

        public long MinTimestamp { get; private set; } = long.MaxValue;

        public long MaxTimestamp { get; private set; } = long.MinValue;

        public void Observe(float rating, long timestamp)
        {
            if (rating < MinRating) { MinRating = rating; }
            if (rating > MaxRating) { MaxRating = rating; }
            if (timestamp < MinTimestamp) { MinTimestamp = timestamp; }
            if (timestamp > MaxTimestamp) { MaxTimestamp = timestamp; }
        }
    }
}

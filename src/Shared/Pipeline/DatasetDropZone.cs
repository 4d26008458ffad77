using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Recsys.Storage;

namespace Recsys.Pipeline;

/// <summary>
/// <c>POST /api/datasets/{name}?file=ratings.csv</c>: streams a file into <c>datasets/{name}/{file}</c>, the same
/// drop zone Event Grid (or the local watcher) reacts to. Files are never overwritten: a dataset is immutable
/// once dropped; send a new name to replace it.
/// </summary>
public sealed class DatasetDropZone
{
    private readonly BlobContainerClient _datasets;

    public DatasetDropZone(BlobContainerClient datasets) => _datasets = datasets;

    public long MaxBytes { get; init; } = 1L << 30;

    public async Task<DatasetUpload> UploadAsync(string name, string? file, Stream body, long? length, CancellationToken cancellationToken = default)
    {
        ResourceName.Require(name, "dataset");
        ResourceName.Require(file, "file");
        if (length > MaxBytes)
        {
            throw new DatasetTooLargeException(MaxBytes);
        }

        await _datasets.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        BlobClient blob = _datasets.GetBlobClient($"{name}/{file}");
        try
        {
            BlobContentInfo info = await blob.UploadAsync(
                new LimitedStream(body, MaxBytes),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
            if (file != DatasetWatcher.ReadyFileName)
            {
                return new DatasetUpload(name, file!, info.ETag.ToString(), null, null, $"Upload {DatasetWatcher.ReadyFileName} last to start the job.");
            }

            // The ready file completes the drop: the job it starts is known now, so the caller can follow it.
            string jobId = await DatasetWatcher.JobIdOfDropAsync(_datasets, name, cancellationToken);
            return new DatasetUpload(name, file!, info.ETag.ToString(), jobId, $"/api/jobs/{jobId}", null);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            throw new DatasetExistsException(name, file!, ex);
        }
    }

    /// <summary>Reads at most the limit, then fails, so a body without a length cannot exceed it either.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        // The storage SDK reads through this overload; the base one would fall back to a synchronous Read.
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit
                ? throw new DatasetTooLargeException(limit)
                : read;
        }
    }
}

/// <summary>The dropped file; once the ready file completes the drop, the job it starts and where to follow it.</summary>
/// <param name="JobId">The job the completed drop starts (null until the ready file is uploaded).</param>
/// <param name="Job">The job's route, <c>/api/jobs/{id}</c>.</param>
/// <param name="Next">What the caller still has to do, when the drop is not complete.</param>
public sealed record DatasetUpload(string Dataset, string File, string ETag, string? JobId, string? Job, string? Next);
